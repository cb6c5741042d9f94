#!/usr/bin/env bash
# Delay from a file change to "searchable through clip serve", with `clip index --watch` and
# `clip serve --watch` running side by side as a user would run them.
# Usage: [MODEL=...] [TRIALS=5] [DEBOUNCE_MS=500] [WATCH_MS=250] scripts/watch-latency.sh [PORT]
# Builds an index of the fixture photographs in a temporary folder, starts both processes, then
# TRIALS times: moves a new image into the folder (add), overwrites it with another image (change)
# and deletes it (delete), and polls /api/search (every ~20 ms) until the server's answer shows
# the change. Prints one line per trial and the medians and maxima; stops what it started.
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
mkdir -p "$work/photos" "$work/staging"
cp "$images"/*.png "$work/photos/"
"$root/clip" index --index "$work/idx" -m "$model" --quiet "$work/photos" >/dev/null
"$root/clip" index --watch --index "$work/idx" --quiet --debounce-ms "${DEBOUNCE_MS:-500}" "$work/photos" >"$work/watch.log" 2>&1 &
pids+=($!)
"$root/clip" serve --watch --watch-ms "${WATCH_MS:-250}" --index "$work/idx" --host 127.0.0.1 --port "$port" >"$work/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 240); do
  grep -q "^serving" "$work/serve.log" && grep -q "^watching" "$work/watch.log" && break
  sleep 0.5
done
grep -q "^serving" "$work/serve.log" || { cat "$work/serve.log" "$work/watch.log"; exit 1; }
sleep 2 # the watcher's catch-up pass
names() {
  curl -s -X POST -H 'Content-Type: application/json' \
    -d '{"terms":[{"text":"a photo"}],"n":1000,"exact":true}' "http://127.0.0.1:$port/api/search"
}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
wait_for() { # $1 = grep pattern, $2 = "present" | "absent"; prints ms since $t0
  while true; do
    if names | grep -q "$1"; then [[ $2 == present ]] && break; else [[ $2 == absent ]] && break; fi
    sleep 0.02
  done
  echo $(( $(now_ms) - t0 ))
}
srcs=("$images"/*.png)
add=(); change=(); del=()
for i in $(seq 1 "$trials"); do
  f="new-$i-$RANDOM.png"
  cp "${srcs[$((i % ${#srcs[@]}))]}" "$work/staging/$f"
  t0=$(now_ms); mv "$work/staging/$f" "$work/photos/$f"; a=$(wait_for "\"$f\"" present)
  old=$(names | grep -o "\"name\":\"$f\",\"path\":\"[^\"]*\",\"score\":[^,]*" | head -1)
  cp "${srcs[$(((i + 7) % ${#srcs[@]}))]}" "$work/staging/x.png"
  t0=$(now_ms); mv -f "$work/staging/x.png" "$work/photos/$f"
  # searchable once the server returns the entry with the other image's width/height or score
  c=$(while true; do cur=$(names | grep -o "\"name\":\"$f\",\"path\":\"[^\"]*\",\"score\":[^,]*" | head -1)
        [[ -n "$cur" && "$cur" != "$old" ]] && break; sleep 0.02; done; echo $(( $(now_ms) - t0 )))
  t0=$(now_ms); rm "$work/photos/$f"; d=$(wait_for "\"$f\"" absent)
  echo "trial $i: add ${a} ms, change ${c} ms, delete ${d} ms"
  add+=("$a"); change+=("$c"); del+=("$d")
done
stat() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {printf "median %d ms, max %d ms", v[int((NR+1)/2)], v[NR]}'; }
echo "add: $(stat "${add[@]}"); change: $(stat "${change[@]}"); delete: $(stat "${del[@]}")"
echo "the watcher's passes (first event to committed):"
grep -E "^(pass|full pass)" "$work/watch.log" | tail -n "$((3 * trials))" | sed -E 's/^pass over \[[^]]*\]/  pass/'
echo "debounce ${DEBOUNCE_MS:-500} ms, serve --watch-ms ${WATCH_MS:-250}, model $model, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
