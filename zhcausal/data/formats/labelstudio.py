"""Label Studio JSON: tasks with ``labels`` results and ``relation`` results by region id.

Reading takes one finished human annotation per task: cancelled, never labelled, draft-only and
predictions-only tasks are skipped with a warning, never read as "not causal" (``use_predictions``
reads the model output of tasks without an annotation). Writing puts the records in ``annotations``
or, to pre-annotate, in ``predictions`` with per-result scores and a ``model_version``."""
from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable

from ...errors import UserError
from ..io import AnnotationError
from ..schema import Record
from . import ConversionReport, build_record, nothing_usable

PREDICTIONS_ONLY = "task holds only predictions, no annotation"
ID_PREDICTIONS_ONLY = "task holds only predictions (exported as ids), no annotation"
ADVICE = {
    PREDICTIONS_ONLY: "submit (correct) the pre-annotated tasks in Label Studio and export JSON again, "
                      "or pass --use-predictions to read the model output",
    ID_PREDICTIONS_ONLY: "submit (correct) the pre-annotated tasks in Label Studio and export JSON again",
    "predictions exported as ids only": "this export names the predictions but does not hold them: read the "
                                        "predictions file you imported, or submit the tasks and export JSON again",
    "task without a text field": "name the data field of <Text value=\"$...\"> with --text-field",
    "annotations that disagree": "mark one annotation of each task as ground truth in Label Studio and export again",
}
DEFAULT_ADVICE = ("label and submit the tasks in Label Studio, then export the project as JSON "
                  "(not JSON_MIN, CSV or TSV)")


def _text_field(data: dict, name: str | None, where: str) -> str | None:
    if name or isinstance(data.get("text"), str):
        return name or "text"
    found = [k for k, v in data.items() if isinstance(v, str) and k != "id"]
    if len(found) > 1:
        raise UserError(f"{where}: task data has several text fields ({', '.join(found)}): "
                        f"name the one of <Text value=\"$...\"> with --text-field")
    return found[0] if found else None


def _parse(results: list, text: str, where: str, report: ConversionReport) -> tuple[list, list]:
    spans, rels = [], []
    for res in results:
        typ = res.get("type")
        score = [res["score"]] if isinstance(res.get("score"), (int, float)) else []
        if typ == "labels":
            v = res["value"]
            labels = v.get("labels") or []
            if len(labels) != 1:
                report.add(where, "region with other than one label", f"{res.get('id')} {labels}")
            elif "text" in v and v["text"] != text[v["start"]:v["end"]]:
                report.add(where, "region text differs from the task text at its offsets",
                           f"{res.get('id')} {v['text']!r}")
            else:
                spans.append((str(res["id"]), labels[0], v["start"], v["end"], *score))
        elif typ == "relation":
            labels = res.get("labels") or []
            head, tail = str(res["from_id"]), str(res["to_id"])
            if res.get("direction") == "left":
                head, tail = tail, head
            if res.get("direction") == "bi":
                report.add(where, "bidirectional relation", f"{head}<->{tail}")
            elif len(labels) != 1:
                report.add(where, "relation with other than one label", f"{head}->{tail} {labels}")
            else:
                rels.append((labels[0], head, tail, *score))
        else:
            report.add(where, "result type the contract has no place for", str(typ))
    return spans, rels


def _content(results: list, text: str) -> tuple:
    """What an annotation says, whatever its region ids: to tell agreeing annotations from disagreeing ones."""
    spans, rels = _parse(results, text, "", ConversionReport())
    key = {s[0]: s[1:4] for s in spans}
    return frozenset(key.values()), frozenset((r[0], key.get(r[1]), key.get(r[2])) for r in rels)


