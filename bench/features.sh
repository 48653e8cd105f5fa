#!/usr/bin/env bash
# Feature cost/accuracy table (not part of `dotnet test`): fits the shipped trainer on each feature
# variant (data/stance.csv), prints test and OOD macro-F1, then scores a generated corpus with each
# model through classifier-score and prints CPU microseconds per row (user+sys, which other load on
# the machine disturbs far less than wall time). The shipped model and its default features are not
# touched; models go to bench/out/v-<variant>.zip.
#
#   bench/features.sh [ROWS] [VARIANTS]     defaults: 200000  w2c4,w2,w2c3,w1c3
#   (w<N>: word 1..N-grams; c<N>: a char N-gram block; w2c4 is the shipped feature set)
source "$(dirname "$0")/common.sh"
ROWS=${1:-200000}
VARIANTS=${2:-w2c4,w2,w2c3,w1c3}

"$BENCH" generate --rows "$ROWS" --out "$OUT/features-corpus.csv"
"$BENCH" features --variants "$VARIANTS" --out "$OUT"

echo "== scoring $ROWS rows CSV -> CSV, $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg); best of 2 runs"
for v in ${VARIANTS//,/ }; do
    best=""
    for run in 1 2; do
        /usr/bin/time -f "%U %S %e" -o "$OUT/time.txt" "$SCORE" --model "$OUT/v-$v.zip" \
            --input "$OUT/features-corpus.csv" --output "$OUT/features-scored.csv" --force --quiet
        read -r user sys elapsed < "$OUT/time.txt"
        us=$(awk -v u="$user" -v s="$sys" -v r="$ROWS" 'BEGIN { printf "%.0f", (u + s) * 1e6 / r }')
        if [ -z "$best" ] || [ "$us" -lt "$best" ]; then best=$us; wall=$elapsed; fi
    done
    printf '%-8s %6s CPU us/row  (%s s wall)\n' "$v" "$best" "$wall"
done
