#!/usr/bin/env bash
# Delay from a file change to "searchable through clip serve", with `clip index --watch` and
# `clip serve --watch` running side by side as a user would run them.
# Usage: [MODEL=...] [TRIALS=5] [DEBOUNCE_MS=500] [WATCH_MS=250] [BULK=DIR] scripts/watch-latency.sh [PORT]
# Builds an index of the fixture photographs in a temporary folder, starts both processes, then
# TRIALS times: moves a new image into the folder (add), moves another image over it (change) and
# deletes it (delete). After each step it polls the server (every ~20 ms) with an exact search by
# the file's current content until the file is among the top hits (or, after the delete, gone).
# BULK=DIR links a large read-only folder into the watched one (e.g. the 10,000 CIFAR-10 test
# images), so that every pass runs against an index of that size.
# Prints one line per trial, medians and maxima, and the watcher's own pass times; stops what it started.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${1:-18090}"
model="${MODEL:-/work/shared/fixtures/models/vit-s/openai_state_dict.pt}"
trials="${TRIALS:-5}"
images="${IMAGES:-/work/shared/fixtures/preprocess/images}"
"$root/clip" --version >/dev/null   # build once before timing anything
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/photos" "$work/staging" "$work/req"
cp "$images"/*.png "$work/photos/"
if [[ -n "${BULK:-}" ]]; then ln -s "$BULK" "$work/photos/bulk"; fi
t_index0=$(date +%s)
"$root/clip" index --index "$work/idx" -m "$model" --quiet "$work/photos" >/dev/null
echo "initial index: $(( $(date +%s) - t_index0 )) s"
"$root/clip" index --watch --index "$work/idx" --quiet --debounce-ms "${DEBOUNCE_MS:-500}" "$work/photos" >"$work/watch.log" 2>&1 &
pids+=($!)
"$root/clip" serve --watch --watch-ms "${WATCH_MS:-250}" --index "$work/idx" --host 127.0.0.1 --port "$port" >"$work/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 480); do
  grep -q "^serving" "$work/serve.log" && grep -q "^full pass" "$work/watch.log" && break
  sleep 0.5
done
grep -q "^serving" "$work/serve.log" && grep -q "^full pass" "$work/watch.log" || { cat "$work/serve.log" "$work/watch.log"; exit 1; }
srcs=("$images"/*.png)
for s in "${srcs[@]}"; do # one exact search request per source image: its own content as the query
  printf '{"terms":[{"image":"%s"}],"n":4,"exact":true}' "$(base64 -w0 "$s")" >"$work/req/$(basename "$s").json"
done
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
found() { # $1 = file name, $2 = source image whose content it holds: is the file among the top hits?
  curl -s -X POST -H 'Content-Type: application/json' --data-binary "@$work/req/$(basename "$2").json" \
    "http://127.0.0.1:$port/api/search" | grep -q "\"name\":\"$1\""
}
until_found() { while ! found "$1" "$2"; do sleep 0.02; done; echo $(( $(now_ms) - t0 )); }
until_gone() { while found "$1" "$2"; do sleep 0.02; done; echo $(( $(now_ms) - t0 )); }
add=(); change=(); del=()
for i in $(seq 1 "$trials"); do
  f="new-$i-$RANDOM.png"
  a_src="${srcs[$((i % ${#srcs[@]}))]}"; c_src="${srcs[$(((i + 7) % ${#srcs[@]}))]}"
  cp "$a_src" "$work/staging/$f"
  t0=$(now_ms); mv "$work/staging/$f" "$work/photos/$f"; a=$(until_found "$f" "$a_src")
  cp "$c_src" "$work/staging/x.png"
  t0=$(now_ms); mv -f "$work/staging/x.png" "$work/photos/$f"; c=$(until_found "$f" "$c_src")
  t0=$(now_ms); rm "$work/photos/$f"; d=$(until_gone "$f" "$c_src")
  echo "trial $i: add ${a} ms, change ${c} ms, delete ${d} ms"
  add+=("$a"); change+=("$c"); del+=("$d")
done
stat() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {printf "median %d ms, max %d ms", v[int((NR+1)/2)], v[NR]}'; }
echo "add: $(stat "${add[@]}"); change: $(stat "${change[@]}"); delete: $(stat "${del[@]}")"
echo "the watcher's passes (first event to committed):"
grep -E "^(pass|full pass)" "$work/watch.log" | tail -n "$((3 * trials))" | sed -E 's/^pass over \[[^]]*\]/  pass/'
echo "debounce ${DEBOUNCE_MS:-500} ms, serve --watch-ms ${WATCH_MS:-250}, model $model, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
