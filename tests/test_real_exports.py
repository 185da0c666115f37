"""Conversions of files written by the annotation tools themselves (tests/fixtures/real-exports, as exported).

Every export made from the ten seeds must give back exactly those seeds (nothing lost, nothing invented),
or stop with a message that names the tasks it could not use."""
import json
import shutil
from pathlib import Path

import pytest

from zhcausal.data.formats import ConversionReport, brat, doccano, labelstudio
from zhcausal.data.io import read_records
from zhcausal.errors import UserError

from .test_convert import convert

FIX = Path(__file__).parent / "fixtures" / "real-exports"
SEED = read_records(FIX / "seed10.jsonl")
BY_TEXT = {r.text: r for r in SEED}


def content(rec) -> dict:
    """A record as the tool can hold it: all but its id and meta."""
    d = rec.to_dict()
    return {k: v for k, v in d.items() if k not in ("id", "meta")}


def read(module, name, **kw):
    report = ConversionReport()
    return module.read(FIX / name, report, **kw), report


@pytest.mark.parametrize("module,name,keeps_ids", [
    (labelstudio, "labelstudio_export_sync_JSON.json", False),
    (labelstudio, "labelstudio_export_snapshot_JSON.json", False),
    (labelstudio, "labelstudio_project2_pkgimport_JSON.json", True),
    (doccano, "doccano_export_project1_admin.jsonl", False),
    (doccano, "doccano_export_project2_pkgimport_admin.jsonl", True),
    (brat, "brat_written_by_brat", False)])
def test_full_exports_give_exactly_the_seeds(module, name, keeps_ids):
    recs, report = read(module, name)
    assert not report.problems
    assert sorted(json.dumps(content(r), ensure_ascii=False) for r in recs) == \
        sorted(json.dumps(content(r), ensure_ascii=False) for r in SEED)
    if keeps_ids:  # the project's own output, imported and exported again: ids and meta come back too
        assert [r.to_dict() for r in recs] == [r.to_dict() for r in SEED]
    elif module is brat:  # brat keeps the file name as id; it has no place for meta
        assert [r.id for r in recs] == [r.id for r in SEED]


@pytest.mark.parametrize("name", ["labelstudio_project2_pkgimport_JSON.json",
                                  "doccano_export_project2_pkgimport_admin.jsonl"])
def test_cli_conversion_is_byte_identical_to_the_seeds(tmp_path, name):
    out = tmp_path / "back.jsonl"
    assert convert("--from", name.split("_")[0], "--to", "jsonl", str(FIX / name), "-o", str(out)) == 0
    assert out.read_text(encoding="utf-8") == (FIX / "seed10.jsonl").read_text(encoding="utf-8")


@pytest.mark.parametrize("name,cancelled,never,twice", [
    ("labelstudio_edgecases_text_JSON_all_tasks_true.json", 46, 47, 48),
    ("labelstudio_edgecases_text_JSON_all_tasks_false.json", 46, None, 48),
    ("labelstudio_edgecases_JSON_all_tasks_true.json", 42, 43, 44),
    ("labelstudio_edgecases_JSON_all_tasks_false.json", 42, None, 44)])
def test_labelstudio_unfinished_tasks_are_skipped_and_named(name, cancelled, never, twice):
    recs, report = read(labelstudio, name)
    assert [content(r) for r in recs] == [content(SEED[0])]  # the one task with one finished annotation
    joined = "\n".join(report.problems)
    assert f"task {cancelled}: skipped task (cancelled annotation)" in joined
    assert (f"task {never}: task never labelled" in joined) == (never is not None)
    assert f"task {twice}: annotations that disagree" in joined  # a full and a partial annotation of seed-0006
    assert len(report.problems) == 2 + (never is not None)
    assert any("data.sentence" in n for n in report.notes) == ("text_JSON" not in name)


def test_labelstudio_ground_truth_annotation_is_the_one_read(tmp_path):
    tasks = json.loads((FIX / "labelstudio_edgecases_JSON_all_tasks_true.json").read_text(encoding="utf-8"))
    tasks[3]["annotations"][0]["ground_truth"] = True  # task 44: the full annotation of seed-0006
    (tmp_path / "gt.json").write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    recs = labelstudio.read(tmp_path / "gt.json", ConversionReport(), text_field="sentence")
    assert [content(r) for r in recs] == [content(SEED[0]), content(SEED[3])]


