#!/usr/bin/env bash
# Which native path is fastest here for fp32 and int8 linear layers and ResNet convolutions, side by side in one
# process (experiments module, dev.jclip.experiments.kernels.KernelPaths; docs/runtime.md): scripts/kernel-paths.sh [PAIRS]
exec "$(dirname "${BASH_SOURCE[0]}")/experiment.sh" dev.jclip.experiments.kernels.KernelPaths "$@"
