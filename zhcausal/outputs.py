"""Writers for ``zhcausal predict``: JSONL records, CSV relations, CAUSES triples, and Label Studio tasks with
the output as predictions to correct; flushed per document."""
from __future__ import annotations

import csv
import json
from typing import IO

from .data.schema import Record

CSV_HEADER = ["doc", "sentence", "record", "relation", "score", "head_label", "head_text", "head_start", "head_end",
              "tail_label", "tail_text", "tail_start", "tail_end"]
TRIPLE_HEADER = ["doc", "sentence", "actors", "cause", "effect", "score", "cause_start", "cause_end",
                 "effect_start", "effect_end"]


def _no_append(fh) -> bool:
    """Make writes to an append-mode file go to the file position (so a bracket can be overwritten in place)."""
    try:
        import fcntl
        import os

        fd = fh.fileno()
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_APPEND)
        return True
    except (ImportError, OSError, ValueError, AttributeError):
        return False


class Writer:
    """``labelstudio``: a JSON array of tasks (what Label Studio 1.23 imports), complete after every write: each
    write overwrites the closing ``]`` with ``,`` + the new tasks + ``]``, so ``--resume`` (which cuts the file
    back to the last finished document) always leaves an array to append to, and a kill mid-write never leaves
    the file shorter than ``OUT.done`` says. It needs a file, not a pipe. Options: ``model_version``,
    ``from_name``, ``to_name`` and ``text_field`` (see :func:`zhcausal.data.formats.labelstudio.task`)."""

    LS_END = "\n]\n"

    def __init__(self, fh: IO[str], fmt: str, write_header: bool = True, **labelstudio):
        self.fh, self.fmt, self.labelstudio = fh, fmt, labelstudio
        self.csv = csv.writer(fh) if fmt in ("csv", "triples") else None
        if self.csv and write_header:
            self.csv.writerow(CSV_HEADER if fmt == "csv" else TRIPLE_HEADER)
        if fmt == "labelstudio" and not fh.seekable():
            from .errors import UserError

            raise UserError("--format labelstudio writes a JSON array that is completed after every document: "
                            "give -o FILE.json (not a pipe)")
        self.in_place = "a" not in getattr(fh, "mode", "w") or _no_append(fh)

    def _write_labelstudio(self, records: list[Record]) -> None:
        from .data.formats.labelstudio import task

        if not records:
            return
        opts = {"model_version": "zhcausal", **{k: v for k, v in self.labelstudio.items() if v is not None}}
        body = ",\n".join(json.dumps(task(rec, as_predictions=True, **opts), ensure_ascii=False) for rec in records)
        self.fh.flush()
        end = self.fh.seek(0, 2)
        if end:  # an array written before: its closing bracket becomes a comma
            self.fh.seek(end - len(self.LS_END))
            if not self.in_place:  # the file is appended to whatever the position: cut the bracket first
                self.fh.truncate()
        self.fh.write((",\n" if end else "[\n") + body + self.LS_END)

    def write(self, records: list[Record]) -> None:
        if self.fmt == "labelstudio":
            self._write_labelstudio(records)
            records = []
        for rec in records:
            if self.fmt == "jsonl":
                self.fh.write(json.dumps(rec.to_dict(), ensure_ascii=False) + "\n")
                continue
            by_id = rec.span_by_id()
            doc, sent = rec.extra.get("doc", rec.id), rec.extra.get("sentence", "")
            for r in rec.relations:
                h, t = by_id[r.head], by_id[r.tail]
                if self.fmt == "csv":
                    self.csv.writerow([doc, sent, rec.id, r.label, f"{r.score:.4f}" if r.score is not None else "",
                                       h.label, h.text, h.start, h.end, t.label, t.text, t.start, t.end])
                elif r.label == "CAUSES":
                    actors = sorted({by_id[a.head].text for a in rec.relations
                                     if a.label == "ACTOR_OF" and a.tail in (r.head, r.tail)})
                    self.csv.writerow([doc, sent, "|".join(actors), h.text, t.text,
                                       f"{r.score:.4f}" if r.score is not None else "", h.start, h.end, t.start, t.end])
        self.fh.flush()


class DoneLog:
    """The ``OUT.done`` list of ``predict --resume``: one ``doc_id<TAB>byte offset of OUT after it`` line per
    finished document, written after that document's output is flushed to disk.

    On resume the output is cut back to the offset of the last complete done line, so records written
    for a document whose done line never made it (a kill between the two writes, or a torn last line)
    are dropped and redone: a killed-and-resumed run's output equals an uninterrupted run's.
    """

    def __init__(self, output: str, resume: bool):
        import os

        self.path = f"{output}.done"
        self.done: set[str] = set()
        self.resume_offset: int | None = None  # None: start the output afresh
        lines: list[str] = []
        if resume and os.path.exists(self.path):
            with open(self.path, encoding="utf-8", errors="replace") as fh:
                raw = fh.read()
            for line in raw.split("\n")[:-1]:  # the part after the last newline is torn: ignore it
                doc, sep, off = line.rpartition("\t")
                if sep and off.isdigit():
                    self.done.add(doc)
                    self.resume_offset = int(off)
                    lines.append(line)
                elif line.strip() and not sep:  # an old-style line (id only): keep the output as it is
                    self.done.add(line)
                    lines.append(line)
                    self.resume_offset = -1
        if self.resume_offset is not None and self.resume_offset >= 0 and os.path.exists(output):
            if os.path.getsize(output) < self.resume_offset:
                from .errors import UserError

                raise UserError(f"{output} is shorter than {self.path} says; it was changed since: "
                                f"delete both to start again")
            with open(output, "r+b") as fh:
                fh.truncate(self.resume_offset)
        with open(self.path, "w", encoding="utf-8") as fh:  # rewrite without the torn tail
            fh.write("".join(line + "\n" for line in lines))
        self.fh = open(self.path, "a", encoding="utf-8")

    @property
    def appending(self) -> bool:
        return self.resume_offset is not None

    def add(self, doc_id: str, out_fh) -> None:
        import os

        out_fh.flush()
        os.fsync(out_fh.fileno())
        self.fh.write(f"{doc_id}\t{out_fh.tell()}\n")
        self.fh.flush()

    def close(self) -> None:
        self.fh.close()
