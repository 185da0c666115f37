"""Build the shipped corpus from the authoring blocks: seed.jsonl and the fixed train/dev/test splits.

    python scripts/build_corpus.py            # rebuild annotations/{seed,train,dev,test}.jsonl
    python scripts/build_corpus.py --check    # rebuild in memory and fail if the files differ

Steps: compile every ``annotations/authoring/*.txt`` block file and the real-pool files
``annotations/authoring/real/real-*.txt`` (offsets computed by code), check seed texts against
``../shared/seeds/statements.txt`` when it is there, validate everything against the contract,
measure near-duplicates (character-bigram Jaccard; pairs above --max-sim are reported and the
later record dropped), then split seeded and stratified. The authored part: by (source, industry,
causal) about 80/10/10, a quarter of the seeds in test. The real part (``meta.origin ==
"real-pool"``), split on its own so the authored splits stay as they were: by a hash of the
record id, about 75/10/15 (see ``split_real``). A record with ``meta.split`` goes to that split
(``pinned``: targeted batches such as ``authoring/jux-*.txt``, all in train).
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from compile_blocks import BlockError, compile_block, read_blocks  # noqa: E402

from zhcausal.data.validate import check_record  # noqa: E402

ANN = ROOT / "annotations"


def near_duplicates(texts: list[str], top: int = 10):
    """(similarity, i, j) for the closest pairs, by Jaccard similarity of character-bigram sets."""
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer

    x = CountVectorizer(analyzer="char", ngram_range=(2, 2), binary=True, lowercase=False).fit_transform(texts)
    inter = (x @ x.T).toarray().astype(np.float32)
    sizes = np.asarray(x.sum(1)).ravel().astype(np.float32)
    sim = inter / np.maximum(1, sizes[:, None] + sizes[None, :] - inter)
    np.fill_diagonal(sim, 0)
    iu = np.triu_indices(len(texts), 1)
    order = np.argsort(-sim[iu])[: max(top, 1) * 50]
    return [(float(sim[iu][k]), int(iu[0][k]), int(iu[1][k])) for k in order], sim


def split(records: list[dict], seed: int) -> dict[str, list[dict]]:
    rng = random.Random(seed)
    strata = defaultdict(list)
    for r in records:
        causal = bool(r["relations"])
        strata[(r["meta"].get("source"), r["meta"].get("industry"), causal)].append(r)
    out = {"train": [], "dev": [], "test": []}
    carry = {"dev": 0.0, "test": 0.0}
    for key in sorted(strata, key=str):
        group = strata[key]
        rng.shuffle(group)
        if key[0] == "seed":
            shares = {"test": 0.25, "dev": 0.1}
        else:
            shares = {"test": 0.1, "dev": 0.1}
        n_take = {}
        for name, share in shares.items():  # carry fractions across strata so totals stay on target
            want = len(group) * share + carry[name]
            n_take[name] = int(want)
            carry[name] = want - int(want)
        k = 0
        for name in ("test", "dev"):
            out[name] += group[k:k + n_take[name]]
            k += n_take[name]
        out["train"] += group[k:]
    for name in out:
        out[name].sort(key=lambda r: r["id"])
    return out


def split_real(records: list[dict]) -> dict[str, list[dict]]:
    """The real part: each record's split follows from its id alone (a hash), about 75/10/15 within
    every source and genre. Adding records or changing an annotation never moves a record between
    splits, so a test record can never have been trained on by an earlier model."""
    import zlib

    out = {"train": [], "dev": [], "test": []}
    for r in records:
        u = zlib.crc32(f"zhcausal-real:{r['id']}".encode("utf-8")) / 2**32
        out["test" if u < 0.15 else "dev" if u < 0.25 else "train"].append(r)
    return out


def pinned(record: dict) -> bool:
    """A record whose ``meta.split`` names its split (a targeted batch, e.g. the juxtaposition
    batch in ``authoring/jux-*.txt``, all in train): it stays out of the stratified and hashed
    splits, so adding it moves no other record, and loses every near-duplicate pair it is in."""
    return record["meta"].get("split") in ("train", "dev", "test")


def build(max_sim: float, seed: int) -> tuple[dict[str, list[dict]], list[str]]:
    log, records, errors = [], [], 0
    files = sorted((ANN / "authoring").glob("*.txt")) + sorted((ANN / "authoring" / "real").glob("real-*.txt"))
    for path in files:
        for block in read_blocks(str(path)):
            try:
                records.append(compile_block(block, str(path.relative_to(ROOT))))
            except BlockError as exc:
                print(exc, file=sys.stderr)
                errors += 1
    for r in records:
        for rule, msg, span in check_record(r):
            print(f"{r['id']}: {rule}: {msg}: {span!r}", file=sys.stderr)
            errors += 1
    statements = ROOT.parent / "shared" / "seeds" / "statements.txt"
    seeds = [r for r in records if r["meta"].get("source") == "seed"]
    if statements.is_file():
        lines = statements.read_text(encoding="utf-8").split("\n")
        for r in seeds:
            n = int(r["id"].split("-")[1])
            if lines[n - 1] != r["text"]:
                print(f"{r['id']}: text differs from line {n} of {statements}", file=sys.stderr)
                errors += 1
    ids = [r["id"] for r in records]
    if len(set(ids)) != len(ids):
        print("duplicate record ids across authoring files", file=sys.stderr)
        errors += 1
    if errors:
        raise SystemExit(f"{errors} problem(s); nothing written")
    pairs, _ = near_duplicates([r["text"] for r in records])
    drop = set()
    for s, i, j in pairs:
        if s < max_sim:
            break
        keep, lose = (i, j) if records[j]["meta"].get("source") != "seed" else (j, i)
        if pinned(records[keep]) and not pinned(records[lose]):  # a targeted batch never displaces a record
            keep, lose = lose, keep
        if keep not in drop:
            drop.add(lose)
    log.append(f"{len(records)} records compiled; {len(drop)} near-duplicate(s) above {max_sim} dropped")
    log.append("closest pairs (char-bigram Jaccard):")
    for s, i, j in pairs[:10]:
        log.append(f"  {s:.3f}  {records[i]['id']} | {records[j]['id']}")
    kept = [r for k, r in enumerate(records) if k not in drop]
    is_real = lambda r: r["meta"].get("origin") == "real-pool"  # noqa: E731
    splits = split([r for r in kept if not is_real(r) and not pinned(r)], seed)
    real_splits = split_real([r for r in kept if is_real(r) and not pinned(r)])
    for name in splits:
        fixed = [r for r in kept if r["meta"].get("split") == name]
        splits[name] = sorted(splits[name] + real_splits[name] + fixed, key=lambda r: r["id"])
    splits["seed"] = sorted(seeds, key=lambda r: r["id"])
    for name in ("train", "dev", "test"):
        n_seed = sum(r["meta"].get("source") == "seed" for r in splits[name])
        n_real = sum(is_real(r) for r in splits[name])
        n_real_causal = sum(is_real(r) and bool(r["relations"]) for r in splits[name])
        log.append(f"{name}: {len(splits[name])} records ({n_seed} seed, {n_real} real-pool of which "
                   f"{n_real_causal} causal)")
    return splits, log


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--max-sim", type=float, default=0.7)
    ap.add_argument("--check", action="store_true", help="fail if the shipped files differ from a rebuild")
    args = ap.parse_args()
    splits, log = build(args.max_sim, args.seed)
    print("\n".join(log))
    status = 0
    for name, recs in splits.items():
        data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs)
        path = ANN / f"{name}.jsonl"
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != data:
                print(f"{path} differs from a rebuild", file=sys.stderr)
                status = 1
        else:
            path.write_text(data, encoding="utf-8")
    return status


if __name__ == "__main__":
    sys.exit(main())
