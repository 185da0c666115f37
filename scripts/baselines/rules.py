"""Baseline 1: a cue-word rule extractor, as a practitioner would write it in a day.

Finds a causal connective, takes the clause text before it as CAUSE and after it as EFFECT,
handles the common frames (由于/随着/受…影响/得益于…，…; …，主要系…所致; （原因）/（结果）;
…是原因，…是结果; 通过…，实现了…) and tags company / industry / government names as actors.
"""
from __future__ import annotations

import re

from zhcausal.data.schema import Record, Relation, Span

PUNCT = "，。；：、！？,;:!?“”‘’\"'（）()《》【】 \t"
INFIX = ["导致", "使得", "促使", "促进了", "促进", "推动了", "推动", "带动了", "带动", "造成", "引起", "带来了", "带来",
         "助力", "从而使", "从而", "进而使", "进而", "因此", "所以", "→"]
FRAMES = [
    re.compile(r"(?:由于|因为)(?P<c>[^，。；]+)，(?:导致|使得|因此|所以)?(?P<e>[^。；]+)"),
    re.compile(r"受(?P<c>[^，。；]+?)(?:的)?影响，(?P<e>[^。；]+)"),
    re.compile(r"随着(?P<c>[^，。；]+)，(?P<e>[^。；]+)"),
    re.compile(r"(?:得益于|受益于)(?P<c>[^，。；]+)，(?P<e>[^。；]+)"),
    re.compile(r"(?P<e>[^，。；]+)，主要(?:系|是由于|原因是|因为)(?P<c>[^。；]+?)(?:所致)?(?:[。；]|$)"),
    re.compile(r"(?P<c>[^（]+)（原因）(?P<e>[^（]+)（结果）"),
    re.compile(r"(?P<c>[^，。；]+)是原因，(?P<e>[^。；]+)是结果"),
    re.compile(r"通过(?P<c>[^，。；]+)，实现了(?P<e>[^。；]+)"),
]
ACTOR = re.compile(r"[\u4e00-\u9fa5A-Za-z0-9]{2,16}?(?:股份有限公司|有限公司|集团|银行|证券|保险)|"
                   r"[\u4e00-\u9fa5]{2,8}行业|国务院|海关|央行|中国人民银行|国家发改委|财政部|消费者")


def _clean(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a] in PUNCT:
        a += 1
    while b > a and text[b - 1] in PUNCT:
        b -= 1
    return a, b


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    a = max(text.rfind(ch, 0, pos) for ch in "。；！？") + 1
    ends = [i for i in (text.find(ch, pos) for ch in "。；！？") if i != -1]
    return a, (min(ends) if ends else len(text))


def extract(text: str, rid: str) -> Record:
    pairs: list[tuple[tuple[int, int], tuple[int, int]]] = []
    for pat in FRAMES:
        for m in pat.finditer(text):
            pairs.append((_clean(text, *m.span("c")), _clean(text, *m.span("e"))))
    if not pairs:
        for cue in INFIX:
            pos = text.find(cue)
            if pos <= 0:
                continue
            a, b = _sentence_bounds(text, pos)
            cause = _clean(text, a, pos)
            effect = _clean(text, pos + len(cue), b)
            if cause[1] > cause[0] and effect[1] > effect[0]:
                pairs.append((cause, effect))
                break
    spans: list[Span] = []
    rels: list[Relation] = []
    seen: dict[tuple[str, int, int], str] = {}

    def add(label, a, b):
        key = (label, a, b)
        if key not in seen:
            seen[key] = f"T{len(spans) + 1}"
            spans.append(Span(seen[key], label, a, b, text[a:b]))
        return seen[key]

    for (ca, cb), (ea, eb) in pairs:
        if cb <= ca or eb <= ea or (ca < eb and ea < cb):
            continue
        c, e = add("CAUSE", ca, cb), add("EFFECT", ea, eb)
        rels.append(Relation("CAUSES", c, e))
        for m in ACTOR.finditer(text):
            for sid, (sa, sb) in ((c, (ca, cb)), (e, (ea, eb))):
                if sa <= m.start() and m.end() <= sb:
                    rels.append(Relation("ACTOR_OF", add("ACTOR", m.start(), m.end()), sid))
    return Record(rid, text, spans, rels)


def predict(records) -> list[Record]:
    return [extract(r.text, r.id) for r in records]
