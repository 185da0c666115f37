"""Prediction speed, peak memory and accuracy per precision, against the plain transformers pipeline
and the bare encoder (the ceiling for any tagger on this encoder).

    python scripts/bench_predict.py --model models/zhcausal-m3e-small [--repeat 3]

Every mode runs in its own subprocess (so peak RSS is its own) over the same sentences: the
texts of the dev and test splits, repeated --repeat times. Accuracy (CAUSES strict F1) is on the
dev split. Prints one Markdown table.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MODES = ["pipeline-fp32", "encoder-fp32-arrival", "encoder-bf16-arrival", "encoder-fp32-sorted", "encoder-bf16-sorted",
         "zhcausal-fp32", "zhcausal-bf16", "zhcausal-int8"]


def sentences(repeat: int) -> list[str]:
    from zhcausal.data.io import read_records

    texts = [r.text for split in ("dev", "test") for r in read_records(ROOT / "annotations" / f"{split}.jsonl")]
    return texts * repeat


def run_mode(mode: str, model_dir: str, repeat: int, batch_size: int) -> dict:
    import torch

    texts = sentences(repeat)
    out: dict = {"mode": mode, "sentences": len(texts), "avg_chars": round(sum(map(len, texts)) / len(texts), 1)}
    if mode.startswith("zhcausal"):
        from zhcausal import CausalExtractor
        from zhcausal.data.io import read_records
        from zhcausal.training.metrics import evaluate_records

        ext = CausalExtractor.from_pretrained(model_dir, precision=mode.split("-")[1], device="cpu")
        ext.predict(texts[:batch_size], batch_size=batch_size)  # warm-up
        t = time.perf_counter()
        ext.predict(texts, batch_size=batch_size)
        out["seconds"] = time.perf_counter() - t
        dev = read_records(ROOT / "annotations" / "dev.jsonl")
        out["dev_causes_strict_f1"] = round(evaluate_records(ext.predict_records(dev), dev)["rel_strict"]["CAUSES"]["f1"], 4)
    elif mode == "pipeline-fp32":
        from transformers import AutoModelForTokenClassification, AutoTokenizer, pipeline

        from zhcausal.model.encoders import resolve_base_model

        base = resolve_base_model("m3e-small")
        model = AutoModelForTokenClassification.from_pretrained(base, num_labels=7)
        pipe = pipeline("token-classification", model=model, tokenizer=AutoTokenizer.from_pretrained(base), device="cpu")
        pipe(texts[:batch_size], batch_size=batch_size)
        t = time.perf_counter()
        pipe(texts, batch_size=batch_size)
        out["seconds"] = time.perf_counter() - t
    else:
        from transformers import AutoModel, AutoTokenizer

        from zhcausal.model.encoders import resolve_base_model

        _, prec, order = mode.split("-")
        base = resolve_base_model("m3e-small")
        tok = AutoTokenizer.from_pretrained(base)
        model = AutoModel.from_pretrained(base).eval()
        if prec == "bf16":
            model = model.to(torch.bfloat16)
        seq = sorted(texts, key=len) if order == "sorted" else texts

        def go(items):
            with torch.inference_mode():
                for k in range(0, len(items), batch_size):
                    enc = tok(items[k:k + batch_size], padding=True, return_tensors="pt")
                    model(**enc)

        go(seq[:batch_size])
        t = time.perf_counter()
        go(seq)
        out["seconds"] = time.perf_counter() - t
    out["sentences_per_s"] = round(len(texts) / out["seconds"], 1)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 0)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=str(ROOT / "models" / "zhcausal-m3e-small"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--modes", nargs="*", default=MODES)
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_mode(args.one, args.model, args.repeat, args.batch_size)))
        return 0
    import torch

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, CPU capability {torch.backends.cpu.get_cpu_capability()}")
    rows = []
    for mode in args.modes:
        res = subprocess.run([sys.executable, __file__, "--one", mode, "--model", args.model, "--repeat", str(args.repeat),
                              "--batch-size", str(args.batch_size)], capture_output=True, text=True)
        if res.returncode:
            print(f"{mode}: failed\n{res.stderr[-2000:]}", file=sys.stderr)
            continue
        rows.append(json.loads(res.stdout.strip().splitlines()[-1]))
        print(f"  {mode}: {rows[-1]['sentences_per_s']} sentences/s", file=sys.stderr)
    ceiling = next((r["sentences_per_s"] for r in rows if r["mode"] == "encoder-bf16-sorted"), None)
    pipe = next((r["sentences_per_s"] for r in rows if r["mode"] == "pipeline-fp32"), None)
    print(f"\n{rows[0]['sentences']} sentences, {rows[0]['avg_chars']} characters on average, batch size {args.batch_size}\n")
    print("| mode | sentences/s | × pipeline | % of ceiling | peak RSS (MB) | dev CAUSES strict F1 |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        xp = f"{r['sentences_per_s'] / pipe:.1f}×" if pipe else "–"
        pc = f"{100 * r['sentences_per_s'] / ceiling:.0f}%" if ceiling else "–"
        print(f"| {r['mode']} | {r['sentences_per_s']} | {xp} | {pc} | {r['peak_rss_mb']:.0f} | {r.get('dev_causes_strict_f1', '–')} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
