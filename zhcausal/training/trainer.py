"""Training loop (accelerate): seeded, progress bars, dev evaluation each epoch, early stopping,
best-checkpoint selection on dev CAUSES strict F1 (the mean weights of the final epochs compete
with the single epochs: :mod:`.averaging`), atomic checkpoints and ``--resume``.

Runs on one CPU or GPU as it is, and on several GPUs under ``accelerate launch``.
"""
from __future__ import annotations

import json
import math
import os
import random
import shutil
import signal
import threading
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
from tqdm.auto import tqdm

from ..data.io import read_records
from ..data.schema import Record
from ..errors import UserError
from ..model import CausalModel
from ..model.encoders import resolve_base_model
from ..model.inference import merge_sentences, predict_sentences
from ..model.runtime import INCOMPLETE, cpu_has_fast_bf16
from .averaging import WeightAverage, best_label, window_start
from .config import TrainConfig
from .data import EpochExamples, collate, length_grouped_batches
from .metrics import evaluate_records, headline
from .tuning import DevDecoder, apply, describe, part_scores, search, selection_score


#: share of the epochs in which a record of several sentences is shown sentence by sentence
SENTENCE_SHARE = 0.5


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)




def _atomic_dir_write(target: Path, write) -> None:
    """Write into a fresh temporary directory, then move each file into ``target`` with os.replace.

    While files are being moved, ``target/.incomplete`` exists: a directory killed mid-move is refused
    by ``CausalModel.from_pretrained`` instead of loading half old, half new."""
    tmp = target.parent / f".{target.name}.tmp-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    write(tmp)
    target.mkdir(parents=True, exist_ok=True)
    marker = target / INCOMPLETE
    marker.write_text("files are being replaced; an interrupted write leaves this marker\n", encoding="utf-8")
    for f in tmp.iterdir():
        os.replace(f, target / f.name)
    tmp.rmdir()
    marker.unlink()


def check_records(cfg: TrainConfig, train: list[Record], dev: list[Record], log) -> None:
    """Refuse a training file with nothing to learn; warn when dev repeats training texts."""
    if not train:
        raise UserError(f"{cfg.train_file}: no records to train on; give a contract JSONL file with at least one record")
    if not any(r.relations for r in train):
        raise UserError(f"{cfg.train_file}: none of the {len(train)} records holds a relation, so there is nothing "
                        f"to learn; annotate some causal statements first")
    if cfg.dev_file and not dev:
        raise UserError(f"{cfg.dev_file}: the dev file holds no records; give a non-empty dev file or leave out --dev")
    shared = {r.text for r in train} & {r.text for r in dev}
    if shared:
        log(f"warning: {len(shared)} of {len(dev)} dev text(s) also occur in {cfg.train_file}: every dev score "
            f"(and the checkpoint and thresholds chosen on it) is inflated; take them out of one of the files")


