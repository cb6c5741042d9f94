#!/usr/bin/env bash
# Runs one Java step of the zero-shot transfer experiment (experiments module, dev.jclip.experiments.zst.Zst):
#   split DATA OUT SEED | extra OUT [N] | gloss OUT | best RUN | row SEED TOWER RUN SECONDS | table OUT
#   | report OUT | calibration MODEL EVAL_DIR SEEN_TRAIN_DIR     (docs/zero-shot-transfer.md)
# Builds the module (with core and text-onnx; nothing is installed) when its jar is missing or older than the sources.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/experiments/target/jclip-experiments.jar"
cpfile="$root/experiments/target/classpath.txt"   # written by the build: the module's dependencies where they are
stale() {
  [[ ! -f "$jar" || ! -f "$cpfile" ]] && return 0
  [[ -n "$(find "$root/pom.xml" "$root/experiments/pom.xml" "$root/experiments/src/main" "$root/core/pom.xml" \
      "$root/core/src/main" "$root/text-onnx/src/main" -newer "$jar" -type f -print -quit 2>/dev/null)" ]] && return 0
  local e entries
  IFS=: read -ra entries < "$cpfile"
  for e in "${entries[@]}"; do [[ -e "$e" ]] || return 0; done   # a cleaned module's jar is gone
  return 1
}
if stale; then
  echo "zst: building the experiments module..." >&2
  mkdir -p "$root/target"
  (cd "$root" && mvn -B -q -DskipTests -pl experiments -am package) > "$root/target/zst-build.log" 2>&1 \
    || { tail -40 "$root/target/zst-build.log" >&2; exit 1; }
fi
exec java ${JCLIP_JAVA_OPTS:-} -cp "$jar:$(cat "$cpfile")" dev.jclip.experiments.zst.Zst "$@"
