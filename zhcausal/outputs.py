"""Writers for ``zhcausal predict``: JSONL records, CSV relations, and CAUSES triples; flushed per document."""
from __future__ import annotations

import csv
import json
from typing import IO

from .data.schema import Record

CSV_HEADER = ["doc", "sentence", "record", "relation", "score", "head_label", "head_text", "head_start", "head_end",
              "tail_label", "tail_text", "tail_start", "tail_end"]
TRIPLE_HEADER = ["doc", "sentence", "actors", "cause", "effect", "score", "cause_start", "cause_end",
                 "effect_start", "effect_end"]


class Writer:
    def __init__(self, fh: IO[str], fmt: str, write_header: bool = True):
        self.fh, self.fmt = fh, fmt
        self.csv = csv.writer(fh) if fmt in ("csv", "triples") else None
        if self.csv and write_header:
            self.csv.writerow(CSV_HEADER if fmt == "csv" else TRIPLE_HEADER)

    def write(self, records: list[Record]) -> None:
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
