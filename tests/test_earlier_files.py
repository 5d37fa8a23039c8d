"""Files written by the previous version of jobzone still read: nothing on disk is lost to a
format change (call outcomes as "http 429", acknowledgements as "code at path", runs that
ended "drafted")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from jobzone.calls import CallOutcome
from jobzone.drafting.journal import Journal, RunOutcome, RunRequest
from jobzone.workspace import Workspace

from .conftest import RunCli
from .factories import CREATED_AT, hermetic_env, make_draft, old_source, read_draft

hermetic = pytest.fixture(autouse=True)(hermetic_env)

STALE_SOURCE = "evidence.stale-source at evidence.job_posting_trends.sources[0].date"


def as_written_before(path: Path) -> None:
    """Rewrite a draft file the way the previous version wrote its fields."""
    data: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))
    for call in data["provenance"]["calls"]:
        status = call.pop("status", None)
        call["outcome"] = f"http {status}" if status else call["outcome"]
    data["approvals"] = [
        {"reviewer": "alice", "at": CREATED_AT, "note": "old", "accepted_warnings": [STALE_SOURCE]}
    ]
    text = yaml.safe_dump(data, sort_keys=False)
    assert "outcome: http 429" in text
    path.write_text(text, encoding="utf-8")


def test_a_draft_in_the_earlier_format_is_read_listed_and_approved(
    workspace: Path, run_cli: RunCli
) -> None:
    (workspace / "jobzone.yaml").write_text("approvals_required: 2\n", encoding="utf-8")
    make_draft(workspace, "old", change=old_source)
    as_written_before(workspace / "drafts" / "old.yaml")

    draft = read_draft(workspace, "old")

    first = draft.provenance.calls[0]
    assert (first.outcome, first.status) == (CallOutcome.http_error, 429)
    [accepted] = draft.approvals[0].accepted_warnings
    assert (accepted.code, accepted.path, accepted.message) == (
        "evidence.stale-source",
        "evidence.job_posting_trends.sources[0].date",
        "",
    )
    assert json.loads(run_cli("queue", "--json").stdout)["drafts"][0]["approvals"] == 1
    assert run_cli("show", "old").exit_code == 0
    # The old acknowledgement names no finding of today: the warning is acknowledged again.
    refused = run_cli("approve", "old", "--reviewer", "bob")
    assert refused.exit_code == 1 and "1 warning to acknowledge" in refused.stderr
    done = run_cli("approve", "old", "--reviewer", "bob", "--accept-warnings", "--note", "seen")
    assert done.exit_code == 0, done.output


def test_a_run_that_ended_in_the_earlier_words_has_ended(workspace: Path) -> None:
    ws = Workspace(workspace)
    request = RunRequest(
        id="old-run",
        title="Nurse",
        notes=None,
        model="m",
        temperature=None,
        max_repairs=2,
        assessed_on=CREATED_AT.date(),
        created_at=CREATED_AT,
        by="ed",
    )
    journal = Journal.create(ws, request)
    (journal.root / "finished.json").write_text(
        json.dumps({"outcome": "drafted", "detail": "old-run", "at": "2026-05-01T09:30:00"}),
        encoding="utf-8",
    )

    assert Journal.open(ws, "old-run").finished() is RunOutcome.queued
