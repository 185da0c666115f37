"""``CausalExtractor``: a trained checkpoint wrapped for prediction on statements and documents.

Example::

    from zhcausal import CausalExtractor

    extractor = CausalExtractor.from_pretrained("models/zhcausal-m3e-small")
    record = extractor.predict("受原材料价格上涨影响，公司毛利率下降2.1个百分点。")
    for rel in record.relations:
        print(rel.label, record.span_by_id()[rel.head].text, "→", record.span_by_id()[rel.tail].text)
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Literal, overload

from .data.schema import Record
from .model import CausalConfig, CausalModel
from .model.inference import Sentence, merge_sentences, predict_sentences, sentence_in_document
from .model.runtime import check_model_dir, default_precision, place_model, resolve_device

Precision = Literal["auto", "fp32", "bf16", "int8"]
Threshold = float | tuple[float, float] | None


class CausalExtractor:
    """Extract CAUSE / EFFECT / ACTOR spans and CAUSES / ACTOR_OF relations from Chinese text.

    Args:
        model: a :class:`CausalModel`.
        tokenizer: its tokenizer.
        device: ``"cpu"``, ``"cuda"``, ``"cuda:1"`` or ``"auto"``.
        precision: ``"fp32"``, ``"bf16"`` (bfloat16 weights and activations), ``"int8"`` (dynamic
            quantisation of the linear layers, CPU only) or ``"auto"`` (the fastest one that keeps
            accuracy on this machine).
    """

    def __init__(self, model: CausalModel, tokenizer, device: str = "auto", precision: Precision = "auto"):
        self.device = resolve_device(device)
        self.precision = default_precision(self.device) if precision == "auto" else precision
        self.model = place_model(model, self.device, self.precision)
        self.tokenizer = tokenizer
        self.config: CausalConfig = model.config

    @classmethod
    def from_pretrained(cls, path: str | os.PathLike, device: str = "auto", precision: Precision = "auto") -> "CausalExtractor":
        """Load a directory written by ``zhcausal train`` (weights, config and tokenizer)."""
        from transformers import AutoTokenizer
        from transformers.utils import logging as hf_logging

        check_model_dir(path)
        hf_logging.disable_progress_bar()
        model = CausalModel.from_pretrained(str(path))
        tokenizer = AutoTokenizer.from_pretrained(str(path))
        return cls(model, tokenizer, device=device, precision=precision)

    @overload
    def predict(self, texts: str, **kw) -> Record: ...
    @overload
    def predict(self, texts: Sequence[str], **kw) -> list[Record]: ...

    def predict(self, texts, batch_size: int = 32, threshold: Threshold = None,
                ids: Sequence[str] | None = None, show_progress: bool = False):
        """Predict on one text (returns a :class:`Record`) or a list (returns a list).

        Offsets are character offsets into each input text. A text of several sentences is
        split into sentences and the results merged (see :meth:`predict_texts`); a sentence
        longer than the encoder's limit is split into overlapping windows and merged, never
        truncated. ``threshold`` overrides the span and relation thresholds of the checkpoint.
        """
        single = isinstance(texts, str)
        batch = [texts] if single else list(texts)
        rids = list(ids) if ids is not None else [str(i) for i in range(len(batch))]
        out = self.predict_texts(batch, rids, batch_size, threshold, show_progress)
        return out[0] if single else out

    def predict_sentences(self, texts: Sequence[str], batch_size: int = 32, threshold: Threshold = None,
                          show_progress: bool = False) -> list[list[Sentence]]:
        """The core the other methods are views of: each text's sentences in order, each with its
        range in the text and its prediction (offsets into the sentence)."""
        return predict_sentences(self.model, self.tokenizer, texts, batch_size, threshold, show_progress)

    def predict_texts(self, texts: Sequence[str], ids: Sequence[str], batch_size: int = 32,
                      threshold: Threshold = None, show_progress: bool = False) -> list[Record]:
        """One contract record per text of any length, offsets into that text (how evaluation
        files and JSONL inputs are run). (Reading a text that fits one window whole instead of
        sentence by sentence scored 4.6 points lower CAUSES strict F1 on the dev split,
        cross-sentence links included.)"""
        sents = self.predict_sentences(texts, batch_size, threshold, show_progress)
        return [merge_sentences(rid, text, s) for rid, text, s in zip(ids, texts, sents)]

    def predict_document(self, text: str, doc_id: str = "doc", batch_size: int = 32,
                         threshold: Threshold = None, keep_empty: bool = False) -> list[Record]:
        """Split a document into sentences and predict on each.

        Returns one record per sentence that holds a causal relation (all sentences with
        ``keep_empty``). Span offsets point into the **document**; each record's ``text`` is its
        sentence and it carries ``doc``, ``sentence`` (index) and ``sentence_start`` /
        ``sentence_end`` (the sentence's range in the document).
        """
        return self.predict_documents([text], [doc_id], batch_size, threshold, keep_empty)[0]

    def predict_documents(self, texts: Sequence[str], doc_ids: Sequence[str], batch_size: int = 32,
                          threshold: Threshold = None, keep_empty: bool = False) -> list[list[Record]]:
        """:meth:`predict_document` over several documents, batching their sentences together."""
        sents = self.predict_sentences(texts, batch_size, threshold)
        return [[sentence_in_document(d, text, s) for s in doc if s.prediction.relations or keep_empty]
                for d, text, doc in zip(doc_ids, texts, sents)]

    def predict_records(self, records: Iterable[Record], batch_size: int = 32,
                        threshold: Threshold = None) -> list[Record]:
        """Predict on the texts of annotation records, keeping their ids and meta (used by evaluation).
        ``threshold`` may be one value or a ``(span, relation)`` pair."""
        records = list(records)
        preds = self.predict_texts([r.text for r in records], [r.id for r in records], batch_size, threshold)
        for p, g in zip(preds, records):
            p.meta = dict(g.meta)
        return preds
