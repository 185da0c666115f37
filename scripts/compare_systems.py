"""The joint model against the two baselines, by the same metric code on the same split.

    python scripts/compare_systems.py --model models/zhcausal-m3e-small [--split annotations/test.jsonl]

Trains the BIO-tagger baseline on annotations/train.jsonl first if --bio-model does not exist yet
(same encoder, same epochs budget). Prints a Markdown table for the whole split, its seed part
and its hard part (phenomena beyond plain cue words), and writes JSON with --json.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from baselines import bio_tagger, rules  # noqa: E402

from zhcausal import CausalExtractor  # noqa: E402
from zhcausal.data.io import read_records  # noqa: E402
from zhcausal.data.stats import record_filter  # noqa: E402
from zhcausal.training.metrics import evaluate_records  # noqa: E402
from zhcausal.model.encoders import resolve_base_model  # noqa: E402

#: default slices: the authored part (its seeds and hard part) and the real part (by genre and source)
BASE_SLICES = ("all", "origin!=real-pool", "source=seed", "hard", "origin=real-pool")


def slices_for(golds, extra: list[str]) -> dict:
    specs = list(BASE_SLICES) + list(extra)
    real = [g for g in golds if g.meta.get("origin") == "real-pool"]
    for key in ("genre", "source"):
        specs += [f"{key}={v}" for v in sorted({str(g.meta.get(key)) for g in real})]
    return {spec: record_filter(spec) for spec in dict.fromkeys(specs)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True, help="joint model directory (zhcausal train)")
    ap.add_argument("--bio-model", default="runs/bio-tagger", help="BIO baseline directory (trained if missing)")
    ap.add_argument("--base-model", default="m3e-small")
    ap.add_argument("--bio-epochs", type=int, default=10)
    ap.add_argument("--split", default=str(ROOT / "annotations" / "test.jsonl"))
    ap.add_argument("--train", default=str(ROOT / "annotations" / "train.jsonl"))
    ap.add_argument("--json")
    ap.add_argument("--slice", action="append", default=[], help="more slices (KEY=VALUE, KEY!=VALUE, hard)")
    ap.add_argument("--systems", default="rules,bio,joint", help="comma-separated: rules, bio, joint")
    args = ap.parse_args()

    golds = read_records(args.split)
    wanted = set(args.systems.split(","))
    systems = {}
    if "rules" in wanted:
        systems["cue-word rules"] = rules.predict(golds)
    if "bio" in wanted:
        if not (Path(args.bio_model) / "config.json").is_file():
            secs = bio_tagger.train(read_records(args.train), resolve_base_model(args.base_model), args.bio_model,
                                    epochs=args.bio_epochs)
            print(f"trained BIO baseline in {secs / 60:.1f} min -> {args.bio_model}", file=sys.stderr)
        systems["BIO tagger + nearest pairing"] = bio_tagger.predict(golds, args.bio_model)
    if "joint" in wanted:
        systems["zhcausal joint model"] = CausalExtractor.from_pretrained(args.model, precision="fp32").predict_records(golds)
    SLICES = slices_for(golds, args.slice)
    results = {}
    print(f"split: {args.split} ({len(golds)} records)\n")
    print("| system | slice | records | CAUSES strict F1 (P, R) | CAUSES partial F1 | ACTOR_OF strict F1 | span strict micro F1 | false alarms |")
    print("|---|---|---|---|---|---|---|---|")
    for name, preds in systems.items():
        for sl, keep in SLICES.items():
            idx = [i for i, g in enumerate(golds) if keep(g)]
            if not idx:
                continue
            res = evaluate_records([preds[i] for i in idx], [golds[i] for i in idx])
            results.setdefault(name, {})[sl] = res
            fa = f"{res['false_alarms']}/{res['non_causal']} ({res['false_alarm_rate']:.1%})" if res["non_causal"] else "–"
            c = res["rel_strict"]["CAUSES"]
            print(f"| {name} | {sl} | {len(idx)} | {c['f1']:.3f} (P {c['precision']:.2f} R {c['recall']:.2f}) | "
                  f"{res['rel_partial']['CAUSES']['f1']:.3f} | "
                  f"{res['rel_strict']['ACTOR_OF']['f1']:.3f} | {res['span_strict']['micro']['f1']:.3f} | {fa} |")
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
