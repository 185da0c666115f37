"""The annotation contract as typed records (see ``annotations/README.md``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SPAN_LABELS: tuple[str, ...] = ("CAUSE", "EFFECT", "ACTOR")
RELATION_LABELS: tuple[str, ...] = ("CAUSES", "ACTOR_OF")
#: allowed (head label, tail label) pairs per relation label
RELATION_TYPES: dict[str, set[tuple[str, str]]] = {
    "CAUSES": {("CAUSE", "EFFECT")},
    "ACTOR_OF": {("ACTOR", "CAUSE"), ("ACTOR", "EFFECT")},
}


@dataclass
class Span:
    id: str
    label: str
    start: int
    end: int
    text: str
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "label": self.label, "start": self.start,
                             "end": self.end, "text": self.text}
        if self.score is not None:
            d["score"] = round(float(self.score), 4)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Span":
        return cls(id=d["id"], label=d["label"], start=d["start"], end=d["end"],
                   text=d["text"], score=d.get("score"))

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.label, self.start, self.end)


@dataclass
class Relation:
    label: str
    head: str
    tail: str
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"label": self.label, "head": self.head, "tail": self.tail}
        if self.score is not None:
            d["score"] = round(float(self.score), 4)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Relation":
        return cls(label=d["label"], head=d["head"], tail=d["tail"], score=d.get("score"))


@dataclass
class Record:
    id: str
    text: str
    spans: list[Span] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. doc / sentence fields of predictions

    @property
    def is_causal(self) -> bool:
        return any(r.label == "CAUSES" for r in self.relations)

    def span_by_id(self) -> dict[str, Span]:
        return {s.id: s for s in self.spans}

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "text": self.text,
                             "spans": [s.to_dict() for s in self.spans],
                             "relations": [r.to_dict() for r in self.relations]}
        if self.meta:
            d["meta"] = self.meta
        d.update(self.extra)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Record":
        known = {"id", "text", "spans", "relations", "meta"}
        return cls(id=d["id"], text=d["text"],
                   spans=[Span.from_dict(s) for s in d.get("spans", [])],
                   relations=[Relation.from_dict(r) for r in d.get("relations", [])],
                   meta=dict(d.get("meta") or {}),
                   extra={k: v for k, v in d.items() if k not in known})
