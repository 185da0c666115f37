"""Annotation records → model examples → padded tensor batches."""
from __future__ import annotations

import random
from collections.abc import Sequence

import torch

from ..data.schema import Record, Span
from ..model.config import CausalConfig
from ..model.encoding import AlignmentIssue, Example, build_examples, pad_batch, tokenize


def sentence_views(rec: Record) -> list[Record]:
    """Extra training views of a multi-sentence record: each sentence on its own, where no gold
    span crosses the sentence's edge and no relation leaves it. Teaches the model the sentence-by-
    sentence input that ``predict_document`` gives it."""
    from ..data.sentences import split_sentences

    parts = split_sentences(rec.text)
    if len(parts) < 2:
        return []
    views = []
    for k, (a, b) in enumerate(parts):
        inside = {s.id for s in rec.spans if a <= s.start and s.end <= b}
        crossing = any(s.id not in inside and s.start < b and a < s.end for s in rec.spans)
        leaving = any((r.head in inside) != (r.tail in inside) for r in rec.relations)
        if crossing or leaving:
            continue
        spans = [Span(s.id, s.label, s.start - a, s.end - a, s.text) for s in rec.spans if s.id in inside]
        rels = [r for r in rec.relations if r.head in inside]
        views.append(Record(f"{rec.id}#s{k}", rec.text[a:b], spans, rels, rec.meta))
    return views


class EpochExamples:
    """The training examples of each epoch: every record once, as itself or as one of its views.

    Views take a record's place instead of adding to it, so an epoch costs one pass over the
    records (as in any fine-tune) and each epoch sees fresh views:

    - with probability ``real_text_share`` a real-text view (``augment.real_text_view``), drawn anew
      for the epoch;
    - otherwise, for a record of several sentences, with probability ``sentence_share`` its
      sentences one by one (``sentence_views``: the input ``predict_document`` gives the model);
    - otherwise the record as annotated.

    Epoch ``e`` draws from ``random.Random(seed * 1000 + e)``: a resumed run sees what an
    uninterrupted one would have seen.
    """

    def __init__(self, records: Sequence[Record], tokenizer, config: CausalConfig,
                 issues: list[AlignmentIssue] | None = None, sentence_share: float = 0.0,
                 real_text_share: float = 0.0, seed: int = 0):
        from .augment import short_partners

        self.records, self.tokenizer, self.config = list(records), tokenizer, config
        self.sentence_share, self.real_text_share, self.seed = sentence_share, real_text_share, seed
        self.partners = short_partners(self.records)
        self.original = [self._examples(rec, i, issues) for i, rec in enumerate(self.records)]
        self.by_sentence = [[ex for v in sentence_views(rec) for ex in self._examples(v, i, issues)] if sentence_share else []
                            for i, rec in enumerate(self.records)]

    def _examples(self, rec: Record, i: int, issues: list[AlignmentIssue] | None = None) -> list[Example]:
        c = self.config
        tok = tokenize(self.tokenizer, rec.text, c.pre_split_chars)
        return build_examples(rec, i, tok, self.tokenizer.cls_token_id, self.tokenizer.sep_token_id,
                              c.span_labels, c.relation_labels, c.max_seq_length, c.window_overlap, issues)

    def expected_size(self) -> float:
        """Examples an epoch holds on average (what the learning-rate schedule is planned on)."""
        keep = 1 - self.real_text_share
        total = 0.0
        for orig, sent in zip(self.original, self.by_sentence):
            whole = self.sentence_share * len(sent) + (1 - self.sentence_share) * len(orig) if sent else len(orig)
            total += self.real_text_share * len(orig) + keep * whole
        return total

    def epoch(self, epoch: int) -> list[Example]:
        from .augment import real_text_view

        rng = random.Random(self.seed * 1000 + epoch)
        out: list[Example] = []
        for i, rec in enumerate(self.records):
            if self.real_text_share and rng.random() < self.real_text_share:
                out.extend(self._examples(real_text_view(rec, self.partners, rng), i))
            elif self.by_sentence[i] and rng.random() < self.sentence_share:
                out.extend(self.by_sentence[i])
            else:
                out.extend(self.original[i])
        return out


def collate(examples: Sequence[Example], n_span: int, n_rel: int, pad_id: int = 0) -> dict[str, torch.Tensor]:
    input_ids, mask = pad_batch([e.input_ids for e in examples], pad_id)
    b, width = input_ids.shape
    spans = torch.zeros((b, n_span, width, width), dtype=torch.uint8)
    heads = torch.zeros((b, n_rel, width, width), dtype=torch.uint8)
    tails = torch.zeros((b, n_rel, width, width), dtype=torch.uint8)
    for r, e in enumerate(examples):
        for lab, i, j in e.entities:
            spans[r, lab, i, j] = 1
        for k, i, j in e.rel_heads:
            heads[r, k, i, j] = 1
        for k, i, j in e.rel_tails:
            tails[r, k, i, j] = 1
    return {"input_ids": input_ids, "attention_mask": mask, "span_targets": spans,
            "head_targets": heads, "tail_targets": tails}


def length_grouped_batches(lengths: Sequence[int], batch_size: int, rng: random.Random,
                           group: int = 50) -> list[list[int]]:
    """Shuffled batches of similar length (less padding, faster on CPU), in shuffled order."""
    idx = list(range(len(lengths)))
    rng.shuffle(idx)
    batches = []
    for k in range(0, len(idx), batch_size * group):
        mega = sorted(idx[k:k + batch_size * group], key=lambda i: lengths[i])
        batches.extend(mega[j:j + batch_size] for j in range(0, len(mega), batch_size))
    rng.shuffle(batches)
    return batches