def read(path: str | os.PathLike, report: ConversionReport, text_field: str | None = None,
         use_predictions: bool = False) -> list[Record]:
    from ..io import read_text_lines

    try:
        tasks = json.loads("\n".join(read_text_lines(path)))
    except json.JSONDecodeError as exc:
        raise AnnotationError(path, exc.lineno, "bad-json",
                              f"{exc.msg} (export the Label Studio project as JSON)") from None
    tasks = [tasks] if isinstance(tasks, dict) else tasks
    if not isinstance(tasks, list) or not all(isinstance(t, dict) for t in tasks):
        raise UserError(f"{path}: not a list of Label Studio tasks: export the project as JSON")
    if tasks and all("data" not in t and ("annotation_id" in t or "annotator" in t) for t in tasks):
        raise UserError(f"{path}: a Label Studio JSON_MIN export, which holds no relations (and no skipped or "
                        f"unfinished tasks): export the project as JSON instead")
    skipped, fields, models, records = Counter(), Counter(), Counter(), []

    def skip(where: str, why: str, detail: str = "") -> None:
        skipped[why] += 1
        report.add(where, why, detail)

    for k, task in enumerate(tasks):
        where = f"{path}: task {task.get('id', k)}"
        data = task["data"] if isinstance(task.get("data"), dict) else task  # an import file may hold bare data
        field = _text_field(data, text_field, where)
        text = data.get(field) if field else None
        if not isinstance(text, str):
            skip(where, "task without a text field" if field is None else f"task without data.{field}")
            continue
        fields[field] += 1
        anns = [a for a in task.get("annotations") or [] if isinstance(a, dict) and not a.get("was_cancelled")]
        anns = [a for a in anns if a.get("ground_truth")] or anns
        preds = task.get("predictions") or []
        if anns:
            if len({_content(a.get("result") or [], text) for a in anns}) > 1:
                gt = "several" if anns[0].get("ground_truth") else "none"
                skip(where, "annotations that disagree", f"{len(anns)} annotations, {gt} marked ground truth")
                continue
            results = anns[-1].get("result") or []
        elif use_predictions and preds and not task.get("annotations"):  # a person's skip stands
            full = [p for p in preds if isinstance(p, dict)]
            if not full:
                skip(where, "predictions exported as ids only")
                continue
            if len(full) > 1:
                report.add(where, "several predictions; only the last one converted", f"{len(full)} predictions")
            results = full[-1].get("result") or []
            models[str(full[-1].get("model_version", "?"))] += 1
        else:  # unfinished work must never become a "not causal" record
            in_full = any(isinstance(p, dict) for p in preds)
            skip(where, "skipped task (cancelled annotation)" if task.get("annotations") else
                 (PREDICTIONS_ONLY if in_full else ID_PREDICTIONS_ONLY) if preds else
                 "task with only a draft, never submitted" if task.get("drafts") else "task never labelled")
            continue
        spans, rels = _parse(results, text, where, report)
        rid = str(data.get("id", task.get("id", k)))
        meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
        records.append(build_record(rid, text, spans, rels, dict(meta), where, report, renumber=True))
    if not records:
        raise nothing_usable(path, skipped, ADVICE, DEFAULT_ADVICE)
    if text_field is None and set(fields) != {"text"}:
        report.notes.append(f"{path}: text read from data.{', data.'.join(fields)} (name it with --text-field)")
    if models:
        report.notes.append(f"{path}: {sum(models.values())} record(s) are model predictions, not corrected by a "
                            f"person (model_version {', '.join(models)})")
    return records


def task(rec: Record, as_predictions: bool = False, model_version: str = "zhcausal", from_name: str = "label",
         to_name: str = "text", text_field: str = "text") -> dict:
    """One Label Studio task for ``rec``: its spans and relations as an annotation or as a prediction."""
    def scored(res: dict, score: float | None) -> dict:
        if as_predictions and score is not None:
            res["score"] = round(float(score), 4)
        return res

    result = [scored({"id": s.id, "from_name": from_name, "to_name": to_name, "type": "labels",
                      "value": {"start": s.start, "end": s.end, "text": s.text, "labels": [s.label]}}, s.score)
              for s in rec.spans]
    result += [scored({"from_id": r.head, "to_id": r.tail, "type": "relation", "direction": "right",
                       "labels": [r.label]}, r.score) for r in rec.relations]
    data = {"id": rec.id, text_field: rec.text}
    if rec.meta or rec.extra:
        data["meta"] = {**rec.meta, **rec.extra}
    if not as_predictions:
        return {"data": data, "annotations": [{"result": result}]}
    scores = [x["score"] for x in result if "score" in x]
    pred = {"model_version": model_version, "result": result}
    if scores:  # the least sure item: Label Studio sorts tasks by this score
        pred["score"] = min(scores)
    return {"data": data, "predictions": [pred]}


def write(records: Iterable[Record], path: str | os.PathLike, **options) -> int:
    tasks = []
    for k, rec in enumerate(records, 1):
        t = task(rec, **options)
        for ann in t.get("annotations", []):
            ann["id"] = k
        tasks.append({"id": k, **t})
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(tasks, fh, ensure_ascii=False, indent=1)
    return len(tasks)
