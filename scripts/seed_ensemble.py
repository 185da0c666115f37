"""Would several trained seeds do better together? Averages their logits (an ensemble, one
forward pass per model) or their weights (a soup, one model), tunes the decoding on dev as
``zhcausal train`` does, and prints the dev CAUSES strict F1 of the real and authored parts.

    python scripts/seed_ensemble.py runs/seeds-v4/seed-42 runs/seeds-v4/seed-7 runs/seeds-v4/seed-123 [--soup]

Dev only: nothing here looks at the test split.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch
from torch import nn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zhcausal import CausalExtractor  # noqa: E402
from zhcausal.data.io import read_records  # noqa: E402
from zhcausal.model.modeling import CausalOutput  # noqa: E402
from zhcausal.training.tuning import DevDecoder, describe, part_scores, search  # noqa: E402


class LogitEnsemble(nn.Module):
    """Several models read the same windows; their span, head and tail logits are averaged."""

    def __init__(self, models):
        super().__init__()
        self.members = nn.ModuleList(models)
        self.config = models[0].config

    def forward(self, **inputs) -> CausalOutput:
        outs = [m(**inputs) for m in self.members]
        mean = lambda name: sum(getattr(o, name) for o in outs) / len(outs)  # noqa: E731
        return CausalOutput(span_logits=mean("span_logits"), head_logits=mean("head_logits"),
                            tail_logits=mean("tail_logits"))


def soup(models):
    """The first model, its weights replaced by the mean weights of all."""
    states = [m.state_dict() for m in models]
    mean = {k: (sum(s[k].float() for s in states) / len(states)).to(v.dtype) if v.is_floating_point() else v
            for k, v in states[0].items()}
    models[0].load_state_dict(mean)
    return models[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("models", nargs="+")
    ap.add_argument("--dev", default=str(ROOT / "annotations" / "dev.jsonl"))
    ap.add_argument("--soup", action="store_true", help="average the weights instead of the logits")
    args = ap.parse_args()
    extractors = [CausalExtractor.from_pretrained(m, precision="fp32") for m in args.models]
    dev = read_records(args.dev)
    members = [e.model for e in extractors]
    rows = [(Path(m).name, lambda e=e: e.model) for m, e in zip(args.models, extractors)]
    rows.append(("soup" if args.soup else "ensemble", lambda: soup(members) if args.soup else LogitEnsemble(members)))
    print("| model | decoding tuned on dev | dev real | dev authored |\n|---|---|---|---|")
    for name, build in rows:  # the soup overwrites the first model's weights: built last
        model = build()
        model.eval()
        with torch.inference_mode():
            decoder = DevDecoder(model, extractors[0].tokenizer, dev)
            chosen, _, _ = search(decoder.run)
            _, _, preds = decoder.run(chosen)
        parts = part_scores(preds, dev)
        print(f"| {name} | {describe(chosen)} | {parts['real']:.3f} | {parts['authored']:.3f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
