"""Weight averaging over the final epochs (checkpoint averaging, as in SWA).

Real-text dev scores swing by several points from one epoch to the next late in training; the
mean of the weights at the end of each of the last epochs is a smoother model. The trainer keeps
a running mean from the first epoch of the window on, scores it on dev like any epoch, and keeps
it only where it beats the best single epoch. The mean is saved in every checkpoint, so
``--resume`` continues it.
"""
from __future__ import annotations

import copy
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

FILE = "average.safetensors"


def window_start(epochs: int, share: float) -> int | None:
    """First epoch of the averaging window (the last ``share`` of ``epochs``), or None when it would
    hold fewer than two epochs."""
    n = round(epochs * share)
    return epochs - n + 1 if n >= 2 else None


def best_label(state: dict) -> str:
    """'epoch 12' or 'mean weights of epochs 13-16': what the saved model is."""
    if state.get("best_average"):
        first, last = state["best_average"]
        return f"mean weights of epochs {first}-{last}"
    return f"epoch {state['best_epoch']}"


class WeightAverage:
    """Running mean of a model's floating-point weights (kept in fp32 on the CPU)."""

    def __init__(self) -> None:
        self.mean: dict[str, torch.Tensor] = {}
        self.count = 0

    def update(self, model: torch.nn.Module) -> None:
        self.count += 1
        for name, value in model.state_dict().items():
            if not value.is_floating_point():
                continue
            value = value.detach().float().cpu()
            if name not in self.mean:
                self.mean[name] = value.clone()
            else:
                self.mean[name] += (value - self.mean[name]) / self.count

    def averaged(self, model: torch.nn.Module) -> torch.nn.Module:
        """A copy of ``model`` holding the mean weights (``model`` itself is left as it is)."""
        out = copy.deepcopy(model)
        state = out.state_dict()
        for name, value in self.mean.items():
            state[name].copy_(value.to(state[name].dtype))
        return out

    def save(self, directory: Path) -> None:
        if self.count:
            save_file({k: v.contiguous() for k, v in self.mean.items()}, str(Path(directory) / FILE),
                      metadata={"count": str(self.count)})

    @classmethod
    def load(cls, directory: Path) -> "WeightAverage":
        avg = cls()
        path = Path(directory) / FILE
        if path.is_file():
            from safetensors import safe_open

            with safe_open(str(path), "pt") as f:
                avg.count = int((f.metadata() or {}).get("count", 0))
            avg.mean = load_file(str(path)) if avg.count else {}
        return avg
