import json

import pytest

from zhcausal import CausalExtractor
from zhcausal.cli import main
from zhcausal.data.io import read_records
from zhcausal.data.validate import validate_file

from .conftest import TOY, relation_set, span_set


def test_train_save_load_predict_evaluate(trained_model, toy_file, tmp_path, capsys):
    files = {p.name for p in trained_model.iterdir()}
    assert {"model.safetensors", "config.json", "tokenizer.json", "README.md", "trainer_state.json"} <= files
    assert "language: zh" in (trained_model / "README.md").read_text(encoding="utf-8")
    ext = CausalExtractor.from_pretrained(trained_model, precision="fp32")
    rec = ext.predict("钢材价格上涨导致宝钢股份营业收入增长12.3%。")
    assert span_set(rec) == {("CAUSE", 0, 6, "钢材价格上涨"), ("EFFECT", 8, 23, "宝钢股份营业收入增长12.3%"),
                             ("ACTOR", 8, 12, "宝钢股份")}
    assert relation_set(rec) == {("CAUSES", "钢材价格上涨", "宝钢股份营业收入增长12.3%"),
                                 ("ACTOR_OF", "宝钢股份", "宝钢股份营业收入增长12.3%")}
    assert all(0.5 <= s.score <= 1 for s in rec.spans) and all(0.3 <= r.score <= 1 for r in rec.relations)
    recs = ext.predict(["甲", "乙丙"])
    assert [r.text for r in recs] == ["甲", "乙丙"]
    out = tmp_path / "metrics.json"
    assert main(["evaluate", "--model", str(trained_model), str(toy_file), "--json", str(out), "--slice", "hard"]) == 0
    printed = capsys.readouterr().out
    assert "CAUSES" in printed and "seqeval" in printed
    metrics = json.loads(out.read_text())["all"]
    assert metrics["records"] == 4
    assert metrics["rel_strict"]["CAUSES"]["f1"] == 1.0


def test_overfit_model_reproduces_every_toy_record(trained_model, toy_file):
    ext = CausalExtractor.from_pretrained(trained_model, precision="fp32")
    gold = read_records(toy_file)
    preds = ext.predict_records(gold)
    assert [p.id for p in preds] == [g["id"] for g in TOY]
    for p, g in zip(preds, gold):
        assert span_set(p) == span_set(g), g.id
        assert relation_set(p) == relation_set(g), g.id


def test_predictions_are_contract_records(trained_model, toy_file, tmp_path):
    ext = CausalExtractor.from_pretrained(trained_model, precision="fp32")
    preds = ext.predict_records(read_records(toy_file))
    path = tmp_path / "p.jsonl"
    from zhcausal.data.io import write_records

    write_records(preds, path)
    assert validate_file(path) == []
    assert sum(len(p.relations) for p in preds) == sum(len(r["relations"]) for r in TOY)


@pytest.mark.parametrize("precision", ["bf16", "int8"])
def test_precisions_run(trained_model, precision):
    ext = CausalExtractor.from_pretrained(trained_model, precision=precision, device="cpu")
    assert ext.precision == precision
    rec = ext.predict("钢材价格上涨导致宝钢股份营业收入增长12.3%。")
    assert rec.id == "0"
    assert ("CAUSES", "钢材价格上涨", "宝钢股份营业收入增长12.3%") in relation_set(rec)


def test_long_text_is_windowed_not_truncated(trained_model):
    ext = CausalExtractor.from_pretrained(trained_model, precision="fp32")
    one = "钢材价格上涨导致宝钢股份营业收入增长12.3%"
    text = "，，，".join([one] * 3)  # one sentence of 75 characters
    ext.config.max_seq_length, ext.config.window_overlap = 40, 12  # windows of 38 tokens from 0, 26 and 52
    rec = ext.predict(text)
    assert rec.text == text
    causes = sorted(s.start for s in rec.spans if s.label == "CAUSE")
    assert causes == [0, 26, 52]  # each copy found in its own window, offsets into the whole text
    assert all(text[s.start:s.end] == s.text for s in rec.spans)


