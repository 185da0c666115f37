"""Weight averaging over the final epochs: the running mean, its checkpoint file, and the trainer's use of it."""
from __future__ import annotations

import json

import torch

from zhcausal.cli import main
from zhcausal.training.averaging import WeightAverage, best_label, window_start


def test_window_start():
    assert window_start(16, 0.25) == 13
    assert window_start(40, 0.25) == 31
    assert window_start(4, 0.25) is None  # one epoch is no average
    assert window_start(16, 0.0) is None


def test_running_mean_and_file_round_trip(tmp_path):
    models = []
    for value in (1.0, 2.0, 6.0):
        m = torch.nn.Linear(2, 2)
        torch.nn.init.constant_(m.weight, value)
        torch.nn.init.constant_(m.bias, -value)
        models.append(m)
    avg = WeightAverage()
    for m in models:
        avg.update(m)
    out = avg.averaged(models[-1])
    assert torch.allclose(out.weight, torch.full((2, 2), 3.0)) and torch.allclose(out.bias, torch.full((2,), -3.0))
    assert torch.allclose(models[-1].weight, torch.full((2, 2), 6.0))  # the live model is left as it is
    avg.save(tmp_path)
    back = WeightAverage.load(tmp_path)
    assert back.count == 3 and torch.equal(back.mean["weight"], avg.mean["weight"])
    assert WeightAverage.load(tmp_path / "nothing-here").count == 0


def test_best_label():
    assert best_label({"best_epoch": 7}) == "epoch 7"
    assert best_label({"best_epoch": 8, "best_average": [5, 8]}) == "mean weights of epochs 5-8"


def test_training_scores_the_average_and_never_stops_inside_its_window(tiny_encoder, toy_file, tmp_path):
    out = tmp_path / "m"
    # learning rate 0: the weights never change, so no epoch after the first evaluated one (4) improves on dev;
    # patience 1 would stop at epoch 5 if early stopping could fire inside the window (epochs 4-6)
    assert main(["train", "--train", str(toy_file), "--dev", str(toy_file), "--base-model", str(tiny_encoder),
                 "--output", str(out), "--epochs", "6", "--eval-from", "4", "--patience", "1", "--average-last", "0.5",
                 "--lr", "0", "--head-lr", "0", "--batch-size", "2", "--precision", "fp32", "--no-tune-thresholds"]) == 0
    state = json.loads((out / "checkpoints" / "last" / "trainer_state.json").read_text())
    assert state["epoch"] == 6 and state["averaged_epochs"] == 3
    assert (out / "checkpoints" / "last" / "average.safetensors").is_file()
    # the mean of three equal weight sets scores what epoch 4 scored: a tie keeps the single epoch
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "(best: epoch 4)" in card
    assert "mean weights of epochs 4-6 scored 0.0000 on dev (not kept: a single epoch scored higher)" in card


def test_resumed_run_continues_the_average(tiny_encoder, toy_file, tmp_path):
    """Stopped after every epoch (--max-minutes) and resumed: the average of epochs 3-4 is the same as in one run."""
    args = ["train", "--train", str(toy_file), "--dev", str(toy_file), "--base-model", str(tiny_encoder),
            "--epochs", "4", "--eval-from", "1", "--patience", "9", "--average-last", "0.5", "--batch-size", "2",
            "--precision", "fp32", "--no-tune-thresholds", "--lr", "5e-3", "--head-lr", "1e-2", "--seed", "2"]
    whole, parts = tmp_path / "whole", tmp_path / "parts"
    assert main(args + ["--output", str(whole)]) == 0
    for i in range(4):
        assert main(args + ["--output", str(parts), "--max-minutes", "1e-9"] + (["--resume"] if i else [])) == 0
    a = WeightAverage.load(whole / "checkpoints" / "last")
    b = WeightAverage.load(parts / "checkpoints" / "last")
    assert a.count == b.count == 2
    assert all(torch.equal(a.mean[k], b.mean[k]) for k in a.mean)
    state = json.loads((parts / "checkpoints" / "last" / "trainer_state.json").read_text())
    assert state["epoch"] == 4
