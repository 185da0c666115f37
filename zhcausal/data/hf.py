"""Annotation files as Hugging Face ``datasets`` objects."""
from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from ..errors import UserError
from .io import read_records


def _rows(path: str | os.PathLike) -> dict[str, list]:
    recs = read_records(path)
    return {
        "id": [r.id for r in recs],
        "text": [r.text for r in recs],
        "spans": [[{"id": s.id, "label": s.label, "start": s.start, "end": s.end, "text": s.text} for s in r.spans] for r in recs],
        "relations": [[{"label": x.label, "head": x.head, "tail": x.tail} for x in r.relations] for r in recs],
        "meta": [json.dumps(r.meta, ensure_ascii=False) for r in recs],
    }


def _features():
    from datasets import Features, Value

    return Features({
        "id": Value("string"), "text": Value("string"),
        "spans": [{"id": Value("string"), "label": Value("string"), "start": Value("int32"), "end": Value("int32"), "text": Value("string")}],
        "relations": [{"label": Value("string"), "head": Value("string"), "tail": Value("string")}],
        "meta": Value("string"),
    })


def _shipped_splits() -> dict[str, Path]:
    splits = ("train", "dev", "test")
    for root in (Path.cwd() / "annotations", Path(__file__).resolve().parents[2] / "annotations"):
        if all((root / f"{s}.jsonl").is_file() for s in splits):
            return {s: root / f"{s}.jsonl" for s in splits}
    raise UserError("load_dataset() with no files reads annotations/{train,dev,test}.jsonl of a zhcausal checkout, "
                    "and none is here; pass the files: load_dataset({'train': 'train.jsonl', ...})")


def load_dataset(files: str | os.PathLike | Mapping[str, str | os.PathLike] | None = None):
    """Load contract JSONL files (validated) as a ``datasets.Dataset`` or ``DatasetDict``.

    ``files`` is one path (→ ``Dataset``), a mapping split → path (→ ``DatasetDict``), or
    ``None`` for the shipped splits ``annotations/{train,dev,test}.jsonl``, looked up in the
    current directory and then in the source checkout the package runs from.
    ``meta`` is kept as a JSON string (its keys vary between records).
    """
    from datasets import Dataset, DatasetDict

    if files is None:
        files = _shipped_splits()
    if isinstance(files, Mapping):
        return DatasetDict({split: Dataset.from_dict(_rows(p), features=_features()) for split, p in files.items()})
    return Dataset.from_dict(_rows(files), features=_features())
