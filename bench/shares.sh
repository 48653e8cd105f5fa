#!/usr/bin/env bash
# Share estimates, measured (docs/shares.md, README): shifted label mixes of data/stance-test.csv (200
# samples of 300 rows per mix) with the error rates from the model card and from half of the test file,
# the worked example (simulated months around the 2019 letter), the seed article, and optionally peak
# memory and speed of --shares at 1,000,000 and 10,000,000 rows.
#
#   bench/shares.sh [MODEL]        default models/stance.zip. A model whose card has no quantification
#                                  statistics (trained before --shares existed) is first retrained with
#                                  its card's settings into bench/out/shares-model.zip.
#   SHARES_MEMORY=1 bench/shares.sh   also the 1M / 10M row runs (about 3 minutes)
source "$(dirname "$0")/common.sh"
dotnet build src/Classifier.Training -c Release -v q -nologo >/dev/null
dotnet build bench/Classifier.Shares.Bench -c Release -v q -nologo >/dev/null
SHARES=bench/Classifier.Shares.Bench/bin/Release/net10.0/classifier-shares-bench
TRAIN=src/Classifier.Training/bin/Release/net10.0/classifier-train

MODEL=${1:-models/stance.zip}
CARD="${MODEL%.zip}.card.json"
if ! grep -q '"quantification"' "$CARD" 2>/dev/null; then
    echo "$CARD has no quantification statistics: training a model with the same settings into $OUT/shares-model.zip"
    # The shipped n-gram model's settings (models/stance.card.json): LBFGS, word 1-2 grams, char 4-grams, 20,000 per block.
    "$TRAIN" --model "$OUT/shares-model.zip" --ood none > "$OUT/shares-train.log"
    MODEL="$OUT/shares-model.zip"
fi
echo "model: $MODEL"
echo

echo "## Shifted mixes, error rates from the card (cross-validation out-of-fold rows of the training data)"
"$SHARES" --model "$MODEL" --calibration card
echo "## Shifted mixes, error rates from half of data/stance-test.csv, samples from the other half"
"$SHARES" --model "$MODEL" --calibration half
echo "## The same, each row's label drawn from the mix (the sample is a random draw from a population with that share)"
"$SHARES" --model "$MODEL" --calibration half --draw iid --method pacc

echo "## Worked example: simulated months around the 2019 letter"
EX="$OUT/shares-example"
rm -rf "$EX"
"$SHARES" example "$EX"
set -x
"$SCORE" --model "$MODEL" --input "$EX/corpus.csv" --shares "$EX/card.csv" --date-column month --quiet
"$SCORE" --model "$MODEL" --input "$EX/corpus.csv" --output "$EX/scored.csv" --shares "$EX/calibrated.csv" --date-column month \
    --calibration "$EX/calibration.csv" --report "$EX/report"
set +x
"$SHARES" example-table "$EX/truth.csv" "$EX/card.csv" "$EX/calibrated.csv"

echo "## The seed article (10 sentences)"
"$SCORE" --model "$MODEL" --input seeds/seed-article.csv --sentences --shares "$OUT/seed-shares.csv" --force 2>&1 | sed -n '/^Shares/,$p'
cat "$OUT/seed-shares.csv"
"$SCORE" --model "$MODEL" --input seeds/seed-article.csv --sentences --shares "$OUT/seed-shares.csv" --min-group-size 10 --force 2>&1 | sed -n '/^Shares/,$p'

if [ "${SHARES_MEMORY:-0}" = 1 ]; then
    echo "## Peak memory and speed with --shares (scored rows not written)"
    for n in 1000000 10000000; do
        "$BENCH" generate --rows "$n" --out "$OUT/shares-corpus.csv" >/dev/null
        for shares in no yes; do
            args=(--input "$OUT/shares-corpus.csv" --quiet --model "$MODEL")
            if [ $shares = yes ]; then args+=(--shares "$OUT/shares-big.csv" --force); else args+=(--output "$OUT/shares-scored.csv" --force); fi
            /usr/bin/time -f "%e %M" -o "$OUT/time.txt" "$SCORE" "${args[@]}"
            read -r elapsed rss < "$OUT/time.txt"
            printf '%12d rows  --shares %-3s  %7.1f s  %8.0f rows/s  %5d MB peak RSS\n' "$n" "$shares" "$elapsed" "$(awk -v r="$n" -v e="$elapsed" 'BEGIN { print r / e }')" "$((rss / 1024))"
            rm -f "$OUT/shares-scored.csv"
        done
        cat "$OUT/shares-big.csv"
        rm -f "$OUT/shares-corpus.csv"
    done
fi
