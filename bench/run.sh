#!/usr/bin/env bash
# Scoring benchmark (not part of `dotnet test`): generates a news-like corpus, trains fastText on
# data/stance.csv, then times `fasttext predict-prob` and `classifier-score` on the same texts and
# prints rows/s, CPU seconds and peak memory (RSS) of each, and where our microseconds per row go.
#
#   bench/run.sh [ROWS]          default 1000000; e.g. bench/run.sh 10000000 for the memory check
#
# Needs: the .NET SDK, fastText and GNU time:  apt-get install -y fasttext time
# Other load on the machine slows both programs; compare the CPU seconds when it is not quiet.
# bench/features.sh prints the CPU cost and accuracy of other feature sets.
# fastText runs with its defaults besides -wordNgrams 2 (bucket 2,000,000: a 770 MB model).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
OUT=${BENCH_OUT:-bench/out}
mkdir -p "$OUT"

dotnet build src/Classifier.Scoring -c Release -v q -nologo >/dev/null
dotnet build bench/Classifier.Benchmarks -c Release -v q -nologo >/dev/null
BENCH=bench/Classifier.Benchmarks/bin/Release/net10.0/classifier-bench
SCORE=src/Classifier.Scoring/bin/Release/net10.0/classifier-score

"$BENCH" generate --rows "$ROWS" --out "$OUT/corpus.csv"
"$BENCH" fasttext-files --corpus "$OUT/corpus.csv" --train "$OUT/ft-train.txt" --texts "$OUT/ft-texts.txt"
fasttext supervised -input "$OUT/ft-train.txt" -output "$OUT/ft-model" -wordNgrams 2 -epoch 25 -lr 0.5 -thread 2 -verbose 0

# measure NAME STDOUT-FILE COMMAND...: wall seconds, rows/s, CPU seconds (user+sys), peak RSS.
measure() {
    local name=$1 into=$2; shift 2
    /usr/bin/time -f "%e %M %U %S" -o "$OUT/time.txt" "$@" > "$into"
    read -r elapsed rss user sys < "$OUT/time.txt"
    local rate cpu
    rate=$(awk -v r="$ROWS" -v e="$elapsed" 'BEGIN { printf "%.0f", r / e }')
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')
    local us
    us=$(awk -v c="$cpu" -v r="$ROWS" 'BEGIN { printf "%.1f", c * 1e6 / r }')
    printf '%-34s %8.1f s  %9s rows/s  %7s CPU s (%5s CPU us/row)  %6d MB peak RSS\n' "$name" "$elapsed" "$rate" "$cpu" "$us" "$((rss / 1024))"
    echo "$rate" > "$OUT/$name.rate"
}

echo "== $ROWS rows, $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
measure fasttext-predict-prob "$OUT/ft-pred.txt" fasttext predict-prob "$OUT/ft-model.bin" "$OUT/ft-texts.txt" 3
measure classifier-score-csv /dev/null "$SCORE" --input "$OUT/corpus.csv" --output "$OUT/scored.csv" --force --quiet
awk -v a="$(cat "$OUT/classifier-score-csv.rate")" -v b="$(cat "$OUT/fasttext-predict-prob.rate")" \
    'BEGIN { printf "classifier-score / fastText: %.2fx (target >= 1.1x; target >= 100,000 rows/s)\n", a / b }'

echo "== where the time goes (one thread, CPU microseconds per row)"
"$BENCH" profile --input "$OUT/corpus.csv" --rows 20000
