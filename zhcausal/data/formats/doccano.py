"""doccano JSONL (sequence labeling with relations): ``entities`` and ``relations`` lists."""
from __future__ import annotations

import json
import os
from collections.abc import Iterable

from ..io import iter_json_lines
from ..schema import Record
from . import ConversionReport, build_record, span_number


def read(path: str | os.PathLike, report: ConversionReport) -> list[Record]:
    records = []
    for lineno, obj in iter_json_lines(path):
        where = f"{path}:{lineno}"
        if not isinstance(obj.get("text"), str):
            report.add(where, "line without text")
            continue
        ents = obj.get("entities") or []
        if ents and isinstance(ents[0], list):  # old doccano export: [start, end, label]
            spans = [(f"T{i}", lab, s, e) for i, (s, e, lab) in enumerate(ents, 1)]
        else:
            spans = [(f"T{e['id']}", e["label"], e["start_offset"], e["end_offset"]) for e in ents]
        rels = [(r["type"], f"T{r['from_id']}", f"T{r['to_id']}") for r in obj.get("relations") or []]
        rid = str(obj.get("id", f"line-{lineno}"))
        meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else {}
        records.append(build_record(rid, obj["text"], spans, rels, dict(meta), where, report))
    return records


def write(records: Iterable[Record], path: str | os.PathLike) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for rec in records:
            num = {s.id: span_number(s.id, i) for i, s in enumerate(rec.spans, 1)}
            obj = {"id": rec.id, "text": rec.text,
                   "entities": [{"id": num[s.id], "label": s.label, "start_offset": s.start, "end_offset": s.end} for s in rec.spans],
                   "relations": [{"id": i, "from_id": num[r.head], "to_id": num[r.tail], "type": r.label}
                                 for i, r in enumerate(rec.relations, 1)]}
            if rec.meta:
                obj["meta"] = rec.meta
            fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
            n += 1
    return n
