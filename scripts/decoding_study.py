"""How the decoding setting and the dev objective that tunes it move the test scores of one model.

    python scripts/decoding_study.py --model models/zhcausal-m3e-small

Each row tunes on dev only (coordinate search, as `zhcausal train` and `zhcausal tune` do), with
one objective (CAUSES strict F1 of the whole dev file, of its real part, or the mean of both parts)
and one grid (the thresholds of the models trained before; with relation pooling; and today's
:data:`zhcausal.training.tuning.GRID`, local clause views too),
then scores the chosen setting on the test split once. The test split chooses nothing.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: the grid of the models trained before relation pooling was tuned
OLD_GRID = {"span": (0.2, 0.3, 0.4, 0.6), "relation": (0.2, 0.3, 0.4, 0.6), "pair": (0.3, 0.2, 0.1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--dev", default=str(ROOT / "annotations" / "dev.jsonl"))
    ap.add_argument("--test", default=str(ROOT / "annotations" / "test.jsonl"))
    ap.add_argument("--objectives", default="all,real,balanced")
    args = ap.parse_args()

    import torch
    from transformers import AutoTokenizer
    from transformers.utils import logging as hf_logging

    from zhcausal.data.io import read_records
    from zhcausal.model import CausalModel
    from zhcausal.training.tuning import GRID, DevDecoder, describe, is_real, search

    NO_VIEWS = {k: v for k, v in GRID.items() if k != "local"}
    from zhcausal.training.metrics import evaluate_records

    hf_logging.disable_progress_bar()
    torch.set_grad_enabled(False)
    model = CausalModel.from_pretrained(args.model).eval()
    tok = AutoTokenizer.from_pretrained(args.model)
    dev_records, test_records = read_records(args.dev), read_records(args.test)
    first = DevDecoder(model, tok, dev_records)
    decoders = {obj: first.scored_by(obj) for obj in args.objectives.split(",")}
    test = DevDecoder(model, tok, test_records)

    def parts(preds, golds) -> dict:
        out = {}
        for name, keep in (("all", lambda g: True), ("real", is_real), ("authored", lambda g: not is_real(g))):
            idx = [i for i, g in enumerate(golds) if keep(g)]
            out[name] = evaluate_records([preds[i] for i in idx], [golds[i] for i in idx])
        return out

    saved = {"span": model.config.span_threshold, "relation": model.config.relation_threshold,
             "pair": getattr(model.config, "pair_threshold", 1.0), "pooling": getattr(model.config, "relation_pooling", "min"),
             "local": getattr(model.config, "local_views", 0)}
    rows = [("as saved", "-", saved)]
    for obj, dec in decoders.items():
        for grid_name, grid in (("thresholds only", OLD_GRID), ("pooling", NO_VIEWS), ("pooling, local views", GRID)):
            rows.append((obj, grid_name, search(dec.run, grid)[0]))
    print(f"model: {args.model}; dev {args.dev} ({len(dev_records)}), test {args.test} ({len(test_records)})\n")
    print("| objective | grid | chosen on dev | dev all / real / authored (false alarms) | test all | test real (P, R) | test authored | real false alarms |")
    print("|---|---|---|---|---|---|---|---|")
    for obj, grid_name, chosen in rows:
        d = parts(first.run(chosen)[2], dev_records)
        t = parts(test.run(chosen)[2], test_records)
        c = {k: v["rel_strict"]["CAUSES"] for k, v in t.items()}
        fa = t["real"]
        print(f"| {obj} | {grid_name} | {describe(chosen)} | "
              + " / ".join(f"{d[k]['rel_strict']['CAUSES']['f1']:.3f}" for k in ("all", "real", "authored"))
              + f" ({d['all']['false_alarm_rate']:.1%}) | {c['all']['f1']:.3f} | {c['real']['f1']:.3f} (P {c['real']['precision']:.2f} R {c['real']['recall']:.2f})"
              f" | {c['authored']['f1']:.3f} | {fa['false_alarms']}/{fa['non_causal']} ({fa['false_alarm_rate']:.1%}) |",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
