"""Label Studio JSON export: tasks with ``labels`` results and ``relation`` results by region id."""
from __future__ import annotations

import json
import os
from collections.abc import Iterable

from ..io import AnnotationError
from ..schema import Record
from . import ConversionReport, build_record


def read(path: str | os.PathLike, report: ConversionReport) -> list[Record]:
    from ..io import read_text_lines

    try:
        tasks = json.loads("\n".join(read_text_lines(path)))
    except json.JSONDecodeError as exc:
        raise AnnotationError(path, exc.lineno, "bad-json", exc.msg) from None
    if isinstance(tasks, dict):
        tasks = [tasks]
    records = []
    for k, task in enumerate(tasks):
        where = f"{path}: task {task.get('id', k)}"
        data = task.get("data") or {}
        text = data.get("text")
        if not isinstance(text, str):
            report.add(where, "task without data.text")
            continue
        all_anns = task.get("annotations") or []
        anns = [a for a in all_anns if not a.get("was_cancelled")]
        if not anns:  # unfinished work must never become a "not causal" record
            why = ("skipped task (cancelled annotation)" if all_anns else
                   "task holds only predictions, no annotation" if task.get("predictions") else
                   "task never labelled")
            report.add(where, why)
            continue
        if len(anns) > 1:
            report.add(where, "several annotations; only the last one converted", f"{len(anns)} annotations")
        results = anns[-1]["result"] if anns else []
        spans, rels = [], []
        for res in results:
            typ = res.get("type")
            if typ == "labels":
                v = res["value"]
                labels = v.get("labels") or []
                if len(labels) != 1:
                    report.add(where, "region with other than one label", f"{res.get('id')} {labels}")
                    continue
                spans.append((str(res["id"]), labels[0], v["start"], v["end"]))
            elif typ == "relation":
                labels = res.get("labels") or []
                head, tail = str(res["from_id"]), str(res["to_id"])
                if res.get("direction") == "left":
                    head, tail = tail, head
                elif res.get("direction") == "bi":
                    report.add(where, "bidirectional relation", f"{head}<->{tail}")
                    continue
                if len(labels) != 1:
                    report.add(where, "relation with other than one label", f"{head}->{tail} {labels}")
                    continue
                rels.append((labels[0], head, tail))
            else:
                report.add(where, "result type the contract has no place for", str(typ))
        rid = str(data.get("id", task.get("id", k)))
        meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
        records.append(build_record(rid, text, spans, rels, dict(meta), where, report))
    return records


def write(records: Iterable[Record], path: str | os.PathLike) -> int:
    tasks = []
    for k, rec in enumerate(records, 1):
        result = [{"id": s.id, "from_name": "label", "to_name": "text", "type": "labels",
                   "value": {"start": s.start, "end": s.end, "text": s.text, "labels": [s.label]}} for s in rec.spans]
        result += [{"from_id": r.head, "to_id": r.tail, "type": "relation", "direction": "right", "labels": [r.label]}
                   for r in rec.relations]
        data = {"id": rec.id, "text": rec.text}
        if rec.meta:
            data["meta"] = rec.meta
        tasks.append({"id": k, "data": data, "annotations": [{"id": k, "result": result}]})
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(tasks, fh, ensure_ascii=False, indent=1)
    return len(tasks)
