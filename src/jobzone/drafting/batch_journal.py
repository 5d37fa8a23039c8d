"""The batches of a set, on disk: each submission's input file, batch id, status and result
files, or each round exported to a file, written atomically as soon as it is known.

A batch is journalled before it is polled, so a set that was killed or interrupted while a
batch ran finds it again by its requests' custom_ids and polls it, instead of paying for the
same requests twice.
"""

from __future__ import annotations

import datetime as dt
import threading
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from jobzone.documents import atomic_write, load_model
from jobzone.errors import InputError

#: Statuses after which a batch changes no more.
FINAL = frozenset({"completed", "failed", "expired", "cancelled"})


class BatchKind(StrEnum):
    api = "api"  # submitted to the endpoint's Batch API
    export = "export"  # written to a file for a server of one's own (--batch-export)
    imported = "import"  # results read back from a file (--batch-import)


class BatchRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: int
    kind: BatchKind
    custom_ids: list[str]
    created_at: dt.datetime
    #: The endpoint's ids: the uploaded input file, the batch, its output and error files.
    input_file_id: str | None = None
    batch_id: str | None = None
    status: str = "preparing"
    output_file_id: str | None = None
    error_file_id: str | None = None
    #: total / completed / failed, as the endpoint last said.
    counts: dict[str, int] = Field(default_factory=dict)
    #: The file written or read, for a round taken offline.
    file: str | None = None
    updated_at: dt.datetime | None = None

    @property
    def label(self) -> str:
        """What a call answered through this batch records as its batch."""
        return self.batch_id or f"{self.kind.value}:{Path(self.file or '').name}"


class BatchJournal:
    """The ``batches/`` folder of a set; thread-safe."""

    def __init__(self, folder: Path, inside: Path) -> None:
        self.folder = folder
        self.inside = inside
        self._lock = threading.Lock()

    def records(self) -> list[BatchRecord]:
        if not self.folder.is_dir():
            return []
        found = []
        for path in sorted(self.folder.glob("*.json")):
            try:
                found.append(load_model(BatchRecord, path, inside=self.inside))
            except InputError:
                continue  # never written whole: a crash before the first save
        return sorted(found, key=lambda r: r.number)

    def covering(self, custom_ids: list[str], kind: BatchKind) -> BatchRecord | None:
        """The latest batch of ``kind`` holding every one of these requests, if any."""
        wanted = set(custom_ids)
        for record in reversed(self.records()):
            if record.kind is kind and wanted <= set(record.custom_ids):
                return record
        return None

    def new(self, kind: BatchKind, custom_ids: list[str], file: str | None = None) -> BatchRecord:
        with self._lock:
            number = max((r.number for r in self.records()), default=0) + 1
            record = BatchRecord(
                number=number,
                kind=kind,
                custom_ids=sorted(custom_ids),
                created_at=dt.datetime.now(dt.UTC),
                file=file,
            )
            self._save(record)
            return record

    def update(self, record: BatchRecord, **changes: object) -> BatchRecord:
        """Save ``record`` with ``changes``; returns the record as saved."""
        with self._lock:
            updated = record.model_copy(update={**changes, "updated_at": dt.datetime.now(dt.UTC)})
            self._save(updated)
            return updated

    def _save(self, record: BatchRecord) -> None:
        path = self.folder / f"{record.number:04d}.json"
        atomic_write(path, record.model_dump_json(indent=1), inside=self.inside)
