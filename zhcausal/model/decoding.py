"""Logits → contract records: threshold, map tokens to characters, merge windows, clean up."""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from ..data.edges import NO_END, NO_START, NO_START_EFFECT, is_edge_bad
from ..data.schema import RELATION_TYPES, Record, Relation, Span
from .heads import NEG


@dataclass(frozen=True)
class RawSpan:
    label: str
    start: int
    end: int


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def trim_span(text: str, label: str, start: int, end: int) -> tuple[int, int]:
    """Cut what the contract never allows at a span's edge: white space, punctuation (a trailing
    % stays), and for CAUSE/EFFECT the causal connectives. May return an empty range."""
    changed = True
    while changed and start < end:
        changed = False
        while start < end and is_edge_bad(text[start], False):
            start, changed = start + 1, True
        while end > start and is_edge_bad(text[end - 1], True):
            end, changed = end - 1, True
        if label in ("CAUSE", "EFFECT"):
            piece = text[start:end]
            for c in NO_START + (NO_START_EFFECT if label == "EFFECT" else ()):
                if piece.startswith(c) and len(piece) > len(c):
                    start, changed = start + len(c), True
                    break
            piece = text[start:end]
            for c in NO_END:
                if piece.endswith(c) and len(piece) > len(c):
                    end, changed = end - len(c), True
                    break
    return start, end


#: how a relation's two probabilities (start→start, end→end) become its score
POOLINGS = {"min": torch.minimum, "mean": lambda a, b: (a + b) / 2, "geo": lambda a, b: (a * b).sqrt()}

MAX_SPANS_PER_LABEL = 64  # per window: a safety cap against degenerate (e.g. untrained) models


def decode_window(span_logits: torch.Tensor, head_logits: torch.Tensor, tail_logits: torch.Tensor,
                  char_starts: list[int], char_ends: list[int], span_labels: list[str],
                  relation_labels: list[str], span_threshold: float, relation_threshold: float,
                  text: str | None = None, pair_threshold: float = 1.0, pooling: str = "min"):
    """Decode one window. Returns ``(spans, relations)``: ``{RawSpan: score}`` and ``{(label, RawSpan, RawSpan): score}``.

    A relation's score pools two probabilities, head start → tail start and head end → tail end:
    ``pooling`` ``"min"`` (both must agree) or ``"mean"`` (one shaky side does not veto a confident
    other; see :data:`POOLINGS`). Relations scoring above ``min(relation_threshold, pair_threshold)``
    are returned; :func:`finalize` keeps those under ``relation_threshold`` only to pair two spans that
    would otherwise be left alone."""
    if pooling not in POOLINGS:
        raise ValueError(f"relation pooling {pooling!r}: expected one of {', '.join(POOLINGS)}")
    n = len(char_starts)
    span_logits = span_logits[:, :n, :n].float()
    special = torch.tensor([c < 0 for c in char_starts])
    span_logits = span_logits.masked_fill(special[None, :, None] | special[None, None, :], NEG)
    spans: dict[RawSpan, float] = {}
    tok_of: dict[RawSpan, tuple[int, int]] = {}
    thr = _logit(span_threshold)
    for lab in range(span_logits.shape[0]):
        flat = span_logits[lab].flatten()
        k = min(MAX_SPANS_PER_LABEL, int((flat > thr).sum()))
        if k == 0:
            continue
        vals, idx = flat.topk(k)
        for v, ix in zip(torch.sigmoid(vals).tolist(), idx.tolist()):
            i, j = divmod(ix, n)
            a, b = char_starts[i], char_ends[j]
            if text is not None:
                a, b = trim_span(text, span_labels[lab], a, b)
                if b <= a:
                    continue
            rs = RawSpan(span_labels[lab], a, b)
            if v > spans.get(rs, -1):
                spans[rs] = v
                tok_of[rs] = (i, j)
    rels: dict[tuple[str, RawSpan, RawSpan], float] = {}
    if not spans:
        return spans, rels
    hp = torch.sigmoid(head_logits[:, :n, :n].float())
    tp = torch.sigmoid(tail_logits[:, :n, :n].float())
    for k, rel in enumerate(relation_labels):
        for head_label, tail_label in RELATION_TYPES.get(rel, set()):
            heads = [s for s in spans if s.label == head_label]
            tails = [s for s in spans if s.label == tail_label]
            if not heads or not tails:
                continue
            hs = torch.tensor([tok_of[s][0] for s in heads])
            he = torch.tensor([tok_of[s][1] for s in heads])
            ts = torch.tensor([tok_of[s][0] for s in tails])
            te = torch.tensor([tok_of[s][1] for s in tails])
            score = POOLINGS[pooling](hp[k][hs[:, None], ts[None, :]], tp[k][he[:, None], te[None, :]])
            for a, b in (score > min(relation_threshold, pair_threshold)).nonzero().tolist():
                h, t = heads[a], tails[b]
                if (h.start, h.end) != (t.start, t.end):  # a clause never causes itself
                    rels[(rel, h, t)] = score[a, b].item()
    return spans, rels


