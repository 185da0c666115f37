"""ONNX Runtime backend (optional extra ``zhcausal[onnx]``): the whole trained model, encoder and
heads, exported to ONNX and run with onnxruntime on the CPU.

The exports lie beside the safetensors weights: ``model.onnx`` (fp32) and ``model.int8.onnx``
(the encoder's weight matrix products dynamically quantised to int8; attention, the heads and
everything else in fp32). Each records a fingerprint of the weights it came from, so a retrained
directory never runs a stale export. :class:`OnnxCausalModel` stands in for a ``CausalModel``
in :func:`zhcausal.model.inference.predict_pieces`.
"""
from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import logging
import os
import sys
import tempfile
import warnings
from pathlib import Path

import torch
from torch import nn

from ..errors import ModelLoadError, UserError
from .config import CausalConfig
from .modeling import CausalOutput

ONNX_FILES = {"fp32": "model.onnx", "int8": "model.int8.onnx"}
FINGERPRINT = "zhcausal_weights_sha256"
INSTALL = "pip install 'zhcausal[onnx]'"


def onnxruntime_available() -> bool:
    return importlib.util.find_spec("onnxruntime") is not None


ACCURACY_FILE = "onnx_accuracy.json"
#: int8 is taken by precision="auto" only where it stays this close to fp32 (dev CAUSES strict F1)
INT8_TOLERANCE = 0.01


def write_accuracy(directory: str | os.PathLike, dev_file: str, fp32_f1: float, int8_f1: float) -> dict:
    """Record the dev scores of both exports beside them (``onnx_accuracy.json``), for ``auto``."""
    import json

    info = {"dev_file": str(dev_file), "fp32_causes_strict_f1": round(fp32_f1, 4),
            "int8_causes_strict_f1": round(int8_f1, 4), "tolerance": INT8_TOLERANCE,
            "int8_keeps_accuracy": fp32_f1 - int8_f1 <= INT8_TOLERANCE, "weights": weights_fingerprint(directory)}
    (Path(directory) / ACCURACY_FILE).write_text(json.dumps(info, indent=2), encoding="utf-8")
    return info


def auto_onnx_precision(directory: str | os.PathLike) -> str:
    """``precision="auto"`` on the onnx backend: int8 where its export is there and was measured on dev
    within :data:`INT8_TOLERANCE` of fp32 for these very weights, fp32 otherwise."""
    import json

    directory = Path(directory)
    try:
        info = json.loads((directory / ACCURACY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "fp32"
    ok = info.get("int8_keeps_accuracy") and info.get("weights") == weights_fingerprint(directory)
    return "int8" if ok and (directory / ONNX_FILES["int8"]).is_file() else "fp32"


def onnx_precision(precision: str) -> str:
    """The export a precision runs: ``auto`` and ``fp32`` → fp32, ``int8`` → int8; bf16 has none."""
    if precision in ("auto", "fp32"):
        return "fp32"
    if precision == "int8":
        return "int8"
    raise UserError(f"the onnx backend runs fp32 or int8, not {precision!r}; use --backend torch for bf16")


def weights_fingerprint(directory: str | os.PathLike) -> str:
    """SHA-256 of the directory's weight files, every shard ("" where it has none)."""
    files = sorted(Path(directory).glob("*.safetensors")) or sorted(Path(directory).glob("pytorch_model*.bin"))
    if not files:
        return ""
    digest = hashlib.sha256()
    for path in files:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 22), b""):
                digest.update(block)
    return digest.hexdigest()


