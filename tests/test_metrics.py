from zhcausal.data.schema import Record, Relation, Span
from zhcausal.training.metrics import evaluate_records, format_report

TEXT = "甲乙丙丁戊己庚辛"


def rec(rid, spans, rels):
    return Record(rid, TEXT, [Span(f"T{i}", l, a, b, TEXT[a:b]) for i, (l, a, b) in enumerate(spans, 1)],
                  [Relation(l, f"T{h}", f"T{t}") for l, h, t in rels])


GOLD = rec("g", [("CAUSE", 0, 3), ("EFFECT", 4, 8)], [("CAUSES", 1, 2)])


def test_strict_and_partial():
    pred = rec("g", [("CAUSE", 0, 2), ("EFFECT", 4, 8)], [("CAUSES", 1, 2)])
    r = evaluate_records([pred], [GOLD])
    assert r["span_strict"]["CAUSE"]["f1"] == 0 and r["span_partial"]["CAUSE"]["f1"] == 1
    assert r["rel_strict"]["CAUSES"]["f1"] == 0 and r["rel_partial"]["CAUSES"]["f1"] == 1
    assert r["span_strict"]["EFFECT"]["f1"] == 1


def test_partial_is_one_to_one():
    pred = rec("g", [("CAUSE", 0, 1), ("CAUSE", 1, 2), ("CAUSE", 2, 3), ("EFFECT", 4, 8)],
               [("CAUSES", 1, 4), ("CAUSES", 2, 4), ("CAUSES", 3, 4)])
    r = evaluate_records([pred], [GOLD])
    assert r["span_partial"]["CAUSE"]["tp"] == 1 and r["span_partial"]["CAUSE"]["precision"] == 1 / 3
    assert r["rel_partial"]["CAUSES"]["tp"] == 1


def test_false_alarms():
    neg = rec("n", [], [])
    wrong = rec("n", [("CAUSE", 0, 1), ("EFFECT", 2, 3)], [("CAUSES", 1, 2)])
    r = evaluate_records([wrong, GOLD], [neg, GOLD])
    assert r["non_causal"] == 1 and r["false_alarms"] == 1 and r["false_alarm_rate"] == 1.0
    assert "CAUSES" in format_report(r).splitlines()[2]


def test_slice_specs_match_meta_values_lists_and_negation():
    import pytest

    from zhcausal.data.schema import Record
    from zhcausal.data.stats import record_filter
    from zhcausal.errors import UserError

    real = Record("r", "x", meta={"origin": "real-pool", "genre": "news"})
    auth = Record("a", "x", meta={"source": "authored", "phenomena": ["frame", "modal"]})
    assert [record_filter("origin=real-pool")(r) for r in (real, auth)] == [True, False]
    assert [record_filter("origin!=real-pool")(r) for r in (real, auth)] == [False, True]
    assert [record_filter("phenomena=frame")(r) for r in (real, auth)] == [False, True]
    assert record_filter("hard")(auth) and not record_filter("hard")(real)
    with pytest.raises(UserError, match="KEY=VALUE"):
        record_filter("genre")
