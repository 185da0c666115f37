"""The joint span-and-relation model: config, model, encoding and decoding."""
from transformers import AutoConfig, AutoModel

from .config import CausalConfig
from .modeling import CausalModel, CausalOutput

AutoConfig.register("zhcausal", CausalConfig, exist_ok=True)
AutoModel.register(CausalConfig, CausalModel, exist_ok=True)

__all__ = ["CausalConfig", "CausalModel", "CausalOutput"]
