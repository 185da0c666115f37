"""Corpus statistics for ``zhcausal stats``."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from .schema import Record

LENGTH_BINS = ((0, 20), (20, 60), (60, 150), (150, 300), (300, 10**9))


#: phenomena beyond plain cue words (issue "hard part" of the test split)
HARD_PHENOMENA = {"frame", "effect_first", "listed_causes", "modal", "multi_link", "long_prose"}


def is_hard(rec: Record) -> bool:
    return bool(HARD_PHENOMENA & set(rec.meta.get("phenomena") or []))


def is_chain(rec: Record) -> bool:
    """A span that is both an EFFECT and a CAUSE with identical offsets (a chain's middle link)."""
    eff = {(s.start, s.end) for s in rec.spans if s.label == "EFFECT"}
    return any(s.label == "CAUSE" and (s.start, s.end) in eff for s in rec.spans)


def nested_actors(rec: Record) -> int:
    ce = [s for s in rec.spans if s.label in ("CAUSE", "EFFECT")]
    return sum(1 for a in rec.spans if a.label == "ACTOR" and any(c.start <= a.start and a.end <= c.end for c in ce))


def compute_stats(records: Sequence[Record]) -> dict:
    causal = sum(r.is_causal for r in records)
    spans = Counter(s.label for r in records for s in r.spans)
    rels = Counter(x.label for r in records for x in r.relations)
    lengths = sorted(len(r.text) for r in records)
    bins = Counter()
    for n in lengths:
        for lo, hi in LENGTH_BINS:
            if lo <= n < hi:
                bins[f"{lo}-{hi - 1}" if hi < 10**9 else f"{lo}+"] += 1
    meta = {key: Counter() for key in ("origin", "source", "genre", "industry", "register")}
    phen = Counter()
    for r in records:
        for key in meta:
            if key in r.meta:
                meta[key][str(r.meta[key])] += 1
        phen.update(r.meta.get("phenomena") or [])

    return {
        "records": len(records), "causal": causal, "non_causal": len(records) - causal,
        "spans": dict(spans), "relations": dict(rels),
        "chains": sum(is_chain(r) for r in records),
        "nested_actors": sum(nested_actors(r) for r in records),
        "hard_causal": sum(1 for r in records if r.is_causal and is_hard(r)),
        "length": {"min": lengths[0] if lengths else 0, "median": lengths[len(lengths) // 2] if lengths else 0,
                   "mean": round(sum(lengths) / len(lengths), 1) if lengths else 0, "max": lengths[-1] if lengths else 0,
                   "bins": dict(bins)},
        **{key: dict(c.most_common()) for key, c in meta.items()},
        "phenomena": dict(phen.most_common()),
    }


def format_stats(st: dict) -> str:
    pct = lambda n: f"{n / st['records']:.1%}" if st["records"] else "-"  # noqa: E731
    lines = [f"records        {st['records']}",
             f"causal         {st['causal']} ({pct(st['causal'])})",
             f"non-causal     {st['non_causal']} ({pct(st['non_causal'])})",
             f"hard causal    {st['hard_causal']} ({st['hard_causal'] / max(1, st['causal']):.1%} of causal)",
             "spans          " + ", ".join(f"{k} {v}" for k, v in sorted(st["spans"].items())),
             "relations      " + ", ".join(f"{k} {v}" for k, v in sorted(st["relations"].items())),
             f"chains         {st['chains']}",
             f"nested actors  {st['nested_actors']}",
             "length (chars) " + ", ".join(f"{k} {v}" for k, v in st["length"].items() if k != "bins"),
             "length bins    " + ", ".join(f"{k}: {v}" for k, v in st["length"]["bins"].items())]
    for key in ("origin", "source", "genre", "register", "industry", "phenomena"):
        if st.get(key):
            lines.append(f"{key:<14} " + ", ".join(f"{k} {v}" for k, v in st[key].items()))
    return "\n".join(lines)


def record_filter(spec: str):
    """A predicate on records from a slice spec: ``all``, ``hard``, ``KEY=VALUE`` or ``KEY!=VALUE`` on
    meta (a list-valued meta field matches when it contains VALUE: ``phenomena=frame``)."""
    if spec == "all":
        return lambda r: True
    if spec == "hard":
        return is_hard
    key, sep, value = spec.partition("=")
    negate = key.endswith("!")
    key = key.rstrip("!")
    if not sep or not key:
        from ..errors import UserError

        raise UserError(f"slice {spec!r}: expected all, hard, KEY=VALUE or KEY!=VALUE (e.g. source=seed, "
                        f"genre=news, origin!=real-pool)")

    def keep(r: Record) -> bool:
        v = r.meta.get(key)
        hit = value in v if isinstance(v, list) else str(v) == value
        return hit != negate

    return keep
