"""The Ray Data recipe on a local one-CPU Ray cluster: one extractor per worker, records out."""
from __future__ import annotations

import pytest

ray = pytest.importorskip("ray")
pytest.importorskip("ray.data")

from tests.conftest import TOY, relation_set, span_set  # noqa: E402
from zhcausal import CausalExtractor, Record, read_records  # noqa: E402
from zhcausal.ray_recipe import CausalPredictor, extract  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


def test_predictor_is_a_plain_batch_function(trained_model):
    out = CausalPredictor(trained_model, device="cpu", precision="fp32")(
        {"id": ["a", "b"], "text": [TOY[0]["text"], TOY[2]["text"]], "meta": [{"k": 1}, {"k": 2}]})
    assert out["id"] == ["a", "b"] and out["meta"] == [{"k": 1}, {"k": 2}]
    assert [len(r) for r in out["relations"]] == [2, 0]


def test_map_batches_on_a_local_cluster_gives_the_extractor_records(cluster, trained_model, tmp_path):
    rows = [{"id": r["id"], "text": r["text"], "meta": {"source": "ray"}} for r in TOY] * 3
    rows = [{**r, "id": f"{r['id']}-{k}"} for k, r in enumerate(rows)]
    ds = ray.data.from_items(rows, override_num_blocks=3)
    out = extract(ds, trained_model, concurrency=1, num_cpus=1, rows_per_batch=4, device="cpu", precision="fp32")
    out.write_json(str(tmp_path / "out"))
    got = {r.id: r for f in sorted((tmp_path / "out").iterdir()) for r in read_records(f)}
    assert sorted(got) == sorted(r["id"] for r in rows)
    want = CausalExtractor.from_pretrained(trained_model, device="cpu", precision="fp32").predict_texts(
        [r["text"] for r in rows], [r["id"] for r in rows])
    for w in want:
        g: Record = got[w.id]
        assert g.text == w.text and g.meta == {"source": "ray"}
        assert span_set(g) == span_set(w) and relation_set(g) == relation_set(w)
    assert relation_set(got["toy-1-0"]) == {("CAUSES", "钢材价格上涨", "宝钢股份营业收入增长12.3%"),
                                            ("ACTOR_OF", "宝钢股份", "宝钢股份营业收入增长12.3%")}
