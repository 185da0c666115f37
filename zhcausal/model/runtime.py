"""Runtime policy: which device and precision a model runs in, and what a model directory must hold.

Shared by prediction (:class:`zhcausal.CausalExtractor`) and training (mixed precision).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import torch

from ..errors import ModelLoadError, UserError

PRECISIONS = ("fp32", "bf16", "int8")
INCOMPLETE = ".incomplete"   # marker file inside a model directory that is being written


def resolve_device(device: str) -> torch.device:
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise UserError(f"device {device!r} asked for, but no CUDA GPU is available; use --device cpu")
    return torch.device(device)


def cpu_has_fast_bf16() -> bool:
    """True where bf16 matrix products are fast on this CPU (AMX or AVX512-BF16); False on AVX2-only
    CPUs, where bf16 runs several times slower than fp32."""
    isa = os.environ.get("ONEDNN_MAX_CPU_ISA", "").upper()  # oneDNN runs the bf16 products: a cap on it counts
    if isa and isa not in ("ALL", "DEFAULT") and "AMX" not in isa and "BF16" not in isa:
        return False
    cap = torch.backends.cpu.get_cpu_capability() if hasattr(torch.backends, "cpu") else ""
    if "AMX" in cap:
        return True
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return " amx_bf16" in flags or " avx512_bf16" in flags


def default_precision(device: torch.device) -> str:
    """The fastest precision that keeps accuracy here (measured by scripts/bench_predict.py)."""
    if device.type == "cuda":
        return "bf16" if torch.cuda.is_bf16_supported() else "fp32"
    return "bf16" if cpu_has_fast_bf16() else "fp32"


def place_model(model: torch.nn.Module, device: torch.device, precision: str) -> torch.nn.Module:
    """``model`` in eval mode on ``device`` in ``precision`` (int8: dynamic quantisation, CPU only)."""
    if precision not in PRECISIONS:
        raise UserError(f"unknown precision {precision!r}; choose fp32, bf16, int8 or auto")
    model = model.eval()
    if precision == "int8":
        if device.type != "cpu":
            raise UserError("int8 dynamic quantisation runs on the CPU only; use --precision bf16 on a GPU")
        model = torch.ao.quantization.quantize_dynamic(model.float(), {torch.nn.Linear}, dtype=torch.qint8)
    elif precision == "bf16":
        model = model.to(torch.bfloat16)
    else:
        model = model.float()
    return model.to(device)


def check_model_dir(path: str | os.PathLike, model_type: str = "zhcausal") -> None:
    """Raise a one-line ``ModelLoadError`` unless ``path`` is a complete zhcausal model directory."""
    p = Path(path)
    if not p.exists():
        raise ModelLoadError(f"model directory {str(p)!r} does not exist; train one with `zhcausal train` "
                             f"or give the right --model path")
    cfg = p / "config.json"
    if not p.is_dir() or not cfg.is_file():
        raise ModelLoadError(f"{str(p)!r} is not a model directory (no config.json); give the directory "
                             f"written by `zhcausal train`")
    try:
        found = json.loads(cfg.read_text(encoding="utf-8")).get("model_type")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ModelLoadError(f"{cfg}: config.json is not valid JSON") from None
    if found != model_type:
        raise ModelLoadError(f"{str(p)!r} holds a {found!r} model from another tool, not a zhcausal model; "
                             f"train one with `zhcausal train`")
    if (p / INCOMPLETE).exists():
        raise ModelLoadError(f"{str(p)!r} is half-written (a training run was killed while saving it); "
                             f"finish it with `zhcausal train ... --resume` or train again")
    if not any((p / f).is_file() for f in ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin")):
        raise ModelLoadError(f"{str(p)!r} has no model weights (model.safetensors)")
