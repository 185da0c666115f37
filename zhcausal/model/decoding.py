"""Logits → contract records: threshold, map tokens to characters, merge windows, clean up."""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from ..data.schema import RELATION_TYPES, Record, Relation, Span


@dataclass(frozen=True)
class RawSpan:
    label: str
    start: int
    end: int


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def decode_window(span_logits: torch.Tensor, head_logits: torch.Tensor, tail_logits: torch.Tensor,
                  char_starts: list[int], char_ends: list[int], span_labels: list[str],
                  relation_labels: list[str], span_threshold: float, relation_threshold: float):
    """Decode one window. Returns ``(spans, relations)``: ``{RawSpan: score}`` and ``{(label, RawSpan, RawSpan): score}``."""
    n = len(char_starts)
    span_logits = span_logits[:, :n, :n].float()
    spans: dict[RawSpan, float] = {}
    tok_of: dict[RawSpan, tuple[int, int]] = {}
    for lab, i, j in (span_logits > _logit(span_threshold)).nonzero().tolist():
        if char_starts[i] < 0 or char_starts[j] < 0:
            continue  # special tokens
        rs = RawSpan(span_labels[lab], char_starts[i], char_ends[j])
        score = torch.sigmoid(span_logits[lab, i, j]).item()
        if score > spans.get(rs, -1):
            spans[rs] = score
            tok_of[rs] = (i, j)
    rels: dict[tuple[str, RawSpan, RawSpan], float] = {}
    if not spans:
        return spans, rels
    hp = torch.sigmoid(head_logits[:, :n, :n].float())
    tp = torch.sigmoid(tail_logits[:, :n, :n].float())
    items = list(spans)
    for k, rel in enumerate(relation_labels):
        allowed = RELATION_TYPES.get(rel, set())
        for h in items:
            for t in items:
                if (h.label, t.label) not in allowed or h == t:
                    continue
                (hs, he), (ts, te) = tok_of[h], tok_of[t]
                score = min(hp[k, hs, ts].item(), tp[k, he, te].item())
                if score > relation_threshold:
                    rels[(rel, h, t)] = score
    return spans, rels


def _overlap(a: RawSpan, b: RawSpan) -> bool:
    return a.start < b.end and b.start < a.end


def finalize(record_id: str, text: str, spans: dict[RawSpan, float],
             rels: dict[tuple[str, RawSpan, RawSpan], float]) -> Record:
    """Make a contract-valid record from merged raw predictions.

    Overlaps the contract forbids are resolved greedily by score (CAUSE/EFFECT may coincide
    exactly: a chain's middle link; ACTOR may nest in CAUSE/EFFECT). Relations must respect
    the types; spans that take part in no relation are dropped, as the contract asks.
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
