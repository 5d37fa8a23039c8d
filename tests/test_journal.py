"""The run journal survives a crash while it is being created, and never reuses a live run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from jobzone.drafting.journal import Journal, RunRequest
from jobzone.errors import ConflictError, NotFoundError
from jobzone.workspace import Workspace


def request(run_id: str = "site-reliability-engineer-1") -> RunRequest:
    return RunRequest(
        id=run_id,
        title="Site Reliability Engineer",
        notes=None,
        model="gpt-5-mini",
        temperature=None,
        max_repairs=2,
        assessed_on=dt.date(2026, 11, 21),
        created_at=dt.datetime(2026, 11, 21, tzinfo=dt.UTC),
        by="tester",
    )


def test_a_run_half_created_by_a_crash_can_be_created_again(workspace: Path) -> None:
    ws = Workspace(workspace)
    folder = Journal.folder(ws, request().id)
    (folder / "calls").mkdir(parents=True)  # the crash came before request.json was written
    with pytest.raises(NotFoundError):
        Journal.open(ws, request().id)
    journal = Journal.create(ws, request())
    journal.save_answer("role", 0, '{"title": "x"}')
    assert Journal.open(ws, request().id).answer("role", 0) == '{"title": "x"}'


def test_an_existing_run_is_never_created_twice(workspace: Path) -> None:
    ws = Workspace(workspace)
    Journal.create(ws, request()).save_answer("role", 0, "{}")
    with pytest.raises(ConflictError):
        Journal.create(ws, request())
    assert Journal.open(ws, request().id).answer("role", 0) == "{}"
