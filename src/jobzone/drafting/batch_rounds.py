"""How a set's rounds are answered: through an endpoint's Batch API, or through files.

:class:`ApiRounds` uploads the round's requests (``/v1/files``, purpose ``batch``), creates a
batch on ``/v1/chat/completions``, journals the file id, batch id and status before polling,
polls until the batch ends, and reads both its output file and its error file. A round whose
requests a journalled batch already holds (a set interrupted while it ran) is not submitted
again: that batch is polled, or read if it has ended.

:class:`FileRounds` takes a round offline: with results imported (``--batch-import``) it answers
the requests they hold; the round after is written to the export file (``--batch-export``) and
the set stops until its results are imported.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openai

from jobzone.documents import atomic_write
from jobzone.drafting.batch_files import (
    Request,
    Result,
    read_results,
    requests_jsonl,
    results_jsonl,
)
from jobzone.drafting.batch_journal import FINAL, BatchJournal, BatchKind, BatchRecord
from jobzone.drafting.batch_model import Round
from jobzone.drafting.openai_model import one_line
from jobzone.errors import BatchPendingError, ConfigError, InputError, ModelCallError
from jobzone.progress import Notice, Notify

#: Seconds between polls: the first, and the most (the wait doubles in between).
FIRST_POLL = 5.0
LONGEST_POLL = 60.0


@dataclass
class ApiRounds:
    """Rounds as Batch API submissions."""

    sdk: openai.OpenAI
    journal: BatchJournal
    notify: Notify
    sleep: Callable[[float], None]

    def answer(self, requests: list[Request]) -> Round:
        ids = [r.custom_id for r in requests]
        record = self.journal.covering(ids, BatchKind.api)
        if record is not None and record.status not in ("failed",):
            self.notify(Notice(self._said(record, "found in the journal: polled, not resubmitted")))
        else:
            record = self.journal.new(BatchKind.api, ids)
        try:
            record = self._submitted(record, requests)
            record = self._ended(record)
            return Round(record.label, self._results(record))
        except openai.APIStatusError as exc:
            raise self._failure(exc) from None
        except openai.APIConnectionError as exc:
            raise ModelCallError(f"the Batch API: {one_line(str(exc))}", stage="batch") from None

    def _submitted(self, record: BatchRecord, requests: list[Request]) -> BatchRecord:
        """The record with its batch created (uploading its input first when needed)."""
        if record.input_file_id is None:
            text = requests_jsonl(requests)  # the record is of exactly these requests
            data = text.encode("utf-8")
            # A boundary of the content's own: the same round is the same upload, byte for byte.
            boundary = f"jobzone-{hashlib.sha256(data).hexdigest()[:32]}"
            uploaded = self.sdk.files.create(
                file=(f"jobzone-batch-{record.number:04d}.jsonl", data, "application/jsonl"),
                purpose="batch",
                extra_headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
            )
            record = self.journal.update(record, input_file_id=uploaded.id, status="uploaded")
        if record.batch_id is None:
            batch = self.sdk.batches.create(
                input_file_id=str(record.input_file_id),
                endpoint="/v1/chat/completions",
                completion_window="24h",
            )
            record = self._saved(record, batch)
            self.notify(Notice(self._said(record, f"submitted, {len(record.custom_ids)} requests")))
        return record

    def _ended(self, record: BatchRecord) -> BatchRecord:
        """Poll until the batch ends, saying how it goes when that changes."""
        wait = FIRST_POLL
        while record.status not in FINAL:
            self.sleep(wait)
            wait = min(wait * 2, LONGEST_POLL)
            batch = self.sdk.batches.retrieve(str(record.batch_id))
            before = (record.status, record.counts)
            record = self._saved(record, batch)
            if (record.status, record.counts) != before:
                self.notify(Notice(self._said(record, _counts(record))))
        return record

    def _saved(self, record: BatchRecord, batch: Any) -> BatchRecord:
        counts = batch.request_counts
        return self.journal.update(
            record,
            batch_id=batch.id,
            status=str(batch.status),
            output_file_id=batch.output_file_id,
            error_file_id=batch.error_file_id,
            counts=(
                {"total": counts.total, "completed": counts.completed, "failed": counts.failed}
                if counts is not None
                else {}
            ),
        )

    def _results(self, record: BatchRecord) -> dict[str, Result]:
        results: dict[str, Result] = {}
        for file_id in (record.error_file_id, record.output_file_id):
            if file_id:
                text = self.sdk.files.content(file_id).text
                results.update(read_results(text, f"batch {record.batch_id} file {file_id}"))
        if record.status == "failed" and not results:
            why = f"the batch {record.batch_id} failed"
            return dict.fromkeys(record.custom_ids, Result(error=why))
        return results

    def _failure(self, exc: openai.APIStatusError) -> ConfigError | ModelCallError:
        said = f"the Batch API answered HTTP {exc.status_code}: {one_line(exc.message)}"
        if exc.status_code in (401, 403, 404):
            return ConfigError(f"{said} (check OPENAI_API_KEY and OPENAI_BASE_URL)")
        return ModelCallError(said, stage="batch", status=exc.status_code)

    @staticmethod
    def _said(record: BatchRecord, what: str) -> str:
        return f"batch {record.number} ({record.batch_id or 'not created yet'}): {what}"


def _counts(record: BatchRecord) -> str:
    counts = record.counts
    if not counts:
        return record.status
    return f"{record.status}, {counts.get('completed', 0)} of {counts.get('total', 0)} done" + (
        f", {counts['failed']} failed" if counts.get("failed") else ""
    )


@dataclass
class FileRounds:
    """Rounds taken offline: imported results answer the round they hold; the next round is
    exported, and the set stops until its results come back."""

    journal: BatchJournal
    export: Path | None
    imported: dict[str, Result] | None = None
    imported_from: str | None = None
    #: How to continue, said once the round is exported.
    continue_with: str = ""

    def answer(self, requests: list[Request]) -> Round:
        earlier = self._earlier(requests)
        if earlier is not None:
            return earlier
        if self.imported is not None:
            found = {
                r.custom_id: self.imported[r.custom_id]
                for r in requests
                if r.custom_id in self.imported
            }
            self.imported = None  # one round a file: the next one is exported
            if found:
                record = self.journal.new(BatchKind.imported, list(found), self.imported_from)
                atomic_write(self._kept(record), results_jsonl(found))
                return Round(record.label, found)
        return self._exported(requests)

    def _kept(self, record: BatchRecord) -> Path:
        """Where the results an import answered are kept, for a resumed set to replay."""
        return self.journal.folder / f"{record.number:04d}-results.jsonl"

    def _earlier(self, requests: list[Request]) -> Round | None:
        """The round answered by results imported before (a set resumed replays its runs, and
        their earlier attempts' results with them)."""
        ids = [r.custom_id for r in requests]
        record = self.journal.covering(ids, BatchKind.imported)
        if record is None:
            return None
        results = read_imported(self._kept(record))
        return Round(record.label, {i: results[i] for i in ids if i in results})

    def _exported(self, requests: list[Request]) -> Round:
        if self.export is None:
            raise InputError(
                "the next round has nowhere to go: give --batch-export FILE",
                rule="batch.export",
            )
        text = requests_jsonl(requests)
        atomic_write(self.export, text)
        self.journal.new(BatchKind.export, [r.custom_id for r in requests], str(self.export))
        raise BatchPendingError(
            f"{len(requests)} requests written to {self.export}; run them (for example "
            f"`vllm run-batch -i {self.export} -o RESULTS --model MODEL`), then "
            f"{self.continue_with}",
            stage="batch",
        )


def read_imported(path: Path) -> dict[str, Result]:
    """The results of an offline round, by custom_id."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the batch results: {exc}", file=str(path)) from None
    return read_results(text, str(path))
