"""``zhcausal convert``: between the contract JSONL and doccano / Label Studio / brat."""
from __future__ import annotations

import sys

from ..errors import UserError

FORMATS = ("jsonl", "doccano", "labelstudio", "brat")


def _overlapping(records) -> int:
    return sum(any(a.start < b.end and b.start < a.end for i, a in enumerate(r.spans) for b in r.spans[i + 1:])
               for r in records)


def run(args) -> int:
    from ..data.formats import ConversionReport, brat, doccano, labelstudio
    from ..data.io import read_records, write_records
    from ..data.validate import validate_file

    modules = {"doccano": doccano, "labelstudio": labelstudio, "brat": brat}
    if (args.src == "jsonl") == (args.dst == "jsonl"):
        raise UserError("convert goes between jsonl and a tool format: one of --from/--to must be jsonl")
    ls_out = args.dst == "labelstudio"
    for opt, given, ok in (("--use-predictions", args.use_predictions, args.src == "labelstudio"),
                           ("--as predictions", args.ls_as == "predictions", ls_out),
                           ("--from-name/--to-name", (args.from_name, args.to_name) != ("label", "text"), ls_out),
                           ("--model-version", args.model_version is not None, ls_out and args.ls_as == "predictions"),
                           ("--text-field", args.text_field is not None, "labelstudio" in (args.src, args.dst))):
        if given and not ok:
            raise UserError(f"{opt} does not apply to --from {args.src} --to {args.dst}")
    report = ConversionReport()
    records = []
    for path in args.inputs:
        if args.src == "jsonl":
            records += read_records(path)
        elif args.src == "labelstudio":
            records += labelstudio.read(path, report, text_field=args.text_field, use_predictions=args.use_predictions)
        else:
            records += modules[args.src].read(path, report)
    if args.dst == "jsonl":
        n = write_records(records, args.output)
    elif ls_out:
        n = labelstudio.write(records, args.output, as_predictions=args.ls_as == "predictions",
                              model_version=args.model_version or "zhcausal", from_name=args.from_name,
                              to_name=args.to_name, text_field=args.text_field or "text")
    else:
        n = modules[args.dst].write(records, args.output)
    if args.dst == "doccano" and _overlapping(records):
        report.notes.append(f"{_overlapping(records)} record(s) have nested or identical spans: turn on "
                            f"\"Allow overlapping spans\" in the doccano project before importing {args.output}")
    if args.dst == "brat":
        report.notes.append(f"{args.output}: annotation.conf and visual.conf written: keep them with the files in brat")
    for line in report.problems:
        print(f"warning: {line}", file=sys.stderr)
    for line in report.notes:
        print(f"note: {line}", file=sys.stderr)
    print(f"{n} record(s) written to {args.output}; {report.summary()}", file=sys.stderr)
    if args.dst == "jsonl":
        problems = validate_file(args.output)
        for p in problems:
            print(p)
        if problems:
            print(f"{len(problems)} contract violation(s) in the converted records "
                  f"(fix them in the tool, or in {args.output})", file=sys.stderr)
            return 1
    return 1 if (report.reasons and args.strict) else 0


def register(sub) -> None:
    c = sub.add_parser("convert", help="convert between the contract JSONL and doccano / Label Studio / brat")
    c.add_argument("--from", dest="src", choices=FORMATS, required=True)
    c.add_argument("--to", dest="dst", choices=FORMATS, required=True)
    c.add_argument("inputs", nargs="+", help="input files (brat: a directory of .txt/.ann pairs)")
    c.add_argument("-o", "--output", required=True, help="output file (brat: a directory)")
    c.add_argument("--strict", action="store_true", help="exit non-zero if anything could not be converted")
    ls = c.add_argument_group("Label Studio")
    ls.add_argument("--text-field", help="task data field of <Text value=\"$FIELD\"> (read: detected if not given; "
                                         "write: default text)")
    ls.add_argument("--use-predictions", action="store_true",
                    help="read the model predictions of tasks that have no finished annotation")
    ls.add_argument("--as", dest="ls_as", choices=("annotations", "predictions"), default="annotations",
                    help="write the records as annotations (default) or as predictions to correct (pre-annotation)")
    ls.add_argument("--from-name", default="label", help="name of the <Labels> control (default label)")
    ls.add_argument("--to-name", default="text", help="name of the <Text> object (default text)")
    ls.add_argument("--model-version", help="model_version of written predictions (default zhcausal)")
    c.set_defaults(func=run)
