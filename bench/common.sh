# Shared set-up of the benchmark scripts (sourced, not run): repository root as the working folder,
# the output folder ($BENCH_OUT, default bench/out), and Release builds of the scorer and the
# benchmark helpers ($SCORE, $BENCH).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT=${BENCH_OUT:-bench/out}
mkdir -p "$OUT"
dotnet build src/Classifier.Scoring -c Release -v q -nologo >/dev/null
dotnet build bench/Classifier.Benchmarks -c Release -v q -nologo >/dev/null
BENCH=bench/Classifier.Benchmarks/bin/Release/net10.0/classifier-bench
SCORE=src/Classifier.Scoring/bin/Release/net10.0/classifier-score
