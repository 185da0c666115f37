"""The joint span-and-relation model: config, model, encoding and decoding.

Names are loaded lazily, so that ``zhcausal.model.encoders`` can be imported without torch.
Importing :mod:`.modeling` registers the model with ``AutoConfig`` / ``AutoModel``.
"""
from __future__ import annotations

__all__ = ["CausalConfig", "CausalModel", "CausalOutput"]


def __getattr__(name: str):
    if name == "CausalConfig":
        from .config import CausalConfig

        return CausalConfig
    if name in ("CausalModel", "CausalOutput"):
        from . import modeling

        return getattr(modeling, name)
    raise AttributeError(name)
