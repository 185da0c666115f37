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
