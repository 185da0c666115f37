"""Where the annotated CAUSES links a model misses go: boundaries, missing spans or missing links.

    python scripts/recall_breakdown.py --model models/zhcausal-m3e-small [--split annotations/dev.jsonl]

Each gold CAUSES link of the split's real and authored parts falls in the first class it fits:
found exactly; both spans predicted exactly but not linked to each other; both sides overlapped by
predicted spans of the right label (a boundary disagreement; linked together or not); one side
not overlapped by any predicted span of its label, in a record where other links were found or in
one left empty. Predicted spans are those the model outputs (every one takes part in a link).

A second table asks whether decoding could recover the links missed: for each gold link not found
exactly, the lower of the probabilities the span head gives its gold CAUSE and its gold EFFECT
(any window, before thresholds and overlap rules), and whether the cue-word rules baseline finds
it (partial match) where the model has no overlapping link.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

#: buckets of the gold spans' lower span-head probability, for the links missed
PROPOSALS = ((0.3, "both gold spans at >= 0.3"), (0.1, "0.1 to 0.3"), (0.02, "0.02 to 0.1"),
             (0.0, "a gold span under 0.02"))
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


def _links(rec) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    by_id = rec.span_by_id()
    return [((by_id[r.head].start, by_id[r.head].end), (by_id[r.tail].start, by_id[r.tail].end))
            for r in rec.relations if r.label == "CAUSES"]


def _overlaps(a, b) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def span_probabilities(extractor, texts: list[str], floor: float = 0.02) -> list[dict]:
    """Per text, ``{(label, start, end): best span-head probability}`` of every span above ``floor``
    in any window of its sentences (offsets into the text)."""
    from zhcausal.model.decoding import decode_window
    from zhcausal.model.inference import sentence_plan, window_logits

    model, plan = extractor.model, sentence_plan(texts)
    pieces = [texts[t][a:b] for t, _, a, b in plan]
    out: list[dict] = [{} for _ in texts]
    for pi, w, span_l, head_l, tail_l in window_logits(model, extractor.tokenizer, pieces, 64):
        t, _, a, _ = plan[pi]
        spans, _ = decode_window(span_l, head_l, tail_l, w.char_starts, w.char_ends, model.config.span_labels,
                                 model.config.relation_labels, floor, 2.0, pieces[pi])
        for s, v in spans.items():
            key = (s.label, s.start + a, s.end + a)
            out[t][key] = max(v, out[t].get(key, 0.0))
    return out


def proposals(preds, golds, probs, rule_preds) -> Counter:
    """Every gold CAUSES link the model does not find exactly, bucketed by its gold spans' lower
    probability (:data:`PROPOSALS`), and counted again where the rules find it and the model is silent."""
    out = Counter()
    for p, g, pr, rp in zip(preds, golds, probs, rule_preds):
        found, ruled = _links(p), _links(rp)
        for h, t in _links(g):
            if (h, t) in found:
                continue
            low = min(pr.get(("CAUSE", *h), 0.0), pr.get(("EFFECT", *t), 0.0))
            out[next(name for floor, name in PROPOSALS if low >= floor)] += 1
            silent = not any(_overlaps(h, a) and _overlaps(t, b) for a, b in found)
            if silent and any(_overlaps(h, a) and _overlaps(t, b) for a, b in ruled):
                out["rules find it, model silent"] += 1
                if low >= 0.1:
                    out["of those, gold spans at >= 0.1"] += 1
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
    extractor = CausalExtractor.from_pretrained(args.model, precision="fp32")
    preds = extractor.predict_records(golds)
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

    from baselines import rules

    probs = span_probabilities(extractor, [g.text for g in golds])
    rule_preds = rules.predict(golds)
    cols = [name for _, name in PROPOSALS] + ["rules find it, model silent", "of those, gold spans at >= 0.1"]
    print("\nLinks missed (not found exactly), by the lower span-head probability of their two gold spans:\n")
    print("| part | missed | " + " | ".join(cols) + " |")
    print("|---|---|" + "---|" * len(cols))
    for part, keep in (("real", is_real), ("authored", lambda g: not is_real(g))):
        idx = [i for i, g in enumerate(golds) if keep(g)]
        c = proposals([preds[i] for i in idx], [golds[i] for i in idx], [probs[i] for i in idx],
                      [rule_preds[i] for i in idx])
        n = sum(c[name] for _, name in PROPOSALS)
        print(f"| {part} | {n} | " + " | ".join(f"{c[k]} ({c[k] / max(1, n):.0%})" for k in cols) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
