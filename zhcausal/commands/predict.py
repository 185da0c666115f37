"""``zhcausal predict``: extract causal statements from documents (see :mod:`zhcausal.predict_job`)."""
from __future__ import annotations

import sys
from pathlib import Path


def run(args) -> int:
    from ..predict import CausalExtractor
    from ..predict_job import PredictJob, parse_shard

    shard = parse_shard(args.shard)
    ext = CausalExtractor.from_pretrained(args.model, device=args.device, precision=args.precision,
                                         backend=args.backend)
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
    opts = {k: getattr(args, k) for k in keys if getattr(args, k, None) is not None}
    opts.setdefault("model_version", Path(args.model).resolve().name)  # which model pre-annotated the task
    return opts


def register(sub) -> None:
    p = sub.add_parser("predict", help="extract causal statements from documents")
    p.add_argument("--model", required=True, help="model directory written by `zhcausal train`")
    p.add_argument("inputs", nargs="+", help=".txt/.md/.pdf files, .jsonl (id, text per line), directories, or - for stdin")
    p.add_argument("-o", "--output", help="output file (default: stdout)")
    p.add_argument("--format", choices=["jsonl", "csv", "triples", "labelstudio"], default="jsonl")
    p.add_argument("--device", default="auto", help="cpu, cuda, cuda:N or auto")
    p.add_argument("--precision", choices=["auto", "fp32", "bf16", "int8"], default="auto")
    p.add_argument("--backend", choices=["auto", "torch", "onnx"], default="auto",
                   help="onnx: onnxruntime on the CPU (zhcausal[onnx]); auto: onnx where exported and the CPU lacks fast bf16")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--threshold", type=float, help="override the model's span and relation thresholds (0-1)")
    p.add_argument("--encoding", default="auto", help="text encoding (auto: UTF-8, else GB18030/GBK with a notice)")
    p.add_argument("--shard", help="I/N: process only the I-th of N deterministic shares of the documents (1-based)")
    p.add_argument("--resume", action="store_true", help="append to OUT, skipping documents listed in OUT.done")
    p.add_argument("--skip-errors", action="store_true", help="warn about bad input items and go on")
    p.add_argument("--chunk-chars", type=int, default=20000, help="characters of documents predicted together")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    ls = p.add_argument_group("--format labelstudio (tasks with the output as predictions, to import and correct; "
                              "a JSON array, needs -o)")
    ls.add_argument("--model-version", help="model_version of the predictions (default: the model directory name)")
    ls.add_argument("--from-name", help="name of the <Labels> control of the project (default label)")
    ls.add_argument("--to-name", help="name of the <Text> object of the project (default text)")
    ls.add_argument("--text-field", help="task data field of <Text value=\"$FIELD\"> (default text)")
    p.set_defaults(func=run)
