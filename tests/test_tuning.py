"""Decoding tuned on dev: relation pooling, the selection objectives, the search and ``zhcausal tune``."""
from __future__ import annotations

import json

import pytest
import torch

from zhcausal.data.io import read_records
from zhcausal.data.schema import Record
from zhcausal.model.decoding import decode_window
from zhcausal.training.tuning import DevDecoder, START, part_scores, search, selection_score


def _logits(n: int, span: dict, head: dict, tail: dict):
    """Logit tensors of one window of n tokens: given cells at the given probabilities, the rest at 0."""
    def fill(shape, cells):
        t = torch.full(shape, -20.0)
        for idx, p in cells.items():
            t[idx] = torch.logit(torch.tensor(p))
        return t
    return fill((3, n, n), span), fill((2, n, n), head), fill((2, n, n), tail)


def test_mean_pooling_keeps_a_link_whose_end_score_alone_is_shaky():
    # tokens: [CLS] 0..7 [SEP]; CAUSE = tokens 1-2, EFFECT = tokens 5-6 (labels CAUSE, EFFECT, ACTOR)
    starts, ends = [-1] + list(range(8)) + [-1], [-1] + list(range(1, 9)) + [-1]
    span, head, tail = _logits(10, {(0, 1, 2): 0.99, (1, 5, 6): 0.99}, {(0, 1, 5): 0.95}, {(0, 2, 6): 0.35})
    args = (starts, ends, ["CAUSE", "EFFECT", "ACTOR"], ["CAUSES", "ACTOR_OF"], 0.5, 0.5)
    _, by_min = decode_window(span, head, tail, *args, pooling="min")
    _, by_mean = decode_window(span, head, tail, *args, pooling="mean")
    assert by_min == {}
    assert [round(v, 2) for v in by_mean.values()] == [0.65]
    with pytest.raises(ValueError, match="pooling"):
        decode_window(span, head, tail, *args, pooling="max")


def test_selection_objectives():
    result = {"rel_strict": {"CAUSES": {"f1": 0.5}}}
    assert selection_score(result, {"real": 0.3, "authored": 0.9}, "all") == 0.5
    assert selection_score(result, {"real": 0.3, "authored": 0.9}, "real") == 0.3
    assert selection_score(result, {"real": 0.3, "authored": 0.9}, "balanced") == pytest.approx(0.6)
    assert selection_score(result, {}, "real") == 0.5  # a dev file with one part is scored whole


def test_part_scores_split_by_origin(toy_file):
    golds = read_records(toy_file)
    golds[0] = Record(golds[0].id, golds[0].text, golds[0].spans, golds[0].relations, {"origin": "real-pool"})
    empty = [Record(g.id, g.text, [], []) for g in golds]
    assert part_scores(golds, golds) == {"real": 1.0, "authored": 1.0}
    assert part_scores(empty, golds) == {"real": 0.0, "authored": 0.0}
    assert part_scores(golds, read_records(toy_file)) == {}


def test_coordinate_search_takes_gains_and_keeps_ties():
    def run(s):  # best at span 0.2 and pooling mean; relation makes no difference (a tie keeps 0.5)
        return (-(s["span"] - 0.2) ** 2 + (0.1 if s["pooling"] == "mean" else 0.0),)
    chosen, base, top = search(run, {"span": (0.1, 0.2, 0.3), "relation": (0.2, 0.3), "pooling": ("mean", "geo")})
    assert chosen == {**START, "span": 0.2, "pooling": "mean"}
    assert top > base


def test_dev_decoder_and_tune_command(trained_model, toy_file, capsys):
    from transformers import AutoTokenizer

    from zhcausal.cli import main
    from zhcausal.model import CausalModel

    model = CausalModel.from_pretrained(str(trained_model)).eval()
    dec = DevDecoder(model, AutoTokenizer.from_pretrained(str(trained_model)), read_records(toy_file))
    score, result, preds = dec.run(START)
    assert score == result["rel_strict"]["CAUSES"]["f1"] == 1.0  # the fixture model reproduces its records
    assert dec.scored_by("real").run(START)[0] == 1.0 and len(dec.cache) == 1  # logits and decodes are shared

    saved = json.loads((trained_model / "config.json").read_text())
    assert main(["tune", "--model", str(trained_model), "--dev", str(toy_file), "--dry-run"]) == 0
    assert "dev selection score" in capsys.readouterr().out
    assert json.loads((trained_model / "config.json").read_text()) == saved  # --dry-run writes nothing


def test_tune_refuses_a_directory_without_a_model(tmp_path, toy_file, capsys):
    from zhcausal.cli import main

    assert main(["tune", "--model", str(tmp_path), "--dev", str(toy_file)]) == 2
    assert "error" in capsys.readouterr().err


def test_clause_views_are_runs_of_consecutive_clauses():
    from zhcausal.model.inference import clause_views, local_views

    text = "供应偏紧，价格上涨，需求不足,成交低迷。"
    assert [text[a:b] for a, b in clause_views(text, 2)] == ["供应偏紧，价格上涨", "价格上涨，需求不足", "需求不足,成交低迷。"]
    assert clause_views(text, 4) == [] and clause_views(text, 0) == []  # no more clauses than a view holds
    assert clause_views("收入增长，", 1) == []  # a trailing comma makes no empty clause
    assert local_views(["甲，乙", text], 3) == [(1, 0, "供应偏紧，价格上涨，需求不足"), (1, 5, "价格上涨，需求不足,成交低迷。")]


def test_a_local_view_lifts_a_link_between_spans_the_whole_sentence_found():
    from zhcausal.model.decoding import RawSpan
    from zhcausal.model.inference import _add_local

    c, e, other = RawSpan("CAUSE", 0, 4), RawSpan("EFFECT", 5, 9), RawSpan("EFFECT", 5, 7)
    spans, rels = {c: 0.9, e: 0.9}, {("CAUSES", c, e): 0.2}
    _add_local(spans, rels, {c: 0.99, other: 0.99}, {("CAUSES", c, e): 0.95, ("CAUSES", c, other): 0.97})
    assert rels == {("CAUSES", c, e): 0.95}  # the view's own span boundaries do not come in
    assert spans == {c: 0.9, e: 0.9}


def test_prediction_with_local_views_stays_contract_valid(trained_model):
    from zhcausal import CausalExtractor
    from zhcausal.data.validate import check_record

    ext = CausalExtractor.from_pretrained(str(trained_model), precision="fp32")
    texts = ["钢材价格上涨导致宝钢股份营业收入增长12.3%，同时受疫情影响，海外消费者转向线上，进而使跨境电商销售额大幅增长。"]
    plain = ext.predict(texts)[0]
    ext.model.config.local_views = 2
    local = ext.predict(texts)[0]
    assert not check_record(local.to_dict())
    assert {(s.start, s.end) for s in local.spans} >= {(s.start, s.end) for r in [plain] for s in r.spans
                                                         if any(x.head == s.id or x.tail == s.id for x in r.relations)}