def test_labelstudio_text_field_named_or_detected():
    auto, _ = read(labelstudio, "labelstudio_edgecases_JSON_all_tasks_true.json")
    named, report = read(labelstudio, "labelstudio_edgecases_JSON_all_tasks_true.json", text_field="sentence")
    assert [r.to_dict() for r in auto] == [r.to_dict() for r in named] and not report.notes
    with pytest.raises(UserError, match=r"no usable record \(4 × task without data.text\)"):
        read(labelstudio, "labelstudio_edgecases_JSON_all_tasks_true.json", text_field="text")


@pytest.mark.parametrize("name", ["labelstudio_export_sync_JSON_MIN.json", "labelstudio_export_snapshot_JSON_MIN.json"])
def test_labelstudio_json_min_is_refused(tmp_path, name):
    with pytest.raises(UserError, match=r"JSON_MIN export, which holds no relations.*export the project as JSON"):
        convert("--from", "labelstudio", "--to", "jsonl", str(FIX / name), "-o", str(tmp_path / "o.jsonl"))
    assert not (tmp_path / "o.jsonl").exists()


def test_labelstudio_predictions_only_tasks_are_refused():
    with pytest.raises(UserError, match=r"no usable record \(10 × task holds only predictions \(exported as ids\)"
                                        r", no annotation\): submit"):
        read(labelstudio, "labelstudio_project3_pkgpredictions_JSON.json")
    with pytest.raises(UserError, match=r"10 × predictions exported as ids only"):
        read(labelstudio, "labelstudio_project3_pkgpredictions_JSON.json", use_predictions=True)


def test_doccano_spans_only_export_is_read_and_relations_reported(tmp_path, capsys):
    recs, report = read(doccano, "doccano_export_project3_norelation_admin.jsonl")
    labelled = [r for r in recs if r.spans]
    assert len(recs) == 10 and len(labelled) == 3 and not report.problems
    for r in labelled:  # every span doccano holds, none more, none less
        assert sorted(s.key for s in r.spans) == sorted(s.key for s in BY_TEXT[r.text].spans) and not r.relations
    out = tmp_path / "o.jsonl"
    assert convert("--from", "doccano", "--to", "jsonl", str(FIX / "doccano_export_project3_norelation_admin.jsonl"),
                   "-o", str(out)) == 1
    cap = capsys.readouterr()
    assert "without relation labelling" in cap.err and "contract violation(s)" in cap.err
    from zhcausal.data.validate import validate_file

    assert cap.out and {v.line for v in validate_file(out)} == {1, 2, 3}  # the three labelled lines


def test_brat_export_matches_what_brat_wrote(tmp_path):
    brat.write(SEED, tmp_path)
    real = FIX / "brat_written_by_brat"
    conf = (real / "annotation.conf").read_text(encoding="utf-8")  # what brat needed for nested and identical spans
    assert (tmp_path / "annotation.conf").read_text(encoding="utf-8") == conf
    visual = (tmp_path / "visual.conf").read_text(encoding="utf-8")
    assert all(f"\n{label}\t" in visual and f"\n{label} |" in visual for label in ("CAUSE", "EFFECT", "ACTOR"))
    for ann in real.glob("*.ann"):
        ours = (tmp_path / ann.name).read_text(encoding="utf-8").splitlines()
        assert ours == [line.rstrip("\t") for line in ann.read_text(encoding="utf-8").splitlines()], ann.name
        assert (tmp_path / ann.with_suffix(".txt").name).read_bytes() == ann.with_suffix(".txt").read_bytes()


def test_labelstudio_export_holds_what_labelstudio_kept(tmp_path):
    """Label Studio keeps data.id, text and meta of the project's own output on import (project 2)."""
    labelstudio.write(SEED, tmp_path / "ls.json")
    ours = json.loads((tmp_path / "ls.json").read_text(encoding="utf-8"))
    real = json.loads((FIX / "labelstudio_project2_pkgimport_JSON.json").read_text(encoding="utf-8"))
    assert [t["data"] for t in ours] == [t["data"] for t in real]
    assert [t["annotations"][0]["result"] for t in ours] == [t["annotations"][0]["result"] for t in real]


def test_brat_directory_without_documents_is_an_error(tmp_path):
    shutil.copy(FIX / "brat_written_by_brat" / "annotation.conf", tmp_path)
    with pytest.raises(UserError, match="no usable record"):
        brat.read(tmp_path, ConversionReport())
