"""The journal of a set: which run drafts each line of a titles file, and its batches.

A set is keyed by the titles file's content and the options that shape its drafts (model,
repairs, forced titles), so running the same command again finds it: a line whose draft is
queued is skipped, a line whose run stopped is resumed from its own run journal, and nothing is
paid for twice. Each line's run id is written (atomically) before the run asks anything.

Kept in ``drafts/.runs/.sets/<key>/``: ``set.json``, and ``batches/NNNN.json`` for each batch
submitted or round exported (see :mod:`jobzone.drafting.batch_journal`). The folder's name
starts with a dot, so run listings never take it for a run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from jobzone.documents import atomic_write, load_model
from jobzone.drafting.journal import RUNS_DIR
from jobzone.errors import InputError
from jobzone.workspace import Workspace, check_name

SETS_DIR = ".sets"


class SetRecord(BaseModel):
    """What a set is and how far it got."""

    model_config = ConfigDict(extra="forbid")

    key: str
    #: The titles file as it was named, and its content's sha256.
    file: str
    sha256: str
    model: str
    max_repairs: int
    force_title: bool
    assessed_on: dt.date
    created_at: dt.datetime
    by: str
    #: Line number -> the run drafting it.
    lines: dict[int, str] = Field(default_factory=dict)
    #: Where the rounds of an offline batch go (``--batch-export``), once named.
    export: str | None = None


def set_key(sha256: str, model: str, max_repairs: int, force_title: bool) -> str:
    """The set a titles file's content and the drafting options make."""
    text = json.dumps([sha256, model, max_repairs, force_title])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def sets_dir(workspace: Workspace) -> Path:
    return workspace.drafts_dir / RUNS_DIR / SETS_DIR


class SetJournal:
    """A set's record on disk; thread-safe."""

    def __init__(self, workspace: Workspace, record: SetRecord) -> None:
        self.workspace = workspace
        self.record = record
        self.root = sets_dir(workspace) / check_name(record.key, "set")
        self._lock = threading.Lock()

    @classmethod
    def open_or_create(cls, workspace: Workspace, record: SetRecord) -> SetJournal:
        """The set ``record.key`` as first recorded, if it exists, else ``record``, saved."""
        path = sets_dir(workspace) / check_name(record.key, "set") / "set.json"
        if path.is_file():
            return cls(workspace, load_model(SetRecord, path, inside=workspace.root))
        journal = cls(workspace, record)
        journal._save()
        return journal

    @classmethod
    def every(cls, workspace: Workspace) -> list[SetJournal]:
        """Every set the workspace keeps, oldest first."""
        folder = sets_dir(workspace)
        found = []
        for path in sorted(folder.glob("*/set.json")) if folder.is_dir() else []:
            try:
                record = load_model(SetRecord, path, inside=workspace.root)
            except InputError:
                continue  # a set half-written by a crash: nothing to list
            found.append(cls(workspace, record))
        return sorted(found, key=lambda j: j.record.created_at)

    def _save(self) -> None:
        atomic_write(
            self.root / "set.json",
            self.record.model_dump_json(indent=1),
            inside=self.workspace.root,
        )

    def run_of(self, line: int) -> str | None:
        return self.record.lines.get(line)

    def assign(self, runs: dict[int, str]) -> None:
        """Record the runs that draft these lines (before any of them asks anything)."""
        with self._lock:
            self.record.lines = {**self.record.lines, **runs}
            self._save()

    def remember_export(self, path: str) -> None:
        with self._lock:
            if self.record.export != path:
                self.record.export = path
                self._save()
