"""``zhcausal validate``: check annotation files against the contract."""
from __future__ import annotations

import sys


def run(args) -> int:
    from ..data.validate import validate_file

    total = 0
    for path in args.files:
        problems = validate_file(path)
        for p in problems:
            print(p)
        total += len(problems)
        if not problems and not args.quiet:
            print(f"{path}: ok", file=sys.stderr)
    if total:
        print(f"{total} violation(s)", file=sys.stderr)
    return 1 if total else 0


def register(sub) -> None:
    v = sub.add_parser("validate", help="check annotation files against the contract")
    v.add_argument("files", nargs="+")
    v.add_argument("-q", "--quiet", action="store_true", help="print violations only")
    v.set_defaults(func=run)
