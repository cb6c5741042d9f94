#!/usr/bin/env bash
# Training throughput of one process vs --nproc-per-node 2 on this machine, with the demo's model and
# batch (ViT-Tiny/7-28px, 256 pairs) for a short run; prints the median samples/s of each.
# Usage: scripts/rank-threads.sh IDX_FOLDER [STEPS] [extra train args...]
#   IDX_FOLDER: an idx folder with train-images/labels (e.g. /usr/share/datasets/fashion-mnist)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${1:?usage: $0 IDX_FOLDER [STEPS] [extra train args]}"; shift
steps="${1:-60}"; [[ $# -gt 0 ]] && shift
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
run() { # name, extra args...
  local name="$1"; shift
  "$root/clip" train --model ViT-Tiny/7-28px --train-data "$data" --class-names fashion-mnist \
      --caption-templates train-photo --batch-size 256 --steps "$steps" --warmup 10 --lr 1e-3 --wd 0.1 \
      --seed 0 --save-every 100000 --log-every 5 --no-report -o "$out/$name" "$@" >"$out/$name.log" 2>&1 \
      || { cat "$out/$name.log" >&2; exit 1; }
  # median samples/s over the logged steps after the first two logs (start-up, JIT warm-up)
  python3 - "$out/$name/metrics.jsonl" "$name" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if '"samples_per_s"' in l]
r = [x["samples_per_s"] for x in rows[2:]] or [x["samples_per_s"] for x in rows]
print(f"{sys.argv[2]:<28} {statistics.median(r):8.1f} samples/s (median of {len(r)} logs)")
PY
}
echo "cores: $(nproc), load: $(cut -d' ' -f1-3 /proc/loadavg)"
run "1 rank" "$@"
run "2 ranks (default threads)" --nproc-per-node 2 "$@"
run "2 ranks, --threads $(nproc) each" --nproc-per-node 2 --threads "$(nproc)" "$@"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
