"""doccano JSONL: ``entities`` and ``relations`` lists (sequence labelling with relations), or ``label``
``[[start, end, type], ...]`` (a project without relation labelling: spans only, the validator then lists
the missing relations). Import into doccano needs "Allow overlapping spans" on the project."""
from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable

from ..io import iter_json_lines
from ..schema import Record
from . import ConversionReport, build_record, nothing_usable, span_number


def read(path: str | os.PathLike, report: ConversionReport) -> list[Record]:
    records, skipped, spans_only, empty = [], Counter(), 0, []
    for lineno, obj in iter_json_lines(path):
        where = f"{path}:{lineno}"
        if not isinstance(obj.get("text"), str):
            skipped["line without text"] += 1
            report.add(where, "line without text")
            continue
        ents = obj.get("entities") or []
        if "entities" not in obj and isinstance(obj.get("label"), list):  # project without relation labelling
            ents, spans_only = obj["label"], spans_only + 1
        if ents and isinstance(ents[0], list):  # [start, end, label]
            spans = [(f"T{i}", lab, s, e) for i, (s, e, lab) in enumerate(ents, 1)]
        else:
            spans = [(f"T{e['id']}", e["label"], e["start_offset"], e["end_offset"]) for e in ents]
        rels = [(r["type"], f"T{r['from_id']}", f"T{r['to_id']}") for r in obj.get("relations") or []]
        rid = str(obj.get("id", f"line-{lineno}"))
        meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else {}
        records.append(build_record(rid, obj["text"], spans, rels, dict(meta), where, report, renumber=True))
        if not spans:
            empty.append(str(lineno))
    if not records:
        raise nothing_usable(path, skipped, {}, "export the doccano project as JSONL (relation or sequence labelling)")
    if spans_only:
        report.notes.append(f"{path}: {spans_only} line(s) from a doccano project without relation labelling: "
                            f"spans only, no CAUSES/ACTOR_OF; label them in a project with relations enabled")
    if empty:
        shown = ", ".join(empty[:10]) + (f" and {len(empty) - 10} more" if len(empty) > 10 else "")
        report.notes.append(f"{path}: line(s) {shown} hold no span and are read as not causal: doccano "
                            f"does not export whether an example was labelled, so export only approved examples")
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
