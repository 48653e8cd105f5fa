#!/usr/bin/env bash
# Peak memory of a scoring run does not grow with the corpus: classifier-score CSV -> CSV with the
# shipped model on a generated 1,000,000-row and a 10,000,000-row corpus (1.8 GB in, 2.4 GB out),
# printing wall seconds, rows/s and peak RSS of each (GNU time).
#
#   bench/memory.sh [ROWS...]     default: 1000000 10000000
source "$(dirname "$0")/common.sh"

SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000000 10000000)
for n in "${SIZES[@]}"; do
    "$BENCH" generate --rows "$n" --out "$OUT/memory-corpus.csv" >/dev/null
    rm -f "$OUT/memory-scored.csv"
    /usr/bin/time -f "%e %M" -o "$OUT/time.txt" "$SCORE" --input "$OUT/memory-corpus.csv" --output "$OUT/memory-scored.csv" --quiet
    read -r elapsed rss < "$OUT/time.txt"
    printf '%12d rows  %7.1f s  %8.0f rows/s  %5d MB peak RSS\n' "$n" "$elapsed" "$(awk -v r="$n" -v e="$elapsed" 'BEGIN { print r / e }')" "$((rss / 1024))"
    rm -f "$OUT/memory-corpus.csv" "$OUT/memory-scored.csv"
done
