"""Split a document into sentences with exact character ranges."""
from __future__ import annotations

import re

TERMINATORS = set("。！？!?；;\n")
CLOSERS = set("”’」』）)】》\"'")
# a semicolon followed by the next item of an enumeration (二是, 其二, （2）, 2、) does not end the sentence,
# so listed causes (主要原因：一是…；二是…) stay with their effect
ENUM_NEXT = re.compile(r"\s*(?:[二三四五六七八九十]是|其[二三四五六七八九十]|[（(]?[2-9][)）、.]|[（(][二三四五六七八九十][)）]|第[二三四五六七八九十])")
# a sentence that opens with a causal frame about the one before (。主要系…所致, 。这主要得益于…, 。受此影响，…)
# stays joined to it: the contract lets exactly such a link cross the sentence boundary
BACK_FRAME = re.compile(r"\s*(?:这|此|该|上述|以上)?(?:一|些)?(?:变化|情况|增长|下降|波动|差异)?(?:主要|均|也|亦|则|都)?"
                        r"(?:(?:系|是|为)?(?:由于|因为|得益于|受益于|源于|归因于|所致|原因|导致|使得|造成|带动)|系)"
                        r"|\s*(?:主要系|主要是|究其原因|其原因|受此影响|受其影响|得益于此|因此|所以|因而|由此|从而|故)")
MAX_CHARS = 400


def split_sentences(text: str, max_chars: int = MAX_CHARS) -> list[tuple[int, int]]:
    """Return ``(start, end)`` ranges of the sentences of ``text``.

    Sentences end at 。！？!?；; and line breaks (closing quotes and brackets stay with the
    sentence they close). A semicolon before the next item of an enumeration does not end
    one, nor does an end mark before a sentence that opens with a causal frame about it
    (``BACK_FRAME``: 。主要系…所致, 。这主要得益于…, 。受此影响…, 。因此…). A run longer than ``max_chars`` without such punctuation is cut at the last comma
    before the limit, or at the limit. Ranges never include leading or trailing white space.
    """
    out: list[tuple[int, int]] = []
    start, i, n = 0, 0, len(text)
    while i < n:
        ch = text[i]
        if ch in TERMINATORS:
            j = i + 1
            while j < n and text[j] in CLOSERS:
                j += 1
            if (ch in "；;" and ENUM_NEXT.match(text, j)) or (ch != "\n" and BACK_FRAME.match(text, j)):
                i = j
                continue
            _emit(text, start, j, out, max_chars)
            start = i = j
        else:
            i += 1
    _emit(text, start, n, out, max_chars)
    return out


def _emit(text: str, a: int, b: int, out: list[tuple[int, int]], max_chars: int) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    while b - a > max_chars:
        cut = max(text.rfind("，", a, a + max_chars), text.rfind(",", a, a + max_chars))
        cut = cut + 1 if cut > a + max_chars // 4 else a + max_chars
        _emit(text, a, cut, out, max_chars)
        a = cut
        while a < b and text[a].isspace():
            a += 1
    if b > a:
        out.append((a, b))
