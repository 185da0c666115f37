import argparse
import json

import pytest

from zhcausal.commands import convert as convert_cmd
from zhcausal.data.formats import ConversionReport, brat, doccano, labelstudio
from zhcausal.data.io import read_records
from zhcausal.errors import UserError

from .conftest import ROOT

SEED = ROOT / "annotations" / "seed.jsonl"


def convert(*argv: str) -> int:
    """``zhcausal convert ARGV``; a UserError comes out as itself (the CLI prints it and exits 2)."""
    sub = argparse.ArgumentParser().add_subparsers()
    convert_cmd.register(sub)
    args = sub.choices["convert"].parse_args(argv)
    return args.func(args)


@pytest.mark.parametrize("fmt", ["doccano", "labelstudio", "brat"])
def test_seed_round_trip_is_unchanged(tmp_path, fmt):
    mid, back = tmp_path / f"seed.{fmt}", tmp_path / "back.jsonl"
    assert convert("--from", "jsonl", "--to", fmt, str(SEED), "-o", str(mid)) == 0
    assert convert("--from", fmt, "--to", "jsonl", str(mid), "-o", str(back)) == 0
    assert back.read_text(encoding="utf-8") == SEED.read_text(encoding="utf-8")


def test_brat_reports_what_it_cannot_carry(tmp_path):
    (tmp_path / "a.txt").write_text("甲导致乙\n", encoding="utf-8")
    (tmp_path / "a.ann").write_text(
        "T1\tCAUSE 0 1\t甲\nT2\tEFFECT 3 4\t乙\nT3\tEFFECT 0 1;3 4\t甲 乙\nT4\tTOPIC 0 1\t甲\n"
        "R1\tCAUSES Arg1:T1 Arg2:T2\nR2\tCAUSES Arg1:T1 Arg2:T3\nE1\tCAUSE:T1\nA1\tNegated E1\n#1\tAnnotatorNotes T1\tnote\n",
        encoding="utf-8")
    report = ConversionReport()
    [rec] = brat.read(tmp_path, report)
    assert [s.text for s in rec.spans] == ["甲", "乙"] and len(rec.relations) == 1
    assert sum(report.reasons.values()) == 6
    joined = "\n".join(report.problems)
    for reason in ("discontinuous span", "unknown span label", "relation to a span that was not converted",
                   "event (E) line", "attribute (A) line", "note (#) line"):
        assert reason in joined
    assert "a.ann:3" in joined


