#!/usr/bin/env bash
# Side-by-side benchmark on one machine, alternating every side case by case (random weights):
#   jclip fp32, jclip in each --precisions entry (default bf16,int8,auto where the case allows),
#   PyTorch eager fp32 and PyTorch + torch.autocast bf16 (../shared/reference/bench_torch.py),
#   ONNX Runtime Java fp32 and dynamic int8 (../shared/reference/bench_ort.sh [--int8]; image and
#   text cases).
# jclip's sides run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset in their commands alone, as on
# a user's machine (some machines' environment pins OpenBLAS to older kernels; tests and CI keep
# them); --keep-openblas-env runs them as the environment says. Each jclip row names the OpenBLAS
# core it ran, where its linear layers ran (oneDNN prepacked, OpenBLAS or eager oneDNN) and whether the batch
# ran whole or split over the threads (runtime.BatchSplit).
# Then `clip bench --task gemm` gives the machine's matmul ceiling, and the table prints items/s,
# every ratio of jclip's best against each baseline, GFLOP/s as a fraction of the ceiling, peak RSS.
#
#   scripts/bench-compare.sh [--threads 2] [--rounds 2] [--precisions bf16,int8]
#                            [--cases image-vit,image-rn50,text,train,preprocess] [--no-ort]
#                            [--no-ort-int8] [--keep-openblas-env]
#
# Needs Debian's python3-torch and libopenblas0-pthread for the baselines (installed when run as root).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ref="${JCLIP_REFERENCE:-$root/../shared/reference}"
threads=2 rounds=2 cases="image-vit,image-rn50,text,train,preprocess" precisions="bf16,int8,auto" ort=1 ort8=1
blas_env=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --cases) cases="$2"; shift 2 ;;
    --precisions) precisions="$2"; shift 2 ;;
    --no-ort) ort=0; shift ;;
    --no-ort-int8) ort8=0; shift ;;
    --keep-openblas-env) blas_env=(env); shift ;;
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
# the precisions each case can run in: training has no int8, preprocessing no precision at all
precisions_for() {
  case "$1" in
    preprocess) echo "" ;;
    train) tr , '\n' <<<"$precisions" | grep -xE 'bf16|auto' || true ;;
    *) tr , ' ' <<<"$precisions" ;;
  esac
}
"$root/clip" --version >/dev/null  # builds once, outside the measurements
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
side() {  # side NAME COMMAND...: runs one measurement and records its last JSON line under NAME
  local name="$1"; shift
  local line
  if line=$("$@" 2>/dev/null | tail -1) && [[ "$line" == \{* ]]; then
    echo "$c $name $line" | tee -a "$out"
  else
    echo "# $c $name failed" >&2
  fi
}
IFS=, read -ra list <<<"$cases"
for ((r = 1; r <= rounds; r++)); do
  for c in "${list[@]}"; do
    read -ra a <<<"$(args_for "$c")"
    echo "# round $r, $c" >&2
    side torch-fp32 env OMP_NUM_THREADS="$threads" "$py" "$ref/bench_torch.py" "${a[@]}" --threads "$threads"
    side jclip-fp32 "${blas_env[@]}" "$root/clip" bench "${a[@]}" --threads "$threads"
    if [[ $c != preprocess ]]; then
      side torch-bf16 env OMP_NUM_THREADS="$threads" "$py" "$ref/bench_torch.py" "${a[@]}" --threads "$threads" --precision bf16
    fi
    for p in $(precisions_for "$c"); do
      side "jclip-$p" "${blas_env[@]}" "$root/clip" bench "${a[@]}" --threads "$threads" --precision "$p"
    done
    if [[ $ort == 1 && ( $c == image-* || $c == text ) ]]; then
      side ort-fp32 "$ref/bench_ort.sh" "${a[@]}" --threads "$threads"
      if [[ $ort8 == 1 ]]; then
        side ort-int8 "$ref/bench_ort.sh" "${a[@]}" --threads "$threads" --int8
      fi
    fi
  done
done
echo "# gemm ceiling" >&2
gemm=$("${blas_env[@]}" "$root/clip" bench --task gemm --threads "$threads" 2>/dev/null | tail -1)
echo "gemm $gemm"
"$py" - "$out" "$gemm" <<'PY'
import json, sys, statistics
rows = {}
for l in open(sys.argv[1]):
    case, side, js = l.split(" ", 2)
    rows.setdefault(case, {}).setdefault(side, []).append(json.loads(js))
ceil = json.loads(sys.argv[2])["ceiling"] if sys.argv[2].startswith("{") else {}
cpu = json.loads(sys.argv[2]).get("cpu", "?") if sys.argv[2].startswith("{") else "?"
peak = {"fp32": ceil.get("fp32_gflop_per_s"), "bf16": ceil.get("bf16_gflop_per_s"), "int8": ceil.get("int8_gop_per_s")}
med = lambda ds, k: statistics.median(d.get(k, float("nan")) for d in ds)
print(f"\nCPU matrix instructions: {cpu}; gemm ceiling GFLOP/s fp32 {peak['fp32']}, bf16 {peak['bf16']}, int8 {peak['int8']} (GOP/s)")
print(f"{'case':<11} {'side':<11} {'items/s':>9} {'GFLOP/s':>8} {'of ceil':>8} {'RSS MB':>8}  ran")
for case, sides in rows.items():
    for side, ds in sides.items():
        g = med(ds, "gflop_per_s")
        # auto is measured against the ceiling of the precision it picked
        prec = ds[-1].get("precision", side.split("-")[1]) if side.startswith("jclip") else side.split("-")[1]
        frac = f"{g / peak[prec]:.0%}" if side.startswith("jclip") and peak.get(prec) and g == g else ""
        ran = ""
        if side.startswith("jclip"):
            d = ds[-1]
            ran = f"{d.get('precision', '')} openblas {d.get('openblas_core', '?')}" + (" (forced)" if d.get("openblas_core_forced") else "")
            # the linear path of the precision that side ran
            lin = "bf16_linear" if d.get("precision") == "bf16" else "fp32_linear"
            ran += f", {lin.replace('_', ' ')} {d.get(lin, '?')}"
            if d.get("batch_split"):  # whole or split over the threads, as auto-measured in that run
                ran += f", batch {d['batch_split'].split(' ')[0]}"
        print(f"{case:<11} {side:<11} {med(ds, 'items_per_s'):>9.2f} {g if g == g else 0:>8.1f} {frac:>8} "
              f"{max(d.get('peak_rss_mb', 0) for d in ds):>8.1f}  {ran}")
print("\nratios (jclip side / baseline, medians):")
for case, sides in rows.items():
    j = {s: med(ds, "items_per_s") for s, ds in sides.items() if s.startswith("jclip")}
    b = {s: med(ds, "items_per_s") for s, ds in sides.items() if not s.startswith("jclip")}
    if not j or not b:
        continue
    best = max(j, key=j.get)
    parts = [f"{s} {j['jclip-fp32'] / v:.2f}x" for s, v in b.items() if "jclip-fp32" in j]
    print(f"  {case:<11} jclip-fp32 vs " + ", ".join(parts))
    if best != "jclip-fp32":
        parts = [f"{s} {j[best] / v:.2f}x" for s, v in b.items()]
        print(f"  {case:<11} {best} vs " + ", ".join(parts))
    if "jclip-auto" in j:
        peer = max(b, key=b.get)
        print(f"  {case:<11} jclip-auto vs the fastest peer ({peer}): {j['jclip-auto'] / b[peer]:.2f}x")
PY
