"""The run journal: everything a drafting run has asked and been answered, kept on disk.

Each record is its own file, written atomically the moment it exists, under
``drafts/.runs/<id>/``. An interrupted or failed run therefore leaves its paid-for answers behind,
and ``jobzone draft --resume ID`` replays them instead of calling the model again. The journal is
kept after the draft is written: it is the record of every attempt.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import threading
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from jobzone.calls import CallRecord
from jobzone.canonical import BaseVersion
from jobzone.documents import atomic_write, load_model, read_yaml
from jobzone.errors import ConflictError, InputError, NotFoundError
from jobzone.slugs import Slug
from jobzone.workspace import Workspace, check_name

RUNS_DIR = ".runs"


class RunPurpose(StrEnum):
    """What a run drafts."""

    draft = "draft"  # a new draft from a title
    redraft = "redraft"  # the next revision of a draft, with the reviewers' notes
    commentary = "commentary"  # new commentary for a canonical role or a draft


class RunOutcome(StrEnum):
    """How a run ended; a run that ended cannot be resumed."""

    queued = "queued"
    not_a_title = "not-a-title"


#: How runs that queued a draft said so before outcomes were an enum.
_EARLIER_OUTCOMES = frozenset({"drafted", "redrafted"})


class RunRequest(BaseModel):
    """What was asked for, so that a resumed run asks the same."""

    model_config = ConfigDict(extra="forbid")

    id: Slug
    purpose: RunPurpose = RunPurpose.draft
    #: The draft a redraft, or a draft's new commentary, belongs to.
    draft: Slug | None = None
    title: str
    notes: str | None
    model: str
    temperature: float | None
    max_repairs: int
    assessed_on: dt.date
    created_at: dt.datetime
    by: str
    #: The canonical version a revision is drafted from, fixed when the run starts.
    base: BaseVersion | None = None
    #: The editor insists the title is a job title, whatever the model says.
    force_title: bool = False
    #: The revision of ``draft`` this run writes (a redraft, a draft's new commentary).
    revision: int | None = None
    #: The O*NET occupation code the editor chose (a titles file's ``occupation`` column).
    occupation: str | None = Field(default=None, exclude_if=lambda value: value is None)

    @property
    def resume_command(self) -> str:
        """The command that continues this run after a stop, without paying twice."""
        if self.purpose is RunPurpose.redraft:
            return f"jobzone redraft {self.draft}"
        if self.purpose is RunPurpose.commentary:
            return f"jobzone commentary {self.draft or (self.base.slug if self.base else self.id)}"
        return f"jobzone draft --resume {self.id}"


class Journal:
    def __init__(self, workspace: Workspace, request: RunRequest) -> None:
        self.workspace = workspace
        self.root = self.folder(workspace, request.id)
        self.request = request
        self._lock = threading.Lock()

    def _write(self, path: Path, text: str) -> None:
        atomic_write(path, text, inside=self.workspace.root)

    @staticmethod
    def folder(workspace: Workspace, run_id: str) -> Path:
        return workspace.drafts_dir / RUNS_DIR / check_name(run_id, "id")

    @classmethod
    def create(cls, workspace: Workspace, request: RunRequest) -> Journal:
        root = cls.folder(workspace, request.id)
        if (root / "request.json").exists():
            raise ConflictError(f"a drafting run {request.id} already exists")
        journal = cls(workspace, request)
        # The request is written last: a crash before it leaves nothing a new run cannot reuse.
        journal._write(root / "request.json", request.model_dump_json(indent=1))
        return journal

    @classmethod
    def open_or_create(cls, workspace: Workspace, request: RunRequest) -> Journal:
        """The run ``request.id`` as first asked, if it exists (an interrupted run resumes with
        its answers), else a new one."""
        if (cls.folder(workspace, request.id) / "request.json").is_file():
            return cls.open(workspace, request.id)
        return cls.create(workspace, request)

    @classmethod
    def open(cls, workspace: Workspace, run_id: str) -> Journal:
        root = cls.folder(workspace, run_id)
        request_file = root / "request.json"
        if not request_file.is_file():
            raise NotFoundError(
                f"no drafting run {run_id!r} to resume", file=str(root), rule="run.exists"
            )
        request = load_model(RunRequest, request_file, inside=workspace.root)
        if request.id != run_id:
            raise InputError(
                f"the run's id {request.id!r} is not its folder's name",
                file=str(request_file),
                field="id",
                rule="run.id",
            )
        return cls(workspace, request)

    # -- calls ------------------------------------------------------------------------------------

    def record_call(self, record: CallRecord) -> None:
        with self._lock:
            seq = sum(1 for _ in (self.root / "calls").glob("*.json")) + 1
            name = f"{seq:04d}-{record.stage}-r{record.round}-a{record.attempt}.json"
            self._write(self.root / "calls" / name, record.model_dump_json(indent=1))

    def calls(self) -> list[CallRecord]:
        files = sorted((self.root / "calls").glob("*.json"))
        return [load_model(CallRecord, f, inside=self.workspace.root) for f in files]

    # -- answers ----------------------------------------------------------------------------------

    def _answer_file(self, stage: str, round_: int) -> Path:
        return self.root / "answers" / f"{stage}-r{round_}.json"

    def answer(self, stage: str, round_: int) -> str | None:
        """The raw answer already received for this stage and round, if any."""
        path = self._answer_file(stage, round_)
        if not path.is_file():
            return None
        content = read_yaml(path, inside=self.workspace.root).get("content")
        if not isinstance(content, str):
            raise InputError("an answer without its content", file=str(path), rule="run.answer")
        return content

    def save_answer(self, stage: str, round_: int, content: str) -> None:
        payload = json.dumps({"stage": stage, "round": round_, "content": content}, indent=1)
        self._write(self._answer_file(stage, round_), payload)

    def keep(self, stage: str, round_: int, attempt: int, content: str, why: str) -> None:
        """Keep the text of an answer that cannot be used (cut off), for a person to read; it
        is never replayed."""
        payload = json.dumps(
            {"stage": stage, "round": round_, "attempt": attempt, "why": why, "content": content},
            indent=1,
        )
        with self._lock:  # numbered like the calls: a resumed run's attempt 1 is another
            seq = sum(1 for _ in (self.root / "unusable").glob("*.json")) + 1
            path = self.root / "unusable" / f"{seq:04d}-{stage}-r{round_}-a{attempt}.json"
            self._write(path, payload)

    # -- outcome ----------------------------------------------------------------------------------

    def mark_active(self) -> None:
        """Note that the run is being continued now (its folder's time), so that it does not
        look abandoned to ``jobzone runs --prune``."""
        with contextlib.suppress(OSError):
            os.utime(self.root)

    def stop(self, reason: str) -> None:
        """Note why the run stopped before it ended (a failed call, the budget, Ctrl-C), for
        ``jobzone runs``; continuing the run later replaces it with how the run ended. A note
        that cannot be written is not worth failing over: the stop is reported anyway."""
        record = {"reason": reason, "at": dt.datetime.now(dt.UTC)}
        with contextlib.suppress(InputError):
            self._write(self.root / "stopped.json", json.dumps(record, indent=1, default=str))

    def stop_reason(self) -> str | None:
        """Why the run last stopped, if it did and said so."""
        path = self.root / "stopped.json"
        try:
            reason = read_yaml(path, inside=self.workspace.root).get("reason")
        except InputError:  # none, or unreadable: a note, not a record
            return None
        return reason if isinstance(reason, str) else None

    def finish(self, outcome: RunOutcome, detail: str | None = None) -> None:
        """Mark how the run ended; a finished run cannot be resumed."""
        record = {"outcome": outcome.value, "detail": detail, "at": dt.datetime.now(dt.UTC)}
        self._write(self.root / "finished.json", json.dumps(record, indent=1, default=str))

    def finished(self) -> RunOutcome | None:
        """How the run ended, or None while it can still be resumed."""
        path = self.root / "finished.json"
        if not path.is_file():
            return None
        outcome = read_yaml(path, inside=self.workspace.root).get("outcome")
        if outcome in _EARLIER_OUTCOMES:
            return RunOutcome.queued
        try:
            return RunOutcome(outcome)
        except ValueError:
            raise InputError(
                f"unknown outcome {outcome!r}", file=str(path), field="outcome", rule="run.finished"
            ) from None
