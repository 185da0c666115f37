"""The several-GPU training path (`accelerate launch --multi_gpu`), exercised on two CPU processes
(without CUDA the trainer asks accelerate for a CPU process group, so the same command runs there)."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("accelerate", path=str(Path(sys.executable).parent)) is None,
                    reason="the accelerate launcher is not installed beside this python")
def test_accelerate_launch_on_two_processes_trains_a_loadable_model(tiny_encoder, toy_file, tmp_path):
    from zhcausal import CausalExtractor

    out = tmp_path / "m"
    launcher = str(Path(sys.executable).parent / "accelerate")
    cmd = [launcher, "launch", "--multi_gpu", "--num_processes", "2", "--num_machines", "1", "--mixed_precision", "no",
           "--dynamo_backend", "no", "-m", "zhcausal.cli", "train", "--train", str(toy_file), "--dev", str(toy_file),
           "--base-model", str(tiny_encoder), "--output", str(out), "--epochs", "3", "--batch-size", "1",
           "--precision", "fp32", "--seed", "0"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TQDM_DISABLE": "1", "OMP_NUM_THREADS": "1"}
    res = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    state = json.loads((out / "trainer_state.json").read_text(encoding="utf-8"))
    assert state["processes"] == 2 and state["epoch"] == 3
    assert not (out / ".incomplete").exists() and (out / "README.md").is_file()
    assert CausalExtractor.from_pretrained(out, precision="fp32").predict("钢材价格上涨导致营业收入增长。").text
