"""Decoding settings tuned on dev: one forward pass over the dev texts (and their local clause
views), then every candidate (local views, span, relation and pairing thresholds, relation
pooling) decodes the same logits.

Used at the end of ``zhcausal train`` and by ``zhcausal tune`` (re-tune a trained model on
another dev file without training it again).
"""
from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from contextlib import nullcontext

from ..data.schema import Record
from ..model.inference import assemble, decode_pieces, local_views, merge_sentences, sentence_plan, window_logits
from .config import OBJECTIVES
from .metrics import evaluate_records, headline

#: candidate values per decoding setting, searched one coordinate at a time in this order
GRID: dict[str, tuple] = {
    "local": (2, 3),
    "span": (0.1, 0.15, 0.2, 0.3, 0.4, 0.6),
    "relation": (0.2, 0.3, 0.4, 0.6),
    "pair": (0.3, 0.2, 0.1),
    "pooling": ("mean", "geo"),
}
#: the most false alarms (share of non-causal dev records given a link) a tuned setting may make
MAX_FALSE_ALARMS = 0.05
#: where the search starts (and what a tie keeps): the untuned decoding
START = {"local": 0, "span": 0.5, "relation": 0.5, "pair": 1.0, "pooling": "min"}


def is_real(record: Record) -> bool:
    return record.meta.get("origin") == "real-pool"


def part_scores(preds: Sequence[Record], golds: Sequence[Record]) -> dict[str, float]:
    """CAUSES strict F1 of the real (``meta.origin = real-pool``) and authored parts; empty when the
    records hold only one of them."""
    real = [i for i, g in enumerate(golds) if is_real(g)]
    if not real or len(real) == len(golds):
        return {}
    rest = sorted(set(range(len(golds))) - set(real))
    return {name: headline(evaluate_records([preds[i] for i in idx], [golds[i] for i in idx]))
            for name, idx in (("real", real), ("authored", rest))}


def selection_score(result: dict, parts: dict[str, float], objective: str = "all") -> float:
    """The score checkpoint and decoding selection maximise (see :data:`OBJECTIVES`); a dev file
    without both parts is scored as a whole."""
    if objective == "all" or not parts:
        return headline(result)
    if objective == "real":
        return parts["real"]
    return sum(parts.values()) / len(parts)


class DevDecoder:
    """The dev logits of one model, decoded and scored at any setting (cached)."""

    def __init__(self, model, tokenizer, records: Sequence[Record], batch_size: int = 64, autocast=None,
                 objective: str = "all"):
        if objective not in OBJECTIVES:
            raise ValueError(f"objective {objective!r}: expected one of {', '.join(OBJECTIVES)}")
        self.model, self.records, self.objective = model, list(records), objective
        texts = [r.text for r in self.records]
        self.texts, self.plan = texts, sentence_plan(texts)
        self.pieces = [texts[t][a:b] for t, _, a, b in self.plan]
        sizes = sorted({v for v in GRID["local"] if v})
        self.views = {size: local_views(self.pieces, size) for size in sizes}
        texts = list(self.pieces)
        first = {}
        for size in sizes:
            first[size] = len(texts)
            texts += [v[2] for v in self.views[size]]
        with autocast or nullcontext():
            scored = list(window_logits(model, tokenizer, texts, batch_size))
        n = len(self.pieces)
        self.scored = {0: [e for e in scored if e[0] < n]}
        for size in sizes:  # each size's windows, numbered after the pieces as decode_pieces expects
            lo, hi = first[size], first[size] + len(self.views[size])
            self.scored[size] = self.scored[0] + [(e[0] - lo + n, *e[1:]) for e in scored if lo <= e[0] < hi]
        self.views[0] = []
        self.cache: dict[tuple, tuple[dict, dict, list[Record]]] = {}

    def scored_by(self, objective: str) -> "DevDecoder":
        """The same logits and decoded settings, scored for another objective."""
        if objective not in OBJECTIVES:
            raise ValueError(f"objective {objective!r}: expected one of {', '.join(OBJECTIVES)}")
        other = copy.copy(self)
        other.objective = objective
        return other

    def run(self, setting: dict) -> tuple[float, dict, list[Record]]:
        """``(selection score, metrics, predictions)`` of one decoding setting."""
        key = tuple(setting[k] for k in START)
        if key not in self.cache:
            saved = getattr(self.model.config, "relation_pooling", "min")
            self.model.config.relation_pooling = setting["pooling"]
            try:
                size = setting["local"]
                pieces = decode_pieces(self.model.config, self.pieces, self.scored[size],
                                       (setting["span"], setting["relation"], setting["pair"]), self.views[size])
            finally:
                self.model.config.relation_pooling = saved
            sents = assemble(self.texts, self.plan, pieces)
            preds = [merge_sentences(r.id, r.text, s) for r, s in zip(self.records, sents)]
            self.cache[key] = evaluate_records(preds, self.records), part_scores(preds, self.records), preds
        result, parts, preds = self.cache[key]
        score = selection_score(result, parts, self.objective)
        if result["non_causal"] and result["false_alarm_rate"] > MAX_FALSE_ALARMS:
            score -= 1.0  # below every setting within the false-alarm limit
        return score, result, preds


def search(run: Callable[[dict], tuple], grid: dict[str, tuple] = GRID, start: dict | None = None) -> tuple[dict, float, float]:
    """Coordinate search: each setting in turn takes the grid value that raises the score most
    (ties keep the current value). Returns ``(chosen, score at start, score chosen)``."""
    chosen = dict(start or START)
    base = top = run(chosen)[0]
    for which, values in grid.items():
        for v in values:
            cand = {**chosen, which: v}
            s = run(cand)[0]
            if s > top + 1e-9:
                top, chosen = s, cand
    return chosen, base, top


def apply(config, chosen: dict) -> None:
    """Write a chosen setting into a model config."""
    config.span_threshold, config.relation_threshold = chosen["span"], chosen["relation"]
    config.pair_threshold, config.relation_pooling = chosen["pair"], chosen["pooling"]
    config.local_views = chosen["local"]


def describe(chosen: dict) -> str:
    pair = "off" if chosen["pair"] >= 1 else chosen["pair"]
    return (f"span {chosen['span']}, relation {chosen['relation']} ({chosen['pooling']} of start and end), "
            f"pairing {pair}, local views {chosen['local'] or 'off'}")
