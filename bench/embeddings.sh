#!/usr/bin/env bash
# Embeddings benchmark (not part of `dotnet test`), in one go on one machine: on $ROWS (20,000)
# news-like rows, CSV in -> CSV out, wall seconds, rows/s, CPU seconds and peak RSS of
#   - classifier-score with the n-gram model (models/stance.zip, compiled);
#   - classifier-score with the shipped embeddings model (models/stance-embeddings.zip, both, int8,
#     compiled: n-grams + batched MiniLM + the linear layer), and with the same model trained on the
#     fp32 encoder ($FP32_MODEL; trained here into bench/out when absent: 1-2 minutes);
#   - the shipped model on the ML.NET engine (one Encode per row, as before the batched path) on
#     $MLNET_ROWS rows;
#   - the PyTorch peer (bench/torch_peer.py: the same MiniLM weights read from the package's ONNX
#     file, batches of 64, 2 threads) on $PEER_ROWS rows;
# then training's encode step before and after, StanceClassifier.PredictBatch of 64 (what
# /classify/batch runs), how close the int8 vectors are to fp32 ones and, with SWEEP=1, the
# batch-size, piece-budget and lane sweep. The load average is printed
# beside every figure: the machine may be shared.
# Needs: the .NET SDK, GNU time, and for the peer python3-torch python3-onnx libopenblas0-openmp
#   apt-get install -y time python3-torch python3-onnx libopenblas0-openmp
# Usage: bash bench/embeddings.sh   (ROWS=20000 PEER_ROWS=20000 MLNET_ROWS=2000 FP32_MODEL=... SWEEP=1)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ROWS=${ROWS:-20000}
PEER_ROWS=${PEER_ROWS:-$ROWS}
MLNET_ROWS=${MLNET_ROWS:-2000}
FP32_MODEL=${FP32_MODEL:-$OUT/stance-embeddings-fp32.zip}
PYTHON=${PYTHON:-/usr/bin/python3}
dotnet build bench/Classifier.Embeddings.Bench -c Release -v q -nologo >/dev/null
dotnet build src/Classifier.Training -c Release -v q -nologo >/dev/null
EB=bench/Classifier.Embeddings.Bench/bin/Release/net10.0/classifier-embeddings-bench
TRAIN=src/Classifier.Training/bin/Release/net10.0/classifier-train

corpus="$OUT/embeddings-corpus.csv"
"$BENCH" generate --rows "$ROWS" --out "$corpus" --seed 11
"$EB" minilm-files --out "$OUT" >/dev/null
head -n $((MLNET_ROWS + 1)) "$corpus" > "$OUT/embeddings-corpus-mlnet.csv"
head -n $((PEER_ROWS + 1)) "$corpus" > "$OUT/embeddings-corpus-peer.csv"
if [[ ! -f "$FP32_MODEL" ]]; then
    echo "== training the shipped model's settings on the fp32 encoder into $FP32_MODEL (not timed here)"
    "$TRAIN" --features both --l2 0.3 --embeddings-precision fp32 --model "$FP32_MODEL" > "$OUT/fp32-training.log"
fi

# measure NAME ROWS COMMAND...: wall seconds, rows/s, CPU seconds, peak RSS, load average before.
measure() {
    local name=$1 rows=$2; shift 2
    local load; load=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -f "%e %M %U %S" -o "$OUT/time.txt" "$@" > /dev/null
    read -r elapsed rss user sys < "$OUT/time.txt"
    printf '%-44s %7s rows %7.1f s %7.0f rows/s %7.1f CPU s %5d MB peak RSS  (load %s)\n' \
        "$name" "$rows" "$elapsed" "$(echo "$rows / $elapsed" | bc -l)" "$(echo "$user + $sys" | bc -l)" "$((rss / 1024))" "$load"
}

echo "== CSV -> CSV, $(nproc) cores"
measure "n-gram model (compiled)" "$ROWS" "$SCORE" --model models/stance.zip --input "$corpus" --output "$OUT/scored-ngrams.csv" --force --quiet
measure "shipped embeddings model, int8 (compiled)" "$ROWS" "$SCORE" --model models/stance-embeddings.zip --input "$corpus" --output "$OUT/scored-int8.csv" --force --quiet
measure "same settings, fp32 encoder (compiled)" "$ROWS" "$SCORE" --model "$FP32_MODEL" --input "$corpus" --output "$OUT/scored-fp32.csv" --force --quiet
measure "shipped embeddings model, ML.NET engine" "$MLNET_ROWS" "$SCORE" --model models/stance-embeddings.zip --engine mlnet --input "$OUT/embeddings-corpus-mlnet.csv" --output "$OUT/scored-mlnet.csv" --force --quiet
if "$PYTHON" -c "import torch, onnx" 2>/dev/null; then
    measure "PyTorch peer (batches of 64, 2 threads)" "$PEER_ROWS" "$PYTHON" bench/torch_peer.py --onnx "$OUT/minilm.onnx" --vocab "$OUT/minilm-vocab.txt" \
        --input "$OUT/embeddings-corpus-peer.csv" --output "$OUT/scored-torch.csv" --batch 64 --threads 2
else
    echo "PyTorch peer skipped: $PYTHON has no torch or onnx (apt-get install -y python3-torch python3-onnx libopenblas0-openmp)"
fi

echo "== training's encode step (distinct texts of the training, test and out-of-domain files)"
"$EB" encode-step --data data/stance.csv,data/stance-test.csv,data/stance-ood.csv
echo "== StanceClassifier.PredictBatch (what POST /classify/batch runs), shipped embeddings model"
"$EB" predict-batch --model models/stance-embeddings.zip --input "$corpus" --size 64 --repeats 20
"$EB" predict-batch --model "$FP32_MODEL" --input "$corpus" --size 64 --repeats 20
echo "== int8 vectors against fp32 (distinct texts of the test, out-of-domain and dev files)"
"$EB" fidelity
if [[ "${SWEEP:-0}" == 1 ]]; then
    echo "== encoder sweep: lanes x intra-op threads x batch size x padded pieces per batch"
    "$EB" sweep --input "$corpus" --rows 2000 --configs 2x1x64x100000,2x1x64x2048,2x1x64x1024,2x1x64x512,2x1x16x1024,1x2x64x1024
    "$EB" sweep --input "$corpus" --rows 2000 --configs 2x1x64x100000,2x1x64x1024 --precision int8
fi
