#!/usr/bin/env bash
# Sharded scoring on one machine (benchmark, not a test): a generated corpus scored by one process,
# by 4 shards run 2 at a time (xargs -P 2) and merged, for CSV -> CSV and Parquet -> Parquet; prints
# wall seconds, rows/s and peak RSS of each step and checks the merged output equals the single one.
# bench/shards.sh --memory: wall seconds and peak RSS of Parquet -> Parquet, CSV -> Parquet,
# Parquet -> CSV and CSV -> CSV at 1,000,000 and 10,000,000 rows instead, with the load average
# beside each run (about 10 minutes on 2 cores and 7 GB of disk, deleted at the end).
# bench/shards.sh --shares: the same runs with --shares --group-by outlet --date-column published
# (10 outlets x 24 months): sidecar sizes, merge time, and the merged shares file against one process.
#
#   bench/shards.sh [ROWS]         default: 1000000
#   bench/shards.sh --memory
#   bench/shards.sh --shares [ROWS]
source "$(dirname "$0")/common.sh"
MEMORY=0
SHARES=0
if [ "${1:-}" = --memory ]; then MEMORY=1; shift; fi
if [ "${1:-}" = --shares ]; then SHARES=1; MEMORY=2; shift; fi
ROWS=${1:-1000000}
MODEL=models/stance.zip
TIME=/usr/bin/time

step() {  # step NAME COMMAND...: runs it under GNU time, prints one table row
    local name=$1; shift
    "$TIME" -f "%e %M" -o "$OUT/time.txt" "$@"
    read -r elapsed rss < "$OUT/time.txt"
    printf '| %-44s | %8.2f | %9.0f | %6d |\n' "$name" "$elapsed" "$(awk -v r="$ROWS" -v e="$elapsed" 'BEGIN { print r / e }')" "$((rss / 1024))"
}

shards() {  # shards INPUT OUTPUT: the 4 shards, 2 at a time; peak RSS is the largest shard's
    printf '%s\n' 0 1 2 3 | xargs -P 2 -I{} "$TIME" -f "%M" -o "$OUT/rss-{}.txt" "$SCORE" --model "$MODEL" --input "$1" --output "$2" --shard {}/4 --quiet
}

if [ "$MEMORY" = 0 ]; then
"$BENCH" generate --rows "$ROWS" --out "$OUT/shards-corpus.csv" >/dev/null
"$BENCH" to-parquet --input "$OUT/shards-corpus.csv" --out "$OUT/shards-corpus.parquet" --group-rows 100000 >/dev/null
echo "corpus: $ROWS rows; CSV $(du -m "$OUT/shards-corpus.csv" | cut -f1) MB, Parquet $(du -m "$OUT/shards-corpus.parquet" | cut -f1) MB (row groups of 100,000); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| step | wall s | rows/s | peak RSS MB |"
echo "|---|---:|---:|---:|"
for ext in csv parquet; do
    in="$OUT/shards-corpus.$ext"
    rm -f "$OUT"/shards-one.$ext "$OUT"/shards-out.$ext*
    step "$ext -> $ext, one process" "$SCORE" --model "$MODEL" --input "$in" --output "$OUT/shards-one.$ext" --quiet
    export -f shards; export SCORE MODEL OUT TIME
    "$TIME" -f "%e" -o "$OUT/time-shards.txt" bash -c "shards '$in' '$OUT/shards-out.$ext'"
    elapsed=$(cat "$OUT/time-shards.txt"); rss=$(cat "$OUT"/rss-*.txt | sort -n | tail -1)
    printf '| %-44s | %8.2f | %9.0f | %6d |\n' "$ext -> $ext, 4 shards 2 at a time" "$elapsed" "$(awk -v r="$ROWS" -v e="$elapsed" 'BEGIN { print r / e }')" "$((rss / 1024))"
    step "$ext merge of the 4 parts" "$SCORE" merge --output "$OUT/shards-out.$ext" --shards 4 --quiet
    cmp -s "$OUT/shards-one.$ext" "$OUT/shards-out.$ext" && echo "|   merged $ext identical to the single run: yes | | | |" || echo "|   merged $ext identical to the single run: NO | | | |"
    rm -f "$OUT"/shards-out.$ext.part-* "$OUT"/rss-*.txt
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -f "$OUT"/shards-one.* "$OUT"/shards-out.* "$OUT/shards-corpus.csv"
fi

