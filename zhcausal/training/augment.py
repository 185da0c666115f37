"""Training views that look like real text (``TrainConfig.real_text_views``).

Annotated statements are clean: one sentence, full-width punctuation, one or two links, a final
。. Real filings, news and research notes run several independent links into one comma-joined
sentence, mix in half-width punctuation, and are often cut before their end mark. Each view
below rewrites an annotated record into one of those shapes, with its spans moved to match, so
the model sees them in training without new annotation. Each epoch draws them anew, each in
place of the record it comes from (``data.EpochExamples``):

- ``half_width``: ，；：（）！？ written as ,;:()!? (offsets unchanged);
- ``open_ended``: the final end mark dropped (a fragment as a PDF or a news feed cuts it);
- ``run_on``: two or three records joined by commas into one sentence (several independent
  links in one unit, the second record's links far from the sentence start);
- ``passage``: two or three records joined as they stand, a short multi-sentence paragraph.

Joined views never put a record that opens with a connective or a back-reference (因此, 这,
受此影响 …) after another one: that would state a link the annotation does not have.
"""
from __future__ import annotations

import random
import re
from collections.abc import Sequence

from ..data.schema import Record, Relation, Span

HALF_WIDTH = str.maketrans("，；：（）！？", ",;:()!?")
END_MARKS = "。！？!?；;"
#: a text opening like this refers back to something before it: never join it after another record
LEANS_BACK = re.compile(r"\s*(?:因此|因而|所以|从而|由此|进而|故|于是|为此|对此|同时|此外|另外|但|而|这|此|该|其|上述|以上|受此|得益于此|主要系|系|由于上述)")


def _with_text(rec: Record, text: str, rid: str) -> Record:
    spans = [Span(s.id, s.label, s.start, s.end, text[s.start:s.end]) for s in rec.spans]
    return Record(rid, text, spans, list(rec.relations), rec.meta)


def half_width(rec: Record) -> Record:
    return _with_text(rec, rec.text.translate(HALF_WIDTH), f"{rec.id}#hw")


def open_ended(rec: Record) -> Record:
    text = rec.text.rstrip()
    while text and text[-1] in END_MARKS and not any(s.end > len(text) - 1 for s in rec.spans):
        text = text[:-1]
    return _with_text(rec, text, f"{rec.id}#open")


def join(records: Sequence[Record], run_on: bool) -> Record:
    """One record from several: joined by ，(run-on) or as they stand (passage), spans shifted."""
    text, spans, rels = "", [], []
    for k, rec in enumerate(records):
        body = rec.text.strip()
        cut = len(body)
        if run_on and k < len(records) - 1:
            while cut and body[cut - 1] in END_MARKS and not any(s.end > cut - 1 for s in rec.spans):
                cut -= 1
            body = body[:cut] + "，"
        lead = len(rec.text) - len(rec.text.lstrip())
        shift = len(text) - lead
        spans += [Span(f"j{k}{s.id}", s.label, s.start + shift, s.end + shift, s.text) for s in rec.spans]
        rels += [Relation(r.label, f"j{k}{r.head}", f"j{k}{r.tail}") for r in rec.relations]
        text += body
    kind = "runon" if run_on else "passage"
    return Record("+".join(r.id for r in records) + f"#{kind}", text, spans, rels, records[0].meta)


def real_text_view(rec: Record, partners: Sequence[Record], rng: random.Random, max_chars: int = 300) -> Record:
    """One real-text view of ``rec``: half the time rewritten on its own (half-width punctuation or
    no end mark), half the time joined with one or two ``partners`` (run-on or passage). A join that
    would put a back-referring record after another one, or run past ``max_chars``, falls back to a
    rewrite of ``rec`` alone."""
    if rng.random() < 0.5 and partners:
        group = [rec] + [rng.choice(partners) for _ in range(rng.choice((1, 1, 2)))]
        rng.shuffle(group)
        ok = (not any(LEANS_BACK.match(r.text) for r in group[1:]) and len({r.id for r in group}) == len(group)
              and sum(len(r.text) for r in group) <= max_chars)
        if ok:
            view = join(group, run_on=rng.random() < 0.75)
            return half_width(view) if rng.random() < 0.2 else view
    return rng.choice((half_width, open_ended))(rec)


def short_partners(records: Sequence[Record], max_chars: int = 300) -> list[Record]:
    """Records short enough to be joined to another one."""
    return [r for r in records if len(r.text) <= max_chars // 2]
