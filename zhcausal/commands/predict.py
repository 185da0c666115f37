"""``zhcausal predict``: extract causal statements from documents (see :mod:`zhcausal.predict_job`)."""
from __future__ import annotations

import sys


def run(args) -> int:
    from ..predict import CausalExtractor
    from ..predict_job import PredictJob, parse_shard

    shard = parse_shard(args.shard)
    ext = CausalExtractor.from_pretrained(args.model, device=args.device, precision=args.precision)
    job = PredictJob(ext, args.inputs, args.output, args.format, writer_options=writer_options(args),
                     batch_size=args.batch_size, threshold=args.threshold, encoding=args.encoding, shard=shard,
                     resume=args.resume, skip_errors=args.skip_errors, chunk_chars=args.chunk_chars,
                     progress=not args.quiet)
    summary = job.run()
    print(summary.line(args.output), file=sys.stderr)
    return 0


def writer_options(args) -> dict:
    """Options of the output format (only ``labelstudio`` has any)."""
    if args.format != "labelstudio":
        return {}
    keys = ("model_version", "from_name", "to_name", "text_field")
    return {k: getattr(args, k) for k in keys if getattr(args, k, None) is not None}


def register(sub) -> None:
    p = sub.add_parser("predict", help="extract causal statements from documents")
    p.add_argument("--model", required=True, help="model directory written by `zhcausal train`")
    p.add_argument("inputs", nargs="+", help=".txt/.md/.pdf files, .jsonl (id, text per line), directories, or - for stdin")
    p.add_argument("-o", "--output", help="output file (default: stdout)")
    p.add_argument("--format", choices=["jsonl", "csv", "triples", "labelstudio"], default="jsonl")
    p.add_argument("--device", default="auto", help="cpu, cuda, cuda:N or auto")
    p.add_argument("--precision", choices=["auto", "fp32", "bf16", "int8"], default="auto")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--threshold", type=float, help="override the model's span and relation thresholds (0-1)")
    p.add_argument("--encoding", default="auto", help="text encoding (auto: UTF-8, else GB18030/GBK with a notice)")
    p.add_argument("--shard", help="I/N: process only the I-th of N deterministic shares of the documents (1-based)")
    p.add_argument("--resume", action="store_true", help="append to OUT, skipping documents listed in OUT.done")
    p.add_argument("--skip-errors", action="store_true", help="warn about bad input items and go on")
    p.add_argument("--chunk-chars", type=int, default=20000, help="characters of documents predicted together")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)
