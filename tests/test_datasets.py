import json

from zhcausal.data.hf import load_dataset


def test_load_shipped_splits():
    dd = load_dataset()
    assert set(dd) == {"train", "dev", "test"}
    row = dd["train"][0]
    assert set(row) == {"id", "text", "spans", "relations", "meta"}
    assert isinstance(json.loads(row["meta"]), dict)


def test_load_one_file(toy_file):
    ds = load_dataset(toy_file)
    assert len(ds) == 4 and ds[1]["spans"][1]["label"] == "EFFECT"
