"""brat standoff: a directory of ``NAME.txt`` + ``NAME.ann`` pairs (T and R lines).

Each pair is one record (id = NAME). ``NAME.json`` beside them, written by the exporter,
keeps the record id and ``meta`` (brat has no place for them)."""
from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path

from ..io import read_text_lines
from ..schema import Record
from . import ConversionReport, build_record

T_RE = re.compile(r"^(T\d+)\t(\S+) (\d+(?: \d+)*(?:;\d+ \d+)*)\t(.*)$")
R_RE = re.compile(r"^(R\d+)\t(\S+) Arg1:(T\d+) Arg2:(T\d+)\s*$")


def _safe_stem(rid: str) -> str:
    return re.sub(r"[^\w.-]", "_", rid)


def read(path: str | os.PathLike, report: ConversionReport) -> list[Record]:
    root = Path(path)
    txts = sorted(root.glob("*.txt")) if root.is_dir() else [root.with_suffix(".txt")]
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
