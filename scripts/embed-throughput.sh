#!/usr/bin/env bash
# Throughput of `clip embed-dataset` on the 50,000 CIFAR-10 training images (docs/embed-dataset.md),
# with the vit-s fixture model: ROUNDS × (encoder benchmark, local engine, Spark local[2]), then a last
# benchmark, so each engine run is bracketed by the encoder alone. OLD=path/to/clip adds a run of another
# build of the CLI after each local run (an A/B of a change); SPARK=0 leaves Spark out. Prints one line per run.
# The benchmark runs on all cores (THREADS to change it); the local engine runs with its defaults (one 1-thread
# pipeline per core) unless PIPELINES, THREADS or DECODE are set (its --pipelines, --threads, --decode-threads).
# Usage: [ROUNDS=2] [OLD=/tmp/old/clip] [SPARK=0] [PIPELINES=1 THREADS=2 DECODE=2] scripts/embed-throughput.sh [OUT]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-/tmp/embed-throughput}"; mkdir -p "$out"
model="$root/../shared/fixtures/models/vit-s"
shards="$root/../shared/data/cifar10/train-shards"
python3 -c "import json,sys; print(json.dumps(json.load(open(sys.argv[1]))['config']))" "$model/meta.json" > "$out/vit-s.json"
bench() {
  # BENCH_ITERS: a longer benchmark (1,000 batches is ~20 s here) averages the VM's drift as the embedding runs do
  "$root/clip" bench --config "$out/vit-s.json" --task image --batch 32 --threads "${THREADS:-$(nproc)}" --iters "${BENCH_ITERS:-1000}" 2>/dev/null | tail -1 |
    python3 -c 'import json,sys; print("bench          %8.1f images/s" % json.load(sys.stdin)["items_per_s"])'
}
embed() { # label clip [flags]
  local label="$1" clip="$2"; shift 2
  rm -rf "$out/$label"
  "$clip" embed-dataset -m "$model/openai_state_dict.pt" --data "$shards/cifar10-train-{000000..000009}.tar.gz" \
    --out "$out/$label" "$@" > "$out/$label.log" 2>&1
  printf "%-14s %s; partitions (s): %s\n" "$label" "$(grep -o 'this run .*' "$out/$label.log")" \
    "$(python3 -c 'import json,sys; print(" ".join("%.1f" % json.load(open(f))["seconds"] for f in sorted(sys.argv[1:])))' "$out/$label"/*._SUCCESS)"
}
for r in $(seq "${ROUNDS:-2}"); do
  bench
  local_flags=()
  [[ -z "${PIPELINES:-}" ]] || local_flags+=(--pipelines "$PIPELINES")
  [[ -z "${THREADS:-}" ]] || local_flags+=(--threads "$THREADS")
  [[ -z "${DECODE:-}" ]] || local_flags+=(--decode-threads "$DECODE")
  embed local "$root/clip" ${local_flags[@]+"${local_flags[@]}"}
  [[ -z "${OLD:-}" ]] || embed local-old "$OLD" ${local_flags[@]+"${local_flags[@]}"}
  [[ ${SPARK:-1} == 0 ]] || embed spark "$root/clip" --engine spark --master 'local[2]'
done
bench