def _overlap(a: RawSpan, b: RawSpan) -> bool:
    return a.start < b.end and b.start < a.end


def _pair_orphans(rels: dict, relation_threshold: float) -> dict:
    """Relations at or above the threshold, plus the best sub-threshold CAUSES link of each pair of
    spans that take part in no CAUSES link at all (a confident CAUSE and EFFECT are not thrown
    away because their pair score is shaky: real text with several links per sentence)."""
    strong = {k: v for k, v in rels.items() if v > relation_threshold}
    linked = {x for (lab, h, t) in strong if lab == "CAUSES" for x in (h, t)}
    for (lab, h, t), v in sorted(rels.items(), key=lambda kv: -kv[1]):
        if lab == "CAUSES" and v <= relation_threshold and h not in linked and t not in linked:
            strong[(lab, h, t)] = v
            linked |= {h, t}
    return strong


def finalize(record_id: str, text: str, spans: dict[RawSpan, float],
             rels: dict[tuple[str, RawSpan, RawSpan], float], relation_threshold: float = 0.0) -> Record:
    """Make a contract-valid record from merged raw predictions.

    Overlaps the contract forbids are resolved greedily by score (CAUSE/EFFECT may coincide
    exactly: a chain's middle link; ACTOR may nest in CAUSE/EFFECT). Relations must respect
    the types; spans that take part in no relation are dropped, as the contract asks. Relations
    under ``relation_threshold`` only survive to pair otherwise unlinked spans (:func:`_pair_orphans`).
    """
    kept: list[RawSpan] = []
    for s in sorted(spans, key=lambda s: -spans[s]):
        ok = True
        for k in kept:
            if not _overlap(s, k):
                continue
            if s.label == "ACTOR" and k.label == "ACTOR":
                ok = False
            elif "ACTOR" in (s.label, k.label):
                actor, other = (s, k) if s.label == "ACTOR" else (k, s)
                ok = other.start <= actor.start and actor.end <= other.end
            elif {s.label, k.label} == {"CAUSE", "EFFECT"} and (s.start, s.end) == (k.start, k.end):
                ok = True
            else:
                ok = False
            if not ok:
                break
        if ok:
            kept.append(s)
    kept_set = set(kept)
    rels = {k: v for k, v in rels.items() if k[1] in kept_set and k[2] in kept_set}
    rels = _pair_orphans(rels, relation_threshold)
    causes = {k: v for k, v in rels.items() if k[0] == "CAUSES"}
    in_causes = {k[1] for k in causes} | {k[2] for k in causes}
    cause_effect = {s for s in kept if s.label in ("CAUSE", "EFFECT") and s in in_causes}
    actor_of = {k: v for k, v in rels.items() if k[0] == "ACTOR_OF" and k[2] in cause_effect}
    actors = {k[1] for k in actor_of}
    final = sorted(cause_effect | actors, key=lambda s: (s.start, -s.end, s.label))
    ids = {s: f"T{i}" for i, s in enumerate(final, 1)}
    out_spans = [Span(ids[s], s.label, s.start, s.end, text[s.start:s.end], spans[s]) for s in final]
    out_rels = [Relation(lab, ids[h], ids[t], score)
                for (lab, h, t), score in sorted({**causes, **actor_of}.items(),
                                                 key=lambda kv: (kv[0][0] != "CAUSES", kv[0][1].start, kv[0][2].start))]
    return Record(id=record_id, text=text, spans=out_spans, relations=out_rels)
