"""An evaluation run's folder, ``evals/<run-id>/``: what was asked, and each case as it ends.

``run.json`` holds the settings (kind, model, endpoint, prompt versions, the cases to run and how).
Each case (a role, or a batch of O*NET tasks) has a folder under ``cases/`` holding its drafting
journal (the request, every call and answer, as ``jobzone draft`` keeps them) and, once the case
is done, ``result.json``. A run that stopped (the budget, a failed call, Ctrl-C) is continued with
``--resume RUN_ID``: finished cases are read back, and an unfinished one replays the answers its
journal holds before asking for more. ``summary.json`` and ``report.html`` are written when the
run ends. Every file is written atomically.
"""

from __future__ import annotations

import datetime as dt
import secrets
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict

from jobzone.calls import CallRecord, Usage
from jobzone.documents import atomic_write, load_model
from jobzone.drafting.assemble import slugify
from jobzone.drafting.journal import Journal, RunRequest
from jobzone.drafting.model import Model, ModelChoice
from jobzone.errors import NotFoundError
from jobzone.slugs import Slug
from jobzone.workflow import Workflow
from jobzone.workflow.runs import model_for
from jobzone.workspace import Workspace, check_name

EVALS_DIR = "evals"
RESULT = "result.json"
M = TypeVar("M", bound=BaseModel)


class EvalKind(StrEnum):
    drafts = "drafts"
    labels = "labels"


class EvalSettings(BaseModel):
    """What a run asks, and of which model: enough to resume it, and to compare it with another."""

    model_config = ConfigDict(extra="forbid")

    id: Slug
    kind: EvalKind
    created_at: dt.datetime
    by: str
    model: str
    endpoint_host: str
    temperature: float | None
    prompt_versions: dict[str, str]
    rubric: str
    max_repairs: int
    #: The cases, in order: role slugs for drafts, batch ids for labels.
    cases: list[Slug]
    #: drafts: each role drafted with the notes of the run that drafted its approved version.
    notes: bool = False
    #: labels: the sample's size and seed, its task ids in order, and tasks per call.
    sample: int | None = None
    seed: int | None = None
    task_ids: list[int] = []
    batch_size: int | None = None


def new_run_id(kind: EvalKind, model: str, at: dt.datetime) -> str:
    model_part = slugify(model)[:32].strip("-")
    return f"{kind.value}-{model_part}-{at:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


class CaseJournal(Journal):
    """A drafting journal kept in a case's folder instead of ``drafts/.runs/``."""

    def __init__(self, workspace: Workspace, request: RunRequest, root: Path) -> None:
        super().__init__(workspace, request)
        self.root = root

    @classmethod
    def at(cls, workspace: Workspace, root: Path, request: RunRequest) -> CaseJournal:
        """The case's journal as first asked if it exists (it resumes), else a new one."""
        existing = root / "request.json"
        if existing.is_file():
            return cls(workspace, load_model(RunRequest, existing, inside=workspace.root), root)
        journal = cls(workspace, request, root)
        atomic_write(existing, request.model_dump_json(indent=1), inside=workspace.root)
        return journal


class EvalRun:
    """One run's folder in a workspace."""

    def __init__(self, workspace: Workspace, settings: EvalSettings) -> None:
        self.workspace = workspace
        self.settings = settings
        self.root = folder(workspace, settings.id)

    @property
    def id(self) -> str:
        return self.settings.id

    @classmethod
    def create(cls, workspace: Workspace, settings: EvalSettings) -> EvalRun:
        run = cls(workspace, settings)
        run.write("run.json", settings.model_dump_json(indent=1))
        return run

    @classmethod
    def open(cls, workspace: Workspace, run_id: str) -> EvalRun:
        path = folder(workspace, run_id) / "run.json"
        if not path.is_file():
            raise NotFoundError(
                f"no evaluation run {run_id!r}", file=workspace.relative(path), rule="eval.exists"
            )
        return cls(workspace, load_model(EvalSettings, path, inside=workspace.root))

    def write(self, name: str, text: str) -> Path:
        path = self.root / name
        atomic_write(path, text, inside=self.workspace.root)
        return path

    def case_dir(self, case: str) -> Path:
        return self.root / "cases" / check_name(case, "case")

    def journal(self, case: str, request: RunRequest) -> CaseJournal:
        return CaseJournal.at(self.workspace, self.case_dir(case), request)

    def result(self, case: str, model: type[M]) -> M | None:
        """The finished case's result, or None while it is not finished."""
        path = self.case_dir(case) / RESULT
        if not path.is_file():
            return None
        return load_model(model, path, inside=self.workspace.root)

    def save_result(self, case: str, result: BaseModel) -> None:
        self.write(f"cases/{case}/{RESULT}", result.model_dump_json(indent=1))

    def used_tokens(self) -> int:
        """Tokens every case's calls have used so far: what a resumed run's budget starts from."""
        calls = (self.root / "cases").glob("*/calls/*.json")
        records = [load_model(CallRecord, f, inside=self.workspace.root) for f in calls]
        return sum((r.usage for r in records), Usage()).total_tokens


def resumed_model(wf: Workflow, run: EvalRun, choice: ModelChoice) -> Model:
    """The run's model and temperature again; how to reach the server may differ this time."""
    s = run.settings
    return model_for(
        wf, ModelChoice(s.model, s.temperature, choice.timeout, choice.structured_output)
    )


def folder(workspace: Workspace, run_id: str) -> Path:
    return workspace.root / EVALS_DIR / check_name(run_id, "id")
