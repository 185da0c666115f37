"""Where the annotated CAUSES links a model misses go: boundaries, missing spans or missing links.

    python scripts/recall_breakdown.py --model models/zhcausal-m3e-small [--split annotations/dev.jsonl]

Each gold CAUSES link of the split's real and authored parts falls in the first class it fits:
found exactly; both spans predicted exactly but not linked to each other; both sides overlapped by
predicted spans of the right label (a boundary disagreement; linked together or not); one side
not overlapped by any predicted span of its label, in a record where other links were found or in
one left empty. Predicted spans are those the model outputs (every one takes part in a link).
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CLASSES = ("found exactly", "spans exact, not linked", "boundary disagreement, linked",
           "boundary disagreement, not linked", "a side missed, other links found", "record left empty")


def classify(pred, gold) -> Counter:
    by_id_g, by_id_p = gold.span_by_id(), pred.span_by_id()
    spans = {(s.label, s.start, s.end) for s in pred.spans}
    links = set()
    for r in pred.relations:
        if r.label == "CAUSES":
            h, t = by_id_p[r.head], by_id_p[r.tail]
            links.add(((h.start, h.end), (t.start, t.end)))
    out = Counter()
    for r in gold.relations:
        if r.label != "CAUSES":
            continue
        h, t = by_id_g[r.head], by_id_g[r.tail]
        if ((h.start, h.end), (t.start, t.end)) in links:
            out[CLASSES[0]] += 1
        elif ("CAUSE", h.start, h.end) in spans and ("EFFECT", t.start, t.end) in spans:
            out[CLASSES[1]] += 1
        else:
            def near(g, label):
                return [(s.start, s.end) for s in pred.spans if s.label == label and s.start < g.end and g.start < s.end]
            hs, ts = near(h, "CAUSE"), near(t, "EFFECT")
            if hs and ts:
                linked = any((a, b) in links for a in hs for b in ts)
                out[CLASSES[2] if linked else CLASSES[3]] += 1
            else:
                out[CLASSES[4] if pred.relations else CLASSES[5]] += 1
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--split", default=str(ROOT / "annotations" / "dev.jsonl"))
    args = ap.parse_args()
    from zhcausal import CausalExtractor
    from zhcausal.data.io import read_records
    from zhcausal.training.tuning import is_real

    golds = read_records(args.split)
    preds = CausalExtractor.from_pretrained(args.model, precision="fp32").predict_records(golds)
    print(f"model {args.model}, split {args.split}\n")
    print("| part | gold CAUSES links | " + " | ".join(CLASSES) + " |")
    print("|---|---|" + "---|" * len(CLASSES))
    for part, keep in (("real", is_real), ("authored", lambda g: not is_real(g))):
        c = Counter()
        for p, g in zip(preds, golds):
            if keep(g):
                c += classify(p, g)
        n = sum(c.values())
        print(f"| {part} | {n} | " + " | ".join(f"{c[k]} ({c[k] / max(1, n):.0%})" for k in CLASSES) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
