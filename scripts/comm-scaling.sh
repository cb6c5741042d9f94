#!/usr/bin/env bash
# Communication time per training step for world sizes 1, 2 and 4 on loopback: runs
# `clip train --nproc-per-node N` for a small model and averages the metrics' grad_sync_s
# (bucketed gradient all-reduce, including waiting for the slowest rank) and step time.
#
#   scripts/comm-scaling.sh [--model ViT-Tiny/8-32px] [--batch 128] [--steps 30] [--worlds "1 2 4"]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="ViT-Tiny/8-32px" batch=128 steps=30 worlds="1 2 4"
data="${JCLIP_DATA:-$root/../shared/data/cifar10/test}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --model) model="$2"; shift 2 ;;
    --batch) batch="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --worlds) worlds="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for w in $worlds; do
  echo "# world $w" >&2
  "$root/clip" train --nproc-per-node "$w" --model "$model" --train-data "$data" --batch-size "$batch" \
    --steps "$steps" --warmup 2 --log-every 1 --save-every 100000 --workers 1 --no-report \
    -o "$tmp/w$w" >"$tmp/w$w.log" 2>&1 || { cat "$tmp/w$w.log" >&2; exit 1; }
done
python3 - "$tmp" "$model" "$batch" $worlds <<'PY'
import json, sys, statistics, os
tmp, model, batch, worlds = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
print(f"model {model}, global batch {batch}, loopback, 2 cores shared by all ranks")
print(f"{'world':>5} {'grad all-reduce ms/step':>24} {'step ms':>8} {'samples/s':>10}")
for w in worlds:
    rows = [json.loads(l) for l in open(os.path.join(tmp, f"w{w}", "metrics.jsonl")) if '"loss"' in l]
    rows = rows[5:]  # skip warm-up steps
    sync = statistics.median(r.get("grad_sync_s", 0.0) for r in rows) * 1e3
    step = statistics.median(r["step_s"] for r in rows)
    print(f"{w:>5} {sync:>24.1f} {step * 1e3:>8.0f} {batch / step:>10.1f}")
PY
