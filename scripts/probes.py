"""The real-text probes of issue 11: what a trained model finds in them (CAUSE → EFFECT, score).

    python scripts/probes.py --model models/zhcausal-m3e-small [--precision fp32] [TEXT ...]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PROBES = [
    "供应偏紧导致鲜果、猪肉价格环比分别上涨5.1%、3.6%，而鲜菜、鸡蛋供应增加导致价格分别下降9.7%、2.6%",
    "近期钢铁、焦炭价格普遍持续下跌，焦炭的限产力度重新加大，炼焦煤市场需求不足，市场成交低迷，煤价有所下滑",
]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--precision", default="fp32")
    ap.add_argument("texts", nargs="*", default=PROBES)
    args = ap.parse_args()
    from zhcausal import CausalExtractor

    ext = CausalExtractor.from_pretrained(args.model, precision=args.precision)
    for rec in ext.predict(list(args.texts)):
        print(rec.text)
        spans = rec.span_by_id()
        links = [r for r in rec.relations if r.label == "CAUSES"]
        for r in links:
            print(f"  {spans[r.head].text} → {spans[r.tail].text}  ({r.score:.2f})")
        if not links:
            print("  (no link)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
