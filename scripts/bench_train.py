"""Training time of `zhcausal train` against a plain `transformers.Trainer` run on the same records.

    python scripts/bench_train.py                       # 400 training records, 1 epoch each (minutes)
    python scripts/bench_train.py --records 0 --epochs 0 --full   # the default full training run

Prints the CPU capability, the wall time of the whole `zhcausal train` command (dev evaluation
and threshold tuning included, on a dev file of --dev-records records) and of a plain
`transformers.Trainer` token-classification fine-tune of the same encoder on the same records
and epochs (BIO tags, same batch size and precision), and their ratio. With --full it times the
default `zhcausal train` on the shipped splits instead and prints the selected epoch and dev score.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def _subset(src: Path, n: int, dst: Path) -> Path:
    lines = [x for x in src.read_text(encoding="utf-8").splitlines() if x.strip()]
    dst.write_text("\n".join(lines[:n]) + "\n", encoding="utf-8")
    return dst


def time_zhcausal(train: Path, dev: Path, out: Path, extra: list[str]) -> tuple[float, dict]:
    cmd = [sys.executable, "-m", "zhcausal", "train", "--train", str(train), "--dev", str(dev), "--output", str(out), *extra]
    t = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    secs = time.perf_counter() - t
    return secs, json.loads((out / "trainer_state.json").read_text(encoding="utf-8"))


def time_plain_trainer(train: Path, base: str, epochs: int, batch_size: int, bf16: bool, out: Path) -> float:
    """A plain token-classification fine-tune, as a user would write it with transformers.Trainer."""
    import torch
    from baselines.bio_tagger import LABELS, _char_tags, _encode
    from transformers import (AutoModelForTokenClassification, AutoTokenizer, DataCollatorForTokenClassification,
                              Trainer, TrainingArguments)

    from zhcausal.data.io import read_records

    t = time.perf_counter()
    tok = AutoTokenizer.from_pretrained(base)
    model = AutoModelForTokenClassification.from_pretrained(base, num_labels=len(LABELS))
    rows = []
    for rec in read_records(train):
        enc, ids, n = _encode(tok, rec.text)
        tags = _char_tags(rec)
        rows.append({"input_ids": ids, "attention_mask": [1] * len(ids),
                     "labels": [-100] + [LABELS.index(tags[enc.starts[k]]) for k in range(n)] + [-100]})
    args = TrainingArguments(output_dir=str(out), num_train_epochs=epochs, per_device_train_batch_size=batch_size,
                             learning_rate=1e-4, bf16=bf16, use_cpu=not torch.cuda.is_available(), report_to=[],
                             save_strategy="no", logging_strategy="no", disable_tqdm=True)
    Trainer(model=model, args=args, train_dataset=rows, data_collator=DataCollatorForTokenClassification(tok)).train()
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=400, help="training records (0: all)")
    ap.add_argument("--dev-records", type=int, default=100)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--full", action="store_true", help="time the default full training run only")
    ap.add_argument("--output", default="runs/bench-train")
    args, extra = ap.parse_known_args()
    import torch

    from zhcausal.model.encoders import resolve_base_model
    from zhcausal.model.runtime import cpu_has_fast_bf16

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, CPU capability "
          f"{torch.backends.cpu.get_cpu_capability()}, fast bf16: {cpu_has_fast_bf16()}")
    ann = ROOT / "annotations"
    out = ROOT / args.output
    if args.full:
        secs, state = time_zhcausal(ann / "train.jsonl", ann / "dev.jsonl", out, extra)
        print(f"zhcausal train (defaults, full splits): {secs / 60:.2f} min, mixed precision {state.get('mixed_precision')}, "
              f"epochs run {state['epoch']}, best epoch {state['best_epoch']}, dev CAUSES strict F1 {state['best_score']:.4f}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        train = _subset(ann / "train.jsonl", args.records or 10**9, Path(tmp) / "train.jsonl")
        dev = _subset(ann / "dev.jsonl", args.dev_records, Path(tmp) / "dev.jsonl")
        ours, state = time_zhcausal(train, dev, out, ["--epochs", str(args.epochs), *extra])
        bf16 = state.get("mixed_precision") == "bf16"
        plain = time_plain_trainer(train, resolve_base_model("m3e-small"), args.epochs, 16, bf16, Path(tmp) / "plain")
    print(f"{args.records or 'all'} records, {args.epochs} epoch(s), precision {state.get('mixed_precision')}")
    print(f"zhcausal train (whole command, dev {args.dev_records} records, threshold tuning): {ours:.1f} s")
    print(f"plain transformers.Trainer token classification:                   {plain:.1f} s")
    print(f"ratio: {ours / plain:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
