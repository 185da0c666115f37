"""zhcausal: extract causes, effects and actors from Chinese business text."""
from __future__ import annotations

from .data import Record, Relation, Span, read_records, write_records

__version__ = "0.1.0"
__all__ = ["CausalExtractor", "Record", "Relation", "Span", "read_records", "write_records", "__version__"]


def __getattr__(name: str):  # lazy: importing the data contract must not import torch
    if name == "CausalExtractor":
        from .predict import CausalExtractor

        return CausalExtractor
    raise AttributeError(name)
