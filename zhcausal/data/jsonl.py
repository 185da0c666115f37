"""Reading UTF-8 text and JSON lines with errors that name file, line and rule (no contract logic)."""
from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

from ..errors import ZhcausalError


class AnnotationError(ZhcausalError, ValueError):
    """A problem with an input file, always naming file, line and rule."""

    def __init__(self, path: str | os.PathLike, line: int | None, rule: str, message: str):
        self.path, self.line, self.rule, self.message = str(path), line, rule, message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {rule}: {message}")


def read_text_lines(path: str | os.PathLike) -> list[str]:
    """Return the lines of a UTF-8 file; reject a BOM and non-UTF-8 bytes with a clear error."""
    data = Path(path).read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        raise AnnotationError(path, 1, "utf8-bom", "file starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        hint = ""
        try:
            data.decode("gb18030")
            hint = " (it decodes as GB18030/GBK: convert it with `iconv -f GB18030 -t UTF-8`)"
        except UnicodeDecodeError:
            pass
        raise AnnotationError(path, line, "not-utf8", f"byte {data[exc.start]:#04x} is not valid UTF-8{hint}") from None
    return text.split("\n")


def iter_json_lines(path: str | os.PathLike) -> Iterator[tuple[int, dict]]:
    """Yield ``(line_number, object)`` for every non-blank line of a JSONL file."""
    for lineno, line in enumerate(read_text_lines(path), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise AnnotationError(path, lineno, "bad-json", f"{exc.msg} at column {exc.colno}") from None
        if not isinstance(obj, dict):
            raise AnnotationError(path, lineno, "bad-json", "a line must hold one JSON object")
        yield lineno, obj
