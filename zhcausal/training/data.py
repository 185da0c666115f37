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


def make_examples(records: Sequence[Record], tokenizer, config: CausalConfig,
                  issues: list[AlignmentIssue] | None = None, add_sentence_views: bool = False,
                  real_text_share: float = 0.0, seed: int = 0) -> list[Example]:
    from .augment import real_text_views

    out: list[Example] = []
    extra = real_text_views(records, real_text_share, seed)
    if add_sentence_views:
        records = list(records) + [v for rec in records for v in sentence_views(rec)]
    records = list(records) + extra
    for i, rec in enumerate(records):
        tok = tokenize(tokenizer, rec.text, config.pre_split_chars)
        out.extend(build_examples(rec, i, tok, tokenizer.cls_token_id, tokenizer.sep_token_id,
                                  config.span_labels, config.relation_labels, config.max_seq_length,
                                  config.window_overlap, issues))
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
