"""``zhcausal tune``: re-tune a trained model's decoding on a dev file, without training it again."""
from __future__ import annotations

import sys
from pathlib import Path

from ..training.config import OBJECTIVES


def run(args) -> int:
    import torch
    from transformers import AutoTokenizer
    from transformers.utils import logging as hf_logging

    from ..data.io import read_records
    from ..errors import UserError
    from ..model import CausalModel
    from ..model.runtime import check_model_dir
    from ..training.trainer import _atomic_dir_write
    from ..training.tuning import DevDecoder, apply, describe, search

    check_model_dir(args.model)
    dev = read_records(args.dev)
    if not dev:
        raise UserError(f"{args.dev}: no records to tune on")
    hf_logging.disable_progress_bar()
    model = CausalModel.from_pretrained(args.model).eval()
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    before = describe({"span": model.config.span_threshold, "relation": model.config.relation_threshold,
                       "pair": getattr(model.config, "pair_threshold", 1.0),
                       "pooling": getattr(model.config, "relation_pooling", "min"),
                       "local": getattr(model.config, "local_views", 0)})
    print(f"scoring {len(dev)} dev records with {args.model} ...", file=sys.stderr)
    with torch.inference_mode():
        decoder = DevDecoder(model, tokenizer, dev, args.batch_size, objective=args.selection)
    chosen, base, top = search(decoder.run)
    print(f"was: {before}\nnow: {describe(chosen)} (dev selection score, {args.selection}: untuned {base:.4f} -> {top:.4f})")
    if args.dry_run:
        return 0
    apply(model.config, chosen)
    _atomic_dir_write(Path(args.model), model.config.save_pretrained)
    print(f"wrote {args.model}/config.json", file=sys.stderr)
    if (Path(args.model) / "onnx_accuracy.json").is_file():
        print("note: the ONNX exports decode with the new setting too; `zhcausal export-onnx --int8 --dev FILE` "
              "measures them again", file=sys.stderr)
    return 0


def register(sub) -> None:
    p = sub.add_parser("tune", help="re-tune a trained model's decoding thresholds on a dev file")
    p.add_argument("--model", required=True, help="model directory written by `zhcausal train` (its config.json is rewritten)")
    p.add_argument("--dev", required=True, help="dev JSONL (contract format); never the test file")
    p.add_argument("--selection", choices=OBJECTIVES, default="all",
                   help="what to maximise: CAUSES strict F1 of the whole file (all), its real part, or the mean of "
                        "its real and authored parts (balanced)")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--dry-run", action="store_true", help="print the chosen setting, write nothing")
    p.set_defaults(func=run)