def test_predict_document_offsets_point_into_document(trained_model):
    ext = CausalExtractor.from_pretrained(trained_model, precision="fp32")
    first = "营业收入增长12%，同时净利润增长8%。"
    doc = first + "\n钢材价格上涨导致宝钢股份营业收入增长12.3%。"
    recs = ext.predict_document(doc, keep_empty=True)
    assert [r.extra["sentence"] for r in recs] == [0, 1]
    assert [r.id for r in recs] == ["doc#0", "doc#1"]
    assert recs[0].spans == [] and recs[1].text == doc[len(first) + 1:]
    assert doc[recs[1].extra["sentence_start"]:recs[1].extra["sentence_end"]] == recs[1].text
    off = len(first) + 1
    assert span_set(recs[1]) == {("CAUSE", off, off + 6, "钢材价格上涨"), ("EFFECT", off + 8, off + 23, "宝钢股份营业收入增长12.3%"),
                                 ("ACTOR", off + 8, off + 12, "宝钢股份")}
    assert [r.id for r in ext.predict_document(doc)] == ["doc#1"]  # sentences without a link are left out


def test_resume_training(tiny_encoder, toy_file, tmp_path):
    out = tmp_path / "m"
    args = ["train", "--train", str(toy_file), "--base-model", str(tiny_encoder), "--output", str(out),
            "--batch-size", "2", "--precision", "fp32"]
    assert main(args + ["--epochs", "1"]) == 0
    assert (out / "checkpoints" / "last" / "optimizer.pt").is_file()
    assert main(args + ["--epochs", "2", "--resume"]) == 0
    state = json.loads((out / "checkpoints" / "last" / "trainer_state.json").read_text())
    assert state["epoch"] == 2 and len(state["history"]) == 2


def test_hub_style_loading_from_local_directory(tiny_encoder):
    from transformers import AutoConfig, AutoModel

    from zhcausal.model import CausalModel

    m = CausalModel.from_encoder(str(tiny_encoder))
    ref = AutoModel.from_pretrained(str(tiny_encoder))
    assert (m.encoder.embeddings.word_embeddings.weight == ref.embeddings.word_embeddings.weight).all()
    assert AutoConfig.for_model("zhcausal").model_type == "zhcausal"


def test_sentence_views_keep_only_whole_links():
    from zhcausal.data.schema import Record
    from zhcausal.training.data import sentence_views

    from .conftest import make_record

    rec = Record.from_dict(make_record(
        "v", "钢材价格上涨导致营收增长。公司召开股东大会。需求回暖，主要系政策刺激所致。",
        [("CAUSE", "钢材价格上涨"), ("EFFECT", "营收增长"), ("CAUSE", "政策刺激"), ("EFFECT", "需求回暖")],
        [("CAUSES", 1, 2), ("CAUSES", 3, 4)]))
    views = sentence_views(rec)
    assert [v.text for v in views] == ["钢材价格上涨导致营收增长。", "公司召开股东大会。", "需求回暖，主要系政策刺激所致。"]
    assert [len(v.relations) for v in views] == [1, 0, 1]
    for v in views:
        for s in v.spans:
            assert v.text[s.start:s.end] == s.text


def test_training_without_dev_keeps_last_epoch(tiny_encoder, toy_file, tmp_path, capsys):
    out = tmp_path / "m"
    assert main(["train", "--train", str(toy_file), "--base-model", str(tiny_encoder), "--output", str(out),
                 "--batch-size", "2", "--precision", "fp32", "--epochs", "2"]) == 0
    assert (out / "model.safetensors").is_file() and (out / "config.json").is_file()
    state = json.loads((out / "trainer_state.json").read_text())
    assert state["best_epoch"] == 2
    cap = capsys.readouterr()
    assert "no dev set: kept the last epoch (2)" in cap.out + cap.err


def test_half_written_model_directory_is_refused(trained_model, tmp_path, capsys):
    import shutil

    half = tmp_path / "half"
    shutil.copytree(trained_model, half)
    (half / ".incomplete").write_text("x")
    assert main(["predict", "--model", str(half), str(tmp_path)]) == 2
    assert "half-written" in capsys.readouterr().err

