from zhcausal.data.schema import Record, Relation, Span
from zhcausal.model.inference import Sentence, merge_sentences, sentence_in_document

DOC = "需求回暖。原材料价格上涨导致毛利率下降。"


def _sentences():
    a = Record("0", "需求回暖。", [], [])
    b = Record("1", "原材料价格上涨导致毛利率下降。",
               [Span("T1", "CAUSE", 0, 7, "原材料价格上涨", 0.9), Span("T2", "EFFECT", 9, 14, "毛利率下降", 0.8)],
               [Relation("CAUSES", "T1", "T2", 0.7)])
    return [Sentence(0, 0, 5, a), Sentence(1, 5, 20, b)]


def test_merge_moves_offsets_and_renumbers_ids_without_mutating():
    sents = _sentences()
    sents.append(Sentence(2, 5, 20, sents[1].prediction))  # ids T1/T2 again: must be renumbered
    rec = merge_sentences("r", DOC, sents)
    assert [(s.id, s.start, s.end, s.text) for s in rec.spans] == [
        ("T1", 5, 12, "原材料价格上涨"), ("T2", 14, 19, "毛利率下降"), ("T3", 5, 12, "原材料价格上涨"), ("T4", 14, 19, "毛利率下降")]
    assert [(r.head, r.tail) for r in rec.relations] == [("T1", "T2"), ("T3", "T4")]
    assert sents[1].prediction.spans[0].start == 0 and sents[1].prediction.spans[0].id == "T1"  # input untouched


def test_sentence_in_document_points_into_the_document():
    rec = sentence_in_document("d", DOC, _sentences()[1])
    assert rec.id == "d#1" and rec.text == DOC[5:20]
    assert [(s.start, s.end) for s in rec.spans] == [(5, 12), (14, 19)]
    assert all(DOC[s.start:s.end] == s.text for s in rec.spans)
    assert rec.extra == {"doc": "d", "sentence": 1, "sentence_start": 5, "sentence_end": 20}
