"""Compile human-friendly annotation blocks into contract JSONL (offsets computed by code).

Block format (records separated by blank lines; lines starting with '//' are comments)::

    # id: auth-steel-0001
    # meta: {"source": "authored", "industry": "steel", "register": "annual_report", "phenomena": ["frame"]}
    text: 得益于钢材价格上涨，宝钢股份营业收入同比增长12.3%。
    CAUSE c1: 钢材价格上涨
    EFFECT e1: 宝钢股份营业收入同比增长12.3%
    ACTOR a1: 宝钢股份
    CAUSES c1 e1
    ACTOR_OF a1 e1

A span line is ``LABEL key: span text`` with an optional `` @N`` suffix choosing the
N-th occurrence (1-based) of the span text in the statement; without it the first
occurrence is taken. An ACTOR without ``@N`` is placed inside the first CAUSE/EFFECT
span it is linked to, when it occurs there. Span ids are renumbered T1, T2, ... in
order of appearance in the block.

Usage: python scripts/compile_blocks.py BLOCKS.txt [...] -o OUT.jsonl
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from zhcausal.errors import ZhcausalError  # noqa: E402  (torch-free)

SPAN_RE = re.compile(r"^(CAUSE|EFFECT|ACTOR)\s+(\S+)\s*:\s?(.*?)(?:\s+@(\d+))?\s*$")
REL_RE = re.compile(r"^(CAUSES|ACTOR_OF)\s+(\S+)\s+(\S+)\s*$")


class BlockError(ZhcausalError, ValueError):
    pass


def _occurrences(text: str, sub: str) -> list[int]:
    out, i = [], text.find(sub)
    while i != -1:
        out.append(i)
        i = text.find(sub, i + 1)
    return out


def compile_block(lines: list[tuple[int, str]], path: str) -> dict:
    rec_id, meta, text = None, {}, None
    spans: list[dict] = []
    keys: dict[str, dict] = {}
    rels: list[tuple[int, str, str, str]] = []
    for lineno, line in lines:
        where = f"{path}:{lineno}"
        if line.startswith("# id:"):
            rec_id = line[5:].strip()
        elif line.startswith("# meta:"):
            try:
                meta = json.loads(line[7:].strip())
            except json.JSONDecodeError as exc:
                raise BlockError(f"{where}: meta is not valid JSON ({exc.msg})") from None
        elif line.startswith("text:"):
            text = line[5:].strip()
        elif m := SPAN_RE.match(line):
            label, key, stext, occ = m.group(1), m.group(2), m.group(3), m.group(4)
            if key in keys:
                raise BlockError(f"{where}: span key {key!r} used twice")
            span = {"label": label, "key": key, "text": stext, "occ": int(occ) if occ else None, "line": lineno}
            keys[key] = span
            spans.append(span)
        elif m := REL_RE.match(line):
            rels.append((lineno, m.group(1), m.group(2), m.group(3)))
        else:
            raise BlockError(f"{where}: cannot parse line {line!r}")
    first = lines[0][0]
    if rec_id is None or text is None:
        raise BlockError(f"{path}:{first}: block without '# id:' or 'text:'")
    for lineno, _, h, t in rels:
        for k in (h, t):
            if k not in keys:
                raise BlockError(f"{path}:{lineno}: relation names unknown span key {k!r}")
    # place spans
    for span in spans:
        occ = _occurrences(text, span["text"]) if span["text"] else []
        if not occ:
            raise BlockError(f"{path}:{span['line']}: span text {span['text']!r} not found in text")
        if span["occ"] is not None:
            if span["occ"] > len(occ):
                raise BlockError(f"{path}:{span['line']}: only {len(occ)} occurrence(s) of {span['text']!r}")
            span["start"] = occ[span["occ"] - 1]
    for span in spans:
        if "start" in span:
            continue
        occ = _occurrences(text, span["text"])
        start = occ[0]
        if span["label"] == "ACTOR" and len(occ) > 1:
            tails = [keys[t] for _, lab, h, t in rels if lab == "ACTOR_OF" and h == span["key"]]
            for tail in tails:
                if tail.get("start") is None:
                    toc = _occurrences(text, tail["text"])
                    tail_start = toc[0]
                else:
                    tail_start = tail["start"]
                tail_end = tail_start + len(tail["text"])
                inside = [o for o in occ if o >= tail_start and o + len(span["text"]) <= tail_end]
                if inside:
                    start = inside[0]
                    break
        span["start"] = start
    out_spans, idmap = [], {}
    for i, span in enumerate(spans, 1):
        sid = f"T{i}"
        idmap[span["key"]] = sid
        out_spans.append({"id": sid, "label": span["label"], "start": span["start"],
                          "end": span["start"] + len(span["text"]), "text": span["text"]})
    out_rels = [{"label": lab, "head": idmap[h], "tail": idmap[t]} for _, lab, h, t in rels]
    return {"id": rec_id, "text": text, "spans": out_spans, "relations": out_rels, "meta": meta}


def read_blocks(path: str):
    block: list[tuple[int, str]] = []
    with open(path, encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.rstrip("\n").rstrip("\r")
            if line.startswith("//"):
                continue
            if not line.strip():
                if block:
                    yield block
                    block = []
                continue
            block.append((lineno, line))
    if block:
        yield block


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args(argv)
    records, errors = [], 0
    for path in args.inputs:
        for block in read_blocks(path):
            try:
                records.append(compile_block(block, path))
            except BlockError as exc:
                print(exc, file=sys.stderr)
                errors += 1
    with open(args.output, "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(f"{len(records)} records written to {args.output}; {errors} block error(s)", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
