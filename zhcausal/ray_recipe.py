"""Prediction on a Ray cluster with Ray Data (optional extra ``zhcausal[ray]``): one extractor per
worker, loaded once, fed batches of rows.

Example::

    import ray
    from zhcausal.ray_recipe import extract

    ds = ray.data.read_json("s3://bucket/statements/")         # rows with id and text
    extract(ds, "/models/zhcausal-m3e-small", concurrency=8, num_cpus=2).write_json("s3://bucket/causal/")

Each output row is a contract record of its input row (``id``, ``text``, ``spans``, ``relations``;
offsets into ``text``, as ``zhcausal predict`` gives for a JSONL line), so ``write_json`` writes
JSONL. Other input columns (``meta``, say) pass through; input ``spans`` / ``relations`` are replaced.
This module does not import ray: the class works with any engine that maps batches of columns.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

PREDICTED = ("id", "text", "spans", "relations")


class CausalPredictor:
    """A callable class for ``ray.data.Dataset.map_batches``: ``{"id": [...], "text": [...], ...}``
    in, the same columns plus ``spans`` and ``relations`` out (a column of record lists each).

    Args:
        model: a model directory written by ``zhcausal train``, readable on every worker.
        device / precision / backend: as for :meth:`zhcausal.CausalExtractor.from_pretrained`.
        batch_size: windows per forward pass (Ray's own ``batch_size`` is rows per call).
        threshold: overrides the model's span and relation thresholds.
    """

    def __init__(self, model: str | os.PathLike, device: str = "auto", precision: str = "auto",
                 backend: str = "auto", batch_size: int = 32, threshold: float | None = None):
        from .predict import CausalExtractor

        self.extractor = CausalExtractor.from_pretrained(model, device=device, precision=precision, backend=backend)
        self.batch_size, self.threshold = batch_size, threshold

    def __call__(self, batch: Mapping[str, Any]) -> dict[str, list]:
        ids, texts = [str(x) for x in batch["id"]], [str(x) for x in batch["text"]]
        records = [r.to_dict() for r in self.extractor.predict_texts(texts, ids, self.batch_size, self.threshold)]
        out: dict[str, list] = {k: list(v) for k, v in batch.items() if k not in PREDICTED}
        out.update({k: [r[k] for r in records] for k in PREDICTED})
        return out


def extract(dataset, model: str | os.PathLike, concurrency: int = 1, num_cpus: float = 1, num_gpus: float = 0,
            rows_per_batch: int = 256, **predictor_options):
    """``dataset.map_batches`` with :class:`CausalPredictor` on ``concurrency`` workers holding
    ``num_cpus`` CPUs (and ``num_gpus`` GPUs) each; ``predictor_options`` go to the predictor."""
    return dataset.map_batches(CausalPredictor, fn_constructor_kwargs={"model": str(model), **predictor_options},
                               batch_size=rows_per_batch, batch_format="numpy", concurrency=concurrency,
                               num_cpus=num_cpus, num_gpus=num_gpus)
