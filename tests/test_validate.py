import json
from pathlib import Path

import pytest

from zhcausal.cli import main
from zhcausal.data.io import AnnotationError, read_records
from zhcausal.data.validate import validate_file

from .conftest import ROOT, TOY

SHIPPED = sorted((ROOT / "annotations").glob("*.jsonl"))


def test_shipped_annotation_files_exist():
    names = {p.name for p in SHIPPED}
    assert {"seed.jsonl", "train.jsonl", "dev.jsonl", "test.jsonl"} <= names


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_annotations_validate(path):
    problems = validate_file(path)
    assert not problems, "\n".join(map(str, problems[:20]))


def test_seed_file_matches_statements():
    statements = ROOT.parent / "shared" / "seeds" / "statements.txt"
    recs = read_records(ROOT / "annotations" / "seed.jsonl")
    assert [r.id for r in recs] == [f"seed-{i:04d}" for i in range(1, 91)]
    if statements.is_file():
        lines = statements.read_text(encoding="utf-8").split("\n")
        assert [r.text for r in recs] == lines[:90]


def _write(tmp_path: Path, lines: list, name="f.jsonl") -> Path:
    p = tmp_path / name
    p.write_text("".join((x if isinstance(x, str) else json.dumps(x, ensure_ascii=False)) + "\n" for x in lines), encoding="utf-8")
    return p


def _rules(path) -> list[str]:
    return [v.rule for v in validate_file(path)]


def _with(**changes) -> dict:
    rec = json.loads(json.dumps(TOY[0], ensure_ascii=False))
    for k, v in changes.items():
        rec[k] = v
    return rec


def test_toy_records_are_valid(toy_file):
    assert validate_file(toy_file) == []


@pytest.mark.parametrize("record,rule", [
    ({"id": "x", "text": "abc", "spans": []}, "missing-field"),
    (_with(spans=[{**TOY[0]["spans"][0], "end": 999}] + TOY[0]["spans"][1:]), "offsets-out-of-range"),
    (_with(spans=[{**TOY[0]["spans"][0], "text": "钢材价格"}] + TOY[0]["spans"][1:]), "span-text-mismatch"),
    (_with(spans=[{**TOY[0]["spans"][0], "label": "REASON"}] + TOY[0]["spans"][1:]), "unknown-label"),
    (_with(relations=TOY[0]["relations"] + [{"label": "CAUSES", "head": "T1", "tail": "T9"}]), "missing-span-id"),
    (_with(relations=[{"label": "CAUSES", "head": "T2", "tail": "T1"}, TOY[0]["relations"][1]]), "relation-type"),
    (_with(relations=[TOY[0]["relations"][0]]), "orphan-span"),
])
def test_bad_records(tmp_path, record, rule):
    assert rule in _rules(_write(tmp_path, [record]))


def test_edge_rules(tmp_path):
    text = "由于钢材价格上涨，导致营收增长。"
    rec = {"id": "e", "text": text, "spans": [
        {"id": "T1", "label": "CAUSE", "start": 0, "end": 8, "text": text[0:8]},
        {"id": "T2", "label": "EFFECT", "start": 8, "end": 15, "text": text[8:15]}],
        "relations": [{"label": "CAUSES", "head": "T1", "tail": "T2"}]}
    rules = _rules(_write(tmp_path, [rec]))
    assert "connective-at-edge" in rules and "edge-punctuation" in rules


def test_overlap_rules(tmp_path):
    text = "甲公司扩产导致乙公司收入增长"
    spans = [{"id": "T1", "label": "CAUSE", "start": 0, "end": 5, "text": text[0:5]},
             {"id": "T2", "label": "EFFECT", "start": 3, "end": 14, "text": text[3:14]},
             {"id": "T3", "label": "ACTOR", "start": 2, "end": 7, "text": text[2:7]}]
    rels = [{"label": "CAUSES", "head": "T1", "tail": "T2"}, {"label": "ACTOR_OF", "head": "T3", "tail": "T1"}]
    rules = _rules(_write(tmp_path, [{"id": "o", "text": text, "spans": spans, "relations": rels}]))
    assert "cause-effect-overlap" in rules and "actor-crosses-span" in rules


def test_chain_middle_link_is_allowed(toy_file):
    assert read_records(toy_file)[1].id == "toy-2"  # toy-2 holds a chain and validates


def test_file_level_errors(tmp_path):
    assert _rules(_write(tmp_path, ['{"id": "a", "text": '])) == ["bad-json"]
    assert "duplicate-id" in _rules(_write(tmp_path, [TOY[0], TOY[0]]))
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes(b"\xef\xbb\xbf" + json.dumps(TOY[2], ensure_ascii=False).encode())
    assert _rules(bom) == ["utf8-bom"]
    gb = tmp_path / "gb.jsonl"
    gb.write_bytes(json.dumps(TOY[2], ensure_ascii=False).encode("gb18030"))
    [v] = validate_file(gb)
    assert v.rule == "not-utf8" and "GB18030" in v.message and v.line == 1


def test_read_records_raises_one_clear_error(tmp_path):
    with pytest.raises(AnnotationError, match=r"f\.jsonl:1: bad-json"):
        read_records(_write(tmp_path, ["not json"]))


def test_cli_validate_output_and_exit(tmp_path, capsys):
    bad = _write(tmp_path, [_with(relations=[TOY[0]["relations"][0]])])
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert out == [f"{bad}:1: toy-1: orphan-span: ACTOR T3 heads no ACTOR_OF relation: '宝钢股份'"]
    assert main(["validate", str(ROOT / "annotations" / "seed.jsonl")]) == 0
