#!/usr/bin/env bash
# Settings chosen on the development file (not part of `dotnet test`): fits each candidate on
# data/stance.csv and prints its macro-F1 on data/stance-dev.csv and its worst register. The test and
# out-of-domain files are not scored, so choosing by this table cannot tune to them.
#
#   bench/sweep.sh [CANDIDATES]    candidates: trainer:features:variant:cap:l2, comma separated
#   (variant w<N>c<N>...: word 1..N-grams and char N-gram blocks, as in bench/features.sh)
source "$(dirname "$0")/common.sh"
CANDIDATES=${1:-lbfgs:ngrams:w2c4:20000:0.1,lbfgs:ngrams:w2c4:20000:0.03,lbfgs:ngrams:w2c4:20000:0.3,lbfgs:ngrams:w2c4:50000:0.1,lbfgs:ngrams:w2c3:50000:0.1,lbfgs:ngrams:w2c3c4:50000:0.1,lbfgs:ngrams:w3c4:50000:0.1,lbfgs:ngrams:w1c4:50000:0.1,sdca:ngrams:w2c4:50000:0.0001}
"$BENCH" sweep --candidates "$CANDIDATES"
