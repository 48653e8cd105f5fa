#!/usr/bin/env bash
# Load benchmark for POST /classify (not a test): starts the service on a loopback port, runs the load
# client (16 concurrent clients by default), prints requests/s and p50/p90/p99 latency, stops the service.
# Usage: bash bench/api-load.sh [--clients 16] [--seconds 20] [--warmup 5]
#        bash bench/api-load.sh --wrk      (Debian's wrk instead: apt-get install -y wrk; 16 connections, 20 s)
# Numbers depend on the machine; client and server share its cores.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
port="${PORT:-5091}"
url="http://127.0.0.1:${port}"

dotnet build "$root/src/Classifier.Api" -c Release -v q -nologo >/dev/null
dotnet build "$root/bench/Classifier.Api.Load" -c Release -v q -nologo >/dev/null

api_dir="$root/src/Classifier.Api/bin/Release/net10.0"
# Run from the output folder so its appsettings.json (request logging off) applies; no file watching; no per-client
# rate limit (the load client is one client).
(cd "$api_dir" && exec dotnet classifier-api.dll --urls "$url" --model "$root/models/stance.zip" --Classifier:WatchForChanges false --Classifier:RateLimitPerSecond 0) \
  > "${TMPDIR:-/tmp}/classifier-api-bench.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT

for _ in $(seq 1 120); do
  curl -fsS "$url/health" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "error: the service exited; see ${TMPDIR:-/tmp}/classifier-api-bench.log" >&2; exit 1; }
  sleep 0.5
done

if [[ "${1:-}" == "--wrk" ]]; then
  wrk -t2 -c16 -d5s -s "$root/bench/classify.lua" "$url/classify" >/dev/null   # warm-up
  wrk -t2 -c16 -d20s --latency -s "$root/bench/classify.lua" "$url/classify"
else
  dotnet "$root/bench/Classifier.Api.Load/bin/Release/net10.0/classifier-api-load.dll" --url "$url" "$@"
fi
