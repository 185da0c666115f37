"""``zhcausal predict`` as a job: documents in, records out, resumable, shardable, with progress.

:class:`PredictJob` reads the inputs lazily, keeps the documents of this shard that are not done
yet, predicts them in chunks of about ``chunk_chars`` characters (sentences of a chunk share
batches), writes each document's records in input order and marks it done only after its output
is on disk (see :class:`~zhcausal.outputs.DoneLog`).
"""
from __future__ import annotations

import sys
import time
import zlib
from dataclasses import dataclass, field
from typing import IO

from .errors import UserError
from .model.inference import merge_sentences, sentence_in_document
from .outputs import DoneLog, Writer
from .readers import Document, InputError, iter_documents


def parse_shard(spec: str | None) -> tuple[int, int] | None:
    """``"I/N"`` → ``(I, N)`` with 1 <= I <= N; ``None`` → no sharding."""
    if not spec:
        return None
    try:
        i, n = (int(x) for x in spec.split("/"))
    except ValueError:
        i, n = 0, 0
    if not 1 <= i <= n:
        raise UserError(f"--shard {spec!r}: expected I/N with 1 <= I <= N, e.g. 2/8")
    return i, n


def in_shard(doc_id: str, shard: tuple[int, int] | None) -> bool:
    """Deterministic share of a document id (the same on every machine and run)."""
    return shard is None or zlib.crc32(doc_id.encode("utf-8")) % shard[1] == shard[0] - 1


@dataclass
class JobSummary:
    documents: int = 0
    sentences: int = 0
    skipped: int = 0       # other shard, or already done
    bad_inputs: int = 0    # unreadable items skipped under skip_errors
    seconds: float = 0.0

    def line(self, output: str | None) -> str:
        msg = f"{self.documents} document(s), {self.sentences} sentence(s) in {self.seconds:.1f}s"
        if self.skipped:
            msg += f"; {self.skipped} skipped (other shard or already done)"
        if self.bad_inputs:
            msg += f"; {self.bad_inputs} bad input item(s) skipped"
        return msg + (f"; output in {output}" if output else "")


@dataclass
class PredictJob:
    extractor: object                      # a CausalExtractor
    inputs: list[str]
    output: str | None = None              # None: stdout
    fmt: str = "jsonl"
    writer_options: dict = field(default_factory=dict)
    batch_size: int = 32
    threshold: float | None = None
    encoding: str = "auto"
    shard: tuple[int, int] | None = None
    resume: bool = False
    skip_errors: bool = False
    chunk_chars: int = 20000
    progress: bool = True

    def records_for(self, docs: list[Document]) -> tuple[list[list], int]:
        """The output records of each document and the number of sentences read."""
        sents = self.extractor.predict_sentences([d.text for d in docs], self.batch_size, self.threshold,
                                                 show_progress=self.progress)
        out = []
        for d, doc_sents in zip(docs, sents):
            if d.from_jsonl:  # one record per input line, offsets into its text
                rec = merge_sentences(d.id, d.text, doc_sents)
                rec.extra["doc"] = d.id
                out.append([rec])
            else:
                out.append([sentence_in_document(d.id, d.text, s) for s in doc_sents if s.prediction.relations])
        return out, sum(len(s) for s in sents)

    def run(self) -> JobSummary:
        from tqdm.auto import tqdm

        if self.resume and not self.output:
            raise UserError("--resume needs -o OUT (it skips the documents already listed in OUT.done)")
        done_log = DoneLog(self.output, self.resume) if self.output else None
        done = done_log.done if done_log else set()
        append = bool(done_log and done_log.appending)
        out: IO[str] = open(self.output, "a" if append else "w", encoding="utf-8", newline="") if self.output else sys.stdout
        summary, started = JobSummary(), time.time()
        bar = tqdm(desc="predict", unit="doc", file=sys.stderr, disable=not self.progress)
        pending: list[Document] = []

        def flush() -> None:
            if not pending:
                return
            results, n_sents = self.records_for(pending)
            for d, recs in zip(pending, results):
                writer.write(recs)
                if done_log:
                    done_log.add(d.id, out)
            summary.documents += len(pending)
            summary.sentences += n_sents
            bar.update(len(pending))
            el = max(1e-9, time.time() - started)
            bar.set_postfix(docs_s=f"{summary.documents / el:.1f}", sents_s=f"{summary.sentences / el:.1f}")
            pending.clear()

        try:
            writer = Writer(out, self.fmt, write_header=not append, **self.writer_options)
            notices: list[str] = []
            budget = 0
            for item in iter_documents(self.inputs, self.encoding, notices):
                while notices:
                    tqdm.write(notices.pop(0), file=sys.stderr)
                if isinstance(item, InputError):
                    if not self.skip_errors:
                        flush()
                        raise InputError(f"{item} (use --skip-errors to skip such items)")
                    summary.bad_inputs += 1
                    tqdm.write(f"warning: skipped: {item}", file=sys.stderr)
                    continue
                if not in_shard(item.id, self.shard) or item.id in done:
                    summary.skipped += 1
                    continue
                pending.append(item)
                budget += len(item.text)
                if budget >= self.chunk_chars:
                    flush()
                    budget = 0
            flush()
        finally:
            bar.close()
            if self.output:
                out.close()
            if done_log:
                done_log.close()
        summary.seconds = time.time() - started
        return summary