if [ "$MEMORY" = 1 ]; then
    # memory IN OUT NAME ROWS: one scoring run under GNU time, one table row with the load average beside it
    memory() {
        rm -f "$2"
        local load; load=$(cut -d' ' -f1 /proc/loadavg)
        "$TIME" -f "%e %M" -o "$OUT/time.txt" "$SCORE" --model "$MODEL" --input "$1" --output "$2" --quiet
        read -r elapsed rss < "$OUT/time.txt"
        printf '| %-18s | %10d | %7.1f | %8.0f | %6d | %5d | %4s / %-4s |\n' "$3" "$4" "$elapsed" "$(awk -v r="$4" -v e="$elapsed" 'BEGIN { print r / e }')" "$((rss / 1024))" \
            "$(du -m "$2" | cut -f1)" "$load" "$(cut -d' ' -f1 /proc/loadavg)"
        rm -f "$2"
    }
    echo
    echo "Peak memory by corpus size (input Parquet in row groups of 100,000 rows; $(nproc) cores):"
    echo
    echo "| run                | rows       | wall s  | rows/s   | peak RSS MB | out MB | load before / after |"
    echo "|---|---:|---:|---:|---:|---:|---|"
    for n in 1000000 10000000; do
        "$BENCH" generate --rows "$n" --out "$OUT/memory-corpus.csv" >/dev/null
        "$BENCH" to-parquet --input "$OUT/memory-corpus.csv" --out "$OUT/memory-corpus.parquet" --group-rows 100000 >/dev/null
        memory "$OUT/memory-corpus.parquet" "$OUT/memory-scored.parquet" "Parquet -> Parquet" "$n"
        memory "$OUT/memory-corpus.csv" "$OUT/memory-scored.parquet" "CSV -> Parquet" "$n"
        memory "$OUT/memory-corpus.parquet" "$OUT/memory-scored.csv" "Parquet -> CSV" "$n"
        memory "$OUT/memory-corpus.csv" "$OUT/memory-scored.csv" "CSV -> CSV" "$n"
        rm -f "$OUT/memory-corpus.csv" "$OUT/memory-corpus.parquet"
    done
fi
if [ "$SHARES" = 1 ]; then
    SHARE_ARGS=(--group-by outlet --date-column published --period month)
    sharded() {  # sharded INPUT OUTPUT: the 4 shards with --shares, 2 at a time
        printf '%s\n' 0 1 2 3 | xargs -P 2 -I{} "$TIME" -f "%M" -o "$OUT/rss-{}.txt" "$SCORE" --model "$MODEL" --input "$1" --output "$2" \
            --shares "$OUT/shares-merged.csv" --group-by outlet --date-column published --period month --shard {}/4 --quiet
    }
    "$BENCH" generate --rows "$ROWS" --out "$OUT/shards-corpus.csv" --grouped >/dev/null
    "$BENCH" to-parquet --input "$OUT/shards-corpus.csv" --out "$OUT/shards-corpus.parquet" --group-rows 100000 >/dev/null
    echo "corpus: $ROWS rows with outlet and published; --shares ${SHARE_ARGS[*]}; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "| step | wall s | rows/s | peak RSS MB |"
    echo "|---|---:|---:|---:|"
    for ext in csv parquet; do
        in="$OUT/shards-corpus.$ext"
        rm -f "$OUT"/shards-one.$ext "$OUT"/shards-out.$ext* "$OUT"/shares-*.csv
        step "$ext -> $ext --shares, one process" "$SCORE" --model "$MODEL" --input "$in" --output "$OUT/shards-one.$ext" --shares "$OUT/shares-one.csv" "${SHARE_ARGS[@]}" --quiet
        export -f sharded; export SCORE MODEL OUT TIME
        "$TIME" -f "%e" -o "$OUT/time-shards.txt" bash -c "sharded '$in' '$OUT/shards-out.$ext'"
        elapsed=$(cat "$OUT/time-shards.txt"); rss=$(cat "$OUT"/rss-*.txt | sort -n | tail -1)
        printf '| %-44s | %8.2f | %9.0f | %6d |\n' "$ext -> $ext --shares, 4 shards 2 at a time" "$elapsed" "$(awk -v r="$ROWS" -v e="$elapsed" 'BEGIN { print r / e }')" "$((rss / 1024))"
        step "$ext merge of the 4 parts and their shares" "$SCORE" merge --output "$OUT/shards-out.$ext" --shards 4 --quiet
        sidecars=$(stat -c %s "$OUT"/shards-out.$ext.part-*-of-4.shares | tr '\n' ' ')
        echo "|   sidecars (bytes): $sidecars; groups in the shares file: $(( ($(wc -l < "$OUT/shares-one.csv") - 1) / 3 )) | | | |"
        cmp -s "$OUT/shares-one.csv" "$OUT/shares-merged.csv" && echo "|   merged shares identical to the single run: yes | | | |" || echo "|   merged shares identical to the single run: NO | | | |"
        cmp -s "$OUT/shards-one.$ext" "$OUT/shards-out.$ext" && echo "|   merged $ext identical to the single run: yes | | | |" || echo "|   merged $ext identical to the single run: NO | | | |"
        rm -f "$OUT"/shards-out.$ext.part-* "$OUT"/rss-*.txt
    done
    echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
    rm -f "$OUT"/shards-one.* "$OUT"/shards-out.* "$OUT/shards-corpus.csv" "$OUT"/shares-one.csv "$OUT"/shares-merged.csv
fi
rm -f "$OUT/shards-corpus.parquet" "$OUT/time.txt" "$OUT/time-shards.txt"
