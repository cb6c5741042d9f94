#!/usr/bin/env bash
# A third choice for the zero-shot classifier of the transfer experiment, made on validation-unseen only:
# prompts naming the class ("a photo of a platypus.") or describing it, the class name followed by
# its WordNet definition (the *-gloss trees of scripts/zst-gloss.py). The runs are trained as
# before (DATA=mixed: names and captions, no definitions), so only the prompts change, and the
# from-scratch text tower has never been trained on the definitions' words. Evaluates every
# finished run plain, centred and calibrated with the described names, on val-unseen and test-unseen.
# Usage: scripts/zst-describe.sh [OUT]   (then scripts/zst-table.py OUT prints the choice)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-/tmp/zero-shot-transfer}"
export JCLIP_CACHE="$out/cache"
for run in "$out"/split-*/*/; do
  run="${run%/}"; split="$(dirname "$run")"
  seed="${split##*-}"; tower="$(basename "$run")"
  best="$(awk -F'\t' -v s="$seed" -v t="$tower" '$1 == s && $2 == t {print $3}' "$out/results.tsv")"
  [[ -n "$best" ]] || continue
  ckpt="$run/$(printf 'checkpoint-%08d.safetensors' "$best")"
  [[ -f "$ckpt" ]] || { echo "$run: $ckpt is missing" >&2; continue; }
  [[ -d "$split/val-unseen-gloss" ]] || python3 "$root/scripts/zst-gloss.py" "$out"
  ev() { # name data [flags]
    local name="$1" data="$2"; shift 2
    [[ -f "$run/$name/results.json" ]] || "${CLIP:-$root/clip}" eval zeroshot -m "$ckpt" --data "$data" --templates objects -q \
      -o "$run/$name" "$@" > "$run/$name.log" 2>&1
  }
  for set in val:val-unseen-gloss unseen:unseen-test-gloss; do
    name="${set%%:*}"; data="$split/${set#*:}"
    ev "eval-$name-desc" "$data"
    ev "eval-$name-desc-centered" "$data" --center-classes
    ev "eval-$name-desc-calibrated" "$data" --calibrate-on "$split/train-seen"
  done
  echo "$run: done"
done
