"""``zhcausal stats``: corpus statistics of annotation files."""
from __future__ import annotations

import json


def run(args) -> int:
    from ..data.io import read_records
    from ..data.stats import compute_stats, format_stats

    records = [r for path in args.files for r in read_records(path)]
    st = compute_stats(records)
    print(json.dumps(st, ensure_ascii=False, indent=2) if args.json else format_stats(st))
    return 0


def register(sub) -> None:
    s = sub.add_parser("stats", help="corpus statistics of annotation files")
    s.add_argument("files", nargs="+")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=run)
