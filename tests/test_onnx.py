"""The ONNX Runtime backend: export, load, equality with torch fp32, int8, the auto policy and bad files."""
from __future__ import annotations

import shutil

import pytest

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")
pytest.importorskip("onnxscript")

from tests.conftest import TOY, relation_set, span_set  # noqa: E402
from zhcausal import CausalExtractor, read_records  # noqa: E402
from zhcausal.cli import main  # noqa: E402
from zhcausal.errors import ModelLoadError, UserError, ZhcausalError  # noqa: E402
from zhcausal.model.onnx_backend import OnnxCausalModel  # noqa: E402

SENTENCE = "钢材价格上涨导致宝钢股份营业收入增长12.3%。"


@pytest.fixture(scope="module")
def exported(trained_model, tmp_path_factory):
    """A copy of the trained model with model.onnx and model.int8.onnx written by the command."""
    d = tmp_path_factory.mktemp("onnx") / "m"
    shutil.copytree(trained_model, d)
    assert main(["export-onnx", "--model", str(d), "--int8"]) == 0
    return d


def test_export_gives_the_torch_predictions(exported, toy_file):
    assert {"model.onnx", "model.int8.onnx", "model.safetensors"} <= {p.name for p in exported.iterdir()}
    gold = read_records(toy_file)
    ours = CausalExtractor.from_pretrained(exported, backend="onnx", precision="fp32")
    assert (ours.backend, ours.precision) == ("onnx", "fp32") and isinstance(ours.model, OnnxCausalModel)
    torch_preds = CausalExtractor.from_pretrained(exported, backend="torch", precision="fp32").predict_records(gold)
    preds = ours.predict_records(gold)
    assert [p.id for p in preds] == [g["id"] for g in TOY]
    for p, t, g in zip(preds, torch_preds, gold):
        assert span_set(p) == span_set(t) == span_set(g), g.id
        assert relation_set(p) == relation_set(t) == relation_set(g), g.id
        assert [s.score for s in p.spans] == pytest.approx([s.score for s in t.spans], abs=1e-4)


def test_int8_runs_and_quantises_only_the_encoder(exported):
    import onnx

    ext = CausalExtractor.from_pretrained(exported, backend="onnx", precision="int8")
    assert (ext.backend, ext.precision) == ("onnx", "int8") and ext.model.path.name == "model.int8.onnx"
    assert ext.predict(SENTENCE).text == SENTENCE
    nodes = onnx.load(str(exported / "model.int8.onnx")).graph.node
    assert any(n.op_type == "MatMulInteger" for n in nodes)
    heads = [n for n in nodes if any(p.key == "namespace" and "GlobalPointer" in p.value for p in n.metadata_props)]
    assert heads and not any(n.op_type == "MatMulInteger" for n in heads)


def test_onnx_exports_once_beside_the_weights_and_again_after_retraining(trained_model, tmp_path, monkeypatch):
    import zhcausal.predict as predict

    monkeypatch.setattr(predict, "cpu_has_fast_bf16", lambda: False)
    d = tmp_path / "m"
    shutil.copytree(trained_model, d)
    ext = CausalExtractor.from_pretrained(d, backend="onnx")
    assert ext.backend == "onnx" and (d / "model.onnx").is_file()
    assert relation_set(ext.predict(SENTENCE)) == {("CAUSES", "钢材价格上涨", "宝钢股份营业收入增长12.3%"),
                                                   ("ACTOR_OF", "宝钢股份", "宝钢股份营业收入增长12.3%")}
    stamp = (d / "model.onnx").stat().st_mtime_ns
    assert CausalExtractor.from_pretrained(d, device="cpu").backend == "onnx"
    assert (d / "model.onnx").stat().st_mtime_ns == stamp
    assert not [p for p in d.iterdir() if p.name.endswith(".tmp")]
    from zhcausal.model import CausalModel

    model = CausalModel.from_pretrained(str(d))  # "retrained": other weights under the same export
    model.span_head.dense.bias.data += 1.0
    model.save_pretrained(str(d))
    assert CausalExtractor.from_pretrained(d, device="cpu").backend == "torch"   # auto never runs a stale export
    CausalExtractor.from_pretrained(d, backend="onnx")
    assert (d / "model.onnx").stat().st_mtime_ns != stamp
    assert CausalExtractor.from_pretrained(d, device="cpu").backend == "onnx"


