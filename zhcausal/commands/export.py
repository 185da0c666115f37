"""``zhcausal export-onnx``: export a trained model to ONNX beside its weights (optional extra ``zhcausal[onnx]``)."""
from __future__ import annotations

import sys


def run(args) -> int:
    from transformers.utils import logging as hf_logging

    from ..model import CausalModel
    from ..model.onnx_backend import export_onnx
    from ..model.runtime import check_model_dir

    check_model_dir(args.model)
    hf_logging.disable_progress_bar()
    for path in export_onnx(CausalModel.from_pretrained(args.model), args.model, int8=args.int8):
        print(f"wrote {path} ({path.stat().st_size / 2**20:.1f} MB)", file=sys.stderr)
    print("run it with `zhcausal predict --backend onnx` (--precision int8 for the int8 file); "
          "--backend auto takes it on CPUs without fast bf16", file=sys.stderr)
    return 0


def register(sub) -> None:
    p = sub.add_parser("export-onnx", help="export a trained model to ONNX (model.onnx) beside its weights")
    p.add_argument("--model", required=True, help="model directory written by `zhcausal train`")
    p.add_argument("--int8", action="store_true",
                   help="also write model.int8.onnx (encoder weight products in int8, the rest fp32)")
    p.set_defaults(func=run)
