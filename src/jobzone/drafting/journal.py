"""The run journal: everything a drafting run has asked and been answered, kept on disk.

Each record is its own file, written atomically the moment it exists, under
``drafts/.runs/<id>/``. An interrupted or failed run therefore leaves its paid-for answers behind,
and ``jobzone draft --resume ID`` replays them instead of calling the model again. The journal is
kept after the draft is written: it is the record of every attempt.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from jobzone.canonical import BaseVersion
from jobzone.documents import atomic_write, load_model, read_yaml
from jobzone.drafting.records import CallRecord
from jobzone.errors import ConflictError, InputError, NotFoundError
from jobzone.workspace import Slug, Workspace, check_name

RUNS_DIR = ".runs"


class RunRequest(BaseModel):
    """What was asked for, so that a resumed run asks the same."""

    model_config = ConfigDict(extra="forbid")

    id: Slug
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


class Journal:
    def __init__(self, root: Path, request: RunRequest) -> None:
        self.root = root
        self.request = request
        self._lock = threading.Lock()

    @staticmethod
    def folder(workspace: Workspace, run_id: str) -> Path:
        return workspace.drafts_dir / RUNS_DIR / check_name(run_id, "id")

    @classmethod
    def create(cls, workspace: Workspace, request: RunRequest) -> Journal:
        root = cls.folder(workspace, request.id)
        if (root / "request.json").exists():
            raise ConflictError(f"a drafting run {request.id} already exists")
        # The request is written last: a crash before it leaves folders a new run may reuse.
        (root / "calls").mkdir(parents=True, exist_ok=True)
        (root / "answers").mkdir(exist_ok=True)
        atomic_write(root / "request.json", request.model_dump_json(indent=1))
        return cls(root, request)

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
        return cls(root, load_model(RunRequest, request_file))

    # -- calls ------------------------------------------------------------------------------------

    def record_call(self, record: CallRecord) -> None:
        with self._lock:
            seq = sum(1 for _ in (self.root / "calls").glob("*.json")) + 1
            name = f"{seq:04d}-{record.stage}-r{record.round}-a{record.attempt}.json"
            atomic_write(self.root / "calls" / name, record.model_dump_json(indent=1))

    def calls(self) -> list[CallRecord]:
        files = sorted((self.root / "calls").glob("*.json"))
        return [load_model(CallRecord, f) for f in files]

    # -- answers ----------------------------------------------------------------------------------

    def _answer_file(self, stage: str, round_: int) -> Path:
        return self.root / "answers" / f"{stage}-r{round_}.json"

    def answer(self, stage: str, round_: int) -> str | None:
        """The raw answer already received for this stage and round, if any."""
        path = self._answer_file(stage, round_)
        if not path.is_file():
            return None
        content = read_yaml(path).get("content")
        if not isinstance(content, str):
            raise InputError("an answer without its content", file=str(path), rule="run.answer")
        return content

    def save_answer(self, stage: str, round_: int, content: str) -> None:
        payload = json.dumps({"stage": stage, "round": round_, "content": content}, indent=1)
        atomic_write(self._answer_file(stage, round_), payload)

    # -- outcome ----------------------------------------------------------------------------------

    def finish(self, outcome: str, detail: str | None = None) -> None:
        """Mark how the run ended (drafted, not-a-title); a finished run cannot be resumed."""
        record = {"outcome": outcome, "detail": detail, "at": dt.datetime.now(dt.UTC).isoformat()}
        atomic_write(self.root / "finished.json", json.dumps(record, indent=1))

    def finished(self) -> dict[str, str] | None:
        path = self.root / "finished.json"
        if not path.is_file():
            return None
        data: dict[str, str] = read_yaml(path)
        return data
