#!/usr/bin/env bash
# Throughput of `clip embed-dataset` with a real-sized encoder (docs/embed-dataset.md): ViT-B/32 with random
# weights (seed 0, written once by `clip bench --save-model`) on 960 CIFAR-10 test images (the first 96 of each
# class, linked into a folder), --partition-size 320 (3 partitions), fp32, batch 32. ROUNDS × (encoder benchmark,
# local engine with its defaults), then a last benchmark. SPARK=1 adds Spark local[2] after each local run.
# Usage: [ROUNDS=2] [SPARK=1] scripts/embed-vitb32.sh [OUT]   (about 2 minutes a round on 2 cores)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-/tmp/embed-vitb32}"; mkdir -p "$out"
model="$out/vitb32-random.safetensors"
[[ -f "$model" ]] || "$root/clip" bench --model ViT-B/32 --save-model "$model" >/dev/null
test_dir="$root/../shared/data/cifar10/test"
data="$out/cifar10-test-960"
if [[ ! -d "$data" ]]; then
  for c in "$test_dir"/*/; do
    c="$(basename "$c")"; mkdir -p "$data/$c"
    ls "$test_dir/$c" | sort | head -96 | while read -r f; do ln -s "$(cd "$test_dir/$c" && pwd)/$f" "$data/$c/$f"; done
  done
fi
bench() {
  "$root/clip" bench --model ViT-B/32 --task image --batch 32 --threads "$(nproc)" --iters 8 --warmup 1 2>/dev/null | tail -1 |
    python3 -c 'import json,sys; print("bench          %8.2f images/s" % json.load(sys.stdin)["items_per_s"])'
}
embed() { # label [flags]
  local label="$1"; shift
  rm -rf "${out:?}/$label"
  "$root/clip" embed-dataset -m "$model" --data "$data" --partition-size 320 --out "$out/$label" "$@" > "$out/$label.log" 2>&1
  printf "%-14s %s\n" "$label" "$(grep -o 'this run .*' "$out/$label.log")"
}
for r in $(seq "${ROUNDS:-2}"); do
  bench
  embed local
  [[ ${SPARK:-0} == 0 ]] || embed spark --engine spark --master 'local[2]'
done
bench
