"""The runs a workspace keeps: listing them, and pruning the ones that queued nothing.

Every run keeps its journal in ``drafts/.runs/<id>/``. A run that queued a draft is that
draft's record of every attempt, and stays. A run that stopped (a failed call, the budget,
Ctrl-C) and was never continued, or that ended because the title was no job title, queued
nothing; :func:`prune` removes those whose last activity is older than an age, and logs each
removal (what the run was, who removed it and when) in ``drafts/.runs/pruned.jsonl``.

A folder is removed by renaming it out of the listing first, then deleting it, so a prune that
is killed half-way leaves a folder no listing shows, which the next prune finishes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jobzone.calls import CallOutcome, Usage
from jobzone.documents import atomic_write, read_yaml
from jobzone.drafting.journal import RUNS_DIR, Journal, RunOutcome, RunRequest
from jobzone.drafts import draft_path, load_draft
from jobzone.errors import InputError, JobzoneError
from jobzone.workflow import Workflow
from jobzone.workspace import Workspace

#: A run that has not ended: it can be continued (or pruned once old).
STOPPED = "stopped"
PRUNED_LOG = "pruned.jsonl"
_PRUNING = ".pruning-"


@dataclass(frozen=True)
class RunSummary:
    """One run, as ``jobzone runs`` lists it."""

    id: str
    purpose: str
    title: str
    #: "stopped", or how the run ended ("queued", "not-a-title").
    state: str
    #: Why it stopped or ended, when it said.
    reason: str | None
    calls: int
    failed_calls: int
    usage: Usage
    #: Some calls were cut off, so their tokens are estimates.
    estimated: bool
    unusable_answers: int
    started: dt.datetime
    last_activity: dt.datetime
    #: The command that continues a stopped run.
    resume: str | None

    @property
    def prunable(self) -> bool:
        """Whether the run queued nothing, so that removing it loses no draft's record."""
        return self.state != RunOutcome.queued.value

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "purpose": self.purpose,
            "title": self.title,
            "state": self.state,
            "reason": self.reason,
            "calls": self.calls,
            "failed_calls": self.failed_calls,
            "prompt_tokens": self.usage.prompt_tokens,
            "completion_tokens": self.usage.completion_tokens,
            "tokens_estimated": self.estimated,
            "unusable_answers": self.unusable_answers,
            "started": self.started.isoformat(),
            "last_activity": self.last_activity.isoformat(),
            "resume": self.resume,
        }


@dataclass(frozen=True)
class RunListing:
    runs: list[RunSummary]
    #: Folders under drafts/.runs/ that cannot be read as runs.
    unreadable: list[JobzoneError]
    #: Folders of runs whose start was interrupted before their request was written: nothing
    #: was asked in them. With when each was last written.
    incomplete: list[tuple[Path, dt.datetime]] = field(default_factory=list)


def runs_dir(workspace: Workspace) -> Path:
    return workspace.drafts_dir / RUNS_DIR


def _last_activity(folder: Path) -> dt.datetime:
    """When anything in the run's folder was last written (links are not followed; a file
    that a running draft renames away meanwhile is skipped)."""
    newest = 0.0
    for path in (
        folder,
        *(Path(root) / name for root, _, files in os.walk(folder) for name in files),
    ):
        with contextlib.suppress(OSError):
            newest = max(newest, path.lstat().st_mtime)
    return dt.datetime.fromtimestamp(newest, dt.UTC)


def _queued_unrecorded(workspace: Workspace, request: RunRequest) -> bool:
    """Whether the run's draft was saved although the run's end was not recorded (a crash
    between the two): such a run is the draft's record, as good as queued."""
    if request.draft is None:  # a new draft, or a role's commentary: the draft has its id
        return draft_path(workspace, request.id).exists()
    if request.revision is None:
        return True  # written before runs named the revision they write: keep it, to be safe
    try:
        return load_draft(workspace, request.draft).revision >= request.revision
    except JobzoneError:
        return False


def summarise(journal: Journal) -> RunSummary:
    """What a run asked, what it cost, and where it stands."""
    request = journal.request
    calls = journal.calls()
    ended = journal.finished()
    reason: str | None
    if ended is None and _queued_unrecorded(journal.workspace, request):
        ended, reason = RunOutcome.queued, "the draft was saved; the run's end was not recorded"
        state = ended.value
    elif ended is None:
        state, reason = STOPPED, journal.stop_reason()
    else:
        state, reason = ended.value, _ended_detail(journal)
    unusable = journal.root / "unusable"
    return RunSummary(
        id=request.id,
        purpose=request.purpose.value,
        title=request.title,
        state=state,
        reason=reason,
        calls=len(calls),
        failed_calls=sum(c.outcome is not CallOutcome.ok for c in calls),
        usage=sum((c.usage for c in calls), Usage()),
        estimated=any(c.usage_estimated for c in calls),
        unusable_answers=len(list(unusable.glob("*.json"))) if unusable.is_dir() else 0,
        started=_utc(request.created_at),
        last_activity=_last_activity(journal.root),
        resume=request.resume_command if ended is None else None,
    )


