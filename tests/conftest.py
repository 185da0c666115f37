"""Fixtures: a tiny random BERT with a character vocabulary written from the fixture texts (offline, fast)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "annotations" / "seed.jsonl"


def make_record(rid: str, text: str, spans: list[tuple[str, str]], rels: list[tuple[str, int, int]]) -> dict:
    """Build a contract record from (label, span text) pairs (first occurrence) and (label, head#, tail#)."""
    out = []
    for i, (label, stext) in enumerate(spans, 1):
        start = text.index(stext)
        out.append({"id": f"T{i}", "label": label, "start": start, "end": start + len(stext), "text": stext})
    return {"id": rid, "text": text, "spans": out,
            "relations": [{"label": lab, "head": f"T{h}", "tail": f"T{t}"} for lab, h, t in rels], "meta": {"source": "test"}}


TOY = [
    make_record("toy-1", "钢材价格上涨导致宝钢股份营业收入增长12.3%。",
                [("CAUSE", "钢材价格上涨"), ("EFFECT", "宝钢股份营业收入增长12.3%"), ("ACTOR", "宝钢股份")],
                [("CAUSES", 1, 2), ("ACTOR_OF", 3, 2)]),
    make_record("toy-2", "受疫情影响，海外消费者转向线上，进而使跨境电商销售额大幅增长。",
                [("CAUSE", "疫情"), ("EFFECT", "海外消费者转向线上"), ("CAUSE", "海外消费者转向线上"),
                 ("EFFECT", "跨境电商销售额大幅增长"), ("ACTOR", "海外消费者")],
                [("CAUSES", 1, 2), ("CAUSES", 3, 4), ("ACTOR_OF", 5, 2), ("ACTOR_OF", 5, 3)]),
    make_record("toy-3", "营业收入增长12%，同时净利润增长8%。", [], []),
    make_record("toy-4", "得益于原材料成本下降和产品结构优化，毛利率提升3.2个百分点。",
                [("CAUSE", "原材料成本下降和产品结构优化"), ("EFFECT", "毛利率提升3.2个百分点")], [("CAUSES", 1, 2)]),
]


def _texts() -> list[str]:
    texts = [r["text"] for r in TOY]
    if SEED.is_file():
        texts += [json.loads(line)["text"] for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    return texts


@pytest.fixture(scope="session")
def toy_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("data") / "toy.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in TOY), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def tiny_encoder(tmp_path_factory) -> Path:
    """A 1-layer, 32-wide random BertModel and a character vocabulary from the fixture texts."""
    from transformers import BertConfig, BertModel, BertTokenizerFast

    d = tmp_path_factory.mktemp("tiny-bert")
    chars = sorted({c for t in _texts() for c in t.lower() if not c.isspace()} | set("abcdefghijklmnopqrstuvwxyz0123456789"))
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + chars
    (d / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tok = BertTokenizerFast(vocab={t: i for i, t in enumerate(vocab)}, do_lower_case=True)
    assert len(tok.get_vocab()) == len(vocab)
    tok.save_pretrained(d)
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=512)
    import torch

    torch.manual_seed(0)
    BertModel(cfg).save_pretrained(d)
    return d


@pytest.fixture(scope="session")
def trained_model(tiny_encoder, toy_file, tmp_path_factory) -> Path:
    """The tiny model trained through the real CLI until it reproduces the toy records exactly
    (overfit on purpose: tests can then demand exact spans, relations and offsets)."""
    from zhcausal.cli import main

    out = tmp_path_factory.mktemp("model") / "m"
    rc = main(["train", "--train", str(toy_file), "--dev", str(toy_file), "--base-model", str(tiny_encoder),
               "--output", str(out), "--epochs", "40", "--batch-size", "2", "--precision", "fp32",
               "--lr", "5e-3", "--head-lr", "1e-2", "--seed", "0"])
    assert rc == 0
    return out


def span_set(rec) -> set[tuple[str, int, int, str]]:
    return {(s.label, s.start, s.end, s.text) for s in rec.spans}


def relation_set(rec) -> set[tuple[str, str, str]]:
    by_id = rec.span_by_id()
    return {(r.label, by_id[r.head].text, by_id[r.tail].text) for r in rec.relations}
