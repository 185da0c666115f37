"""The shipped corpus: reproducible from its sources, and meeting the shares it was built for."""
import subprocess
import sys

from zhcausal.cli import main
from zhcausal.data.io import read_records
from zhcausal.data.stats import compute_stats

from .conftest import ROOT

SPLITS = [ROOT / "annotations" / f"{s}.jsonl" for s in ("train", "dev", "test")]


def test_splits_rebuild_identically_from_authoring_blocks():
    res = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_corpus.py"), "--check"],
                         capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0, res.stderr


def test_corpus_shares():
    records = [r for p in SPLITS for r in read_records(p)]
    st = compute_stats(records)
    assert st["records"] >= 1590
    assert st["non_causal"] / st["records"] >= 0.2
    authored = compute_stats([r for r in records if r.meta.get("origin") != "real-pool"])
    assert authored["hard_causal"] / authored["causal"] >= 1 / 3
    test = read_records(SPLITS[2])
    real = [r for r in records if r.meta.get("origin") == "real-pool"]
    assert len(real) >= 2000
    assert sum(r.meta.get("origin") == "real-pool" for r in test) >= 300
    assert {r.meta.get("genre") for r in test if r.meta.get("origin") == "real-pool"} \
        >= {r.meta.get("genre") for r in real}, "a genre of the real part is missing from the test split"
    assert sum(r.meta.get("source") == "seed" for r in test) >= 20
    ids = [r.id for r in records]
    assert len(ids) == len(set(ids)), "a record is in two splits"


def test_stats_cli(capsys):
    assert main(["stats", str(ROOT / "annotations" / "seed.jsonl")]) == 0
    out = capsys.readouterr().out
    assert "records        90" in out and "chains" in out


def test_pinned_batches_stay_in_their_split():
    """A targeted batch (``meta.split``, e.g. the juxtaposition batch) sits in the split it names and
    nowhere else, and none of it has the same text as a dev or test record."""
    by_split = {p.stem: read_records(p) for p in SPLITS}
    for name, records in by_split.items():
        assert all(r.meta.get("split", name) == name for r in records), f"a pinned record is outside its split in {name}"
    pinned = [r for r in by_split["train"] if r.meta.get("split") == "train"]
    assert len(pinned) >= 200 and all("juxtaposition" in r.meta["phenomena"] for r in pinned if r.relations)
    held_out = {r.text for name in ("dev", "test") for r in by_split[name]}
    assert not held_out & {r.text for r in pinned}
