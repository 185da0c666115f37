"""The joint model: any ``AutoModel`` encoder + GlobalPointer span head + GPLinker relation heads."""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from transformers import AutoConfig, AutoModel, PreTrainedModel
from transformers.utils import ModelOutput

from ..errors import ModelLoadError
from .config import CausalConfig
from .heads import GlobalPointer, multilabel_ce


@dataclass
class CausalOutput(ModelOutput):
    loss: torch.Tensor | None = None
    span_logits: torch.Tensor | None = None   # (batch, n_span_labels, L, L): start i, end j
    head_logits: torch.Tensor | None = None   # (batch, n_relations, L, L): head-span start → tail-span start
    tail_logits: torch.Tensor | None = None   # (batch, n_relations, L, L): head-span end → tail-span end


def _encoder_from_config(encoder_config):
    try:
        return AutoModel.from_config(encoder_config, add_pooling_layer=False)
    except TypeError:  # architectures without a pooler argument
        return AutoModel.from_config(encoder_config)


class CausalModel(PreTrainedModel):
    """Finds CAUSE / EFFECT / ACTOR spans (nested, and a chain's doubled middle link) and the
    CAUSES / ACTOR_OF relations between them, trained jointly from one loss.

    Spans are scored GlobalPointer-style: one start×end matrix per label, so spans of different
    labels may nest or coincide. Relations are scored GPLinker-style over token pairs: the
    head span's start against the tail span's start, and end against end, per relation label.
    """

    config_class = CausalConfig
    base_model_prefix = "encoder"  # the attribute holding the pretrained encoder
    supports_gradient_checkpointing = False

    def __init__(self, config: CausalConfig):
        super().__init__(config)
        self.encoder = _encoder_from_config(config.build_encoder_config())
        hidden = self.encoder.config.hidden_size
        self.dropout = nn.Dropout(config.dropout)
        self.span_head = GlobalPointer(hidden, len(config.span_labels), config.head_size, rope=True, tril_mask=True)
        self.rel_head = GlobalPointer(hidden, len(config.relation_labels), config.head_size, rope=False, tril_mask=False)
        self.rel_tail = GlobalPointer(hidden, len(config.relation_labels), config.head_size, rope=False, tril_mask=False)
        self.post_init()

    def _init_weights(self, module: nn.Module) -> None:
        if isinstance(module, GlobalPointer):
            nn.init.normal_(module.dense.weight, std=0.02)
            nn.init.zeros_(module.dense.bias)
        elif module is not self and hasattr(self, "encoder") and any(module is m for m in self.encoder.modules()):
            self.encoder._init_weights(module)

    @classmethod
    def from_encoder(cls, name_or_path: str, **config_kwargs) -> "CausalModel":
        """A new model around a pretrained encoder (Hub id or local directory); heads randomly initialised."""
        try:
            pretrained = AutoModel.from_pretrained(name_or_path)
        except (OSError, ValueError, KeyError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelLoadError(f"base model {name_or_path!r} is not a loadable encoder ({first}); give a Hub id "
                                 f"or a local directory holding config.json, weights and a tokenizer") from None
        if isinstance(pretrained, CausalModel) or getattr(pretrained.config, "model_type", "") == "zhcausal":
            raise ModelLoadError(f"base model {name_or_path!r} is a zhcausal model, not an encoder; to continue "
                                 f"training it use `zhcausal train --resume`, or give its base encoder")
        if not hasattr(pretrained.config, "hidden_size"):
            raise ModelLoadError(f"base model {name_or_path!r} ({type(pretrained).__name__}) has no hidden_size: "
                                 f"not a text encoder")
        enc_cfg = pretrained.config.to_dict()
        config = CausalConfig(encoder_config=enc_cfg, base_model=str(name_or_path), **config_kwargs)
        model = cls(config)
        missing, unexpected = model.encoder.load_state_dict(pretrained.state_dict(), strict=False)
        bad = [k for k in missing if "pooler" not in k]
        if bad:
            raise ModelLoadError(f"encoder weights of {name_or_path} do not fit: missing {bad[:5]}")
        return model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                span_targets: torch.Tensor | None = None, head_targets: torch.Tensor | None = None,
                tail_targets: torch.Tensor | None = None, **_: object) -> CausalOutput:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        hidden = self.dropout(hidden)
        span = self.span_head(hidden, attention_mask, max_width=self.config.max_span_tokens)
        rh = self.rel_head(hidden, attention_mask)
        rt = self.rel_tail(hidden, attention_mask)
        loss = None
        if span_targets is not None:
            loss = multilabel_ce(span, span_targets) + multilabel_ce(rh, head_targets) + multilabel_ce(rt, tail_targets)
        return CausalOutput(loss=loss, span_logits=span, head_logits=rh, tail_logits=rt)


AutoConfig.register("zhcausal", CausalConfig, exist_ok=True)
AutoModel.register(CausalConfig, CausalModel, exist_ok=True)
