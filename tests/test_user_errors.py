"""Every failure a user can cause ends in one line naming what to do, and exit status 2."""
import json

import pytest

from zhcausal.cli import main

from .conftest import TOY


def _train(capsys, train, tiny_encoder, tmp_path, *extra):
    rc = main(["train", "--train", str(train), "--base-model", str(tiny_encoder), "--output", str(tmp_path / "m"),
               "--epochs", "1", "--batch-size", "2", "--precision", "fp32", *map(str, extra)])
    return rc, capsys.readouterr()


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_base_model_that_is_not_an_encoder(capsys, toy_file, tmp_path, trained_model):
    empty = tmp_path / "empty"
    empty.mkdir()
    rc, cap = _train(capsys, toy_file, empty, tmp_path)
    assert rc == 2 and "is not a loadable encoder" in _one_line(cap.err)
    rc, cap = _train(capsys, toy_file, trained_model, tmp_path)
    assert rc == 2 and "is a zhcausal model, not an encoder" in _one_line(cap.err)


@pytest.mark.parametrize("records,message", [([], "no records to train on"),
                                             ([TOY[2]], "none of the 1 records holds a relation")])
def test_training_file_with_nothing_to_learn(capsys, tiny_encoder, tmp_path, records, message):
    path = tmp_path / "t.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    rc, cap = _train(capsys, path, tiny_encoder, tmp_path)
    assert rc == 2 and message in _one_line(cap.err)


def test_dev_sharing_train_texts_is_reported(capsys, toy_file, tiny_encoder, tmp_path):
    rc, cap = _train(capsys, toy_file, tiny_encoder, tmp_path, "--dev", toy_file)
    assert rc == 0
    assert "warning: 4 of 4 dev text(s) also occur in" in cap.out and "inflated" in cap.out


def test_mismatched_prediction_and_gold_files():
    from zhcausal.data.schema import Record
    from zhcausal.errors import ZhcausalError
    from zhcausal.training.metrics import evaluate_records

    with pytest.raises(ZhcausalError, match="2 predictions for 1 gold records"):
        evaluate_records([Record("a", "x"), Record("b", "y")], [Record("a", "x")])
    with pytest.raises(ZhcausalError, match="prediction 'b' is not for gold record 'a'"):
        evaluate_records([Record("b", "x")], [Record("a", "x")])