class Trainer:
    def __init__(self, cfg: TrainConfig):
        from accelerate import Accelerator
        from transformers import AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # per-file "Loading weights" / "Writing model shards" bars

        self.cfg = cfg
        mp = cfg.precision
        if mp == "auto":
            mp = "bf16" if (torch.cuda.is_bf16_supported() if torch.cuda.is_available() else cpu_has_fast_bf16()) else "fp32"
        # cpu=True without CUDA: under `accelerate launch --multi_gpu` / torchrun the processes then form a
        # CPU (gloo) group instead of each training alone
        self.accelerator = Accelerator(mixed_precision="bf16" if mp == "bf16" else "no", cpu=not torch.cuda.is_available())
        self.mixed_precision = mp
        seed_everything(cfg.seed)
        self.out = Path(cfg.output_dir)
        self.ckpt = self.out / "checkpoints" / "last"
        self.train_records = read_records(cfg.train_file)
        self.dev_records = read_records(cfg.dev_file) if cfg.dev_file else []
        check_records(cfg, self.train_records, self.dev_records, self.log)
        base = resolve_base_model(cfg.base_model)
        if cfg.resume and (self.ckpt / "config.json").is_file():
            self.model = CausalModel.from_pretrained(str(self.ckpt))
        else:
            self.model = CausalModel.from_encoder(base, max_seq_length=cfg.max_seq_length)
            self.model.config.base_model = cfg.base_model
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(base)
        except (OSError, ValueError, KeyError) as exc:
            raise UserError(f"base model {cfg.base_model!r} has no usable tokenizer ({str(exc).strip()[:120]}); "
                            f"give an encoder directory or Hub id that ships one") from None
        self.issues: list = []
        self.examples = EpochExamples(self.train_records, self.tokenizer, self.model.config, self.issues,
                                      sentence_share=SENTENCE_SHARE if cfg.sentence_views else 0.0,
                                      real_text_share=cfg.real_text_views, seed=cfg.seed)
        for issue in self.issues:
            self.log(f"warning: {cfg.train_file}: {issue}")

    #: settings a resumed run must share with the run it continues (else it is a different run)
    RESUME_KEYS = ("train_file", "dev_file", "base_model", "batch_size", "learning_rate",
                   "head_learning_rate", "weight_decay", "warmup_ratio", "seed", "max_seq_length", "sentence_views",
                   "real_text_views", "selection", "average_last")

    def _check_resumable(self, saved: dict) -> None:
        now = asdict(self.cfg)
        changed = [f"{k} {saved[k]!r} -> {now[k]!r}" for k in self.RESUME_KEYS if k in saved and saved[k] != now[k]]
        if changed:
            raise UserError(f"--resume: {self.ckpt} was trained with other settings ({'; '.join(changed)}); "
                            f"resume with the original options, or train into a new --output")
        if saved.get("epochs") not in (None, self.cfg.epochs):
            self.log(f"note: --epochs {saved['epochs']} -> {self.cfg.epochs}: the learning-rate schedule is stretched "
                     f"to the new length, so the result differs from an uninterrupted {self.cfg.epochs}-epoch run")

    def log(self, msg: str) -> None:
        if self.accelerator.is_main_process:
            tqdm.write(msg)

    def _optimizer(self):
        enc, head, no_decay = [], [], []
        for n, p in self.model.named_parameters():
            if not p.requires_grad:
                continue
            if n.startswith("encoder."):
                (no_decay if ("bias" in n or "LayerNorm" in n or "norm" in n) else enc).append(p)
            else:
                head.append(p)
        return torch.optim.AdamW([
            {"params": enc, "lr": self.cfg.learning_rate, "weight_decay": self.cfg.weight_decay},
            {"params": no_decay, "lr": self.cfg.learning_rate, "weight_decay": 0.0},
            {"params": head, "lr": self.cfg.head_learning_rate, "weight_decay": 0.0},
        ])

    def evaluate(self, records: list[Record], model: CausalModel | None = None,
                 threshold: tuple[float, ...] | None = None) -> tuple[dict, list[Record]]:
        model = (model or self.accelerator.unwrap_model(self.model)).eval()
        with self.accelerator.autocast():
            sents = predict_sentences(model, self.tokenizer, [r.text for r in records], self.cfg.eval_batch_size,
                                      threshold)
        preds = [merge_sentences(r.id, r.text, s) for r, s in zip(records, sents)]
        model.train()
        return evaluate_records(preds, records), preds

    def tune_thresholds(self, state: dict) -> None:
        """Tune the decoding of the best checkpoint on dev (:mod:`.tuning`: span, relation and
        pairing thresholds, relation pooling; coordinate search, ties to the untuned defaults) and
        store the result in its config."""
        if not self.dev_records or self.cfg.no_tune_thresholds:
            return
        best = CausalModel.from_pretrained(str(self.out)).to(self.accelerator.device).eval()
        dev = DevDecoder(best, self.tokenizer, self.dev_records, self.cfg.eval_batch_size,
                         self.accelerator.autocast(), self.cfg.selection)
        chosen, base, top = search(dev.run)
        _, result, _ = dev.run(chosen)
        apply(best.config, chosen)
        state.update(span_threshold=chosen["span"], relation_threshold=chosen["relation"],
                     pair_threshold=chosen["pair"], relation_pooling=chosen["pooling"],
                     local_views=chosen["local"], best_dev=result,
                     best_score=top)
        self.log(f"decoding tuned on dev: {describe(chosen)} (selection score {base:.4f} -> {top:.4f})")
        if self.accelerator.is_main_process:
            _atomic_dir_write(self.out, lambda d: (best.save_pretrained(d, safe_serialization=True),
                                                   (d / "trainer_state.json").write_text(json.dumps(state, indent=2, ensure_ascii=False), encoding="utf-8")))

    def save_model(self, target: Path, state: dict, model: CausalModel | None = None) -> None:
        model = model or self.accelerator.unwrap_model(self.model)

        def write(d: Path) -> None:
            model.save_pretrained(d, safe_serialization=True)
            self.tokenizer.save_pretrained(d)
            (d / "trainer_state.json").write_text(json.dumps(state, indent=2, ensure_ascii=False), encoding="utf-8")

        if self.accelerator.is_main_process:
            _atomic_dir_write(target, write)
        self.accelerator.wait_for_everyone()

    def train(self) -> dict:
        """Train, select and tune. Ctrl-C (SIGINT) stops with KeyboardInterrupt (checkpoints are written
        atomically, so none is left half-written) and is never lost: Python drops an interrupt that
        lands inside a finaliser (``__del__``), so the flag set here is checked again after every step
        and at the end."""
        interrupted = []

        def on_sigint(signum, frame):
            interrupted.append(signum)
            raise KeyboardInterrupt

        main_thread = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGINT, on_sigint) if main_thread else None
        try:
            state = self._train(interrupted)
            if interrupted:
                raise KeyboardInterrupt
            return state
        finally:
            if main_thread:
                signal.signal(signal.SIGINT, previous)

    def _train(self, interrupted: list) -> dict:
        cfg = self.cfg
        opt = self._optimizer()
        per_epoch = math.ceil(self.examples.expected_size() / cfg.batch_size)
        total = per_epoch * cfg.epochs
        warm = int(total * cfg.warmup_ratio)
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s: (s + 1) / warm if s < warm else max(0.0, (total - s) / max(1, total - warm)))
        self.model, opt, sched = self.accelerator.prepare(self.model, opt, sched)
        state = {"epoch": 0, "best_score": -1.0, "best_epoch": 0, "bad_epochs": 0, "history": [],
                 "train_config": asdict(cfg), "mixed_precision": self.mixed_precision,
                 "processes": self.accelerator.num_processes}
        if cfg.resume and (self.ckpt / "optimizer.pt").is_file():
            saved = torch.load(self.ckpt / "optimizer.pt", map_location="cpu", weights_only=False)
            opt.load_state_dict(saved["optimizer"])
            sched.load_state_dict(saved["scheduler"])
            state = json.loads((self.ckpt / "trainer_state.json").read_text(encoding="utf-8"))
            self._check_resumable(state.get("train_config", {}))
            random.setstate(saved["py_rng"])
            torch.set_rng_state(saved["torch_rng"])
            self.log(f"resumed from {self.ckpt} after epoch {state['epoch']}")
        elif cfg.resume:
            self.log(f"--resume: no checkpoint in {self.ckpt}; starting from scratch")
        avg_from = window_start(cfg.epochs, cfg.average_last) if self.dev_records else None
        self.average = WeightAverage()
        if state.get("averaged_epochs"):
            self.average = WeightAverage.load(self.ckpt)
            if self.average.count != state["averaged_epochs"]:
                raise UserError(f"--resume: {self.ckpt} holds a weight average of {self.average.count} epoch(s) where its "
                                f"trainer_state.json says {state['averaged_epochs']}; train into a new --output")
        cfg_m = self.accelerator.unwrap_model(self.model).config
        n_span, n_rel = len(cfg_m.span_labels), len(cfg_m.relation_labels)
        pad = self.tokenizer.pad_token_id or 0
        started = time.time()
        self.model.train()
        for epoch in range(state["epoch"] + 1, cfg.epochs + 1):
            # one generator per epoch: a resumed run draws the same batches as an uninterrupted one
            examples = self.examples.epoch(epoch)
            batches = length_grouped_batches([len(e.input_ids) for e in examples], cfg.batch_size,
                                             random.Random(cfg.seed * 1000 + epoch))
            n_proc = self.accelerator.num_processes  # every process takes the same number of steps
            shard = batches[:len(batches) - len(batches) % n_proc][self.accelerator.process_index::n_proc]
            bar = tqdm(shard, desc=f"epoch {epoch}/{cfg.epochs}", unit="batch",
                       disable=not self.accelerator.is_local_main_process)
            total_loss = 0.0
            for step, idx in enumerate(bar, 1):
                batch = collate([examples[i] for i in idx], n_span, n_rel, pad)
                batch = {k: v.to(self.accelerator.device) for k, v in batch.items()}
                with self.accelerator.autocast():
                    loss = self.model(**batch).loss
                self.accelerator.backward(loss)
                self.accelerator.clip_grad_norm_(self.model.parameters(), 1.0)
                opt.step()
                sched.step()
                opt.zero_grad()
                if interrupted:
                    raise KeyboardInterrupt
                total_loss += loss.item()
                bar.set_postfix(loss=f"{total_loss / step:.4f}")
            bar.close()
            if avg_from and epoch >= avg_from:
                self.average.update(self.accelerator.unwrap_model(self.model))
                state["averaged_epochs"] = self.average.count
            entry = {"epoch": epoch, "train_loss": total_loss / max(1, len(shard)),
                     "minutes": round((time.time() - started) / 60, 2)}
            eval_from = cfg.eval_from_epoch if cfg.eval_from_epoch is not None else max(1, cfg.epochs // 3)
            if self.dev_records and epoch < eval_from:
                state["history"].append(entry)
                state["epoch"] = epoch
                self._save_checkpoint(opt, sched, state)
                self.log(f"epoch {epoch}: loss {entry['train_loss']:.4f} (dev evaluation from epoch {eval_from})")
                continue
            if self.dev_records:
                result, preds = self.evaluate(self.dev_records)
                parts = part_scores(preds, self.dev_records)
                score = selection_score(result, parts, cfg.selection)
                entry.update({"dev_causes_strict_f1": headline(result), "dev_selection_score": score,
                              "dev_actor_of_strict_f1": result["rel_strict"]["ACTOR_OF"]["f1"],
                              "dev_false_alarm_rate": result["false_alarm_rate"]})
                entry.update({f"dev_{part}_causes_strict_f1": f1 for part, f1 in parts.items()})
                shown = "".join(f", {part} {f1:.4f}" for part, f1 in parts.items())
                self.log(f"epoch {epoch}: loss {entry['train_loss']:.4f}, dev CAUSES strict F1 {headline(result):.4f}{shown}, "
                         f"ACTOR_OF {entry['dev_actor_of_strict_f1']:.4f}, false alarms {result['false_alarm_rate']:.1%}")
            else:
                score = None  # no dev set: the last epoch is the model
            state["history"].append(entry)
            state["epoch"] = epoch
            improved = score is None or score > state["best_score"]
            if improved:
                state.update(best_score=score if score is not None else -1.0, best_epoch=epoch, bad_epochs=0)
                if self.dev_records:
                    state["best_dev"] = result
                self.save_model(self.out, state)
            else:
                state["bad_epochs"] += 1
            self._save_checkpoint(opt, sched, state)
            in_window = avg_from is not None and epoch >= avg_from  # the averaged epochs are always run
            if self.dev_records and state["bad_epochs"] >= cfg.patience and not in_window:
                self.log(f"early stopping: no dev improvement for {cfg.patience} epochs")
                break
            if cfg.max_minutes and (time.time() - started) / 60 > cfg.max_minutes:
                self.log(f"stopping: --max-minutes {cfg.max_minutes} reached")
                break
        self._score_average(state)
        self.tune_thresholds(state)
        state["train_minutes"] = round((time.time() - started) / 60, 2)
        if self.dev_records:
            self.log(f"best: {best_label(state)} (dev selection score {state['best_score']:.4f}, "
                     f"CAUSES strict F1 {headline(state['best_dev']):.4f}); model in {self.out}")
        else:
            self.log(f"no dev set: kept the last epoch ({state['best_epoch']}), with no dev score; model in {self.out}")
        return state

    def _score_average(self, state: dict) -> None:
        """Score the mean weights of the averaged epochs on dev; keep them as the model where they beat
        the best single epoch."""
        if self.average.count < 2:
            return
        last = state["epoch"]
        first = last - self.average.count + 1
        model = self.average.averaged(self.accelerator.unwrap_model(self.model))
        result, preds = self.evaluate(self.dev_records, model=model)
        parts = part_scores(preds, self.dev_records)
        score = selection_score(result, parts, self.cfg.selection)
        shown = "".join(f", {part} {f1:.4f}" for part, f1 in parts.items())
        state.update(average_dev_selection_score=score, average_epochs=[first, last])
        self.log(f"mean weights of epochs {first}-{last}: dev CAUSES strict F1 {headline(result):.4f}{shown}, "
                 f"false alarms {result['false_alarm_rate']:.1%}"
                 f"{' (kept)' if score > state['best_score'] else ' (not kept: a single epoch scored higher)'}")
        if score > state["best_score"]:
            state.update(best_score=score, best_epoch=last, best_average=[first, last], best_dev=result)
            self.save_model(self.out, state, model)

    def _save_checkpoint(self, opt, sched, state: dict) -> None:
        model = self.accelerator.unwrap_model(self.model)

        def write(d: Path) -> None:
            model.save_pretrained(d, safe_serialization=True)
            torch.save({"optimizer": opt.state_dict(), "scheduler": sched.state_dict(),
                        "py_rng": random.getstate(), "torch_rng": torch.get_rng_state()}, d / "optimizer.pt")
            (d / "trainer_state.json").write_text(json.dumps(state, indent=2, ensure_ascii=False), encoding="utf-8")
            self.average.save(d)

        if self.accelerator.is_main_process:
            _atomic_dir_write(self.ckpt, write)
        self.accelerator.wait_for_everyone()
