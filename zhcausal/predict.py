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
from pathlib import Path
from typing import TYPE_CHECKING, Literal, overload

from .data.schema import Record
from .errors import UserError
from .model import CausalConfig, CausalModel
from .model.inference import Sentence, merge_sentences, predict_sentences, sentence_in_document
from .model.onnx_backend import ONNX_FILES, OnnxCausalModel, auto_onnx_precision, in_memory, load_onnx, onnx_precision, onnxruntime_available
from .model.runtime import check_model_dir, cpu_has_fast_bf16, default_precision, place_model, resolve_device

if TYPE_CHECKING:
    import torch

Precision = Literal["auto", "fp32", "bf16", "int8"]
Backend = Literal["auto", "torch", "onnx"]
Threshold = float | tuple[float, float] | None


class CausalExtractor:
    """Extract CAUSE / EFFECT / ACTOR spans and CAUSES / ACTOR_OF relations from Chinese text.

    Args:
        model: a :class:`CausalModel` (or an :class:`~zhcausal.model.onnx_backend.OnnxCausalModel`).
        tokenizer: its tokenizer.
        device: ``"cpu"``, ``"cuda"``, ``"cuda:1"`` or ``"auto"``.
        precision: ``"fp32"``, ``"bf16"`` (bfloat16 weights and activations), ``"int8"`` (dynamic
            quantisation of the linear layers, CPU only) or ``"auto"`` (the fastest one that keeps
            accuracy on this machine).
        backend: ``"torch"``, ``"onnx"`` (onnxruntime on the CPU, fp32 or int8; ``pip install
            'zhcausal[onnx]'``) or ``"auto"``: onnx for an exported model on a CPU without fast bf16
            (see :meth:`from_pretrained`), torch otherwise.
    """

    def __init__(self, model: CausalModel | OnnxCausalModel, tokenizer, device: str = "auto",
                 precision: Precision = "auto", backend: Backend = "auto"):
        if backend not in ("auto", "torch", "onnx"):
            raise UserError(f"unknown backend {backend!r}; choose torch, onnx or auto")
        if isinstance(model, OnnxCausalModel) or backend == "onnx":
            self.device, self.backend, self.precision = _onnx_device(device), "onnx", onnx_precision(precision)
            self.model = model if isinstance(model, OnnxCausalModel) else in_memory(model, self.precision)
        else:
            self.device, self.backend = resolve_device(device), "torch"
            self.precision = default_precision(self.device) if precision == "auto" else precision
            self.model = place_model(model, self.device, self.precision)
        self.tokenizer = tokenizer
        self.config: CausalConfig = model.config

    @classmethod
    def from_pretrained(cls, path: str | os.PathLike, device: str = "auto", precision: Precision = "auto",
                        backend: Backend = "auto") -> "CausalExtractor":
        """Load a directory written by ``zhcausal train`` (weights, config and tokenizer).

        ``backend="onnx"`` runs ``model.onnx`` (``model.int8.onnx`` for int8), exporting it beside
        the weights first where it is missing or was exported from other weights. ``"auto"`` runs
        the export only where it is there and current, onnxruntime is installed, the device is the
        CPU and the CPU has no fast bf16 (fp32 or int8 as asked; auto means int8 where
        ``zhcausal export-onnx --int8 --dev FILE`` measured it within a point of fp32, else fp32);
        else torch."""
        from transformers import AutoTokenizer
        from transformers.utils import logging as hf_logging

        check_model_dir(path)
        hf_logging.disable_progress_bar()
        tokenizer = AutoTokenizer.from_pretrained(str(path))
        if backend == "onnx":
            _onnx_device(device)
        if backend == "auto" and precision == "auto" and _onnx_is_fastest(path, device, precision):
            precision = auto_onnx_precision(path)  # int8 only where it was measured to keep accuracy
        if backend == "onnx" or (backend == "auto" and _onnx_is_fastest(path, device, precision)):
            onnx_model = load_onnx(path, precision, export=backend == "onnx")
            if onnx_model is not None:
                return cls(onnx_model, tokenizer, device=device, precision=precision, backend="onnx")
        model = CausalModel.from_pretrained(str(path))
        return cls(model, tokenizer, device=device, precision=precision, backend="torch")

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


def _onnx_is_fastest(path: str | os.PathLike, device: str, precision: str) -> bool:
    """``backend="auto"``: whether the export beside the weights is the path to take on this machine."""
    if precision == "bf16" or device not in ("auto", "cpu") or resolve_device(device).type != "cpu":
        return False
    if cpu_has_fast_bf16() or not onnxruntime_available():
        return False
    return (Path(path) / ONNX_FILES[onnx_precision(precision)]).is_file()


def _onnx_device(device: str) -> torch.device:
    if device not in ("auto", "cpu"):
        raise UserError(f"the onnx backend runs on the CPU, not {device!r}; use --backend torch there")
    return resolve_device("cpu")
