#!/usr/bin/env bash
# Zero-shot accuracy of one model in fp32, bf16 and int8 on a labelled set, and the issue's bounds:
# bf16 within 0.3 points of fp32, int8 within 1 point. Exits 1 when a bound is broken.
#
#   scripts/precision-accuracy.sh CHECKPOINT [DATA] [CLASS_NAMES] [TEMPLATES]
#
# Defaults: the `clip demo` model's data (Fashion-MNIST test split, 10,000 images, "clothing"
# templates). The checkpoint is e.g. runs/demo/checkpoints/latest (whatever `clip train` saved).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ckpt="$1" data="${2:-/usr/share/datasets/fashion-mnist}" names="${3:-fashion-mnist}" templates="${4:-clothing}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
declare -A top1
for p in fp32 bf16 int8; do
  "$root/clip" eval zeroshot -m "$ckpt" --data "$data" --split test --class-names "$names" --templates "$templates" \
    --precision "$p" --no-cache -q -o "$out/$p" >/dev/null
  top1[$p]=$(/usr/bin/python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(r['top1'] if 'top1' in r else r['results']['top1'])" "$out/$p/results.json" 2>/dev/null \
    || grep -o '"top1"[^,}]*' "$out/$p/results.json" | head -1 | grep -o '[0-9.]*$')
  echo "$p zero-shot top-1: ${top1[$p]}"
done
/usr/bin/python3 - "${top1[fp32]}" "${top1[bf16]}" "${top1[int8]}" <<'PY'
import sys
f, b, i = (float(x) * (100 if float(x) <= 1 else 1) for x in sys.argv[1:])
print(f"bf16 - fp32 = {b - f:+.2f} points (bound 0.3), int8 - fp32 = {i - f:+.2f} points (bound 1)")
sys.exit(0 if abs(b - f) <= 0.3 and abs(i - f) <= 1 else 1)
PY
