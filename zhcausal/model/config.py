"""Configuration of the joint span-and-relation model."""
from __future__ import annotations

from typing import Any

from transformers import AutoConfig, PretrainedConfig

from ..data.schema import RELATION_LABELS, SPAN_LABELS


class CausalConfig(PretrainedConfig):
    """Config of :class:`~zhcausal.model.modeling.CausalModel`.

    Args:
        encoder_config: the nested config of the encoder (any ``AutoModel`` architecture), as a dict;
            empty means a default ``BertConfig``.
        span_labels / relation_labels: label inventories of the contract.
        head_size: width of the GlobalPointer query/key projections.
        max_span_tokens: spans longer than this many tokens are never predicted.
        span_threshold / relation_threshold: decoding thresholds on probabilities.
        pair_threshold: a CAUSES link scoring under ``relation_threshold`` but above this is kept
            when it pairs a CAUSE and an EFFECT that have no other link (1.0: off; tuned on dev).
        relation_pooling: how a relation's start→start and end→end probabilities make its score:
            ``"min"``, ``"mean"`` or ``"geo"`` (geometric mean); tuned on dev.
        local_views: also read every run of this many consecutive clauses of a longer sentence on
            its own and merge what it finds (0: off; tuned on dev).
        max_seq_length: tokens per window (special tokens included); longer text is windowed.
        window_overlap: tokens shared by neighbouring windows.
        pre_split_chars: tokenize character by character (exact offsets for Chinese
            character vocabularies); otherwise use the tokenizer's offset mapping.
        base_model: name or path of the encoder the model was fine-tuned from.
    """

    model_type = "zhcausal"

    def __init__(
        self,
        encoder_config: dict[str, Any] | None = None,
        span_labels: list[str] | None = None,
        relation_labels: list[str] | None = None,
        head_size: int = 64,
        max_span_tokens: int = 256,
        span_threshold: float = 0.5,
        relation_threshold: float = 0.5,
        pair_threshold: float = 1.0,
        relation_pooling: str = "min",
        local_views: int = 0,
        max_seq_length: int = 512,
        window_overlap: int = 128,
        pre_split_chars: bool = True,
        base_model: str | None = None,
        dropout: float = 0.1,
        **kwargs: Any,
    ) -> None:
        self.encoder_config = dict(encoder_config or {})
        self.span_labels = list(span_labels or SPAN_LABELS)
        self.relation_labels = list(relation_labels or RELATION_LABELS)
        self.head_size = head_size
        self.max_span_tokens = max_span_tokens
        self.span_threshold = span_threshold
        self.relation_threshold = relation_threshold
        self.pair_threshold = pair_threshold
        self.relation_pooling = relation_pooling
        self.local_views = local_views
        self.max_seq_length = max_seq_length
        self.window_overlap = window_overlap
        self.pre_split_chars = pre_split_chars
        self.base_model = base_model
        self.dropout = dropout
        super().__init__(**kwargs)

    def build_encoder_config(self) -> PretrainedConfig:
        """The encoder's config; with no ``encoder_config`` a default BERT (so ``CausalConfig()`` builds)."""
        d = dict(self.encoder_config)
        model_type = d.pop("model_type", "bert")
        return AutoConfig.for_model(model_type, **d)