def test_auto_takes_the_export_only_on_cpus_without_fast_bf16(exported, trained_model, monkeypatch):
    import zhcausal.predict as predict

    monkeypatch.setattr(predict, "cpu_has_fast_bf16", lambda: False)
    ext = CausalExtractor.from_pretrained(exported, device="cpu")
    assert (ext.backend, ext.precision) == ("onnx", "fp32")
    assert CausalExtractor.from_pretrained(exported, device="cpu", precision="int8").model.path.name == "model.int8.onnx"
    assert CausalExtractor.from_pretrained(exported, device="cpu", precision="bf16").backend == "torch"
    assert CausalExtractor.from_pretrained(trained_model, device="cpu").backend == "torch"   # nothing exported
    monkeypatch.setattr(predict, "cpu_has_fast_bf16", lambda: True)
    assert CausalExtractor.from_pretrained(exported, device="cpu").backend == "torch"


def test_in_memory_model_runs_on_onnx(trained_model):
    from transformers import AutoTokenizer

    from zhcausal.model import CausalModel

    ext = CausalExtractor(CausalModel.from_pretrained(str(trained_model)), AutoTokenizer.from_pretrained(str(trained_model)),
                          backend="onnx")
    assert ext.backend == "onnx" and ("ACTOR", 8, 12, "宝钢股份") in span_set(ext.predict(SENTENCE))


def test_cli_predict_and_evaluate_with_the_onnx_backend(exported, toy_file, tmp_path, capsys):
    out = tmp_path / "p.jsonl"
    assert main(["predict", "--model", str(exported), "--backend", "onnx", str(toy_file), "-o", str(out), "-q"]) == 0
    assert [r.id for r in read_records(out)] == [r["id"] for r in TOY]
    assert main(["evaluate", "--model", str(exported), "--backend", "onnx", str(toy_file)]) == 0
    assert "backend=onnx" in capsys.readouterr().out


def test_bad_or_missing_onnx_is_one_line(trained_model, toy_file, tmp_path, capsys):
    d = tmp_path / "m"
    shutil.copytree(trained_model, d)
    (d / "model.onnx").write_bytes(b"not a protobuf at all")
    with pytest.raises(ModelLoadError, match="not a loadable ONNX model"):
        CausalExtractor.from_pretrained(d, backend="onnx")
    assert main(["predict", "--model", str(d), "--backend", "onnx", str(toy_file), "-q"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("zhcausal predict: error:") and "export-onnx" in err and len(err.splitlines()) == 1
    from zhcausal.model import CausalConfig

    with pytest.raises(ZhcausalError, match="does not exist"):
        OnnxCausalModel(d / "missing.onnx", CausalConfig.from_pretrained(str(d)))
    with pytest.raises(UserError, match="CPU"):
        CausalExtractor.from_pretrained(trained_model, backend="onnx", device="cuda")
    with pytest.raises(UserError, match="bf16"):
        CausalExtractor.from_pretrained(trained_model, backend="onnx", precision="bf16")


def test_auto_takes_int8_only_where_dev_says_it_keeps_accuracy(exported, toy_file, tmp_path, monkeypatch, capsys):
    import json

    import zhcausal.predict as predict
    from zhcausal.model.onnx_backend import ACCURACY_FILE

    monkeypatch.setattr(predict, "cpu_has_fast_bf16", lambda: False)
    d = tmp_path / "m"
    shutil.copytree(exported, d)
    assert main(["export-onnx", "--model", str(d), "--dev", str(toy_file)]) == 2     # --dev needs --int8
    assert main(["export-onnx", "--model", str(d), "--int8", "--dev", str(toy_file)]) == 0
    info = json.loads((d / ACCURACY_FILE).read_text(encoding="utf-8"))
    assert "precision auto" in capsys.readouterr().err
    expected = "int8" if info["fp32_causes_strict_f1"] - info["int8_causes_strict_f1"] <= 0.01 else "fp32"
    assert CausalExtractor.from_pretrained(d, device="cpu").precision == expected
    for keeps, want in ((True, "int8"), (False, "fp32")):
        (d / ACCURACY_FILE).write_text(json.dumps({**info, "int8_keeps_accuracy": keeps}), encoding="utf-8")
        assert CausalExtractor.from_pretrained(d, device="cpu").precision == want
    (d / ACCURACY_FILE).write_text(json.dumps({**info, "int8_keeps_accuracy": True, "weights": "other"}), encoding="utf-8")
    assert CausalExtractor.from_pretrained(d, device="cpu").precision == "fp32"   # measured on other weights
    assert CausalExtractor.from_pretrained(d, device="cpu", precision="fp32").precision == "fp32"
