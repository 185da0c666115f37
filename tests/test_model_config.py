import pytest

from zhcausal.cli import main


def test_default_config_builds_a_model():
    from zhcausal.model import CausalConfig, CausalModel

    cfg = CausalConfig(encoder_config={"model_type": "bert", "hidden_size": 32, "num_hidden_layers": 1,
                                       "num_attention_heads": 2, "intermediate_size": 64, "vocab_size": 50})
    model = CausalModel(cfg)
    assert model.base_model is model.encoder  # base_model_prefix names the encoder attribute
    assert CausalConfig().build_encoder_config().model_type == "bert"


def test_resume_refuses_changed_settings(tiny_encoder, toy_file, tmp_path, capsys):
    args = ["train", "--train", str(toy_file), "--base-model", str(tiny_encoder), "--output", str(tmp_path / "m"),
            "--batch-size", "2", "--precision", "fp32", "--epochs", "1"]
    assert main(args) == 0
    capsys.readouterr()
    assert main(args + ["--resume", "--max-seq-length", "128"]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [err.strip()] and "max_seq_length 512 -> 128" in err


def test_load_dataset_without_files_outside_a_checkout(tmp_path, monkeypatch):
    from zhcausal.data import hf
    from zhcausal.errors import UserError

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(hf, "__file__", str(tmp_path / "site" / "zhcausal" / "data" / "hf.py"))
    with pytest.raises(UserError, match="pass the files"):
        hf.load_dataset()


def test_every_user_error_is_one_family():
    from zhcausal.data.io import AnnotationError
    from zhcausal.errors import EvaluationError, ModelLoadError, UserError, ZhcausalError
    from zhcausal.readers import InputError

    for cls in (AnnotationError, EvaluationError, ModelLoadError, UserError, InputError):
        assert issubclass(cls, ZhcausalError)
