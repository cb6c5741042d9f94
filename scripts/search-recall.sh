#!/usr/bin/env bash
# Search 2.0 figures for docs/search.md: filtered-HNSW recall@10 against exact filtered search on
# synthetic vectors (1% and 10% filters), and COCO-mini text→image recall through the index for
# vector, BM25 and hybrid ranking beside `clip eval retrieval`'s exact figures for the same model.
#
#   scripts/search-recall.sh filtered [N=100000] [DIM=512] [QUERIES=200] [clustered|uniform]
#   scripts/search-recall.sh coco MODEL [STORED=2]
#
# Work folders go under ${WORK:-target/search-recall} (the filtered index is reused when it exists).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${WORK:-$root/target/search-recall}"
coco="${COCO:-$root/../shared/data/coco-mini}"
mkdir -p "$work"
"$root/clip" --help >/dev/null # builds the jars when the sources changed
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
# run from a copy of the jars: a rebuild during a long run must not rewrite the jars under the JVM
rm -rf "$work/jars" && mkdir -p "$work/jars/lib"
cp "$root/cli/target/jclip-cli.jar" "$work/jars/" && cp "$root/cli/target/lib/"*.jar "$work/jars/lib/"
cp="$work/jars/jclip-cli.jar:$work/jars/lib/*"
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
case "${1:-}" in
  filtered)
    n="${2:-100000}" dim="${3:-512}" queries="${4:-200}" dist="${5:-clustered}"
    java -Xmx3g -cp "$cp" dev.jclip.search.SearchRecall filtered "$n" "$dim" "$queries" "$work/filtered-$n-$dim-$dist" "$dist"
    ;;
  coco)
    model="${2:?give the model}" stored="${3:-2}"
    rm -rf "$work/coco-index-$stored"
    java -Xmx3g -cp "$cp" dev.jclip.search.SearchRecall coco "$model" \
      "$coco/annotations/captions_val2017.json" "$coco/val2017" "$work/coco-index-$stored" "$stored"
    "$root/clip" eval retrieval -m "$model" --data "$coco/annotations/captions_val2017.json" --images "$coco/val2017"
    ;;
  *)
    sed -n '2,9p' "$0" >&2
    exit 2
    ;;
esac
