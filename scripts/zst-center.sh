#!/usr/bin/env bash
# Second tuning choice of the zero-shot transfer experiment, made on validation-unseen only:
# plain, centered class embeddings (clip eval zeroshot --center-classes), or class scores
# standardised over the seen training images (--calibrate-on). Evaluates every
# finished run of scripts/zero-shot-transfer.sh both ways on val-unseen, and centered on
# test-unseen and the seen classes (image features come from the evaluation cache).
# DESCRIBE=1 adds a third choice for runs trained without definitions (DATA=mixed): prompts that
# describe each class, its name followed by its WordNet definition (the *-gloss trees of
# `scripts/zst.sh gloss`), evaluated plain, centred and calibrated on val-unseen and test-unseen. The
# from-scratch text tower has never been trained on the definitions' words.
# Usage: [DATA=gloss | DESCRIBE=1] scripts/zst-center.sh [OUT]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-/tmp/zero-shot-transfer}"
export JCLIP_CACHE="$out/cache"
g=""; [[ ${DATA:-seen} == gloss ]] && g="-gloss"   # as scripts/zero-shot-transfer.sh: the described class names
[[ -z $g || ${DESCRIBE:-0} != 1 ]] || { echo "DESCRIBE=1 is for runs trained without definitions; DATA=gloss prompts are described already" >&2; exit 2; }
for run in "$out"/split-*/*/; do
  run="${run%/}"; split="$(dirname "$run")"
  seed="${split##*-}"; tower="$(basename "$run")"
  # only finished runs (a row in results.tsv), with the checkpoint chosen there
  best="$(awk -F'\t' -v s="$seed" -v t="$tower" '$1 == s && $2 == t {print $3}' "$out/results.tsv")"
  [[ -n "$best" ]] || continue
  ckpt="$run/$(printf 'checkpoint-%08d.safetensors' "$best")"
  [[ -f "$ckpt" ]] || { echo "$run: $ckpt is missing" >&2; continue; }
  ev() { # name data [flags]
    local name="$1" data="$2"; shift 2
    [[ -f "$run/$name/results.json" ]] || "${CLIP:-$root/clip}" eval zeroshot -m "$ckpt" --data "$data" --templates objects -q \
      -o "$run/$name" "$@" > "$run/$name.log" 2>&1
  }
  ev eval-val "$split/val-unseen$g"
  ev eval-val-centered "$split/val-unseen$g" --center-classes
  ev eval-unseen-centered "$split/unseen-test$g" --center-classes
  ev eval-seen-centered "$split/test-seen$g" --center-classes
  # third choice: class scores standardised over the seen training images (no unseen image is used)
  ev eval-val-calibrated "$split/val-unseen$g" --calibrate-on "$split/train-seen"
  ev eval-unseen-calibrated "$split/unseen-test$g" --calibrate-on "$split/train-seen"
  if [[ ${DESCRIBE:-0} == 1 ]]; then
    [[ -d "$split/val-unseen-gloss" ]] || "$root/scripts/zst.sh" gloss "$out"
    for set in val:val-unseen-gloss unseen:unseen-test-gloss; do
      name="${set%%:*}"; data="$split/${set#*:}"
      ev "eval-$name-desc" "$data"
      ev "eval-$name-desc-centered" "$data" --center-classes
      ev "eval-$name-desc-calibrated" "$data" --calibrate-on "$split/train-seen"
    done
  fi
  echo "$run: done"
done
