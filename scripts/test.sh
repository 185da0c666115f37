#!/usr/bin/env bash
# The test command: install, then run the offline test suite (tiny random models, no downloads).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1
.venv/bin/python -m pytest tests "$@"
