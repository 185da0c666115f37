"""The one prediction core: texts → sentences → framed windows → batched forward passes → one
contract record per sentence (offsets into the sentence).

:class:`zhcausal.CausalExtractor` and the trainer's dev evaluation are thin views over
:func:`predict_sentences`; :func:`merge_sentences` and :func:`sentence_in_document` turn its
output into the records they return. Nothing here mutates its input.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import torch
from tqdm.auto import tqdm

from ..data.schema import Record, Relation, Span
from ..data.sentences import split_sentences
from .decoding import RawSpan, decode_window, finalize
from .encoding import Window, framed_windows, pad_batch, tokenize_batch



@dataclass(frozen=True)
class Sentence:
    """A sentence of an input text and its prediction (span offsets into the sentence)."""

    index: int      # position among the text's sentences
    start: int      # character range of the sentence in its text
    end: int
    prediction: Record


def _thresholds(config, threshold) -> tuple[float, float, float]:
    """``(span, relation, pair)`` thresholds: the checkpoint's, one override for span and relation
    (pairing keeps the checkpoint's), or an explicit tuple of two or three."""
    pair = getattr(config, "pair_threshold", 1.0)
    if isinstance(threshold, tuple):
        return threshold if len(threshold) == 3 else (*threshold, pair)
    if threshold is None:
        return config.span_threshold, config.relation_threshold, pair
    return threshold, threshold, pair


def _device(model) -> torch.device:
    """Where the model's inputs go: its first parameter's device, or the ``device`` of a model without
    parameters (an onnxruntime session, :class:`~zhcausal.model.onnx_backend.OnnxCausalModel`)."""
    params = getattr(model, "parameters", None)
    return next(params()).device if params is not None else model.device


@torch.inference_mode()
def window_logits(model, tokenizer, pieces: Sequence[str], batch_size: int = 32,
                  show_progress: bool = False) -> Iterator[tuple[int, Window, torch.Tensor, torch.Tensor, torch.Tensor]]:
    """The model's span, head and tail logits (float32, CPU) of every window of every piece, in
    batches of length-sorted windows, yielded window by window (nothing is kept: memory stays
    bounded). Keep them in a list to decode them at several thresholds (threshold tuning)."""
    cfg = model.config
    device = _device(model)
    items = [(pi, w) for pi, tok in enumerate(tokenize_batch(tokenizer, list(pieces), cfg.pre_split_chars))
             for w in framed_windows(tok, cfg.max_seq_length, cfg.window_overlap,
                                     tokenizer.cls_token_id, tokenizer.sep_token_id) if len(w.input_ids) > 2]
    order = sorted(range(len(items)), key=lambda k: len(items[k][1].input_ids))  # less padding
    pad = tokenizer.pad_token_id or 0
    with tqdm(total=len(order), desc="windows", unit="win", disable=not show_progress, leave=False) as bar:
        for chunk in _batches([items[i] for i in order], batch_size):
            input_ids, mask = pad_batch([w.input_ids for _, w in chunk], pad)
            out = model(input_ids=input_ids.to(device), attention_mask=mask.to(device))
            logits = [x.float().cpu() for x in (out.span_logits, out.head_logits, out.tail_logits)]
            for r, (pi, w) in enumerate(chunk):
                n = len(w.input_ids)
                yield pi, w, logits[0][r, :, :n, :n], logits[1][r, :, :n, :n], logits[2][r, :, :n, :n]
            bar.update(len(chunk))


def decode_pieces(config, pieces: Sequence[str], scored: Iterable, threshold=None,
                  views: Sequence[tuple[int, int, str]] = ()) -> list[Record]:
    """Decode window logits (from :func:`window_logits`) into one record per piece, merging the
    windows of a piece (the best score of each span and relation wins).

    ``views`` are extra texts scored after the pieces (window index ``len(pieces) + k`` is
    ``views[k]``), each ``(piece index, offset, text)``: a part of a piece read on its own
    (:func:`clause_views`), whose spans and links join that piece's at their offset."""
    s_thr, r_thr, p_thr = _thresholds(config, threshold)
    pooling = getattr(config, "relation_pooling", "min")
    merged = [({}, {}) for _ in pieces]   # per piece: spans and relations of its own windows
    local = [({}, {}) for _ in pieces]    # and of its local views
    for pi, w, span_l, head_l, tail_l in scored:
        owner, offset, text = (pi, 0, pieces[pi]) if pi < len(pieces) else views[pi - len(pieces)]
        spans, rels = decode_window(span_l, head_l, tail_l, w.char_starts, w.char_ends, config.span_labels,
                                    config.relation_labels, s_thr, r_thr, text, p_thr, pooling)
        if offset:
            spans = {_moved(k, offset): v for k, v in spans.items()}
            rels = {(lab, _moved(h, offset), _moved(t, offset)): v for (lab, h, t), v in rels.items()}
        into = merged[owner] if pi < len(pieces) else local[owner]
        for key, v in spans.items():
            into[0][key] = max(v, into[0].get(key, 0.0))
        for key, v in rels.items():
            into[1][key] = max(v, into[1].get(key, 0.0))
    for (spans, rels), (lspans, lrels) in zip(merged, local):
        _add_local(spans, rels, lspans, lrels)
    return [finalize(str(i), p, s, r, r_thr) for i, (p, (s, r)) in enumerate(zip(pieces, merged))]


def _add_local(spans: dict, rels: dict, lspans: dict, lrels: dict) -> None:
    """Merge what local views found into a piece's own predictions: a view's link counts (best
    score) between two spans the piece read whole has found. The piece's spans stand as they are
    (a view cannot see a span longer than itself, nor the context that rules one out)."""
    for key, v in lrels.items():
        if key[1] in spans and key[2] in spans:
            rels[key] = max(v, rels.get(key, 0.0))


def _moved(span: RawSpan, offset: int) -> RawSpan:
    return RawSpan(span.label, span.start + offset, span.end + offset)


#: characters that end a clause inside a sentence (where :func:`clause_views` cut)
CLAUSE_ENDS = "，,；;"


def clause_views(piece: str, size: int) -> list[tuple[int, int]]:
    """Character ranges of every run of ``size`` consecutive clauses of a piece that has more than
    ``size`` clauses (none otherwise, or with ``size`` 0).

    A long run-on sentence spreads the relation scores over many clause pairs, so a link the model
    finds at 0.99 in its two clauses alone can score 0.1 inside the whole sentence; reading each
    run of clauses on its own as well (a local view) gives the model both contexts."""
    if size <= 0:
        return []
    clauses, start = [], 0
    for k, ch in enumerate(piece):
        if ch in CLAUSE_ENDS:
            if piece[start:k].strip():
                clauses.append((start, k))
            start = k + 1
    if piece[start:].strip():
        clauses.append((start, len(piece)))
    if len(clauses) <= size:
        return []
    return [(clauses[i][0], clauses[i + size - 1][1]) for i in range(len(clauses) - size + 1)]


def local_views(pieces: Sequence[str], size: int) -> list[tuple[int, int, str]]:
    """The :func:`clause_views` of every piece, as ``(piece index, offset, text)`` for :func:`decode_pieces`."""
    return [(i, a, p[a:b]) for i, p in enumerate(pieces) for a, b in clause_views(p, size)]


def predict_pieces(model, tokenizer, pieces: Sequence[str], batch_size: int = 32,
                   threshold: float | tuple[float, ...] | None = None,
                   show_progress: bool = False) -> list[Record]:
    """One record per piece of text (offsets into the piece); a piece longer than the encoder's
    limit is read in overlapping windows whose predictions are merged, and with the model's
    ``local_views`` (tuned on dev) each run of that many clauses is read on its own as well."""
    views = local_views(pieces, getattr(model.config, "local_views", 0))
    texts = list(pieces) + [v[2] for v in views]
    return decode_pieces(model.config, pieces, window_logits(model, tokenizer, texts, batch_size, show_progress),
                         threshold, views)


#: token pairs per batch (batch × width²): the span and relation heads score every pair, so long
#: windows go in smaller batches and memory stays bounded whatever the input
PAIR_BUDGET = 32 * 160 * 160


def _batches(items: list, batch_size: int) -> list[list]:
    """Consecutive batches of length-sorted windows, at most ``batch_size`` and ``PAIR_BUDGET``."""
    out, cur = [], []
    for item in items:
        width = len(item[1].input_ids)
        if cur and (len(cur) >= batch_size or (len(cur) + 1) * width * width > PAIR_BUDGET):
            out.append(cur)
            cur = []
        cur.append(item)
    return out + ([cur] if cur else [])


def sentence_plan(texts: Sequence[str]) -> list[tuple[int, int, int, int]]:
    """``(text index, sentence index, start, end)`` for every sentence of every text."""
    return [(t, i, a, b) for t, text in enumerate(texts) for i, (a, b) in enumerate(split_sentences(text))]


def assemble(texts: Sequence[str], plan: list[tuple[int, int, int, int]], preds: Sequence[Record]) -> list[list[Sentence]]:
    """Group the sentence predictions of a :func:`sentence_plan` back by text, in order."""
    out: list[list[Sentence]] = [[] for _ in texts]
    for (t, i, a, b), rec in zip(plan, preds):
        out[t].append(Sentence(i, a, b, rec))
    return out


def predict_sentences(model, tokenizer, texts: Sequence[str], batch_size: int = 32,
                      threshold: float | tuple[float, ...] | None = None,
                      show_progress: bool = False) -> list[list[Sentence]]:
    """Split every text into sentences once, predict all sentences in shared batches, and return
    each text's sentences in order."""
    plan = sentence_plan(texts)
    preds = predict_pieces(model, tokenizer, [texts[t][a:b] for t, _, a, b in plan], batch_size, threshold,
                           show_progress)
    return assemble(texts, plan, preds)


def _shifted(spans: Sequence[Span], offset: int, text: str, id_map: dict[str, str]) -> list[Span]:
    return [Span(id_map[s.id], s.label, s.start + offset, s.end + offset, text[s.start + offset:s.end + offset], s.score)
            for s in spans]


def merge_sentences(record_id: str, text: str, sentences: Sequence[Sentence]) -> Record:
    """One record for a whole text: the sentences' spans moved into ``text`` and renumbered T1, T2, ..."""
    spans: list[Span] = []
    rels: list[Relation] = []
    for sent in sentences:
        id_map = {s.id: f"T{len(spans) + k}" for k, s in enumerate(sent.prediction.spans, 1)}
        spans += _shifted(sent.prediction.spans, sent.start, text, id_map)
        rels += [Relation(r.label, id_map[r.head], id_map[r.tail], r.score) for r in sent.prediction.relations]
    return Record(record_id, text, spans, rels)


def sentence_in_document(doc_id: str, doc: str, sent: Sentence) -> Record:
    """The record of one sentence of a document: ``text`` is the sentence, span offsets point into
    the document, and ``doc`` / ``sentence`` / ``sentence_start`` / ``sentence_end`` say where it is."""
    return Record(f"{doc_id}#{sent.index}", doc[sent.start:sent.end],
                  _shifted(sent.prediction.spans, sent.start, doc, {s.id: s.id for s in sent.prediction.spans}),
                  list(sent.prediction.relations),
                  extra={"doc": doc_id, "sentence": sent.index, "sentence_start": sent.start,
                         "sentence_end": sent.end})
