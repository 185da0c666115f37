import pytest
import torch

from zhcausal.data.schema import Record, Span
from zhcausal.model.decoding import RawSpan, decode_window, finalize
from zhcausal.model.encoding import build_examples, tokenize, windows
from zhcausal.data.sentences import split_sentences

from .conftest import TOY

LABELS, RELS = ["CAUSE", "EFFECT", "ACTOR"], ["CAUSES", "ACTOR_OF"]


def _tok(tiny_encoder):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(tiny_encoder))


def test_offsets_survive_spaces_fullwidth_and_emoji(tiny_encoder):
    tok = _tok(tiny_encoder)
    assert tokenize(tok, "钢材").ids[0] != tok.unk_token_id
    text = "营收 增长１２％😀导致ABC"
    t = tokenize(tok, text)
    assert t.starts == [i for i, c in enumerate(text) if not c.isspace()]  # the space gets no token
    assert t.ends == [i + 1 for i in t.starts]  # one character per token, full-width and emoji included
    assert t.ids[t.starts.index(text.index("😀"))] == tok.unk_token_id
    assert tok.unk_token_id not in [t.ids[t.starts.index(text.index(c))] for c in "营收增长导致"]


def test_windows_cover_and_overlap():
    assert windows(10, 20, 5) == [(0, 10)]
    w = windows(100, 40, 10)
    assert w[0] == (0, 40) and w[-1][1] == 100 and all(b - a <= 40 for a, b in w)
    assert all(w[i][1] - w[i + 1][0] == 10 for i in range(len(w) - 2))


def test_build_examples_nested_actor_and_chain(tiny_encoder):
    tok = _tok(tiny_encoder)
    rec = Record.from_dict(TOY[1])
    [ex] = build_examples(rec, 0, tokenize(tok, rec.text), 2, 3, LABELS, RELS, 512, 128)
    # CAUSE and EFFECT copies of the chain's middle link, plus the nested actor
    middle = [(l, i, j) for l, i, j in ex.entities if (ex.char_starts[i], ex.char_ends[j]) == (6, 15)]
    assert sorted(l for l, _, _ in middle) == [0, 1]
    assert len(ex.rel_heads) == 4 and len(ex.entities) == 5


def test_misaligned_gold_span_is_reported(tiny_encoder):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(tiny_encoder))
    text = "abc导致def"
    rec = Record("m", text, [Span("T1", "CAUSE", 1, 3, "bc"), Span("T2", "EFFECT", 5, 8, "def")], [])
    issues = []
    build_examples(rec, 0, tokenize(tok, text, pre_split_chars=False), 2, 3, LABELS, RELS, 512, 128, issues)
    assert len(issues) == 1 and "T1" in str(issues[0])


def test_window_boundary_examples_keep_only_whole_spans(tiny_encoder):
    tok = _tok(tiny_encoder)
    rec = Record.from_dict(TOY[0])
    exs = build_examples(rec, 0, tokenize(tok, rec.text), 2, 3, LABELS, RELS, 12, 4)
    assert len(exs) > 1
    for ex in exs:
        for _, i, j in ex.entities:
            assert 0 < i <= j < len(ex.input_ids) - 1


def _logits(n, spans, heads, tails):
    s = torch.full((3, n, n), -10.0)
    h = torch.full((2, n, n), -10.0)
    t = torch.full((2, n, n), -10.0)
    for lab, i, j in spans:
        s[lab, i, j] = 10
    for k, i, j in heads:
        h[k, i, j] = 10
    for k, i, j in tails:
        t[k, i, j] = 10
    return s, h, t


def test_decode_nested_actor_two_causes_and_no_relation():
    text = "甲乙丙丁戊己庚"
    starts, ends = [-1] + list(range(7)) + [-1], [-1] + list(range(1, 8)) + [-1]
    # CAUSE 0-2 with nested ACTOR 0-1, CAUSE 3-4, EFFECT 5-7; an unlinked EFFECT is dropped
    s, h, t = _logits(9, [(0, 1, 2), (2, 1, 1), (0, 4, 4), (1, 6, 7)],
                      [(0, 1, 6), (0, 4, 6), (1, 1, 1)], [(0, 2, 7), (0, 4, 7), (1, 1, 2)])
    spans, rels = decode_window(s, h, t, starts, ends, LABELS, RELS, 0.5, 0.5)
    rec = finalize("d", text, spans, rels)
    got = {(x.label, x.text) for x in rec.spans}
    assert got == {("CAUSE", "甲乙"), ("ACTOR", "甲"), ("CAUSE", "丁"), ("EFFECT", "己庚")}
    assert sorted(r.label for r in rec.relations) == ["ACTOR_OF", "CAUSES", "CAUSES"]
    assert all(0 < x.score <= 1 for x in rec.spans + rec.relations)
    empty = finalize("e", text, {RawSpan("CAUSE", 0, 2): 0.9}, {})
    assert empty.spans == [] and empty.relations == []


