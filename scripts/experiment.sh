#!/usr/bin/env bash
# Runs a main class of the experiments module: scripts/experiment.sh CLASS [ARGS...]
# Builds the module (with core and text-onnx; nothing is installed) when its jar is missing or older than the sources.
set -euo pipefail
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"   # as ./clip: libgomp busy-waiting starves OpenBLAS on small machines
export OPENBLAS_THREAD_TIMEOUT="${OPENBLAS_THREAD_TIMEOUT:-4}"   # as ./clip: idle OpenBLAS threads sleep at once
if [[ "${JCLIP_MALLOC:-}" != default && -z "${MALLOC_MMAP_THRESHOLD_:-}${MALLOC_TRIM_THRESHOLD_:-}${MALLOC_TOP_PAD_:-}" && "${GLIBC_TUNABLES:-}" != *malloc* ]]; then
  export MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=4294967296 MALLOC_TOP_PAD_=268435456   # as ./clip (runtime.NativeHeap)
fi
main="${1:?usage: scripts/experiment.sh CLASS [ARGS...]}"; shift
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
  echo "experiment: building the experiments module..." >&2
  mkdir -p "$root/target"
  (cd "$root" && mvn -B -q -DskipTests -pl experiments -am package) > "$root/target/experiments-build.log" 2>&1 \
    || { tail -40 "$root/target/experiments-build.log" >&2; exit 1; }
fi
exec java ${JCLIP_JAVA_OPTS:-} -cp "$jar:$(cat "$cpfile")" "$main" "$@"
