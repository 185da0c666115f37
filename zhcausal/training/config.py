"""Training settings: the one place the defaults of ``zhcausal train`` are written."""
from __future__ import annotations

from dataclasses import dataclass

from ..model.encoders import DEFAULT_ENCODER


#: what checkpoint and decoding selection can maximise on dev (CAUSES strict F1): ``all`` the whole
#: dev file (each link counts once, wherever it comes from), ``real`` its real part
#: (``meta.origin = real-pool``), ``balanced`` the mean of its real and authored parts
OBJECTIVES = ("all", "real", "balanced")


@dataclass
class TrainConfig:
    train_file: str
    output_dir: str
    dev_file: str | None = None
    base_model: str = DEFAULT_ENCODER
    epochs: int = 16  # an epoch is one pass over the records (views take their place, not extra room)
    batch_size: int = 16
    learning_rate: float = 3e-4
    head_learning_rate: float = 2e-3
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    seed: int = 42
    patience: int = 4          # never stops inside the averaging window
    average_last: float = 0.25  # share of the final epochs whose mean weights compete on dev (0: off)
    max_seq_length: int = 512
    precision: str = "auto"   # auto | bf16 | fp32 (mixed precision for training)
    resume: bool = False
    eval_batch_size: int = 64
    max_minutes: float | None = None
    no_tune_thresholds: bool = False
    selection: str = "all"   # what checkpoint and decoding selection maximise on dev (OBJECTIVES)
    sentence_views: bool = True
    real_text_views: float = 0.3   # share of records shown each epoch as a real-text view in their place (0: none)
    eval_from_epoch: int | None = None  # default: a third of the way in (early epochs are never the best)
