"""``jobzone reject``, ``request-changes`` and ``redraft``'s refusals and guidance."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from jobzone.canonical import BaseVersion
from jobzone.checking import content_sha256
from jobzone.drafting.model import Call
from jobzone.drafts import Kind, Status
from jobzone.history import Action, HistoryEntry
from jobzone.workflow import drafting

from .conftest import RunCli
from .factories import (
    hermetic_env,
    make_draft,
    read_draft,
    read_role,
    tree,
)
from .models import ScriptedModel

hermetic = pytest.fixture(autouse=True)(hermetic_env)


def test_reject_closes_the_draft_with_the_reason(workspace: Path, run_cli: RunCli) -> None:
    draft = make_draft(workspace, "rev-1")

    result = run_cli("reject", "rev-1", "--reviewer", "alice", "--reason", " not a real role ")

    assert result.exit_code == 0, result.output
    assert result.stdout == "rejected rev-1: now rejected\n"
    after = read_draft(workspace, "rev-1")
    assert after.status is Status.rejected
    assert after.history[:-1] == draft.history
    entry = after.history[-1]
    assert (entry.action, entry.by, entry.note) == ("rejected", "alice", "not a real role")
    assert entry.content_sha256 == content_sha256(after.assessment)
    assert read_role(workspace).version == 1


def test_request_changes_keeps_the_draft_open(workspace: Path, run_cli: RunCli) -> None:
    make_draft(workspace, "rev-1")

    result = run_cli(
        "request-changes", "rev-1", "--reviewer", "bob", "--note", "cite a 2026 source", "--json"
    )

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"id": "rev-1", "status": "changes_requested"}
    after = read_draft(workspace, "rev-1")
    assert after.status is Status.changes_requested
    assert (after.history[-1].action, after.history[-1].note) == (
        "changes requested",
        "cite a 2026 source",
    )
    # A second request on an open draft is allowed and appended.
    again = run_cli("request-changes", "rev-1", "--reviewer", "carol", "--note", "and shorter")
    assert again.exit_code == 0
    assert [e.by for e in read_draft(workspace, "rev-1").history[-2:]] == ["bob", "carol"]


@pytest.mark.parametrize(
    "args",
    [
        ["reject", "rev-1", "--reviewer", "alice"],
        ["reject", "rev-1", "--reviewer", "alice", "--reason", ""],
        ["reject", "rev-1", "--reviewer", "alice", "--reason", "  \n "],
        ["request-changes", "rev-1", "--reviewer", "alice"],
        ["request-changes", "rev-1", "--reviewer", "alice", "--note", ""],
        ["request-changes", "rev-1", "--reviewer", "alice", "--note", "   "],
    ],
    ids=["reject-none", "reject-empty", "reject-blank", "rc-none", "rc-empty", "rc-blank"],
)
def test_a_decision_without_its_reason_is_a_usage_error(
    workspace: Path, run_cli: RunCli, args: list[str]
) -> None:
    make_draft(workspace, "rev-1")
    draft_file = workspace / "drafts" / "rev-1.yaml"
    before = draft_file.read_bytes()

    result = run_cli(*args)

    assert result.exit_code == 2
    assert draft_file.read_bytes() == before


# -- redraft: refusals only (the drafting itself needs a model) --------------------------------


def _never(call: Call) -> None:
    raise AssertionError(f"redraft should have been refused before asking ({call.stage.name})")


#: A model that fails the test if it is ever asked.
NO_MODEL = ScriptedModel(before=_never)


@pytest.mark.parametrize(
    ("status", "kind", "code", "message"),
    [
        (Status.pending, Kind.revision, 1, "redraft follows a change request"),
        (Status.approved, Kind.revision, 1, "redraft follows a change request"),
        (Status.rejected, Kind.new, 1, "redraft follows a change request"),
        (Status.changes_requested, Kind.commentary, 2, "jobzone commentary"),
    ],
)
def test_redraft_refusals_write_nothing(
    workspace: Path,
    run_cli: RunCli,
    status: Status,
    kind: Kind,
    code: int,
    message: str,
) -> None:
    make_draft(workspace, "d-1", status=status, kind=kind)
    before = tree(workspace)

    result = run_cli("redraft", "d-1", model=NO_MODEL)

    assert result.exit_code == code
    assert message in result.stderr
    assert tree(workspace) == before  # no run journal, no kept revision, no change


@pytest.mark.parametrize("draft_id", ["nope", "../x", "UPPER"])
def test_redraft_of_an_unknown_or_invalid_id_is_a_usage_error(
    workspace: Path, run_cli: RunCli, draft_id: str
) -> None:
    before = tree(workspace)

    result = run_cli("redraft", draft_id, model=NO_MODEL)

    assert result.exit_code == 2
    assert tree(workspace) == before


def test_redraft_without_a_model_endpoint_is_a_config_error(
    workspace: Path, run_cli: RunCli
) -> None:
    make_draft(workspace, "d-1", status=Status.changes_requested)

    result = run_cli("redraft", "d-1")

    assert result.exit_code == 2
    assert "OPENAI_API_KEY" in result.stderr


def _entry(action: Action, by: str, note: str | None) -> HistoryEntry:
    at = dt.datetime(2026, 5, 2, tzinfo=dt.UTC)
    return HistoryEntry(at=at, by=by, action=action, note=note, content_sha256="0" * 64)


def test_reviewer_notes_are_those_since_the_latest_redraft(workspace: Path) -> None:
    draft = make_draft(workspace, "d-1", save=False)
    draft.history += [
        _entry(Action.changes_requested, "alice", "old note, answered by the redraft"),
        _entry(Action.redrafted, "bot", "revision 2"),
        _entry(Action.changes_requested, "bob", "split the deployment task"),
        _entry(Action.edited, "bob", "1 error, 0 warnings after the edit"),
        _entry(Action.changes_requested, "carol", None),
        _entry(Action.changes_requested, "carol", "cite a 2026 wage source"),
    ]

    assert drafting.reviewer_notes(draft) == [
        "bob: split the deployment task",
        "carol: cite a 2026 wage source",
    ]
    assert drafting.guidance(draft, "Focus on UK employers.") == (
        "Focus on UK employers.\n"
        "Reviewers asked for these changes to the previous draft:\n"
        "- bob: split the deployment task\n"
        "- carol: cite a 2026 wage source"
    )


def test_guidance_without_reviewer_notes_is_the_original_notes(workspace: Path) -> None:
    draft = make_draft(workspace, "d-1", save=False)

    assert drafting.reviewer_notes(draft) == []
    assert drafting.guidance(draft, "Focus on UK employers.") == "Focus on UK employers."
    assert drafting.guidance(draft, None) == ""

    draft.history.append(_entry(Action.changes_requested, "alice", "shorter rationales"))
    assert drafting.guidance(draft, None) == (
        "Reviewers asked for these changes to the previous draft:\n- alice: shorter rationales"
    )


@pytest.mark.parametrize("kind", [Kind.revision, Kind.new])
def test_redraft_is_based_on_the_current_canonical_version(
    workspace: Path, run_cli: RunCli, kind: Kind
) -> None:
    """A revision refused for a stale base, or a "new" role that exists, is redrafted against
    the role as it is now, so the next revision can be approved."""
    title = "MLOps Engineer"  # the canonical role's title, whatever the draft's kind
    make_draft(workspace, "d-1", status=Status.changes_requested, kind=kind, title=title)
    role_file = workspace / "roles" / "mlops-engineer.yaml"
    role_file.write_text(role_file.read_text("utf-8") + "\n", "utf-8")  # the role moved on
    model = ScriptedModel()

    result = run_cli("redraft", "d-1", model=model)

    assert result.exit_code in (0, 1), result.output
    assert sorted(model.stages()) == ["commentary", "profile", "role", "tasks"]
    after = read_draft(workspace, "d-1")
    assert (after.revision, after.kind, after.status) == (2, Kind.revision, Status.pending)
    assert after.base == BaseVersion(
        slug="mlops-engineer",
        sha256=hashlib.sha256(role_file.read_bytes()).hexdigest(),
        version=1,
    )
    assert after.history[-1].action is Action.redrafted
    kept = workspace / "drafts" / ".revisions" / "d-1" / "r1.yaml"
    assert kept.is_file()
