"""Real runs killed (SIGKILL, SIGINT) and resumed give what an uninterrupted run gives; same run twice, same model."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import TOY

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args) -> list[str]:
    return [sys.executable, "-m", "zhcausal", *map(str, args)]


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), "TQDM_DISABLE": "1", "OMP_NUM_THREADS": "1"}


def _kill_when(cmd: list[str], ready, sig: int, timeout: float = 120) -> tuple[int, str]:
    """Start ``cmd``, send ``sig`` as soon as ``ready()`` holds; return the exit status and stderr's tail."""
    proc = subprocess.Popen(cmd, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + timeout
    while proc.poll() is None and not ready():
        assert time.time() < deadline, "the run never reached the kill point"
        time.sleep(0.005)
    assert proc.poll() is None, "the run ended before the kill point: make it longer"
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    return proc.returncode, err.decode("utf-8", "replace")[-1500:]


@pytest.fixture(scope="module")
def big_train(tmp_path_factory) -> Path:
    """The toy records repeated (distinct ids) so that an epoch lasts long enough to kill inside it."""
    path = tmp_path_factory.mktemp("big") / "train.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for k in range(60):
            for r in TOY:
                fh.write(json.dumps({**r, "id": f"{r['id']}-{k}"}, ensure_ascii=False) + "\n")
    return path


def _train_args(big_train, toy_file, tiny_encoder, out):
    return ["train", "--train", big_train, "--dev", toy_file, "--base-model", tiny_encoder, "--output", out,
            "--epochs", "4", "--eval-from", "1", "--batch-size", "4", "--precision", "fp32", "--seed", "3",
            "--lr", "1e-3", "--head-lr", "5e-3"]


def _state(out: Path) -> dict:
    return json.loads((out / "trainer_state.json").read_text(encoding="utf-8"))


def _scores(state: dict) -> list:
    return [(h["epoch"], round(h.get("dev_causes_strict_f1", -1), 4), round(h["train_loss"], 4)) for h in state["history"]]


@pytest.fixture(scope="module")
def clean_run(big_train, toy_file, tiny_encoder, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("clean") / "m"
    subprocess.run(_cli(*_train_args(big_train, toy_file, tiny_encoder, out)), env=_env(), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return out


def test_same_run_twice_gives_the_same_model(clean_run, big_train, toy_file, tiny_encoder, tmp_path):
    out = tmp_path / "again"
    subprocess.run(_cli(*_train_args(big_train, toy_file, tiny_encoder, out)), env=_env(), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    a, b = _state(clean_run), _state(out)
    assert _scores(a) == _scores(b) and a["best_epoch"] == b["best_epoch"]
    assert (clean_run / "model.safetensors").read_bytes() == (out / "model.safetensors").read_bytes()


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_killed_training_resumes_to_the_uninterrupted_result(clean_run, big_train, toy_file, tiny_encoder, tmp_path, sig):
    out = tmp_path / "m"
    args = _train_args(big_train, toy_file, tiny_encoder, out)
    ckpt = out / "checkpoints" / "last" / "trainer_state.json"

    def after_epoch_2() -> bool:
        try:
            return json.loads(ckpt.read_text(encoding="utf-8"))["epoch"] >= 2
        except (OSError, ValueError, KeyError):
            return False

    rc, err = _kill_when(_cli(*args), after_epoch_2, sig)
    assert rc == (-9 if sig == signal.SIGKILL else 130), err
    assert json.loads(ckpt.read_text(encoding="utf-8"))["epoch"] in (2, 3)
    subprocess.run(_cli(*args, "--resume"), env=_env(), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    a, b = _state(clean_run), _state(out)
    assert _scores(a) == _scores(b)
    assert (a["best_epoch"], round(a["best_score"], 4)) == (b["best_epoch"], round(b["best_score"], 4))
    assert (clean_run / "model.safetensors").read_bytes() == (out / "model.safetensors").read_bytes()


@pytest.mark.parametrize("after_docs", [2, 5])
def test_killed_prediction_resumes_to_the_uninterrupted_output(trained_model, tmp_path, after_docs):
    doc = "钢材价格上涨导致宝钢股份营业收入增长12.3%。营业收入增长12%，同时净利润增长8%。"
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": f"d{i}", "text": doc * 30}, ensure_ascii=False) + "\n" for i in range(40)),
                   encoding="utf-8")
    base = ["predict", "--model", trained_model, src, "--precision", "fp32", "--chunk-chars", "1", "-q"]
    clean = tmp_path / "clean.jsonl"
    subprocess.run(_cli(*base, "-o", clean), env=_env(), check=True, stderr=subprocess.DEVNULL)
    out = tmp_path / "o.jsonl"
    done = Path(f"{out}.done")

    def enough() -> bool:
        return done.is_file() and done.read_text(encoding="utf-8").count("\n") >= after_docs

    assert _kill_when(_cli(*base, "-o", out), enough, signal.SIGKILL)[0] == -9
    subprocess.run(_cli(*base, "-o", out, "--resume"), env=_env(), check=True, stderr=subprocess.DEVNULL)
    assert out.read_bytes() == clean.read_bytes()
    assert [x.split("\t")[0] for x in done.read_text(encoding="utf-8").splitlines()] == [f"d{i}" for i in range(40)]
