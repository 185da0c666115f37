"""Converters between the contract and annotation tools' formats (doccano, Label Studio, brat)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..schema import RELATION_LABELS, SPAN_LABELS, Record, Relation, Span


@dataclass
class ConversionReport:
    """What a conversion could not carry over, one line each, never silently dropped."""

    problems: list[str] = field(default_factory=list)
    reasons: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)  # what the user should know, though nothing was lost

    def add(self, where: str, reason: str, detail: str = "") -> None:
        self.reasons[reason] += 1
        self.problems.append(f"{where}: {reason}" + (f": {detail}" if detail else ""))

    def summary(self) -> str:
        if not self.reasons:
            return "nothing skipped"
        return f"{sum(self.reasons.values())} item(s) not converted: " + "; ".join(f"{n} × {r}" for r, n in self.reasons.most_common())


def build_record(rid: str, text: str, spans: list[tuple], rels: list[tuple], meta: dict, where: str,
                 report: ConversionReport, renumber: bool = False) -> Record:
    """Make a record from tool spans ``(id, label, start, end[, score])`` and relations ``(label, head, tail[,
    score])``, reporting unknown labels, bad offsets and dangling relations instead of dropping them silently.
    ``renumber``: the tool's span ids become ``T1``, ``T2``, ... in the tool's order (relations follow)."""
    new = {str(s[0]): f"T{k}" for k, s in enumerate(spans, 1)} if renumber else {}
    if renumber and len(new) < len(spans):
        report.add(where, "two spans with one id; not renumbered")
        new = {}
    spans = [(new.get(str(s[0]), s[0]), *s[1:]) for s in spans]
    rels = [(r[0], new.get(str(r[1]), r[1]), new.get(str(r[2]), r[2]), *r[3:]) for r in rels]
    out_spans, ids = [], set()
    for sid, label, start, end, *score in spans:
        if label not in SPAN_LABELS:
            report.add(where, "unknown span label", f"{sid} {label!r}")
            continue
        if not (0 <= start < end <= len(text)):
            report.add(where, "span offsets outside the text", f"{sid} [{start}, {end})")
            continue
        out_spans.append(Span(sid, label, start, end, text[start:end], *score))
        ids.add(sid)
    out_rels = []
    for label, head, tail, *score in rels:
        if label not in RELATION_LABELS:
            report.add(where, "unknown relation label", f"{label!r} {head}->{tail}")
        elif head not in ids or tail not in ids:
            report.add(where, "relation to a span that was not converted", f"{label} {head}->{tail}")
        else:
            out_rels.append(Relation(label, head, tail, *score))
    return Record(rid, text, out_spans, out_rels, meta)


def span_number(span_id: str, position: int) -> int:
    """Integer id for tools that need one: ``T7`` → 7, otherwise the 1-based position."""
    return int(span_id[1:]) if span_id[:1] == "T" and span_id[1:].isdigit() else position


def nothing_usable(path, reasons: Counter, advice: dict[str, str], default: str):
    """The :class:`UserError` for a file that gave no record: what was found, and what to export instead."""
    from ...errors import UserError

    found = "; ".join(f"{n} × {r}" for r, n in reasons.most_common()) or "no task or line at all"
    hint = next((advice[r] for r, _ in reasons.most_common() if r in advice), default)
    return UserError(f"{path}: no usable record ({found}): {hint}")
