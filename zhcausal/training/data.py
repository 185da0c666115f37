"""Annotation records → model examples → padded tensor batches."""
from __future__ import annotations

import random
from collections.abc import Sequence

import torch

from ..data.schema import Record
from ..model.config import CausalConfig
from ..model.encoding import AlignmentIssue, Example, build_examples, tokenize


def make_examples(records: Sequence[Record], tokenizer, config: CausalConfig,
                  issues: list[AlignmentIssue] | None = None) -> list[Example]:
    out: list[Example] = []
    for i, rec in enumerate(records):
        tok = tokenize(tokenizer, rec.text, config.pre_split_chars)
        out.extend(build_examples(rec, i, tok, tokenizer.cls_token_id, tokenizer.sep_token_id,
                                  config.span_labels, config.relation_labels, config.max_seq_length,
                                  config.window_overlap, issues))
    return out


def collate(examples: Sequence[Example], n_span: int, n_rel: int, pad_id: int = 0) -> dict[str, torch.Tensor]:
    b, width = len(examples), max(len(e.input_ids) for e in examples)
    input_ids = torch.full((b, width), pad_id, dtype=torch.long)
    mask = torch.zeros((b, width), dtype=torch.long)
    spans = torch.zeros((b, n_span, width, width), dtype=torch.uint8)
    heads = torch.zeros((b, n_rel, width, width), dtype=torch.uint8)
    tails = torch.zeros((b, n_rel, width, width), dtype=torch.uint8)
    for r, e in enumerate(examples):
        n = len(e.input_ids)
        input_ids[r, :n] = torch.tensor(e.input_ids)
        mask[r, :n] = 1
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
