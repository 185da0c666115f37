"""Baseline 2: what a user would do instead: a plain ``AutoModelForTokenClassification`` BIO tagger
on the same encoder (one tag layer, so nested ACTOR spans are lost), with nearest-neighbour
pairing: each EFFECT takes the nearest CAUSE, each ACTOR the nearest CAUSE/EFFECT."""
from __future__ import annotations

import random
import time

import torch
from tqdm.auto import tqdm

from zhcausal.data.schema import Record, Relation, Span
from zhcausal.model.encoding import tokenize

LABELS = ["O", "B-CAUSE", "I-CAUSE", "B-EFFECT", "I-EFFECT", "B-ACTOR", "I-ACTOR"]
MAX_LEN = 510


def _char_tags(rec: Record) -> list[str]:
    tags = ["O"] * len(rec.text)
    # CAUSE/EFFECT first; an ACTOR only where it does not sit inside them (one layer cannot nest)
    for s in sorted(rec.spans, key=lambda s: s.label == "ACTOR"):
        if any(t != "O" for t in tags[s.start:s.end]):
            continue
        tags[s.start] = f"B-{s.label}"
        for i in range(s.start + 1, s.end):
            tags[i] = f"I-{s.label}"
    return tags


def _encode(tokenizer, text):
    tok = tokenize(tokenizer, text)
    n = min(len(tok), MAX_LEN)
    return tok, [tokenizer.cls_token_id] + tok.ids[:n] + [tokenizer.sep_token_id], n


def train(records, base: str, out_dir: str, epochs: int = 10, lr: float = 1e-4, batch_size: int = 16, seed: int = 42):
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    torch.manual_seed(seed)
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = AutoModelForTokenClassification.from_pretrained(
        base, num_labels=len(LABELS), id2label=dict(enumerate(LABELS)), label2id={l: i for i, l in enumerate(LABELS)})
    data = []
    for rec in records:
        tok, ids, n = _encode(tokenizer, rec.text)
        tags = _char_tags(rec)
        data.append((ids, [-100] + [LABELS.index(tags[tok.starts[k]]) for k in range(n)] + [-100]))
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    total = epochs * ((len(data) + batch_size - 1) // batch_size)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: max(0.0, 1 - s / total))
    rng = random.Random(seed)
    model.train()
    started = time.time()
    for epoch in range(epochs):
        order = list(range(len(data)))
        rng.shuffle(order)
        chunks = sorted([order[i:i + batch_size] for i in range(0, len(order), batch_size)], key=lambda c: rng.random())
        for chunk in tqdm(chunks, desc=f"bio epoch {epoch + 1}/{epochs}", leave=False):
            width = max(len(data[i][0]) for i in chunk)
            ids = torch.zeros((len(chunk), width), dtype=torch.long)
            lab = torch.full((len(chunk), width), -100)
            for r, i in enumerate(chunk):
                ids[r, :len(data[i][0])] = torch.tensor(data[i][0])
                lab[r, :len(data[i][1])] = torch.tensor(data[i][1])
            with torch.autocast("cpu", dtype=torch.bfloat16):
                loss = model(input_ids=ids, attention_mask=(ids != 0).long(), labels=lab).loss
            loss.backward()
            opt.step()
            sched.step()
            opt.zero_grad()
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return time.time() - started


@torch.inference_mode()
def predict(records, model_dir: str) -> list[Record]:
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForTokenClassification.from_pretrained(model_dir).eval()
    out = []
    for rec in records:
        tok, ids, n = _encode(tokenizer, rec.text)
        logits = model(input_ids=torch.tensor([ids])).logits[0, 1:n + 1]
        tags = [LABELS[i] for i in logits.argmax(-1).tolist()]
        raw, cur = [], None
        for k, tag in enumerate(tags):
            a, b = tok.starts[k], tok.ends[k]
            if tag.startswith("B-") or (tag.startswith("I-") and (cur is None or cur[0] != tag[2:])):
                cur = [tag[2:], a, b]
                raw.append(cur)
            elif tag.startswith("I-"):
                cur[2] = b
            else:
                cur = None
        out.append(pair_nearest(rec, raw))
    return out


def pair_nearest(rec: Record, raw) -> Record:
    spans = [Span(f"T{i}", lab, a, b, rec.text[a:b]) for i, (lab, a, b) in enumerate(raw, 1)]
    causes = [s for s in spans if s.label == "CAUSE"]
    effects = [s for s in spans if s.label == "EFFECT"]
    dist = lambda x, y: abs((x.start + x.end) / 2 - (y.start + y.end) / 2)  # noqa: E731
    rels = []
    for e in effects:
        if causes:
            rels.append(Relation("CAUSES", min(causes, key=lambda c: dist(c, e)).id, e.id))
    for a in (s for s in spans if s.label == "ACTOR"):
        ce = causes + effects
        if ce:
            rels.append(Relation("ACTOR_OF", a.id, min(ce, key=lambda c: dist(c, a)).id))
    used = {r.head for r in rels} | {r.tail for r in rels}
    kept = [s for s in spans if s.id in used]
    return Record(rec.id, rec.text, kept, rels)