def test_decode_chain_middle_link():
    text = "甲导致乙进而丙"
    spans = {RawSpan("CAUSE", 0, 1): 0.9, RawSpan("EFFECT", 3, 4): 0.9, RawSpan("CAUSE", 3, 4): 0.9, RawSpan("EFFECT", 6, 7): 0.9}
    rels = {("CAUSES", RawSpan("CAUSE", 0, 1), RawSpan("EFFECT", 3, 4)): 0.9,
            ("CAUSES", RawSpan("CAUSE", 3, 4), RawSpan("EFFECT", 6, 7)): 0.9}
    rec = finalize("c", text, spans, rels)
    assert len(rec.spans) == 4 and len(rec.relations) == 2


def test_sentence_split_keeps_enumerations_and_cuts_long_runs():
    text = "公司召开股东大会。主要议题：一是利润分配；二是董事换届。"
    assert [text[a:b] for a, b in split_sentences(text)] == ["公司召开股东大会。", "主要议题：一是利润分配；二是董事换届。"]
    long = "字" * 1_000_000
    parts = split_sentences(long)
    assert parts[0] == (0, 400) and parts[-1][1] == len(long) and all(b - a <= 400 for a, b in parts)


def test_uppercase_is_folded_when_vocab_is_lowercase(tiny_encoder):
    from transformers import BertTokenizerFast

    vocab = (tiny_encoder / "vocab.txt").read_text(encoding="utf-8").split()
    tok = BertTokenizerFast(vocab={t: i for i, t in enumerate(vocab)}, do_lower_case=False)
    t = tokenize(tok, "B2B导致")
    assert tok.unk_token_id not in t.ids and t.starts == [0, 1, 2, 3, 4]


def test_trim_span_cuts_punctuation_and_connectives():
    from zhcausal.model.decoding import trim_span

    text = "，由于需求回暖，导致营收增长12%。"
    a, b = trim_span(text, "CAUSE", 0, 8)
    assert text[a:b] == "需求回暖"
    a, b = trim_span(text, "EFFECT", 7, 18)
    assert text[a:b] == "营收增长12%"
    assert trim_span(text, "ACTOR", 0, 1)[1] <= trim_span(text, "ACTOR", 0, 1)[0]


def test_decode_never_links_a_span_to_itself():
    starts, ends = [-1, 0, 1, 2, -1], [-1, 1, 2, 3, -1]
    s, h, t = _logits(5, [(0, 1, 2), (1, 1, 2)], [(0, 1, 1)], [(0, 2, 2)])
    spans, rels = decode_window(s, h, t, starts, ends, LABELS, RELS, 0.5, 0.5)
    assert len(spans) == 2 and rels == {}


@pytest.mark.parametrize("text,parts", [
    ("收入增长。主要原因：一是销量增加；二是价格上涨。", ["收入增长。主要原因：一是销量增加；二是价格上涨。"]),
    ("营业收入下降12%。主要系原材料价格上涨所致。公司召开股东大会。",
     ["营业收入下降12%。主要系原材料价格上涨所致。", "公司召开股东大会。"]),
    ("净利润增长。这一变化主要系补贴增加所致。", ["净利润增长。这一变化主要系补贴增加所致。"]),
    ("钢价上涨。受此影响，公司利润下降。", ["钢价上涨。受此影响，公司利润下降。"]),
    ("公司成立于1990年。主要产品为钢材。", ["公司成立于1990年。", "主要产品为钢材。"]),
    ("收入增长。\n主要系销量增加。", ["收入增长。", "主要系销量增加。"]),  # a line break always ends one
])
def test_a_sentence_that_frames_the_one_before_stays_with_it(text, parts):
    """The contract lets a link cross 。 only into a causal frame about the sentence before: keep them together."""
    assert [text[a:b] for a, b in split_sentences(text)] == parts


def test_shaky_pair_score_does_not_throw_away_two_confident_spans():
    text = "供应偏紧导致价格上涨，而供应增加导致价格下降"
    c1, e1 = RawSpan("CAUSE", 0, 4), RawSpan("EFFECT", 6, 10)
    c2, e2 = RawSpan("CAUSE", 12, 16), RawSpan("EFFECT", 18, 22)
    spans = {c1: 0.99, e1: 0.99, c2: 0.95, e2: 0.95}
    rels = {("CAUSES", c1, e1): 0.46, ("CAUSES", c2, e2): 0.9, ("CAUSES", c1, e2): 0.3}
    # pairing off: decode_window returns only the links over the threshold, and the first link is lost
    strict = finalize("p", text, spans, {k: v for k, v in rels.items() if v > 0.6}, relation_threshold=0.6)
    assert [s.text for s in strict.spans] == ["供应增加", "价格下降"]
    paired = finalize("p", text, spans, rels, relation_threshold=0.6)  # pairing on (all links over 0.2, say)
    by_id = paired.span_by_id()
    links = {(by_id[r.head].text, by_id[r.tail].text) for r in paired.relations}
    assert links == {("供应偏紧", "价格上涨"), ("供应增加", "价格下降")}  # c1 -> e2 is not added: e2 is linked
