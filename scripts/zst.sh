#!/usr/bin/env bash
# Runs one Java step of the zero-shot transfer experiment (experiments module, dev.jclip.experiments.zst.Zst):
#   split DATA OUT SEED | extra OUT [N] | gloss OUT | best RUN | row SEED TOWER RUN SECONDS | table OUT
#   | report OUT | calibration MODEL EVAL_DIR SEEN_TRAIN_DIR     (docs/zero-shot-transfer.md)
# Builds the module when needed (scripts/experiment.sh).
exec "$(dirname "${BASH_SOURCE[0]}")/experiment.sh" dev.jclip.experiments.zst.Zst "$@"