class _Logits(nn.Module):
    """The model as ONNX sees it: ids and mask in, the three logit tensors out."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor):
        out = self.model(input_ids=input_ids, attention_mask=attention_mask)
        return out.span_logits, out.head_logits, out.tail_logits


def _save_atomic(proto, path: Path, fingerprint: str) -> Path:
    """Write an ONNX model to ``path`` via a temporary file beside it, so a reader never sees half a file."""
    import onnx

    del proto.metadata_props[:]
    proto.metadata_props.add(key=FINGERPRINT, value=fingerprint)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        onnx.save(proto, tmp)
        os.replace(tmp, path)
    except OSError as exc:
        raise ModelLoadError(f"cannot write {path} ({exc.strerror}); export where the model directory is "
                             f"writable: zhcausal export-onnx --model DIR") from None
    finally:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
    return path


def _require_exporter() -> None:
    missing = [m for m in ("onnx", "onnxscript", "onnxruntime") if importlib.util.find_spec(m) is None]
    if missing:
        raise UserError(f"exporting to ONNX needs {', '.join(missing)}: {INSTALL}")


def export_onnx(model: nn.Module, directory: str | os.PathLike, int8: bool = False) -> list[Path]:
    """Export ``model`` (a ``CausalModel``; moved to the CPU in fp32, eval mode) to ``DIR/model.onnx``
    with dynamic batch and sequence axes, and with ``int8`` also ``DIR/model.int8.onnx``. ``directory``
    is the model's own directory: the exports record the fingerprint of its weights file."""
    _require_exporter()
    directory = Path(directory)
    model = model.float().eval().cpu()
    fingerprint = weights_fingerprint(directory)
    ids = torch.arange(2, 34).reshape(2, 16) % model.config.encoder_config.get("vocab_size", 100)
    mask = torch.ones_like(ids)
    mask[1, 10:] = 0
    dims = {0: torch.export.Dim("batch"), 1: torch.export.Dim("seq", max=model.config.max_seq_length)}
    quiet = logging.getLogger("torch.onnx")  # notices about torchvision ops and the like
    level = quiet.level
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), torch.no_grad():
        warnings.simplefilter("ignore")
        quiet.setLevel(logging.ERROR)
        try:
            program = torch.onnx.export(_Logits(model), (ids, mask), input_names=["input_ids", "attention_mask"],
                                        output_names=["span_logits", "head_logits", "tail_logits"], dynamo=True,
                                        dynamic_shapes={"input_ids": dims, "attention_mask": dims},
                                        external_data=False, verbose=False)
        except Exception as exc:  # the exporter's own error classes, one per unsupported construct
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
            raise ModelLoadError(f"cannot export {directory} to ONNX ({first}); keep --backend torch") from None
        finally:
            quiet.setLevel(level)
        expected = _Logits(model)(ids, mask)
    paths = [_save_atomic(program.model_proto, directory / ONNX_FILES["fp32"], fingerprint)]
    got = OnnxCausalModel(paths[0], model.config)(input_ids=ids, attention_mask=mask)
    diff = max(float((a - b).abs().max()) for a, b in zip(expected, (got.span_logits, got.head_logits, got.tail_logits)))
    if diff > 1e-3:
        paths[0].unlink()
        raise ModelLoadError(f"the ONNX export of {directory} disagrees with the model (max logit difference "
                             f"{diff:.2g}); keep --backend torch")
    if int8:
        paths.append(quantize_onnx(directory))
    return paths


def quantize_onnx(directory: str | os.PathLike) -> Path:
    """``DIR/model.int8.onnx`` from ``DIR/model.onnx``: int8 weights (per channel) and dynamically
    quantised activations for the encoder's weight matrix products; the heads, attention scores,
    embeddings and normalisation stay fp32."""
    _require_exporter()
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    directory = Path(directory)
    source = onnx.load(str(directory / ONNX_FILES["fp32"]))
    fingerprint = next((p.value for p in source.metadata_props if p.key == FINGERPRINT), "")
    heads = [n.name for n in source.graph.node if n.op_type == "MatMul"
             and any(p.key == "namespace" and "GlobalPointer" in p.value for p in n.metadata_props)]
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        before = logging.root.manager.disable
        logging.disable(max(before, logging.WARNING))  # its advice to pre-process is printed on every call
        try:
            quantize_dynamic(source, str(Path(tmp) / "int8.onnx"), op_types_to_quantize=["MatMul"],
                             nodes_to_exclude=heads, per_channel=True, weight_type=QuantType.QInt8)
        finally:
            logging.disable(before)
        return _save_atomic(onnx.load(str(Path(tmp) / "int8.onnx")), directory / ONNX_FILES["int8"], fingerprint)


