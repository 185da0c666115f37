"""Sub-commands other than ``validate`` (each imports its heavy dependencies lazily)."""
from __future__ import annotations


def register_all(sub) -> None:
    pass
