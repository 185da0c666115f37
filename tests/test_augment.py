"""Real-text training views: every span still points at its own text, and joins state no new link."""
from __future__ import annotations

from zhcausal.data.schema import Record
from zhcausal.training.augment import half_width, join, open_ended, real_text_view, short_partners

from .conftest import TOY


def _records() -> list[Record]:
    return [Record.from_dict(r) for r in TOY]


def _offsets_hold(rec: Record) -> bool:
    return all(rec.text[s.start:s.end] == s.text for s in rec.spans)


def test_single_views_keep_offsets_and_drop_only_the_end_mark():
    rec = _records()[1]
    hw, op = half_width(rec), open_ended(rec)
    assert hw.text == "受疫情影响,海外消费者转向线上,进而使跨境电商销售额大幅增长。" and _offsets_hold(hw)
    assert op.text == rec.text[:-1] and _offsets_hold(op)
    assert len(op.relations) == len(rec.relations) == 4


def test_run_on_join_shifts_spans_and_keeps_links_apart():
    a, b = _records()[0], _records()[3]
    view = join([a, b], run_on=True)
    assert view.text == a.text[:-1] + "，" + b.text
    assert _offsets_hold(view) and len(view.spans) == len(a.spans) + len(b.spans)
    spans = view.span_by_id()
    pairs = {(spans[r.head].text, spans[r.tail].text) for r in view.relations if r.label == "CAUSES"}
    assert pairs == {("钢材价格上涨", "宝钢股份营业收入增长12.3%"), ("原材料成本下降和产品结构优化", "毛利率提升3.2个百分点")}


def test_views_are_seeded_and_never_join_a_back_reference():
    import random

    recs = _records() + [Record("back", "因此，公司利润下降。")]

    def draw(seed: int) -> list[Record]:
        rng = random.Random(seed)
        return [real_text_view(r, short_partners(recs), rng) for r in recs * 10]

    views = draw(3)
    assert all(_offsets_hold(v) for v in views)
    assert any("#runon" in v.id or "#passage" in v.id for v in views) and any(v.id.endswith("#open") for v in views)
    assert [v.text for v in views] == [v.text for v in draw(3)]
    assert not any("，因此，公司利润下降" in v.text or "。因此，公司利润下降" in v.text for v in views)


def test_each_epoch_shows_every_record_once_as_itself_or_a_view(tiny_encoder):
    from transformers import AutoTokenizer

    from zhcausal.model import CausalModel
    from zhcausal.training.data import EpochExamples

    recs = _records()
    tok = AutoTokenizer.from_pretrained(tiny_encoder)
    config = CausalModel.from_encoder(str(tiny_encoder)).config
    plain = EpochExamples(recs, tok, config, seed=1)
    assert [e.input_ids for e in plain.epoch(1)] == [e.input_ids for x in plain.original for e in x]
    assert plain.expected_size() == len(plain.epoch(1))
    mixed = EpochExamples(recs * 5, tok, config, sentence_share=0.5, real_text_share=0.5, seed=1)
    one, two = mixed.epoch(1), mixed.epoch(2)
    assert {e.record_index for e in one} == set(range(len(recs) * 5))
    assert [e.input_ids for e in one] == [e.input_ids for e in mixed.epoch(1)]   # seeded per epoch
    assert [e.input_ids for e in one] != [e.input_ids for e in two]              # fresh views each epoch
    assert [e.input_ids for e in one] != [e.input_ids for x in mixed.original for e in x]
