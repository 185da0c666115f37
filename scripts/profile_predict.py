"""Where prediction time goes: sentence splitting, tokenisation, the model's forward pass,
decoding and merging, on short statements and on one long document.

    python scripts/profile_predict.py --model models/zhcausal-m3e-small [--precision auto] [--backend auto]

Each phase is timed by wrapping the function that does it (inclusive wall time); "other" is the
rest of the call (batching, padding, moving tensors). Prints one Markdown table per input.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TIMES: dict[str, float] = defaultdict(float)


def _timed(name: str, fn):
    def wrapper(*a, **kw):
        t = time.perf_counter()
        try:
            return fn(*a, **kw)
        finally:
            TIMES[name] += time.perf_counter() - t
    return wrapper


def instrument(ext) -> None:
    """Wrap the phases of the prediction core (module attributes, so the core calls the wrappers)."""
    from zhcausal.model import inference

    inference.split_sentences = _timed("sentence splitting", inference.split_sentences)
    inference.tokenize_batch = _timed("tokenisation", inference.tokenize_batch)
    inference.decode_window = _timed("decoding (spans, relations)", inference.decode_window)
    inference.finalize = _timed("decoding (spans, relations)", inference.finalize)
    inference.merge_sentences = _timed("merging sentences", inference.merge_sentences)
    model = ext.model
    if hasattr(model, "forward"):
        model.forward = _timed("model forward", model.forward)
    else:  # onnxruntime session wrapper
        model.__class__.__call__ = _timed("model forward", model.__class__.__call__)


def report(title: str, total: float, n_chars: int) -> None:
    print(f"\n{title}: {total:.2f} s, {n_chars / total:,.0f} characters/s\n")
    print("| phase | seconds | share |")
    print("|---|---|---|")
    rest = total
    for name, secs in sorted(TIMES.items(), key=lambda kv: -kv[1]):
        print(f"| {name} | {secs:.3f} | {secs / total:.1%} |")
        rest -= secs
    print(f"| other (batching, padding, copies) | {max(rest, 0):.3f} | {max(rest, 0) / total:.1%} |")
    TIMES.clear()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--precision", default="auto")
    ap.add_argument("--backend", default="auto")
    ap.add_argument("--batch-size", type=int, default=64)
    args = ap.parse_args()
    import torch

    from zhcausal import CausalExtractor
    from zhcausal.data.io import read_records

    ext = CausalExtractor.from_pretrained(args.model, precision=args.precision, backend=args.backend, device="cpu")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, CPU capability "
          f"{torch.backends.cpu.get_cpu_capability()}; precision {ext.precision}, backend {ext.backend}")
    texts = [r.text for split in ("dev", "test") for r in read_records(ROOT / "annotations" / f"{split}.jsonl")]
    ext.predict(texts[:args.batch_size], batch_size=args.batch_size)  # warm-up
    instrument(ext)
    t = time.perf_counter()
    ext.predict(texts, batch_size=args.batch_size)
    report(f"{len(texts)} statements", time.perf_counter() - t, sum(map(len, texts)))
    doc = "\n".join(texts)
    t = time.perf_counter()
    ext.predict_document(doc, batch_size=args.batch_size)
    report(f"one document of {len(doc):,} characters (the same statements as paragraphs)", time.perf_counter() - t, len(doc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
