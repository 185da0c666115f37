"""Text → tokens with exact character offsets, windows over long text, and training targets."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import torch

from ..data.schema import Record


@dataclass
class Tokenized:
    """Tokens of one text (no special tokens) with the character range each one covers."""

    ids: list[int]
    starts: list[int]
    ends: list[int]

    def __len__(self) -> int:
        return len(self.ids)


def _case_fold_table(tokenizer) -> dict[int, str]:
    """Upper-case Latin letters the vocabulary lacks but whose lower case it has (some Chinese
    checkpoints ship ``do_lower_case=False`` with a lower-case vocabulary, turning B2B into [UNK]2[UNK])."""
    table = getattr(tokenizer, "_zhcausal_fold", None)
    if table is None:
        vocab = tokenizer.get_vocab()
        table = {ord(c): c.lower() for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in vocab and c.lower() in vocab}
        try:
            tokenizer._zhcausal_fold = table
        except AttributeError:
            pass
    return table


def tokenize(tokenizer, text: str, pre_split_chars: bool = True) -> Tokenized:
    """Tokenize ``text`` keeping exact character offsets.

    With ``pre_split_chars`` every character is its own word, so every character boundary is a
    token boundary (right for the character vocabularies of Chinese BERT-family encoders).
    Characters the tokenizer drops (spaces, control characters) get no token; normalised ones
    (full-width forms, accents) and unknown ones (emoji → [UNK]) keep their single position;
    upper-case letters are folded where the vocabulary has only their lower case.
    """
    if not text:
        return Tokenized([], [], [])
    if pre_split_chars:
        enc = tokenizer(list(text.translate(_case_fold_table(tokenizer))), is_split_into_words=True, add_special_tokens=False)
        words = enc.word_ids()
        return Tokenized(list(enc["input_ids"]), list(words), [w + 1 for w in words])
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    offs = enc["offset_mapping"]
    return Tokenized(list(enc["input_ids"]), [a for a, _ in offs], [b for _, b in offs])


def windows(n_tokens: int, size: int, overlap: int) -> list[tuple[int, int]]:
    """Token ranges ``[a, b)`` of at most ``size`` tokens covering ``n_tokens``, neighbours sharing ``overlap``."""
    if n_tokens <= size:
        return [(0, n_tokens)]
    step = max(1, size - overlap)
    out, a = [], 0
    while True:
        b = min(a + size, n_tokens)
        out.append((a, b))
        if b == n_tokens:
            return out
        a += step


@dataclass
class Window:
    """One model input framed as ``[CLS] tokens [SEP]``; specials cover no characters (-1)."""

    first_token: int         # index in the text's tokens of the window's first token
    input_ids: list[int]
    char_starts: list[int]
    char_ends: list[int]


def framed_windows(tok: Tokenized, max_seq_length: int, overlap: int, cls_id: int, sep_id: int) -> Iterator[Window]:
    """The windows of a text, each framed with the special tokens (an empty text gives one empty window)."""
    for a, b in windows(len(tok), max_seq_length - 2, overlap):
        yield Window(a, [cls_id] + tok.ids[a:b] + [sep_id], [-1] + tok.starts[a:b] + [-1], [-1] + tok.ends[a:b] + [-1])


def pad_batch(sequences: Sequence[Sequence[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Right-pad token id lists into ``(input_ids, attention_mask)`` tensors."""
    width = max(len(x) for x in sequences)
    input_ids = torch.full((len(sequences), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(sequences), width), dtype=torch.long)
    for r, x in enumerate(sequences):
        input_ids[r, :len(x)] = torch.tensor(list(x), dtype=torch.long)
        mask[r, :len(x)] = 1
    return input_ids, mask


def tokenize_batch(tokenizer, texts: list[str], pre_split_chars: bool = True) -> list[Tokenized]:
    """:func:`tokenize` for many texts in one tokenizer call (much faster for short texts)."""
    out: list[Tokenized | None] = [None] * len(texts)
    idx = [i for i, t in enumerate(texts) if t]
    for i, t in enumerate(texts):
        if not t:
            out[i] = Tokenized([], [], [])
    if not idx:
        return out  # type: ignore[return-value]
    if pre_split_chars:
        fold = _case_fold_table(tokenizer)
        enc = tokenizer([list(texts[i].translate(fold)) for i in idx], is_split_into_words=True, add_special_tokens=False)
        for k, i in enumerate(idx):
            words = enc.word_ids(k)
            out[i] = Tokenized(list(enc["input_ids"][k]), list(words), [w + 1 for w in words])
    else:
        enc = tokenizer([texts[i] for i in idx], add_special_tokens=False, return_offsets_mapping=True)
        for k, i in enumerate(idx):
            offs = enc["offset_mapping"][k]
            out[i] = Tokenized(list(enc["input_ids"][k]), [a for a, _ in offs], [b for _, b in offs])
    return out  # type: ignore[return-value]


@dataclass
class Example:
    """One model input: a window of a record's tokens, with targets as sparse index lists."""

    record_index: int
    input_ids: list[int]           # with [CLS] ... [SEP]
    char_starts: list[int]         # per position (specials: -1)
    char_ends: list[int]
    entities: list[tuple[int, int, int]] = field(default_factory=list)      # (label, i, j)
    rel_heads: list[tuple[int, int, int]] = field(default_factory=list)     # (rel, i_head_start, i_tail_start)
    rel_tails: list[tuple[int, int, int]] = field(default_factory=list)     # (rel, i_head_end, i_tail_end)


@dataclass
class AlignmentIssue:
    record_id: str
    span_id: str
    text: str
    reason: str

    def __str__(self) -> str:
        return f"{self.record_id}: span {self.span_id} {self.text!r}: {self.reason}"


def build_examples(record: Record, record_index: int, tok: Tokenized, cls_id: int, sep_id: int,
                   span_labels: list[str], relation_labels: list[str], max_seq_length: int,
                   overlap: int, issues: list[AlignmentIssue] | None = None) -> list[Example]:
    """Windows of one record with the gold spans and relations that lie wholly inside each window."""
    first_tok = {}
    last_tok = {}
    for t, (a, b) in enumerate(zip(tok.starts, tok.ends)):
        first_tok.setdefault(a, t)
        last_tok[b] = t
    aligned: dict[str, tuple[int, int, int]] = {}
    for s in record.spans:
        ts, te = first_tok.get(s.start), last_tok.get(s.end)
        if ts is None or te is None or te < ts:
            if issues is not None:
                issues.append(AlignmentIssue(record.id, s.id, s.text, "edge falls inside a token or on a dropped character; span not trained"))
            continue
        if s.label in span_labels:
            aligned[s.id] = (span_labels.index(s.label), ts, te)
    out = []
    for w in framed_windows(tok, max_seq_length, overlap, cls_id, sep_id):
        wa, wb = w.first_token, w.first_token + len(w.input_ids) - 2
        ex = Example(record_index, w.input_ids, w.char_starts, w.char_ends)
        inside = {sid: (lab, ts - wa + 1, te - wa + 1) for sid, (lab, ts, te) in aligned.items() if wa <= ts and te < wb}
        ex.entities = sorted(set(inside.values()))
        for r in record.relations:
            if r.head in inside and r.tail in inside and r.label in relation_labels:
                k = relation_labels.index(r.label)
                _, hs, he = inside[r.head]
                _, ts_, te_ = inside[r.tail]
                ex.rel_heads.append((k, hs, ts_))
                ex.rel_tails.append((k, he, te_))
        out.append(ex)
    return out
