"""The contract's measures: span and relation P/R/F1, strict and one-to-one partial; false alarms; seqeval."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ..data.schema import RELATION_LABELS, SPAN_LABELS, Record
from ..errors import EvaluationError

def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "pred": n_pred, "gold": n_gold}


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _match_one_to_one(pred: list, gold: list, score) -> int:
    """Greedy one-to-one matching by descending score (>0); returns the number of matched pairs."""
    pairs = sorted(((score(p, g), i, j) for i, p in enumerate(pred) for j, g in enumerate(gold)), reverse=True)
    used_p, used_g, n = set(), set(), 0
    for s, i, j in pairs:
        if s <= 0:
            break
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            n += 1
    return n


def _rel_tuples(rec: Record) -> list[tuple[str, tuple, tuple]]:
    by_id = rec.span_by_id()
    return [(r.label, (by_id[r.head].label, by_id[r.head].start, by_id[r.head].end),
             (by_id[r.tail].label, by_id[r.tail].start, by_id[r.tail].end)) for r in rec.relations]


def _rel_overlap(a: tuple, b: tuple) -> int:
    """Partial relation match: same head and tail labels, and both ranges overlap."""
    if a[1][0] != b[1][0] or a[2][0] != b[2][0]:
        return 0
    oh, ot = _overlap(a[1][1:], b[1][1:]), _overlap(a[2][1:], b[2][1:])
    return oh + ot if oh and ot else 0


def _tally(counts: dict, kind: str, label: str, pred: list, gold: list, overlap) -> None:
    """Add strict (exact) and one-to-one partial true positives and the pred/gold counts."""
    for k, tp in ((f"{kind}_strict", len(set(pred) & set(gold))), (f"{kind}_partial", _match_one_to_one(pred, gold, overlap))):
        c = counts[k][label]
        c[0] += tp
        c[1] += len(pred)
        c[2] += len(gold)


def evaluate_records(preds: Sequence[Record], golds: Sequence[Record]) -> dict:
    """Compare predictions with gold records (matched by position; ids must agree)."""
    if len(preds) != len(golds):
        raise EvaluationError(f"{len(preds)} predictions for {len(golds)} gold records")
    counts = {kind: defaultdict(lambda: [0, 0, 0]) for kind in ("span_strict", "span_partial", "rel_strict", "rel_partial")}
    non_causal, false_alarms = 0, 0
    for p, g in zip(preds, golds):
        if p.id != g.id:
            raise EvaluationError(f"prediction {p.id!r} is not for gold record {g.id!r}")
        for lab in SPAN_LABELS:
            _tally(counts, "span", lab, [(s.start, s.end) for s in p.spans if s.label == lab],
                   [(s.start, s.end) for s in g.spans if s.label == lab], _overlap)
        pr, gr = _rel_tuples(p), _rel_tuples(g)
        for lab in RELATION_LABELS:
            _tally(counts, "rel", lab, [r for r in pr if r[0] == lab], [r for r in gr if r[0] == lab], _rel_overlap)
        if not g.is_causal:
            non_causal += 1
            false_alarms += int(p.is_causal)
    result: dict = {}
    for kind, per in counts.items():
        labels = SPAN_LABELS if kind.startswith("span") else RELATION_LABELS
        table = {lab: _prf(*per[lab]) for lab in labels}
        table["micro"] = _prf(*(sum(per[lab][k] for lab in labels) for k in range(3)))
        result[kind] = table
    result["records"] = len(golds)
    result["non_causal"] = non_causal
    result["false_alarms"] = false_alarms
    result["false_alarm_rate"] = false_alarms / non_causal if non_causal else 0.0
    return result


def bio_layers(rec: Record) -> list[list[str]]:
    """Character-level BIO tags, one layer per span label (labels may nest)."""
    layers = []
    for lab in SPAN_LABELS:
        tags = ["O"] * len(rec.text)
        for s in rec.spans:
            if s.label == lab:
                tags[s.start] = f"B-{lab}"
                for i in range(s.start + 1, s.end):
                    tags[i] = f"I-{lab}"
        layers.append(tags)
    return layers


def seqeval_report(preds: Sequence[Record], golds: Sequence[Record]) -> str:
    from seqeval.metrics import classification_report

    y_true = [layer for g in golds for layer in bio_layers(g)]
    y_pred = [layer for p in preds for layer in bio_layers(p)]
    return classification_report(y_true, y_pred, digits=4, zero_division=0)


def format_report(result: dict, title: str = "") -> str:
    """Plain-text tables: relations first (CAUSES first), then spans; strict and partial."""
    lines = [title] if title else []
    lines.append(f"records {result['records']}, non-causal {result['non_causal']}, "
                 f"false alarms {result['false_alarms']} ({result['false_alarm_rate']:.1%})")
    for kind, name in (("rel", "relations"), ("span", "spans")):
        lines.append(f"{name:<10} {'strict P':>9} {'R':>7} {'F1':>7}   {'partial P':>9} {'R':>7} {'F1':>7}   {'gold':>5}")
        strict, partial = result[f"{kind}_strict"], result[f"{kind}_partial"]
        for lab in strict:
            s, p = strict[lab], partial[lab]
            lines.append(f"{lab:<10} {s['precision']:>9.4f} {s['recall']:>7.4f} {s['f1']:>7.4f}   "
                         f"{p['precision']:>9.4f} {p['recall']:>7.4f} {p['f1']:>7.4f}   {s['gold']:>5}")
    return "\n".join(lines)


def headline(result: dict) -> float:
    """Model-selection score: CAUSES strict F1."""
    return result["rel_strict"]["CAUSES"]["f1"]
