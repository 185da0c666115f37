"""brat standoff: a directory of ``NAME.txt`` + ``NAME.ann`` pairs (T and R lines).

Each pair is one record (id = NAME). ``NAME.json`` beside them, written by the exporter,
keeps the record id and ``meta`` (brat has no place for them). The exporter also writes the
``annotation.conf`` (types, and an ``<OVERLAP>`` rule for nested actors and a chain's doubled middle
link) and ``visual.conf`` that brat needs to accept the spans."""
from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from ..io import read_text_lines
from ..schema import Record
from . import ConversionReport, build_record, nothing_usable

T_RE = re.compile(r"^(T\d+)\t(\S+) (\d+(?: \d+)*(?:;\d+ \d+)*)\t(.*)$")
R_RE = re.compile(r"^(R\d+)\t(\S+) Arg1:(T\d+) Arg2:(T\d+)\s*$")
ANNOTATION_CONF = """[entities]
CAUSE
EFFECT
ACTOR

[relations]
CAUSES\tArg1:CAUSE, Arg2:EFFECT
ACTOR_OF\tArg1:ACTOR, Arg2:CAUSE|EFFECT
<OVERLAP>\tArg1:<ANY>, Arg2:<ANY>, <OVL-TYPE>:contain|equal

[events]

[attributes]
"""
VISUAL_CONF = """[labels]
CAUSE | CAUSE | C
EFFECT | EFFECT | E
ACTOR | ACTOR | A
CAUSES | CAUSES
ACTOR_OF | ACTOR_OF

[drawing]
SPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken
ARC_DEFAULT\tcolor:black, arrowHead:triangle-5
CAUSE\tbgColor:#ffb27f
EFFECT\tbgColor:#7fb2ff
ACTOR\tbgColor:#b2ff7f
ACTOR_OF\tcolor:#666666, dashArray:3-3
"""


def _safe_stem(rid: str) -> str:
    return re.sub(r"[^\w.-]", "_", rid)


def read(path: str | os.PathLike, report: ConversionReport) -> list[Record]:
    root = Path(path)
    txts = sorted(root.glob("*.txt")) if root.is_dir() else [root.with_suffix(".txt")]
    if not txts:
        raise nothing_usable(path, Counter(), {}, "point at the brat collection directory (its .txt and .ann files)")
    records = []
    for txt in txts:
        ann = txt.with_suffix(".ann")
        text = "\n".join(read_text_lines(txt))
        if text.endswith("\n"):
            text = text[:-1]
        side = txt.with_suffix(".json")
        info = json.loads(side.read_text(encoding="utf-8")) if side.is_file() else {}
        spans, rels = [], []
        lines = read_text_lines(ann) if ann.is_file() else []
        for lineno, line in enumerate(lines, 1):
            where = f"{ann}:{lineno}"
            if not line.strip():
                continue
            if m := T_RE.match(line):
                tid, label, offs, stext = m.groups()
                if ";" in offs:
                    report.add(where, "discontinuous span", f"{tid} {offs}")
                    continue
                start, end = map(int, offs.split())
                if text[start:end] != stext:
                    report.add(where, "span text differs from the .txt at its offsets", f"{tid} {stext!r}")
                    continue
                spans.append((tid, label, start, end))
            elif m := R_RE.match(line):
                rels.append((m.group(2), m.group(3), m.group(4)))
            else:
                kind = {"E": "event (E) line", "A": "attribute (A) line", "M": "attribute (M) line",
                        "N": "normalization (N) line", "#": "note (#) line", "*": "equivalence (*) line"}.get(line[:1], "unparsable line")
                report.add(where, f"{kind}: the contract has no place for it", line.split("\t")[0])
        rid = info.get("id", txt.stem)
        records.append(build_record(rid, text, spans, rels, dict(info.get("meta") or {}), str(ann), report))
    return records


def write(records: Iterable[Record], path: str | os.PathLike) -> int:
    root = Path(path)
    root.mkdir(parents=True, exist_ok=True)
    (root / "annotation.conf").write_text(ANNOTATION_CONF, encoding="utf-8")
    (root / "visual.conf").write_text(VISUAL_CONF, encoding="utf-8")
    n = 0
    for rec in records:
        stem = _safe_stem(rec.id)
        (root / f"{stem}.txt").write_text(rec.text + "\n", encoding="utf-8")
        lines = [f"{s.id}\t{s.label} {s.start} {s.end}\t{s.text}" for s in rec.spans]
        lines += [f"R{i}\t{r.label} Arg1:{r.head} Arg2:{r.tail}" for i, r in enumerate(rec.relations, 1)]
        (root / f"{stem}.ann").write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")
        (root / f"{stem}.json").write_text(json.dumps({"id": rec.id, "meta": rec.meta}, ensure_ascii=False), encoding="utf-8")
        n += 1
    return n