class OnnxCausalModel:
    """An exported model in an onnxruntime session, standing in for a ``CausalModel`` where
    predictions are made: called with ``input_ids`` / ``attention_mask`` tensors it returns a
    :class:`CausalOutput` of torch tensors; it has the ``config`` and a (CPU) ``device``."""

    device = torch.device("cpu")

    def __init__(self, path: str | os.PathLike, config: CausalConfig, threads: int | None = None):
        if not onnxruntime_available():
            raise UserError(f"the onnx backend needs onnxruntime: {INSTALL}")
        import onnxruntime as ort

        self.path, self.config = Path(path), config
        if not self.path.is_file():
            raise ModelLoadError(f"{self.path} does not exist; export it with "
                                 f"`zhcausal export-onnx --model {self.path.parent}`")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or torch.get_num_threads()
        opts.log_severity_level = 3
        try:
            self.session = ort.InferenceSession(str(self.path), opts, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own classes for each kind of bad file
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
            raise ModelLoadError(f"{self.path} is not a loadable ONNX model ({first}); export it again with "
                                 f"`zhcausal export-onnx --model {self.path.parent}`") from None
        names = [i.name for i in self.session.get_inputs()]
        if sorted(names) != ["attention_mask", "input_ids"] or len(self.session.get_outputs()) != 3:
            raise ModelLoadError(f"{self.path} is not a zhcausal export (inputs {names}); export it again with "
                                 f"`zhcausal export-onnx --model {self.path.parent}`")
        self.fingerprint = self.session.get_modelmeta().custom_metadata_map.get(FINGERPRINT, "")

    def __call__(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, **_: object) -> CausalOutput:
        feeds = {"input_ids": input_ids.cpu().numpy(), "attention_mask": attention_mask.cpu().numpy()}
        span, head, tail = (torch.from_numpy(x) for x in self.session.run(None, feeds))
        return CausalOutput(span_logits=span, head_logits=head, tail_logits=tail)

    def eval(self) -> "OnnxCausalModel":
        return self


def load_onnx(directory: str | os.PathLike, precision: str = "fp32", export: bool = True) -> OnnxCausalModel | None:
    """The export of a model directory in ``precision``; a missing or stale one is exported first
    (with ``export=False`` the answer is then None)."""
    directory, precision = Path(directory), onnx_precision(precision)
    path, config = directory / ONNX_FILES[precision], CausalConfig.from_pretrained(str(directory))
    fingerprint = weights_fingerprint(directory)
    if path.is_file():
        model = OnnxCausalModel(path, config)
        if model.fingerprint == fingerprint:
            return model
    if not export:
        return None
    fp32 = directory / ONNX_FILES["fp32"]
    _require_exporter()
    print(f"zhcausal: exporting {directory} to {path.name} (once, beside its weights)", file=sys.stderr)
    if not (fp32.is_file() and OnnxCausalModel(fp32, config).fingerprint == fingerprint):
        from .modeling import CausalModel

        export_onnx(CausalModel.from_pretrained(str(directory)), directory)
    if precision == "int8":
        quantize_onnx(directory)
    return OnnxCausalModel(path, config)


def in_memory(model: nn.Module, precision: str = "fp32") -> OnnxCausalModel:
    """An onnxruntime session for a model that has no directory (exported through a temporary one)."""
    with tempfile.TemporaryDirectory() as tmp:
        export_onnx(model, tmp, int8=onnx_precision(precision) == "int8")
        return OnnxCausalModel(Path(tmp) / ONNX_FILES[onnx_precision(precision)], model.config)
