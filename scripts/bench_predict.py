"""Prediction speed, peak memory and accuracy per precision, against the plain transformers pipeline
and the bare encoder (the ceiling for any tagger on this encoder).

    python scripts/bench_predict.py --model models/zhcausal-m3e-small [--repeat 3]

The onnx rows (``pip install 'zhcausal[onnx]'``) run exports written once per run into a temporary
copy of the model directory (the export time is printed), so the model directory is left as it is.

Every mode runs in its own subprocess (so peak RSS is its own) over the same sentences: the
texts of the dev and test splits, repeated --repeat times. Accuracy (CAUSES strict F1) is on the
dev split. Prints one Markdown table.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MODES = ["pipeline-fp32", "encoder-fp32-arrival", "encoder-bf16-arrival", "encoder-fp32-sorted", "encoder-bf16-sorted",
         "encoder-onnx-fp32-sorted", "encoder-onnx-int8-sorted",
         "zhcausal-fp32", "zhcausal-bf16", "zhcausal-int8", "zhcausal-onnx-fp32", "zhcausal-onnx-int8", "zhcausal-auto"]


def sentences(repeat: int) -> list[str]:
    from zhcausal.data.io import read_records

    texts = [r.text for split in ("dev", "test") for r in read_records(ROOT / "annotations" / f"{split}.jsonl")]
    return texts * repeat


def export_encoder(directory: Path) -> None:
    """The bare encoder as ONNX for the encoder-onnx rows: encoder.onnx (fp32) and encoder.int8.onnx
    (weight matrix products in int8, as zhcausal's own int8 export)."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    from zhcausal.model.encoders import resolve_base_model

    class Hidden(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.enc = AutoModel.from_pretrained(resolve_base_model("m3e-small")).eval()

        def forward(self, input_ids, attention_mask):
            return self.enc(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    ids = torch.arange(100, 132).reshape(2, 16)
    dims = {0: torch.export.Dim("batch"), 1: torch.export.Dim("seq", max=512)}
    torch.onnx.export(Hidden(), (ids, torch.ones_like(ids)), str(directory / "encoder.onnx"), dynamo=True,
                      input_names=["input_ids", "attention_mask"], dynamic_shapes={"input_ids": dims, "attention_mask": dims},
                      external_data=False, verbose=False)
    quantize_dynamic(str(directory / "encoder.onnx"), str(directory / "encoder.int8.onnx"), op_types_to_quantize=["MatMul"],
                     per_channel=True, weight_type=QuantType.QInt8)


def prepare_onnx(model_dir: str, directory: Path, modes: list[str]) -> None:
    """A copy of the model directory with model.onnx and model.int8.onnx, and the bare encoder exported."""
    import shutil

    from zhcausal.commands.export import measure_exports
    from zhcausal.model import CausalModel
    from zhcausal.model.onnx_backend import export_onnx

    t = time.perf_counter()
    if any(m.startswith("zhcausal-onnx") for m in modes):
        shutil.copytree(model_dir, directory / "model")
        export_onnx(CausalModel.from_pretrained(str(directory / "model")), directory / "model", int8=True)
        measure_exports(str(directory / "model"), str(ROOT / "annotations" / "dev.jsonl"))  # what auto may take
        print(f"model exported to ONNX (fp32 + int8) in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    if any(m.startswith("encoder-onnx") for m in modes):
        export_encoder(directory)


def run_mode(mode: str, model_dir: str, repeat: int, batch_size: int, onnx_dir: str | None = None) -> dict:
    import torch

    texts = sentences(repeat)
    out: dict = {"mode": mode, "sentences": len(texts), "avg_chars": round(sum(map(len, texts)) / len(texts), 1)}
    if mode.startswith("zhcausal"):
        from zhcausal import CausalExtractor
        from zhcausal.data.io import read_records
        from zhcausal.training.metrics import evaluate_records

        if mode == "zhcausal-auto":  # the default path, on a model directory with its ONNX exports beside it
            exported = Path(onnx_dir or "") / "model"
            ext = CausalExtractor.from_pretrained(str(exported) if exported.is_dir() else model_dir, device="cpu")
            out["mode"] = f"zhcausal-auto ({ext.backend} {ext.precision})"
        else:
            onnx = mode.startswith("zhcausal-onnx")
            ext = CausalExtractor.from_pretrained(str(Path(onnx_dir) / "model") if onnx else model_dir, device="cpu",
                                                  precision=mode.split("-")[-1], backend="onnx" if onnx else "torch")
        ext.predict(texts[:batch_size], batch_size=batch_size)  # warm-up
        t = time.perf_counter()
        ext.predict(texts, batch_size=batch_size)
        out["seconds"] = time.perf_counter() - t
        dev = read_records(ROOT / "annotations" / "dev.jsonl")
        out["dev_causes_strict_f1"] = round(evaluate_records(ext.predict_records(dev), dev)["rel_strict"]["CAUSES"]["f1"], 4)
    elif mode == "pipeline-fp32":
        from transformers import AutoModelForTokenClassification, AutoTokenizer, pipeline

        from zhcausal.model.encoders import resolve_base_model

        base = resolve_base_model("m3e-small")
        model = AutoModelForTokenClassification.from_pretrained(base, num_labels=7)
        pipe = pipeline("token-classification", model=model, tokenizer=AutoTokenizer.from_pretrained(base), device="cpu")
        pipe(texts[:batch_size], batch_size=batch_size)
        t = time.perf_counter()
        pipe(texts, batch_size=batch_size)
        out["seconds"] = time.perf_counter() - t
    elif mode.startswith("encoder-onnx"):
        import onnxruntime as ort
        from transformers import AutoTokenizer

        from zhcausal.model.encoders import resolve_base_model

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = torch.get_num_threads()
        name = "encoder.int8.onnx" if "int8" in mode else "encoder.onnx"
        sess = ort.InferenceSession(str(Path(onnx_dir) / name), opts, providers=["CPUExecutionProvider"])
        tok = AutoTokenizer.from_pretrained(resolve_base_model("m3e-small"))
        seq = sorted(texts, key=len)

        def run_onnx(items):
            for k in range(0, len(items), batch_size):
                enc = tok(items[k:k + batch_size], padding=True, return_tensors="np")
                sess.run(None, {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"]})

        run_onnx(seq[:batch_size])
        t = time.perf_counter()
        run_onnx(seq)
        out["seconds"] = time.perf_counter() - t
    else:
        from transformers import AutoModel, AutoTokenizer

        from zhcausal.model.encoders import resolve_base_model

        _, prec, order = mode.split("-")
        base = resolve_base_model("m3e-small")
        tok = AutoTokenizer.from_pretrained(base)
        model = AutoModel.from_pretrained(base).eval()
        if prec == "bf16":
            model = model.to(torch.bfloat16)
        seq = sorted(texts, key=len) if order == "sorted" else texts

        def go(items):
            with torch.inference_mode():
                for k in range(0, len(items), batch_size):
                    enc = tok(items[k:k + batch_size], padding=True, return_tensors="pt")
                    model(**enc)

        go(seq[:batch_size])
        t = time.perf_counter()
        go(seq)
        out["seconds"] = time.perf_counter() - t
    out["sentences_per_s"] = round(len(texts) / out["seconds"], 1)
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=str(ROOT / "models" / "zhcausal-m3e-small"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--modes", nargs="*", default=MODES)
    ap.add_argument("--long-line-mb", type=float, default=1.0,
                    help="also time `zhcausal predict` on one line of this many MB without punctuation (0: skip)")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--onnx-dir", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_mode(args.one, args.model, args.repeat, args.batch_size, args.onnx_dir)))
        return 0
    import tempfile

    import torch

    from zhcausal.model.runtime import cpu_has_fast_bf16

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, CPU capability {torch.backends.cpu.get_cpu_capability()}, "
          f"fast bf16 {'yes' if cpu_has_fast_bf16() else 'no'} ({cpu_name()})")
    # first, while no other child has run: RUSAGE_CHILDREN's peak is then this run's own
    long = long_line(args.model, args.long_line_mb, args.batch_size) if args.long_line_mb > 0 else ""
    onnx_dir = tempfile.TemporaryDirectory()
    if any("onnx" in m for m in args.modes):
        prepare_onnx(args.model, Path(onnx_dir.name), args.modes)
    rows = []
    for mode in args.modes:
        res = subprocess.run([sys.executable, __file__, "--one", mode, "--model", args.model, "--repeat", str(args.repeat),
                              "--batch-size", str(args.batch_size), "--onnx-dir", onnx_dir.name], capture_output=True, text=True)
        if res.returncode:
            print(f"{mode}: failed\n{res.stderr[-2000:]}", file=sys.stderr)
            continue
        rows.append(json.loads(res.stdout.strip().splitlines()[-1]))
        print(f"  {mode}: {rows[-1]['sentences_per_s']} sentences/s", file=sys.stderr)
    ceiling = max((r["sentences_per_s"] for r in rows if r["mode"].startswith("encoder-")), default=None)  # any engine
    pipe = next((r["sentences_per_s"] for r in rows if r["mode"] == "pipeline-fp32"), None)
    print(f"\n{rows[0]['sentences']} sentences, {rows[0]['avg_chars']} characters on average, batch size {args.batch_size}\n")
    print("| mode | sentences/s | × pipeline | % of ceiling | peak RSS (MB) | dev CAUSES strict F1 |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        xp = f"{r['sentences_per_s'] / pipe:.1f}×" if pipe else "–"
        pc = f"{100 * r['sentences_per_s'] / ceiling:.0f}%" if ceiling else "–"
        print(f"| {r['mode']} | {r['sentences_per_s']} | {xp} | {pc} | {r['peak_rss_mb']:.0f} | {r.get('dev_causes_strict_f1', '–')} |")
    if long:
        print(long)
    return 0


def long_line(model: str, mb: float, batch_size: int) -> str:
    """`zhcausal predict` on one line of ``mb`` MB of text without punctuation: wall time and peak RSS."""
    import resource
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long.txt"
        unit = "近期钢铁焦炭价格普遍持续下跌焦炭的限产力度重新加大炼焦煤市场需求不足市场成交低迷煤价有所下滑"
        path.write_text((unit * (int(mb * 2**20) // len(unit.encode()) + 1))[: int(mb * 2**20) // 3], encoding="utf-8")
        size = path.stat().st_size / 2**20
        t = time.perf_counter()
        res = subprocess.run([sys.executable, "-m", "zhcausal", "predict", "--model", model, str(path), "-o",
                              str(Path(tmp) / "out.jsonl"), "--batch-size", str(batch_size)], capture_output=True, text=True)
        secs = time.perf_counter() - t
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    status = "finished" if res.returncode == 0 else f"failed ({res.stderr.strip().splitlines()[-1:]})"
    return (f"\none line of {size:.1f} MB without punctuation: `zhcausal predict` {status} in {secs:.0f} s, "
            f"peak RSS {peak:.0f} MB")


def peak_rss_mb() -> float:
    """This process's own peak resident memory (VmHWM). ru_maxrss is not used: Linux carries it over
    from the parent across exec, so every child would report the parent's peak."""
    import resource

    try:
        line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith("VmHWM:"))
        return round(int(line.split()[1]) / 1024, 0)
    except (OSError, StopIteration):
        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 0)


def cpu_name() -> str:
    try:
        return next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name"))
    except (OSError, StopIteration):
        return "CPU model unknown"


if __name__ == "__main__":
    sys.exit(main())