def _ended_detail(journal: Journal) -> str | None:
    detail = read_yaml(journal.root / "finished.json", inside=journal.workspace.root).get("detail")
    return detail if isinstance(detail, str) else None


def _utc(when: dt.datetime) -> dt.datetime:
    """``when`` with a zone (a hand-written request may lack one: taken as UTC)."""
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _run_folders(workspace: Workspace) -> Iterator[Path]:
    folder = runs_dir(workspace)
    if not folder.is_dir():
        return
    for entry in sorted(folder.iterdir()):
        if not entry.name.startswith(".") and entry.is_dir():
            yield entry


def list_runs(workspace: Workspace) -> RunListing:
    """Every run in the workspace, oldest first; folders that are not runs apart."""
    listing = RunListing([], [])
    for folder in _run_folders(workspace):
        try:
            if folder.is_symlink():
                raise InputError(
                    "a run folder is a symbolic link; jobzone never follows one",
                    file=str(folder),
                    rule="file.symlink",
                )
            if not (folder / "request.json").exists():
                listing.incomplete.append((folder, _last_activity(folder)))
                continue
            listing.runs.append(summarise(Journal.open(workspace, folder.name)))
        except JobzoneError as exc:
            listing.unreadable.append(exc)
    listing.runs.sort(key=lambda r: (r.started, r.id))
    return listing


def due_for_pruning(
    listing: RunListing, older_than: dt.timedelta, now: dt.datetime | None = None
) -> list[RunSummary]:
    """The runs that queued nothing and have been idle for longer than ``older_than``."""
    cutoff = (now or dt.datetime.now(dt.UTC)) - older_than
    return [r for r in listing.runs if r.prunable and r.last_activity < cutoff]


def _idle_incomplete(listing: RunListing, cutoff: dt.datetime) -> list[Path]:
    return [folder for folder, active in listing.incomplete if active < cutoff]


def prune(
    wf: Workflow,
    older_than: dt.timedelta,
    by: str,
    *,
    only: set[str] | None = None,
    now: dt.datetime | None = None,
) -> list[RunSummary]:
    """Remove the runs :func:`due_for_pruning` names (of ``only``, when given: the ones a
    person confirmed), under the workspace's lock, logging each before it goes; what an
    earlier, interrupted prune left half-removed is finished too."""
    at = now or dt.datetime.now(dt.UTC)
    with wf.session() as s:
        folder = runs_dir(s.workspace)
        for leftover in folder.glob(f"{_PRUNING}*") if folder.is_dir() else ():
            _remove(leftover)
        listing = list_runs(s.workspace)
        for empty in _idle_incomplete(listing, at - older_than):
            _remove(empty)  # nothing was asked in it: there is nothing to log
        due = [
            run
            for run in due_for_pruning(listing, older_than, at)
            if only is None or run.id in only
        ]
        for run in due:
            _log(s.workspace, run, by, at)
            hidden = folder / f"{_PRUNING}{run.id}"
            try:
                (folder / run.id).replace(hidden)
            except OSError as exc:
                raise InputError(
                    f"cannot remove the run: {exc.strerror}", file=str(folder / run.id)
                ) from None
            _remove(hidden)
    return due


def _remove(path: Path) -> None:
    try:
        if path.is_symlink() or not path.is_dir():
            path.unlink(missing_ok=True)
        else:
            shutil.rmtree(path)
    except OSError as exc:
        raise InputError(f"cannot remove a pruned run: {exc.strerror}", file=str(path)) from None


def _log(workspace: Workspace, run: RunSummary, by: str, at: dt.datetime) -> None:
    """Add a line for ``run`` to the prune log (rewritten atomically, so never half a line)."""
    path = runs_dir(workspace) / PRUNED_LOG
    try:
        earlier = path.read_text("utf-8") if path.is_file() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the prune log: {exc}", file=str(path)) from None
    line = json.dumps({**run.to_json(), "pruned_by": by, "pruned_at": at.isoformat()})
    atomic_write(path, earlier + line + "\n", inside=workspace.root)
