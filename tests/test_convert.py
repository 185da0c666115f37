import json

import pytest

from zhcausal.cli import main
from zhcausal.data.formats import ConversionReport, brat, doccano, labelstudio

from .conftest import ROOT

SEED = ROOT / "annotations" / "seed.jsonl"


@pytest.mark.parametrize("fmt", ["doccano", "labelstudio", "brat"])
def test_seed_round_trip_is_unchanged(tmp_path, fmt):
    mid, back = tmp_path / f"seed.{fmt}", tmp_path / "back.jsonl"
    assert main(["convert", "--from", "jsonl", "--to", fmt, str(SEED), "-o", str(mid)]) == 0
    assert main(["convert", "--from", fmt, "--to", "jsonl", str(mid), "-o", str(back)]) == 0
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
    assert main(["convert", "--from", "doccano", "--to", "jsonl", str(p), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "1 item(s) not converted: 1 × unknown span label" in err and "d.jsonl:1" in err
    assert main(["convert", "--from", "doccano", "--to", "jsonl", str(p), "-o", str(out), "--strict"]) == 1
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
    assert [(r.head, r.tail) for r in rec.relations] == [("a", "b")]
    assert report.reasons["result type the contract has no place for"] == 1


def test_doccano_write_uses_integer_ids(tmp_path):
    from zhcausal.data.io import read_records

    recs = read_records(SEED)[:3]
    doccano.write(recs, tmp_path / "d.jsonl")
    first = json.loads((tmp_path / "d.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert all(isinstance(e["id"], int) for e in first["entities"])
