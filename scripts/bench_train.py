"""Wall-clock time of training the default model on the full corpus (defaults of `zhcausal train`).

    python scripts/bench_train.py [--output runs/bench-train] [extra zhcausal train arguments]

Prints the minutes, the epochs run and the dev CAUSES strict F1 of the selected checkpoint.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    args = sys.argv[1:]
    out = "runs/bench-train"
    if "--output" in args:
        out = args[args.index("--output") + 1]
    else:
        args += ["--output", out]
    cmd = [sys.executable, "-m", "zhcausal", "train", "--train", "annotations/train.jsonl", "--dev", "annotations/dev.jsonl", *args]
    t = time.perf_counter()
    rc = subprocess.call(cmd, cwd=ROOT)
    minutes = (time.perf_counter() - t) / 60
    if rc:
        return rc
    state = json.loads((ROOT / out / "trainer_state.json").read_text(encoding="utf-8"))
    import torch

    print(f"train wall time: {minutes:.2f} min ({torch.get_num_threads()} threads, mixed precision {state.get('mixed_precision')}), "
          f"epochs run {state['epoch']}, best epoch {state['best_epoch']}, dev CAUSES strict F1 {state['best_score']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
