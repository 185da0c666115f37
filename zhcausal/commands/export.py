"""``zhcausal export-onnx``: export a trained model to ONNX beside its weights (optional extra ``zhcausal[onnx]``)."""
from __future__ import annotations

import sys


def run(args) -> int:
    from transformers.utils import logging as hf_logging

    from ..model import CausalModel
    from ..model.onnx_backend import export_onnx
    from ..errors import UserError
    from ..model.runtime import check_model_dir

    check_model_dir(args.model)
    if args.dev and not args.int8:
        raise UserError("--dev measures the int8 export against fp32: give --int8 too")
    hf_logging.disable_progress_bar()
    for path in export_onnx(CausalModel.from_pretrained(args.model), args.model, int8=args.int8):
        print(f"wrote {path} ({path.stat().st_size / 2**20:.1f} MB)", file=sys.stderr)
    if args.dev:
        measure_exports(args.model, args.dev)
    print("run it with `zhcausal predict --backend onnx` (--precision int8 for the int8 file); "
          "--backend auto takes it on CPUs without fast bf16", file=sys.stderr)
    return 0


def measure_exports(model_dir: str, dev_file: str) -> None:
    """Score both exports on dev; ``precision="auto"`` takes int8 only where it keeps accuracy."""
    from ..data.io import read_records
    from ..model.onnx_backend import write_accuracy
    from ..predict import CausalExtractor
    from ..training.metrics import evaluate_records

    dev = read_records(dev_file)
    f1 = {p: evaluate_records(CausalExtractor.from_pretrained(model_dir, backend="onnx", precision=p)
                              .predict_records(dev), dev)["rel_strict"]["CAUSES"]["f1"] for p in ("fp32", "int8")}
    info = write_accuracy(model_dir, dev_file, f1["fp32"], f1["int8"])
    verdict = "takes int8" if info["int8_keeps_accuracy"] else "keeps fp32 (int8 loses more than a point)"
    print(f"dev CAUSES strict F1: fp32 {f1['fp32']:.4f}, int8 {f1['int8']:.4f}; precision auto {verdict}", file=sys.stderr)


def register(sub) -> None:
    p = sub.add_parser("export-onnx", help="export a trained model to ONNX (model.onnx) beside its weights")
    p.add_argument("--model", required=True, help="model directory written by `zhcausal train`")
    p.add_argument("--int8", action="store_true",
                   help="also write model.int8.onnx (encoder weight products in int8, the rest fp32)")
    p.add_argument("--dev", help="with --int8: score both exports on this dev file; precision auto then takes int8 "
                                 "only where it stays within a point of fp32 (CAUSES strict F1)")
    p.set_defaults(func=run)
