#!/usr/bin/env bash
# Scoring benchmark (not part of `dotnet test`): generates a news-like corpus (about 25 words a row),
# trains fastText on data/stance.csv, then on the same texts times
#   - fastText predict-prob, default settings (word unigrams: its fastest model) and -wordNgrams 2;
#   - classifier-score CSV in -> CSV out with the shipped model: the default (compiled) engine, three
#     runs, and the ML.NET engine (model.Transform) once;
# and prints wall seconds, rows/s, CPU microseconds per row and peak memory (RSS) of each, the ratio
# to the faster fastText, and where a row's microseconds go (one thread, by stage).
#
#   bench/run.sh [ROWS]          default 1000000
#   bench/memory.sh              peak memory at 1,000,000 and 10,000,000 rows
#
# Needs: the .NET SDK, fastText and GNU time:  apt-get install -y fasttext time
# Other load on the machine slows every program; compare CPU microseconds per row when it is not quiet.
source "$(dirname "$0")/common.sh"
ROWS=${1:-1000000}

"$BENCH" generate --rows "$ROWS" --out "$OUT/corpus.csv"
"$BENCH" fasttext-files --corpus "$OUT/corpus.csv" --train "$OUT/ft-train.txt" --texts "$OUT/ft-texts.txt" \
    --test data/stance-test.csv --test-out "$OUT/ft-test.txt"
fasttext supervised -input "$OUT/ft-train.txt" -output "$OUT/ft-w1" -epoch 25 -lr 0.5 -thread 2 -verbose 0
fasttext supervised -input "$OUT/ft-train.txt" -output "$OUT/ft-w2" -wordNgrams 2 -epoch 25 -lr 0.5 -thread 2 -verbose 0

# measure NAME STDOUT-FILE COMMAND...: wall seconds, rows/s, CPU microseconds per row, peak RSS.
measure() {
    local name=$1 into=$2; shift 2
    rm -f "$OUT/scored.csv"
    /usr/bin/time -f "%e %M %U %S" -o "$OUT/time.txt" "$@" > "$into"
    read -r elapsed rss user sys < "$OUT/time.txt"
    local rate us
    rate=$(awk -v r="$ROWS" -v e="$elapsed" 'BEGIN { printf "%.0f", r / e }')
    us=$(awk -v u="$user" -v s="$sys" -v r="$ROWS" 'BEGIN { printf "%.1f", (u + s) * 1e6 / r }')
    printf '%-36s %7.2f s  %8s rows/s  %6s CPU us/row  %5d MB peak RSS\n' "$name" "$elapsed" "$rate" "$us" "$((rss / 1024))"
    echo "$rate" >> "$OUT/$name.rates"
}

echo "== $ROWS rows, $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -f "$OUT"/*.rates
for model in w1 w2; do
    measure "fasttext-predict-prob-$model" "$OUT/ft-pred.txt" fasttext predict-prob "$OUT/ft-$model.bin" "$OUT/ft-texts.txt" 3
done
for run in 1 2 3; do
    measure classifier-score "$OUT/score-stdout.txt" "$SCORE" --input "$OUT/corpus.csv" --output "$OUT/scored.csv" --quiet
done
measure classifier-score-mlnet-engine "$OUT/score-stdout.txt" "$SCORE" --input "$OUT/corpus.csv" --output "$OUT/scored.csv" --quiet --engine mlnet

median() { sort -n "$1" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
ours=$(median "$OUT/classifier-score.rates")
w1=$(cat "$OUT/fasttext-predict-prob-w1.rates")
w2=$(cat "$OUT/fasttext-predict-prob-w2.rates")
fastest=$(( w1 > w2 ? w1 : w2 ))
awk -v a="$ours" -v b="$fastest" 'BEGIN {
    printf "classifier-score (median of 3): %d rows/s = %.2fx the faster fastText (targets: >= 100,000 rows/s and >= 1.1x)\n", a, a / b }'

echo "== accuracy on data/stance-test.csv (fastText P@1 is its accuracy)"
for model in w1 w2; do printf 'fastText %s: ' "$model"; fasttext test "$OUT/ft-$model.bin" "$OUT/ft-test.txt" | awk '/^P@1/ { print "accuracy", $2 }'; done
# The card's first plain "accuracy" figure is the test set's (the cross-validation one is a mean/sd pair).
echo "classifier (models/stance.card.json): accuracy $(grep -o '"accuracy": [0-9][0-9.]*' models/stance.card.json | head -1 | grep -o '[0-9.]*$')"

echo "== where the time goes (one thread, CPU microseconds per row)"
"$BENCH" profile --input "$OUT/corpus.csv" --rows 20000
