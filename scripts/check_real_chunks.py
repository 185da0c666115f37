"""Merge real-pool annotation chunks with the pool texts, compile them, and validate.

    python3 scripts/check_real_chunks.py N [--pool ../shared/real-pool/pool.jsonl]

Batch N (1-7) is every 7th pool row starting at row N-1. Annotators write chunk files
``annotations/authoring/real/ann-N-XX.txt``: blocks of ``# id:`` followed by span and
relation lines (a block with only ``# id:`` means "read, not causal"). This script takes each
record's text and meta from the pool, writes the full block file
``annotations/authoring/real/real-N.txt`` (which ``scripts/build_corpus.py`` compiles), and
prints every block error and contract violation with the record id, then a summary. Exit 1
when anything is wrong. Needs no torch.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from compile_blocks import BlockError, compile_block, read_blocks  # noqa: E402
from zhcausal.data.validate import validate_file  # noqa: E402

REAL = os.path.join(ROOT, "annotations", "authoring", "real")
N_BATCHES = 7
META_KEYS = ("source", "genre", "kind", "locator", "cue")


def load_pool(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def read_chunks(n: int, batch_set: set[str]) -> tuple[dict, int]:
    problems, ann = 0, {}
    for path in sorted(glob.glob(os.path.join(REAL, f"ann-{n}-*.txt"))):
        for block in read_blocks(path):
            lineno, first = block[0]
            where = f"{os.path.relpath(path, ROOT)}:{lineno}"
            if not first.startswith("# id:"):
                print(f"{where}: block does not start with '# id:'")
                problems += 1
                continue
            rid = first[5:].strip()
            if rid not in batch_set:
                print(f"{where}: id {rid!r} is not in batch {n}")
                problems += 1
                continue
            if rid in ann:
                print(f"{where}: id {rid!r} annotated twice (also {ann[rid][0]})")
                problems += 1
                continue
            rest = [(k, l) for k, l in block[1:] if not l.startswith(("text:", "# meta:"))]
            ann[rid] = (where, rest)
    return ann, problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("batch", type=int, choices=range(1, N_BATCHES + 1))
    ap.add_argument("--pool", default=os.path.join(ROOT, "..", "shared", "real-pool", "pool.jsonl"))
    args = ap.parse_args(argv)
    n = args.batch
    pool_rows = load_pool(args.pool)
    pool = {r["id"]: r for r in pool_rows}
    batch = [r["id"] for r in pool_rows[n - 1 :: N_BATCHES]]
    ann, problems = read_chunks(n, set(batch))
    recs, out_lines = [], []
    for rid in (r for r in batch if r in ann):
        m = pool[rid]["meta"]
        meta = {k: m.get(k) for k in META_KEYS if m.get(k) is not None}
        meta["origin"] = "real-pool"
        where, rest = ann[rid]
        block = [(0, f"# id: {rid}"), (0, "# meta: " + json.dumps(meta, ensure_ascii=False)),
                 (0, "text: " + pool[rid]["text"])] + rest
        try:
            recs.append(compile_block(block, where))
        except BlockError as exc:
            print(f"[{rid}] {exc}")
            problems += 1
            continue
        out_lines += [l for _, l in block] + [""]
    with open(os.path.join(REAL, f"real-{n}.txt"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(out_lines))
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
        for r in recs:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    viol = validate_file(fh.name)
    os.unlink(fh.name)
    ids = [r["id"] for r in recs]
    for v in viol:
        line = getattr(v, "line", None)
        print(f"[{ids[line - 1]}] {v.message}" if isinstance(line, int) and 0 < line <= len(ids) else str(v))
    causal = sum(1 for r in recs if r["relations"])
    print(f"batch {n}: {len(ann)}/{len(batch)} records annotated ({causal} causal); "
          f"{problems} block problem(s), {len(viol)} contract violation(s)")
    missing = [rid for rid in batch if rid not in ann]
    if missing:
        print(f"next unannotated id: {missing[0]}")
    return 1 if problems or viol else 0


if __name__ == "__main__":
    sys.exit(main())
