"""The spread over training seeds: train the default model with several seeds, score each on the
test split, print mean and standard deviation of CAUSES strict F1 (authored and real parts).

    python scripts/seed_spread.py [--seeds 42 7 123] [--out runs/seeds] [extra zhcausal train arguments]

A seed whose model directory already holds a finished model is not retrained (delete it to redo).
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PARTS = {"authored": "origin!=real-pool", "real": "origin=real-pool", "all": "all"}


def score(model: Path, split: Path) -> dict[str, dict]:
    from zhcausal import CausalExtractor
    from zhcausal.data.io import read_records
    from zhcausal.data.stats import record_filter
    from zhcausal.training.metrics import evaluate_records

    golds = read_records(split)
    preds = CausalExtractor.from_pretrained(model, precision="fp32").predict_records(golds)
    out = {}
    for name, spec in PARTS.items():
        keep = record_filter(spec)
        idx = [i for i, g in enumerate(golds) if keep(g)]
        out[name] = evaluate_records([preds[i] for i in idx], [golds[i] for i in idx])["rel_strict"]["CAUSES"]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[42, 7, 123])
    ap.add_argument("--out", default="runs/seeds")
    ap.add_argument("--split", default=str(ROOT / "annotations" / "test.jsonl"))
    args, extra = ap.parse_known_args()
    results = {}
    for seed in args.seeds:
        model = ROOT / args.out / f"seed-{seed}"
        if not (model / "README.md").is_file():
            subprocess.run([sys.executable, "-m", "zhcausal", "train", "--train", "annotations/train.jsonl",
                            "--dev", "annotations/dev.jsonl", "--output", str(model), "--seed", str(seed), *extra],
                           cwd=ROOT, check=True)
        results[seed] = score(model, Path(args.split))
        print(f"seed {seed}: " + ", ".join(f"{p} F1 {r['f1']:.3f} (P {r['precision']:.2f} R {r['recall']:.2f})"
                                         for p, r in results[seed].items()), flush=True)
    for part in PARTS:
        f1 = [results[s][part]["f1"] for s in args.seeds]
        sd = statistics.stdev(f1) if len(f1) > 1 else 0.0
        print(f"{part}: CAUSES strict F1 mean {statistics.mean(f1):.3f}, sd {sd:.3f} over seeds {args.seeds}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
