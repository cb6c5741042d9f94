#!/usr/bin/env bash
# Zero-shot transfer to Caltech-101 classes never named in training (docs/zero-shot-transfer.md).
# For each of 3 class splits (59 seen / 10 validation-unseen / 20 test-unseen, look-alikes on one
# side), trains RN-Tiny-32px on the seen classes' photos with template captions, three ways:
#   minilm    locked all-MiniLM-L6-v2 text tower + trainable projection
#   scratch   jclip's own text transformer trained from scratch (control)
#   shuffled  minilm, but the seen class names permuted against their photos (control)
#   minilm-fixed / shuffled-fixed  the same with the text projection fixed to the identity
#             (embed_dim 384 = MiniLM's space; --lock-text-projection)
# With DATA=mixed the seen side also gets captioned images whose captions name no held-out class
# (Tux Paint stamps, COCO-mini, CIFAR-10; `scripts/zst.sh extra`): thousands of distinct training
# texts instead of 59 class names. The shuffled control then permutes those captions too.
# DATA=gloss is DATA=mixed with every class name followed by its dictionary definition (WordNet,
# `scripts/zst.sh gloss`), in the training captions and in the zero-shot prompts alike.
# Keeps the checkpoint with the best validation-unseen zero-shot mean per-class recall (the only
# tuning; top-1 there mostly measures motorbike, half of its photos in two splits), then
# evaluates zero-shot on the 20 test-unseen classes and the seen classes' held-out photos, and a
# k-shot linear probe on the test-unseen classes (with the zero-shot classifier's effective shots).
# Writes OUT/results.tsv and OUT/table.md. Usage: scripts/zero-shot-transfer.sh [OUT] [SEEDS...]
# The data, selection and table steps are Java (scripts/zst.sh, the experiments module): no Python is needed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-/tmp/zero-shot-transfer}"; shift || true
seeds=("${@:-0 1 2}"); seeds=(${seeds[*]})
data="${CALTECH:-$root/../shared/data/caltech101-96}"
steps="${STEPS:-120}"; batch="${BATCH:-128}"; every=$((steps / 3))
towers="${TOWERS:-minilm scratch shuffled}"
mixed="${DATA:-seen}"; [[ $mixed == mixed || $mixed == seen || $mixed == gloss ]] || { echo "DATA is seen, mixed or gloss" >&2; exit 2; }
g=""; [[ $mixed == gloss ]] && g="-gloss"   # evaluation trees whose folder names carry the definitions
export JCLIP_CACHE="$out/cache"   # text features, eval features: kept with the experiment
clip="${CLIP:-$root/clip}"   # CLIP=... runs a copy of the CLI (to keep building while a grid runs)
zst="$root/scripts/zst.sh"
export SHARED="${SHARED:-$root/../shared}"   # COCO-mini and CIFAR-10 for DATA=mixed
mkdir -p "$out"
[[ -f "$out/results.tsv" ]] || printf "split\ttower\tbest_step\tval_unseen_top1\tunseen_top1\tunseen_top5\tseen_top1\tseen_top5\tprobe\teffective_shots\ttrain_min\n" > "$out/results.tsv"

for seed in "${seeds[@]}"; do
  split="$out/split-$seed"
  [[ -f "$split/split.json" ]] || "$zst" split "$data" "$out" "$seed"
  [[ $mixed == seen || -f "$split/train-mixed.tsv" ]] || "$zst" extra "$out"
  [[ $mixed != gloss || -f "$split/train-mixed-gloss.tsv" ]] || "$zst" gloss "$out"
  for tower in $towers; do
    run="$split/$tower"
    if grep -q "^$seed	$tower	" "$out/results.tsv"; then echo "split $seed $tower: done"; continue; fi
    rm -rf "$run"; mkdir -p "$run"
    trainData="$split/train-seen"; textTower="minilm"; model=(--model RN-Tiny-32px)
    [[ $tower == scratch ]] && textTower="clip"
    [[ $tower == shuffled* ]] && trainData="$split/train-shuffled"
    if [[ $mixed != seen ]]; then
      trainData="$split/train-mixed$g.tsv"; [[ $tower == shuffled* ]] && trainData="$split/train-mixed$g-shuffled.tsv"
    fi
    if [[ $tower == *-fixed ]]; then
      # RN-Tiny-32px with a 384-d embedding, so the fixed identity projection keeps MiniLM's space
      model=(--model-config '{"embed_dim": 384, "image_resolution": 32, "vision_layers": [1, 1, 1, 1], "vision_width": 32,
        "vision_patch_size": null, "context_length": 77, "vocab_size": 49408, "transformer_width": 128,
        "transformer_heads": 2, "transformer_layers": 3}' --lock-text-projection)
    fi
    echo "== split $seed, $tower: training ($steps steps of $batch)"
    t0=$(date +%s)
    "$clip" train "${model[@]}" --text-tower "$textTower" --train-data "$trainData" \
      --caption-templates train-photo --steps "$steps" --batch-size "$batch" --lr 2e-3 --wd 0.1 --warmup 12 \
      --seed "$seed" --zeroshot-data "$split/val-unseen$g" --zeroshot-templates objects --zeroshot-every "$every" \
      --save-every "$every" --keep 10 --no-report -o "$run" > "$run/train.log" 2>&1
    t1=$(date +%s)
    # early stopping on validation-unseen: the checkpoint with the best zero-shot mean per-class recall there
    best="$("$zst" best "$run")"
    ckpt="$run/$(printf 'checkpoint-%08d.safetensors' "$best")"
    "$clip" eval zeroshot -m "$ckpt" --data "$split/unseen-test$g" --templates objects -q -o "$run/eval-unseen" > "$run/eval-unseen.log" 2>&1
    "$clip" eval zeroshot -m "$ckpt" --data "$split/test-seen$g" --templates objects -q -o "$run/eval-seen" > "$run/eval-seen.log" 2>&1
    if [[ $tower != shuffled* ]]; then
      "$clip" eval linear-probe -m "$ckpt" --train "$split/unseen-pool$g" --test "$split/unseen-test$g" \
        --shots 1,2,4,8 --draws 3 --templates objects -q -o "$run/eval-probe" > "$run/eval-probe.log" 2>&1
    fi
    # keep only the chosen checkpoint
    find "$run" -name 'checkpoint-*.safetensors' ! -name "$(basename "$ckpt")" -delete
    row="$("$zst" row "$seed" "$tower" "$run" "$((t1 - t0))")"
    echo "$row" >> "$out/results.tsv"
    IFS=$'\t' read -r _ _ best val u1 u5 s1 s5 probe eff _ <<< "$row"
    echo "   unseen top-1 $u1 top-5 $u5; seen top-1 $s1; val-unseen $val at step $best; probe $probe; effective shots $eff"
  done
done

"$zst" table "$out"   # writes OUT/table.md and prints it
