"""The sub-commands of ``zhcausal``: one module per command, each with ``register(sub)``.

Every module imports its heavy dependencies (torch, transformers) only when its command runs,
so ``zhcausal validate`` and ``zhcausal --help`` start fast.
"""
from __future__ import annotations

from . import convert, evaluate, export, predict, stats, train, tune, validate

COMMANDS = (validate, stats, convert, train, tune, evaluate, predict, export)


def register(sub) -> None:
    for module in COMMANDS:
        module.register(sub)
