"""Real-text training views: every span still points at its own text, and joins state no new link."""
from __future__ import annotations

from zhcausal.data.schema import Record
from zhcausal.training.augment import half_width, join, open_ended, real_text_views

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
    recs = _records() + [Record("back", "因此，公司利润下降。")]
    views = real_text_views(recs * 10, share=1.0, seed=3)
    assert views and all(_offsets_hold(v) for v in views)
    assert [v.text for v in views] == [v.text for v in real_text_views(recs * 10, share=1.0, seed=3)]
    assert not any("，因此，公司利润下降" in v.text or "。因此，公司利润下降" in v.text for v in views)
    assert real_text_views(recs, share=0.0, seed=3) == []
