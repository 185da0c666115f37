"""Reading and writing contract JSONL files, with errors that name file and line."""
from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from .jsonl import AnnotationError, iter_json_lines, read_text_lines
from .schema import Record
from .validate import validate_file

__all__ = ["AnnotationError", "iter_json_lines", "read_records", "read_text_lines", "write_records"]


def read_records(path: str | os.PathLike, validate: bool = True) -> list[Record]:
    """Read a contract JSONL file. With ``validate`` (default) any violation raises ``AnnotationError``."""
    if validate:
        problems = validate_file(path)
        if problems:
            first = problems[0]
            more = f" (and {len(problems) - 1} more; run `zhcausal validate {path}`)" if len(problems) > 1 else ""
            raise AnnotationError(path, first.line, first.rule, first.message + more)
    return [Record.from_dict(obj) for _, obj in iter_json_lines(path)]


def write_records(records: Iterable[Record | dict], path: str | os.PathLike) -> int:
    """Write records as JSONL (atomically: a temporary file renamed into place)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    n = 0
    with open(tmp, "w", encoding="utf-8") as fh:
        for rec in records:
            d = rec.to_dict() if isinstance(rec, Record) else rec
            fh.write(json.dumps(d, ensure_ascii=False) + "\n")
            n += 1
    os.replace(tmp, path)
    return n
