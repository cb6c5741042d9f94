#!/usr/bin/env bash
# Side-by-side benchmark: jclip (./clip bench) against the PyTorch eager baseline
# (../shared/reference/bench_torch.py) on the same machine, alternating the two sides case by case,
# fp32, random weights. Prints every JSON line, then a table of items/s and the jclip/PyTorch ratio.
#
#   scripts/bench-compare.sh [--threads 2] [--rounds 2] [--cases image-vit,image-rn50,text,train,preprocess]
#
# Needs Debian's python3-torch and libopenblas0-pthread for the baseline (installed when run as root).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ref="${JCLIP_REFERENCE:-$root/../shared/reference}"
threads=2 rounds=2 cases="image-vit,image-rn50,text,train,preprocess"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --cases) cases="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
py=/usr/bin/python3
if ! "$py" -c "import torch" 2>/dev/null; then
  if [[ $(id -u) == 0 ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch libopenblas0-pthread >&2
  else
    echo "the baseline needs Debian's python3-torch: sudo apt-get install python3-torch libopenblas0-pthread" >&2; exit 1
  fi
fi
[[ -f "$ref/bench_torch.py" ]] || { echo "baseline not found: $ref/bench_torch.py (set JCLIP_REFERENCE)" >&2; exit 1; }
train_cfg='{"embed_dim":256,"image_resolution":64,"vision_layers":6,"vision_width":256,"vision_patch_size":8,"context_length":77,"vocab_size":49408,"transformer_width":256,"transformer_heads":4,"transformer_layers":4}'
images="$root/../shared/fixtures/preprocess/images"
args_for() {
  case "$1" in
    image-vit) echo "--model ViT-B/32 --task image --batch 16" ;;
    image-rn50) echo "--model RN50 --task image --batch 16" ;;
    text) echo "--model ViT-B/32 --task text --batch 64 --prompt-len 12" ;;
    train) echo "--config $train_cfg --task train --batch 64 --prompt-len 12" ;;
    preprocess) echo "--task preprocess --images $images --size 224" ;;
    *) echo "unknown case $1" >&2; exit 2 ;;
  esac
}
"$root/clip" --version >/dev/null  # builds once, outside the measurements
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
IFS=, read -ra list <<<"$cases"
for ((r = 1; r <= rounds; r++)); do
  for c in "${list[@]}"; do
    read -ra a <<<"$(args_for "$c")"
    echo "# round $r, $c" >&2
    line=$(OMP_NUM_THREADS=$threads "$py" "$ref/bench_torch.py" "${a[@]}" --threads "$threads" | tail -1)
    echo "$c $line" | tee -a "$out"
    line=$("$root/clip" bench "${a[@]}" --threads "$threads" | tail -1)
    echo "$c $line" | tee -a "$out"
  done
done
"$py" - "$out" <<'PY'
import json, sys, statistics
rows = {}
for l in open(sys.argv[1]):
    case, js = l.split(" ", 1)
    d = json.loads(js)
    side = "jclip" if d["impl"] == "jclip" else "torch"
    rows.setdefault(case, {}).setdefault(side, []).append(d)
print()
print(f"{'case':<12} {'torch items/s':>14} {'jclip items/s':>14} {'ratio':>7} {'jclip GFLOP/s':>14} {'torch RSS MB':>13} {'jclip RSS MB':>13}")
for case, s in rows.items():
    t = statistics.median(d["items_per_s"] for d in s["torch"])
    j = statistics.median(d["items_per_s"] for d in s["jclip"])
    g = statistics.median(d.get("gflop_per_s", float("nan")) for d in s["jclip"])
    rt = max(d.get("peak_rss_mb", 0) for d in s["torch"])
    rj = max(d.get("peak_rss_mb", 0) for d in s["jclip"])
    print(f"{case:<12} {t:>14.2f} {j:>14.2f} {j / t:>6.2f}x {g:>14.1f} {rt:>13.1f} {rj:>13.1f}")
PY