def test_doccano_unknown_label_counted(tmp_path, capsys):
    p = tmp_path / "d.jsonl"
    p.write_text(json.dumps({"id": 7, "text": "甲导致乙", "entities": [
        {"id": 1, "label": "CAUSE", "start_offset": 0, "end_offset": 1},
        {"id": 2, "label": "EFFECT", "start_offset": 3, "end_offset": 4},
        {"id": 3, "label": "PERSON", "start_offset": 1, "end_offset": 2}],
        "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "CAUSES"}]}, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert convert("--from", "doccano", "--to", "jsonl", str(p), "-o", str(out)) == 0
    err = capsys.readouterr().err
    assert "1 item(s) not converted: 1 × unknown span label" in err and "d.jsonl:1" in err
    assert convert("--from", "doccano", "--to", "jsonl", str(p), "-o", str(out), "--strict") == 1
    assert json.loads(out.read_text(encoding="utf-8"))["id"] == "7"


def test_labelstudio_left_relation_and_unknown_result(tmp_path):
    tasks = [{"id": 1, "data": {"text": "甲导致乙"}, "annotations": [{"result": [
        {"id": "a", "type": "labels", "value": {"start": 0, "end": 1, "labels": ["CAUSE"]}},
        {"id": "b", "type": "labels", "value": {"start": 3, "end": 4, "labels": ["EFFECT"]}},
        {"from_id": "b", "to_id": "a", "type": "relation", "direction": "left", "labels": ["CAUSES"]},
        {"id": "c", "type": "choices", "value": {"choices": ["x"]}}]}]}]
    p = tmp_path / "ls.json"
    p.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    report = ConversionReport()
    [rec] = labelstudio.read(p, report)
    assert [(r.head, r.tail) for r in rec.relations] == [("T1", "T2")]  # region ids renumbered, direction kept
    assert report.reasons["result type the contract has no place for"] == 1


def test_doccano_write_uses_integer_ids(tmp_path):
    from zhcausal.data.io import read_records

    recs = read_records(SEED)[:3]
    doccano.write(recs, tmp_path / "d.jsonl")
    first = json.loads((tmp_path / "d.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert all(isinstance(e["id"], int) for e in first["entities"])


def scored_seed():
    recs = read_records(SEED)[:5]
    for k, rec in enumerate(recs):
        for s in rec.spans:
            s.score = 0.5 + k / 20
        for r in rec.relations:
            r.score = 0.9 - k / 20
    return recs


def test_labelstudio_predictions_are_what_the_model_said(tmp_path):
    """The correction loop: model output as Label Studio predictions, read back only when asked for."""
    recs, p = scored_seed(), tmp_path / "pre.json"
    labelstudio.write(recs, p, as_predictions=True, model_version="m1")
    tasks = json.loads(p.read_text(encoding="utf-8"))
    assert all("annotations" not in t and [pr["model_version"] for pr in t["predictions"]] == ["m1"] for t in tasks)
    first = tasks[0]["predictions"][0]
    assert first["score"] == min(x["score"] for x in first["result"]) == 0.5
    with pytest.raises(UserError, match="5 × task holds only predictions, no annotation.*--use-predictions"):
        labelstudio.read(p, ConversionReport())
    report = ConversionReport()
    back = labelstudio.read(p, report, use_predictions=True)
    assert [r.to_dict() for r in back] == [r.to_dict() for r in recs] and not report.problems
    assert "5 record(s) are model predictions" in report.notes[0] and "m1" in report.notes[0]


def test_labelstudio_control_names_and_text_field(tmp_path, capsys):
    p, back = tmp_path / "ls.json", tmp_path / "back.jsonl"
    assert convert("--from", "jsonl", "--to", "labelstudio", str(SEED), "-o", str(p), "--from-name", "ner",
                   "--to-name", "sentence", "--text-field", "sentence", "--as", "predictions") == 0
    task = json.loads(p.read_text(encoding="utf-8"))[0]
    assert set(task["data"]) == {"id", "sentence", "meta"} and task["predictions"][0]["model_version"] == "zhcausal"
    assert {(x.get("from_name"), x.get("to_name")) for x in task["predictions"][0]["result"]} >= {("ner", "sentence")}
    assert convert("--from", "labelstudio", "--to", "jsonl", str(p), "-o", str(back), "--use-predictions") == 0
    assert back.read_text(encoding="utf-8") == SEED.read_text(encoding="utf-8")
    assert "data.sentence" in capsys.readouterr().err
    with pytest.raises(UserError, match="--use-predictions does not apply"):
        convert("--from", "doccano", "--to", "jsonl", str(SEED), "-o", str(back), "--use-predictions")


def test_labelstudio_writer_stays_a_json_array_and_resumes(tmp_path):
    from zhcausal.outputs import DoneLog, Writer

    recs, out = scored_seed(), str(tmp_path / "pre.json")
    for rec in recs:
        rec.extra = {"doc": rec.id, "sentence": 0}
    done = DoneLog(out, resume=False)
    with open(out, "w", encoding="utf-8", newline="") as fh:
        w = Writer(fh, "labelstudio", model_version="m2")
        for rec in recs[:3]:
            w.write([rec])
            done.add(rec.id, fh)
            assert len(json.loads(open(out, encoding="utf-8").read())) == recs.index(rec) + 1
        w.write(recs[3:4])  # killed before its done line
    done.close()
    done = DoneLog(out, resume=True)
    assert done.done == {r.id for r in recs[:3]}
    with open(out, "a", encoding="utf-8", newline="") as fh:
        w = Writer(fh, "labelstudio", write_header=False, model_version="m2")
        w.write([])
        w.write(recs[3:])
    done.close()
    tasks = json.loads(open(out, encoding="utf-8").read())
    assert [t["data"]["id"] for t in tasks] == [r.id for r in recs]
    assert tasks[0]["data"]["meta"]["doc"] == recs[0].id and tasks[0]["predictions"][0]["model_version"] == "m2"
    report = ConversionReport()
    back = labelstudio.read(out, report, use_predictions=True)
    assert [(r.spans, r.relations) for r in back] == [(r.spans, r.relations) for r in recs]


def test_labelstudio_writer_needs_a_file():
    import io

    from zhcausal.outputs import Writer

    class Pipe(io.StringIO):
        def seekable(self):
            return False

    with pytest.raises(UserError, match="-o FILE.json"):
        Writer(Pipe(), "labelstudio")


def test_labelstudio_task_states(tmp_path):
    region = {"id": "x", "type": "labels", "value": {"start": 0, "end": 1, "labels": ["CAUSE"]}}
    pred = {"model_version": "m", "result": [region]}
    tasks = [{"id": 1, "data": {"text": "甲"}, "annotations": [{"result": [region]}, {"result": [dict(region, id="y")]}]},
             {"id": 2, "data": {"text": "乙"}, "annotations": [{"result": []}]},  # submitted, not causal: kept
             {"id": 3, "data": {"text": "丙"}, "annotations": [{"result": [], "was_cancelled": True}],
              "predictions": [pred]},
             {"id": 4, "data": {"text": "丁"}, "drafts": [{"result": [region]}]}]
    p = tmp_path / "ls.json"
    p.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    report = ConversionReport()
    recs = labelstudio.read(p, report, use_predictions=True)
    assert [(r.id, len(r.spans)) for r in recs] == [("1", 1), ("2", 0)]  # two agreeing annotations are one
    assert report.problems == [f"{p}: task 3: skipped task (cancelled annotation)",
                               f"{p}: task 4: task with only a draft, never submitted"]
