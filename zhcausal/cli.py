"""The ``zhcausal`` command line: validate, stats, convert, train, evaluate, predict.

One handler for every user-facing failure: a :class:`~zhcausal.errors.ZhcausalError` (or a
missing / unreadable file) is printed as ``zhcausal CMD: error: ...`` and exits with status 2.
"""
from __future__ import annotations

import argparse
import os
import sys


def build_parser() -> argparse.ArgumentParser:
    from . import __version__
    from .commands import register

    p = argparse.ArgumentParser(prog="zhcausal", description="Causes, effects and actors in Chinese business text.")
    p.add_argument("--version", action="version", version=f"zhcausal {__version__}")
    register(p.add_subparsers(dest="command", required=True))
    return p


def main(argv: list[str] | None = None) -> int:
    from .errors import ZhcausalError

    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ZhcausalError as exc:
        print(f"zhcausal {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        print(f"zhcausal {args.command}: error: {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into head & co.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print(f"zhcausal {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
