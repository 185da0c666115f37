import json

import pytest

from zhcausal import CausalExtractor
from zhcausal.cli import main
from zhcausal.data.io import read_records
from zhcausal.data.validate import validate_file


def test_train_save_load_predict_evaluate(trained_model, toy_file, tmp_path, capsys):
    files = {p.name for p in trained_model.iterdir()}
    assert {"model.safetensors", "config.json", "tokenizer.json", "README.md", "trainer_state.json"} <= files
    assert "language: zh" in (trained_model / "README.md").read_text(encoding="utf-8")
    ext = CausalExtractor.from_pretrained(trained_model, precision="fp32")
    rec = ext.predict("钢材价格上涨导致宝钢股份营业收入增长12.3%。")
    assert rec.text.startswith("钢材") and all(0 <= s.score <= 1 for s in rec.spans)
    recs = ext.predict(["甲", "乙丙"])
    assert [r.text for r in recs] == ["甲", "乙丙"]
    out = tmp_path / "metrics.json"
    assert main(["evaluate", "--model", str(trained_model), str(toy_file), "--json", str(out), "--slice", "hard"]) == 0
    printed = capsys.readouterr().out
    assert "CAUSES" in printed and "seqeval" in printed
    assert json.loads(out.read_text())["all"]["records"] == 4


def test_predictions_are_contract_records(trained_model, toy_file, tmp_path):
    ext = CausalExtractor.from_pretrained(trained_model, precision="fp32")
    preds = ext.predict_records(read_records(toy_file))
    path = tmp_path / "p.jsonl"
    from zhcausal.data.io import write_records

    write_records(preds, path)
    assert validate_file(path) == []


@pytest.mark.parametrize("precision", ["bf16", "int8"])
def test_precisions_run(trained_model, precision):
    ext = CausalExtractor.from_pretrained(trained_model, precision=precision, device="cpu")
    assert ext.precision == precision
    assert ext.predict("钢材价格上涨导致营业收入增长。").id == "0"


def test_long_text_is_windowed_not_truncated(trained_model):
    ext = CausalExtractor.from_pretrained(trained_model, precision="fp32")
    ext.config.max_seq_length, ext.config.window_overlap = 16, 4
    text = "钢材价格上涨导致宝钢股份营业收入增长12.3%" * 3
    rec = ext.predict(text)
    assert rec.text == text
    for s in rec.spans:
        assert text[s.start:s.end] == s.text


def test_predict_document_offsets_point_into_document(trained_model):
    ext = CausalExtractor.from_pretrained(trained_model, precision="fp32")
    doc = "第一句没有因果。\n钢材价格上涨导致宝钢股份营业收入增长12.3%。"
    recs = ext.predict_document(doc, keep_empty=True)
    assert [r.extra["sentence"] for r in recs] == [0, 1]
    assert doc[recs[1].extra["sentence_start"]:recs[1].extra["sentence_end"]] == recs[1].text
    for r in recs:
        for s in r.spans:
            assert doc[s.start:s.end] == s.text


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

