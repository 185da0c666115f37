"""The contract's span-edge rules ("Span boundaries"), shared by the validator and the decoder."""
from __future__ import annotations

import unicodedata

# Connectives that may never stand at the edge of a CAUSE/EFFECT span (contract, "Span boundaries" 2).
# Single characters with other common senses (在, 因, 而, 以, 受, 系, 还, 又) are not checked mechanically.
NO_START = ("导致", "使得", "促使", "造成", "由于", "因为", "因此", "所以", "从而", "进而", "随着",
            "得益于", "受益于", "加之", "一方面", "另一方面", "归因于", "主要系", "主要是由于",
            "主要原因", "是原因", "是结果", "（原因）", "（结果）", "→", "->", "通过", "以致", "致使")
NO_START_EFFECT = ("推动", "促进", "带动", "带来", "引起", "助力", "实现了")
NO_END = ("导致", "使得", "促使", "造成", "引起", "带来", "推动", "推动了", "促进", "促进了", "带动",
          "带动了", "助力", "从而", "进而", "是原因", "是结果", "（原因）", "（结果）", "→", "->",
          "所致", "的带动下", "为契机", "因此", "所以", "以致", "致使")
#: pronoun-like references and generic groups that are never ACTOR spans (contract, "Labels")
NOT_ACTORS = {"其", "公司", "本公司", "该公司", "我公司", "本行", "我行", "本集团", "集团", "平台", "商家",
              "企业", "品牌", "店铺", "客户", "用户", "经销商", "监管部门", "平台方", "品牌商家"}


def is_edge_bad(ch: str, at_end: bool) -> bool:
    """True if ``ch`` may not stand at a span's start (or end, with ``at_end``): white space and
    punctuation; a trailing % (or full-width ％) is part of a figure and allowed."""
    if ch.isspace():
        return True
    if at_end and ch in "%％":
        return False
    return unicodedata.category(ch).startswith("P")
