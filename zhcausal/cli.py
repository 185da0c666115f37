"""The ``zhcausal`` command line: validate, stats, convert, train, evaluate, predict."""
from __future__ import annotations

import argparse
import sys


def _cmd_validate(args) -> int:
    from .data.validate import validate_file

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


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    p = argparse.ArgumentParser(prog="zhcausal", description="Causes, effects and actors in Chinese business text.")
    p.add_argument("--version", action="version", version=f"zhcausal {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("validate", help="check annotation files against the contract")
    v.add_argument("files", nargs="+")
    v.add_argument("-q", "--quiet", action="store_true", help="print violations only")
    v.set_defaults(func=_cmd_validate)

    from .commands import register_all

    register_all(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from .data.io import AnnotationError
    from .errors import UserError

    try:
        return int(args.func(args) or 0)
    except AnnotationError as exc:
        print(f"zhcausal {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into head & co.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print(f"zhcausal {args.command}: interrupted", file=sys.stderr)
        return 130
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        print(f"zhcausal {args.command}: error: {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
    except UserError as exc:
        print(f"zhcausal {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
