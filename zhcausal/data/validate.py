"""Every mechanically checkable rule of the annotation contract.

``validate_file(path)`` returns a list of :class:`Violation`; ``zhcausal validate`` prints
one line per violation and exits non-zero if there is any.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from .edges import NO_END, NO_START, NO_START_EFFECT, NOT_ACTORS, is_edge_bad
from .jsonl import AnnotationError, iter_json_lines
from .schema import RELATION_LABELS, RELATION_TYPES, SPAN_LABELS

SENTENCE_END = set("。！？!?")


@dataclass
class Violation:
    path: str
    line: int | None
    record_id: str | None
    rule: str
    message: str
    span: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        rid = self.record_id if self.record_id is not None else "-"
        tail = f": {self.span!r}" if self.span is not None else ""
        return f"{where}: {rid}: {self.rule}: {self.message}{tail}"


def check_record(obj: dict) -> list[tuple[str, str, str | None]]:
    """Return ``(rule, message, span_text)`` for every violation in one record dict."""
    out: list[tuple[str, str, str | None]] = []
    for key, typ in (("id", str), ("text", str), ("spans", list), ("relations", list)):
        if key not in obj:
            out.append(("missing-field", f"record has no {key!r} field", None))
        elif not isinstance(obj[key], typ):
            out.append(("bad-type", f"{key!r} must be a {typ.__name__}", None))
    if out:
        return out
    if "meta" in obj and not isinstance(obj["meta"], dict):
        out.append(("bad-type", "'meta' must be an object", None))
    text = obj["text"]
    spans: dict[str, dict] = {}
    for s in obj["spans"]:
        if not isinstance(s, dict):
            out.append(("bad-type", "every span must be an object", None))
            continue
        missing = [k for k in ("id", "label", "start", "end", "text") if k not in s]
        if missing:
            out.append(("missing-field", f"span {s.get('id', '?')} lacks {', '.join(missing)}", None))
            continue
        sid, label, start, end, stext = s["id"], s["label"], s["start"], s["end"], s["text"]
        if sid in spans:
            out.append(("duplicate-span-id", f"span id {sid} used twice", stext))
        if label not in SPAN_LABELS:
            out.append(("unknown-label", f"span {sid} has label {label!r}; expected one of {', '.join(SPAN_LABELS)}", stext))
        if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool):
            out.append(("bad-offsets", f"span {sid} offsets must be integers", stext))
            continue
        if not 0 <= start < end <= len(text):
            out.append(("offsets-out-of-range", f"span {sid} [{start}, {end}) is outside the text (length {len(text)}) or empty", stext))
            continue
        if text[start:end] != stext:
            out.append(("span-text-mismatch", f"span {sid} text differs from text[{start}:{end}] = {text[start:end]!r}", stext))
            continue
        spans[sid] = s
        if is_edge_bad(stext[0], False) or is_edge_bad(stext[-1], True):
            out.append(("edge-punctuation", f"span {sid} starts or ends with white space or punctuation", stext))
        if label in ("CAUSE", "EFFECT"):
            starts = NO_START + (NO_START_EFFECT if label == "EFFECT" else ())
            bad = [c for c in starts if stext.startswith(c)] + [c for c in NO_END if stext.endswith(c)]
            if bad:
                out.append(("connective-at-edge", f"{label} span {sid} has the connective {bad[0]!r} at its edge", stext))
        if label == "ACTOR" and stext in NOT_ACTORS:
            out.append(("generic-actor", f"{stext!r} is a pronoun-like or generic reference, not an ACTOR", stext))
    out.extend(_check_overlaps(list(spans.values())))
    out.extend(_check_relations(obj["relations"], spans, text))
    return out


def _check_overlaps(spans: list[dict]) -> list[tuple[str, str, str | None]]:
    out = []
    seen: set[tuple[str, int, int]] = set()
    for i, a in enumerate(spans):
        key = (a["label"], a["start"], a["end"])
        if key in seen:
            out.append(("duplicate-span", f"two {a['label']} spans at [{a['start']}, {a['end']})", a["text"]))
        seen.add(key)
        for b in spans[i + 1:]:
            if a["end"] <= b["start"] or b["end"] <= a["start"]:
                continue
            pair = {a["label"], b["label"]}
            same = a["start"] == b["start"] and a["end"] == b["end"]
            if pair == {"ACTOR"}:
                out.append(("actor-overlap", f"ACTOR spans {a['id']} and {b['id']} overlap", b["text"]))
            elif "ACTOR" in pair:
                actor, other = (a, b) if a["label"] == "ACTOR" else (b, a)
                if not (other["start"] <= actor["start"] and actor["end"] <= other["end"]):
                    out.append(("actor-crosses-span", f"ACTOR {actor['id']} crosses the edge of {other['label']} {other['id']}", actor["text"]))
            elif pair == {"CAUSE", "EFFECT"} and same:
                continue  # the middle link of a chain
            else:
                out.append(("cause-effect-overlap", f"{a['label']} {a['id']} and {b['label']} {b['id']} overlap (only a chain's middle link may, with identical offsets)", b["text"]))
    return out


def _check_relations(relations: list, spans: dict[str, dict], text: str) -> list[tuple[str, str, str | None]]:
    out = []
    heads: dict[str, set[str]] = {"CAUSES": set(), "ACTOR_OF": set()}
    tails: set[str] = set()
    seen = set()
    for r in relations:
        if not isinstance(r, dict) or any(k not in r for k in ("label", "head", "tail")):
            out.append(("missing-field", "a relation needs label, head and tail", None))
            continue
        label, h, t = r["label"], r["head"], r["tail"]
        if label not in RELATION_LABELS:
            out.append(("unknown-relation", f"relation label {label!r}; expected one of {', '.join(RELATION_LABELS)}", None))
            continue
        if h not in spans or t not in spans:
            missing = h if h not in spans else t
            out.append(("missing-span-id", f"{label} relation names span id {missing!r}, which the record does not have", None))
            continue
        if (label, h, t) in seen:
            out.append(("duplicate-relation", f"{label} {h}->{t} given twice", None))
        seen.add((label, h, t))
        hl, tl = spans[h]["label"], spans[t]["label"]
        if (hl, tl) not in RELATION_TYPES[label]:
            out.append(("relation-type", f"{label} cannot go from {hl} {h} to {tl} {t}", None))
            continue
        heads[label].add(h)
        if label == "CAUSES":
            tails.add(t)
        if label == "ACTOR_OF":
            a, b = spans[h], spans[t]
            inside = b["start"] <= a["start"] and a["end"] <= b["end"]
            if not inside:
                lo, hi = (a["end"], b["start"]) if a["end"] <= b["start"] else (b["end"], a["start"])
                if any(ch in SENTENCE_END for ch in text[lo:hi]):
                    out.append(("actor-across-sentence", f"ACTOR_OF {h}->{t} crosses a sentence boundary", a["text"]))
    for sid, s in spans.items():
        if s["label"] == "CAUSE" and sid not in heads["CAUSES"]:
            out.append(("orphan-span", f"CAUSE {sid} heads no CAUSES relation", s["text"]))
        if s["label"] == "EFFECT" and sid not in tails:
            out.append(("orphan-span", f"EFFECT {sid} is the tail of no CAUSES relation", s["text"]))
        if s["label"] == "ACTOR" and sid not in heads["ACTOR_OF"]:
            out.append(("orphan-span", f"ACTOR {sid} heads no ACTOR_OF relation", s["text"]))
    return out


def validate_file(path: str | os.PathLike) -> list[Violation]:
    """Check one JSONL file against the contract. File-level problems (BOM, encoding, bad JSON) are violations too."""
    path = str(path)
    problems: list[Violation] = []
    ids: dict[str, int] = {}
    try:
        for lineno, obj in iter_json_lines(path):
            rid = obj.get("id") if isinstance(obj.get("id"), str) else None
            if rid is not None:
                if rid in ids:
                    problems.append(Violation(path, lineno, rid, "duplicate-id", f"record id also used on line {ids[rid]}"))
                else:
                    ids[rid] = lineno
            for rule, msg, span in check_record(obj):
                problems.append(Violation(path, lineno, rid, rule, msg, span))
    except AnnotationError as exc:
        problems.append(Violation(path, exc.line, None, exc.rule, exc.message))
    except OSError as exc:
        problems.append(Violation(path, None, None, "unreadable", exc.strerror or str(exc)))
    return problems
