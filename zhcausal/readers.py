"""Documents for ``zhcausal predict``: text, Markdown, PDF, JSONL, directories and stdin."""
from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import ZhcausalError

TEXT_SUFFIXES = {".txt", ".md"}
SUPPORTED = TEXT_SUFFIXES | {".pdf", ".jsonl"}


@dataclass
class Document:
    id: str
    text: str
    source: str
    from_jsonl: bool = False  # one record per document (offsets into ``text``), not one per sentence


class InputError(ZhcausalError):
    """A bad input item: ``str(err)`` is one line naming the file, line and what to do."""


def decode(data: bytes, path: str, encoding: str = "auto", notices: list[str] | None = None) -> str:
    if b"\x00" in data[:8192]:
        raise InputError(f"{path}: binary file (NUL bytes), not text; give .txt, .md, .pdf or .jsonl files")
    if encoding != "auto":
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise InputError(f"{path}:{line}: bytes that are not valid {encoding}; try --encoding auto") from None
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        line = data[: utf8_error.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}: undecodable bytes (neither UTF-8 nor GB18030); give --encoding NAME") from None
    if notices is not None:
        notices.append(f"notice: {path} is not UTF-8; decoded as GB18030 (set --encoding to override)")
    return text


def read_pdf(path: Path) -> str:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError:
        raise InputError(f"{path}: reading PDF needs pypdf: pip install 'zhcausal[pdf]'") from None
    try:
        reader = PdfReader(str(path))
        pages = [(p.extract_text() or "") for p in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise InputError(f"{path}: not a readable PDF ({exc.__class__.__name__}: {exc})") from None
    text = "\n".join(unwrap_lines(page) for page in pages)
    if not text.strip():
        raise InputError(f"{path}: the PDF has no text layer (a scan?); run OCR first, then predict on the text")
    return text


MIN_PROSE_LINE = 12  # characters


def unwrap_lines(page: str, full: float = 0.8) -> str:
    """Join the lines a PDF wrapped inside a paragraph: a line at least ``full`` of the page's longest
    line that does not end a sentence continues on the next line (headings and paragraph ends are short)."""
    lines = page.split("\n")
    longest = max((len(x.strip()) for x in lines), default=0)
    if longest < MIN_PROSE_LINE:  # lists, tables, title pages: no prose lines to join
        return page
    out = []
    for k, line in enumerate(lines):
        out.append(line)
        if k == len(lines) - 1:
            break
        stripped = line.rstrip()
        wrapped = len(stripped) >= full * longest and stripped and stripped[-1] not in "。！？；：!?;:"
        if not wrapped:
            out.append("\n")
        elif stripped[-1].isascii() and stripped[-1].isalnum() and lines[k + 1][:1].isascii() and lines[k + 1][:1].isalnum():
            out.append(" ")
    return "".join(out)


def _expand(inputs: list[str]) -> Iterator[str | Path]:
    for item in inputs:
        if item == "-":
            yield "-"
            continue
        p = Path(item)
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED)
            if not files:
                raise InputError(f"{p}: directory holds no .txt, .md, .pdf or .jsonl files")
            yield from files
        else:
            yield p


def iter_documents(inputs: list[str], encoding: str = "auto", notices: list[str] | None = None) -> Iterator[Document | InputError]:
    """Yield documents, or an ``InputError`` for an item that cannot be read (the caller decides to stop or skip)."""
    try:
        items = list(_expand(inputs))
    except InputError as err:
        yield err
        return
    for item in items:
        if item == "-":
            text = decode(sys.stdin.buffer.read(), "<stdin>", encoding, notices)
            yield Document("stdin", text, "<stdin>") if text.strip() else InputError("<stdin>: empty input")
            continue
        path = item
        try:
            if not path.exists():
                raise InputError(f"{path}: no such file")
            suffix = path.suffix.lower()
            if suffix not in SUPPORTED:
                raise InputError(f"{path}: unsupported file type {suffix or '(none)'}; give .txt, .md, .pdf, .jsonl or a directory")
            if suffix == ".pdf":
                yield Document(path.name, read_pdf(path), str(path))
                continue
            text = decode(path.read_bytes(), str(path), encoding, notices)
            if not text.strip():
                raise InputError(f"{path}: empty file")
            if suffix == ".jsonl":
                yield from _jsonl_documents(path, text)
            else:
                yield Document(str(path), text, str(path))
        except InputError as err:
            yield err


def _jsonl_documents(path: Path, text: str) -> Iterator[Document | InputError]:
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(f"{path}:{lineno}: not valid JSON ({exc.msg}); each line must be an object with id and text")
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            yield InputError(f"{path}:{lineno}: line has no \"text\" string; each line needs {{\"id\": ..., \"text\": ...}}")
            continue
        rid = str(obj["id"]) if "id" in obj else f"{path.name}:{lineno}"
        yield Document(rid, obj["text"], f"{path}:{lineno}", from_jsonl=True)
