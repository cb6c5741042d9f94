#!/usr/bin/env bash
# Bounded loopback load test of `clip serve`, with request batching on and off.
# Usage: [BATCHES="32 1"] [SERVE_ARGS="--threads 1"] scripts/serve-load-test.sh INDEX_DIR [CLIENTS] [REQUESTS] [PORT]
# Starts the server on 127.0.0.1 twice (--max-batch 32, then --max-batch 1), runs `clip loadtest`
# against each (text searches + /vectorize, at most REQUESTS requests and 120 s), prints one JSON
# line per run (qps, p50/p99, errors, server RSS first/max/last) and stops the server it started.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
index="${1:?usage: $0 INDEX_DIR [CLIENTS] [REQUESTS] [PORT]}"
clients="${2:-8}"
requests="${3:-400}"
port="${4:-18080}"
"$root/clip" --version >/dev/null   # build once before timing anything
for batch in ${BATCHES:-32 1}; do
  log="$(mktemp)"
  "$root/clip" serve --index "$index" --host 127.0.0.1 --port "$port" --max-batch "$batch" ${SERVE_ARGS:-} >"$log" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null || true' EXIT
  for _ in $(seq 1 240); do
    grep -q "^serving" "$log" && break
    kill -0 "$pid" 2>/dev/null || { cat "$log"; exit 1; }
    sleep 0.5
  done
  # the java process is the launcher's exec target, so $pid is the server itself
  "$root/clip" loadtest --url "http://127.0.0.1:$port/" --clients 1 --requests 20 --pid "$pid" >/dev/null || true  # warm-up
  result="$("$root/clip" loadtest --url "http://127.0.0.1:$port/" --clients "$clients" --requests "$requests" --pid "$pid" || true)"
  echo "{\"max_batch\":$batch,\"result\":$result}"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  trap - EXIT
  rm -f "$log"
done
