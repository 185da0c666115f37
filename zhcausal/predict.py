"""``CausalExtractor``: a trained checkpoint wrapped for prediction on statements and documents.

Example::

    from zhcausal import CausalExtractor

    extractor = CausalExtractor.from_pretrained("models/zhcausal-m3e-small")
    record = extractor.predict("受原材料价格上涨影响，公司毛利率下降2.1个百分点。")
    for rel in record.relations:
        print(rel.label, record.span_by_id()[rel.head].text, "→", record.span_by_id()[rel.tail].text)
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal, overload

import torch
from tqdm.auto import tqdm

from .data.schema import Record, Relation, Span
from .errors import UserError
from .model import CausalConfig, CausalModel
from .model.decoding import decode_window, finalize
from .model.encoding import tokenize_batch, windows
from .sentences import split_sentences

Precision = Literal["auto", "fp32", "bf16", "int8"]


def resolve_device(device: str) -> torch.device:
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise UserError(f"device {device!r} asked for, but no CUDA GPU is available; use --device cpu")
    return torch.device(device)


def cpu_has_fast_bf16() -> bool:
    """True where bf16 matrix products are fast on this CPU (AMX or AVX512-BF16)."""
    cap = torch.backends.cpu.get_cpu_capability() if hasattr(torch.backends, "cpu") else ""
    if "AMX" in cap:
        return True
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return " amx_bf16" in flags or " avx512_bf16" in flags


def default_precision(device: torch.device) -> str:
    """The fastest precision that keeps accuracy here (measured by scripts/bench_predict.py)."""
    if device.type == "cuda":
        return "bf16" if torch.cuda.is_bf16_supported() else "fp32"
    return "bf16" if cpu_has_fast_bf16() else "fp32"


def check_model_dir(path: str | os.PathLike) -> None:
    """Raise a one-line ``UserError`` unless ``path`` is a zhcausal model directory."""
    p = Path(path)
    if not p.exists():
        raise UserError(f"model directory {str(p)!r} does not exist; train one with `zhcausal train` or give the right --model path")
    cfg = p / "config.json"
    if not p.is_dir() or not cfg.is_file():
        raise UserError(f"{str(p)!r} is not a model directory (no config.json); give the directory written by `zhcausal train`")
    try:
        model_type = json.loads(cfg.read_text(encoding="utf-8")).get("model_type")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise UserError(f"{cfg}: config.json is not valid JSON") from None
    if model_type != CausalConfig.model_type:
        raise UserError(f"{str(p)!r} holds a {model_type!r} model from another tool, not a zhcausal model; train one with `zhcausal train`")
    if (p / ".incomplete").exists():
        raise UserError(f"{str(p)!r} is half-written (a training run was killed while saving it); "
                        f"finish it with `zhcausal train ... --resume` or train again")
    if not any((p / f).is_file() for f in ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin")):
        raise UserError(f"{str(p)!r} has no model weights (model.safetensors)")


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
        if self.precision not in ("fp32", "bf16", "int8"):
            raise UserError(f"unknown precision {precision!r}; choose fp32, bf16, int8 or auto")
        model = model.eval()
        if self.precision == "int8":
            if self.device.type != "cpu":
                raise UserError("int8 dynamic quantisation runs on the CPU only; use --precision bf16 on a GPU")
            model = torch.ao.quantization.quantize_dynamic(model.float(), {torch.nn.Linear}, dtype=torch.qint8)
        elif self.precision == "bf16":
            model = model.to(torch.bfloat16)
        else:
            model = model.float()
        self.model = model.to(self.device)
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

    def predict(self, texts, batch_size: int = 32, threshold: float | None = None,
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

    def predict_document(self, text: str, doc_id: str = "doc", batch_size: int = 32,
                         threshold: float | None = None, keep_empty: bool = False) -> list[Record]:
        """Split a document into sentences and predict on each.

        Returns one record per sentence that holds a causal relation (all sentences with
        ``keep_empty``). Span offsets point into the **document**; each record's ``text`` is its
        sentence and it carries ``doc``, ``sentence`` (index) and ``sentence_start`` /
        ``sentence_end`` (the sentence's range in the document).
        """
        return self.predict_documents([text], [doc_id], batch_size, threshold, keep_empty)[0]

    def predict_documents(self, texts: Sequence[str], doc_ids: Sequence[str], batch_size: int = 32,
                          threshold: float | None = None, keep_empty: bool = False) -> list[list[Record]]:
        """:meth:`predict_document` over several documents, batching their sentences together."""
        plan = [(d, i, a, b) for d, text in enumerate(texts) for i, (a, b) in enumerate(split_sentences(text))]
        recs = self._predict_many([texts[d][a:b] for d, _, a, b in plan],
                                  [f"{doc_ids[d]}#{i}" for d, i, _, _ in plan], batch_size, threshold, False)
        out: list[list[Record]] = [[] for _ in texts]
        for (d, i, a, b), rec in zip(plan, recs):
            if rec.relations or keep_empty:
                out[d].append(shift_to_document(rec, texts[d], doc_ids[d], i, a, b))
        return out

    def predict_texts(self, texts: Sequence[str], ids: Sequence[str], batch_size: int = 32,
                      threshold: float | None = None, show_progress: bool = False) -> list[Record]:
        """One contract record per text of any length, offsets into that text (how evaluation
        files and JSONL inputs are run): each text is split into sentences, the sentences are
        predicted in batches and the results merged. (Reading a text that fits one window whole
        instead scored 4.6 points lower CAUSES strict F1 on the dev split, cross-sentence links
        included, so sentence splitting is used throughout.)"""
        plan = [(t, a, b) for t, text in enumerate(texts) for a, b in split_sentences(text)]
        recs = self._predict_many([texts[t][a:b] for t, a, b in plan], [f"{ids[t]}@{a}" for t, a, _ in plan],
                                  batch_size, threshold, show_progress)
        parts: list[list[Record]] = [[] for _ in texts]
        for (t, a, b), rec in zip(plan, recs):
            parts[t].append(shift_to_document(rec, texts[t], ids[t], len(parts[t]), a, b))
        return [merge_sentences(rid, text, p) for rid, text, p in zip(ids, texts, parts)]

    @torch.inference_mode()
    def _predict_many(self, texts: list[str], ids: list[str], batch_size: int, threshold: float | tuple[float, float] | None,
                      show_progress: bool) -> list[Record]:
        cfg = self.config
        if isinstance(threshold, tuple):
            s_thr, r_thr = threshold
        else:
            s_thr = cfg.span_threshold if threshold is None else threshold
            r_thr = cfg.relation_threshold if threshold is None else threshold
        cls_id, sep_id = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id
        size = cfg.max_seq_length - 2
        items = []  # (text index, ids, char starts, char ends)
        for ti, tok in enumerate(tokenize_batch(self.tokenizer, texts, cfg.pre_split_chars)):
            for a, b in windows(len(tok), size, cfg.window_overlap):
                if b > a:
                    items.append((ti, [cls_id] + tok.ids[a:b] + [sep_id], [-1] + tok.starts[a:b] + [-1], [-1] + tok.ends[a:b] + [-1]))
        order = sorted(range(len(items)), key=lambda k: len(items[k][1]))
        merged_spans: list[dict] = [{} for _ in texts]
        merged_rels: list[dict] = [{} for _ in texts]
        bar = tqdm(total=len(order), desc="predict", unit="win", disable=not show_progress, leave=False)
        pad = self.tokenizer.pad_token_id or 0
        for k in range(0, len(order), batch_size):
            chunk = [items[i] for i in order[k:k + batch_size]]
            width = max(len(c[1]) for c in chunk)
            input_ids = torch.full((len(chunk), width), pad, dtype=torch.long)
            mask = torch.zeros((len(chunk), width), dtype=torch.long)
            for r, c in enumerate(chunk):
                input_ids[r, :len(c[1])] = torch.tensor(c[1])
                mask[r, :len(c[1])] = 1
            out = self.model(input_ids=input_ids.to(self.device), attention_mask=mask.to(self.device))
            span_l, head_l, tail_l = (x.float().cpu() for x in (out.span_logits, out.head_logits, out.tail_logits))
            for r, (ti, _, starts, ends) in enumerate(chunk):
                spans, rels = decode_window(span_l[r], head_l[r], tail_l[r], starts, ends, cfg.span_labels,
                                            cfg.relation_labels, s_thr, r_thr, texts[ti])
                for key, v in spans.items():
                    merged_spans[ti][key] = max(v, merged_spans[ti].get(key, 0.0))
                for key, v in rels.items():
                    merged_rels[ti][key] = max(v, merged_rels[ti].get(key, 0.0))
            bar.update(len(chunk))
        bar.close()
        return [finalize(rid, text, s, r) for rid, text, s, r in zip(ids, texts, merged_spans, merged_rels)]

    def predict_records(self, records: Iterable[Record], batch_size: int = 32,
                        threshold: float | tuple[float, float] | None = None) -> list[Record]:
        """Predict on the texts of annotation records, keeping their ids and meta (used by evaluation).
        ``threshold`` may be one value or a ``(span, relation)`` pair."""
        records = list(records)
        preds = self.predict_texts([r.text for r in records], [r.id for r in records], batch_size=batch_size,
                                   threshold=threshold)
        for p, g in zip(preds, records):
            p.meta = dict(g.meta)
        return preds


def shift_to_document(rec: Record, doc: str, doc_id: str, index: int, start: int, end: int) -> Record:
    """Move a sentence-level record's offsets into its document."""
    for s in rec.spans:
        s.start += start
        s.end += start
    rec.id = f"{doc_id}#{index}"
    rec.text = doc[start:end]
    rec.extra.update({"doc": doc_id, "sentence": index, "sentence_start": start, "sentence_end": end})
    return rec


def merge_sentences(record_id: str, text: str, sentence_records: list[Record]) -> Record:
    """Merge sentence records (offsets already in ``text``) into one record with fresh span ids."""
    spans, rels = [], []
    for rec in sentence_records:
        ids = {}
        for s in rec.spans:
            ids[s.id] = f"T{len(spans) + 1}"
            spans.append(Span(ids[s.id], s.label, s.start, s.end, text[s.start:s.end], s.score))
        rels += [Relation(r.label, ids[r.head], ids[r.tail], r.score) for r in rec.relations]
    return Record(record_id, text, spans, rels)
