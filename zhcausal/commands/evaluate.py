"""``zhcausal evaluate``: score a model on an annotation file with the contract's measures."""
from __future__ import annotations

import json
import sys


def run(args) -> int:
    from ..data.io import read_records, write_records
    from ..data.stats import record_filter
    from ..predict import CausalExtractor
    from ..training.metrics import evaluate_records, format_report, seqeval_report

    slices = {spec: record_filter(spec) for spec in ["all"] + (args.slice or [])}
    ext = CausalExtractor.from_pretrained(args.model, device=args.device, precision=args.precision,
                                         backend=args.backend)
    golds = read_records(args.file)
    preds = ext.predict_records(golds, batch_size=args.batch_size, threshold=args.threshold)
    report = {}
    for name, keep in slices.items():
        pairs = [(p, g) for p, g in zip(preds, golds) if keep(g)]
        if not pairs:
            print(f"slice {name}: no records", file=sys.stderr)
            continue
        res = evaluate_records([p for p, _ in pairs], [g for _, g in pairs])
        report[name] = res
        print(format_report(res, f"== {args.file} [{name}] precision={ext.precision} backend={ext.backend}"))
        print()
    print("token tags (seqeval, character level, one layer per label):")
    print(seqeval_report(preds, golds))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(report, fh, ensure_ascii=False, indent=2)
    if args.predictions:
        write_records(preds, args.predictions)
    return 0


def register(sub) -> None:
    e = sub.add_parser("evaluate", help="score a model on an annotation file with the contract's measures")
    e.add_argument("--model", required=True)
    e.add_argument("file")
    e.add_argument("--json", help="write the metrics as JSON here")
    e.add_argument("--predictions", help="write the predicted records as JSONL here")
    e.add_argument("--slice", action="append",
                   help="also report a slice: hard, or KEY=VALUE on meta (source=seed, phenomena=frame)")
    e.add_argument("--device", default="auto")
    e.add_argument("--precision", default="fp32", choices=["auto", "fp32", "bf16", "int8"])
    e.add_argument("--backend", choices=["auto", "torch", "onnx"], default="auto",
                   help="onnx: onnxruntime on the CPU (zhcausal[onnx]); auto: onnx where exported and the CPU lacks fast bf16")
    e.add_argument("--batch-size", type=int, default=32)
    e.add_argument("--threshold", type=float, help="override the model's span and relation thresholds (0-1)")
    e.set_defaults(func=run)
