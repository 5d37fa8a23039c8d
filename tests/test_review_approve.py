"""``jobzone approve``: refusals, promotion into the canonical set, versions, approvals needed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from jobzone.drafts import Kind, Status
from jobzone.history import content_hash

from .conftest import RunCli
from .factories import (
    NEW_SLUG,
    SEED_SLUG,
    hermetic_env,
    kept_versions,
    make_draft,
    old_source,
    read_draft,
    read_role,
    retitle_first_task,
    tasks_sum_95_and_duplicate,
    write_draft,
)

hermetic = pytest.fixture(autouse=True)(hermetic_env)


def role_bytes(workspace: Path, slug: str = SEED_SLUG) -> bytes:
    return (workspace / "roles" / f"{slug}.yaml").read_bytes()


def assert_untouched(workspace: Path, draft_id: str, seed: bytes) -> None:
    """Nothing was promoted and the draft is still pending, unapproved."""
    assert role_bytes(workspace) == seed
    assert kept_versions(workspace) == []
    assert not (workspace / "drafts" / ".approval-intent.json").exists()
    draft = read_draft(workspace, draft_id)
    assert draft.status is Status.pending
    assert draft.approvals == []


def test_approving_a_revision_makes_it_the_next_version(workspace: Path, run_cli: RunCli) -> None:
    draft = make_draft(workspace, "rev-1", change=retitle_first_task)
    assert draft.findings.errors == [] and draft.findings.warnings == []
    before = read_role(workspace)

    result = run_cli("approve", "rev-1", "--reviewer", "alice", "--note", "reads well")

    assert result.exit_code == 0, result.output
    assert "roles/mlops-engineer.yaml is now version 2" in result.stdout
    role = read_role(workspace)
    assert role.version == 2
    assert role.tasks[0].name == "ML pipeline design and architecture"
    # Every version is kept: the previous one as it was, the new one as the role file holds it.
    assert kept_versions(workspace) == ["v1.yaml", "v2.yaml"]
    v1 = read_role(workspace, f".versions/{SEED_SLUG}/v1")
    assert (v1.version, v1.content(), v1.history) == (1, before.content(), before.history)
    v2 = read_role(workspace, f".versions/{SEED_SLUG}/v2")
    assert v2 == role
    # The role's history starts with its previous history, unchanged, then the draft's own steps,
    # then the approval, whose hash is that of the new canonical content.
    assert role.history[: len(before.history)] == before.history
    carried = role.history[len(before.history) : -1]
    assert [(e.action, e.draft) for e in carried] == [("drafted", "rev-1")]
    approved = role.history[-1]
    assert (approved.action, approved.by, approved.note) == ("approved", "alice", "reads well")
    assert (approved.draft, approved.version) == ("rev-1", 2)
    assert approved.content_sha256 == content_hash(role.content())
    # The draft is closed, with its one approval.
    after = read_draft(workspace, "rev-1")
    assert after.status is Status.approved
    assert [a.reviewer for a in after.approvals] == ["alice"]
    assert after.history[:-1] == draft.history
    assert after.history[-1].action == "approved"
    assert after.history[-1].version == 2
    assert after.history[-1].content_sha256 == approved.content_sha256
    assert not (workspace / "drafts" / ".approval-intent.json").exists()


def test_approving_a_new_role_adds_version_1(workspace: Path, run_cli: RunCli) -> None:
    make_draft(workspace, "new-1", kind=Kind.new)

    result = run_cli("approve", "new-1", "--reviewer", "alice", "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "id": "new-1",
        "status": "approved",
        "approvals": 1,
        "required": 1,
        "slug": NEW_SLUG,
        "version": 1,
        "unchanged": False,
    }
    role = read_role(workspace, NEW_SLUG)
    assert (role.version, role.title) == (1, "ML Platform Engineer")
    assert [e.action for e in role.history] == ["drafted", "approved"]
    assert kept_versions(workspace, NEW_SLUG) == ["v1.yaml"]
    assert kept_versions(workspace) == []  # the other role is not touched


def test_a_draft_with_errors_is_refused(workspace: Path, run_cli: RunCli) -> None:
    make_draft(workspace, "bad", change=tasks_sum_95_and_duplicate)
    seed = role_bytes(workspace)

    plain = run_cli("approve", "bad", "--reviewer", "alice")
    forced = run_cli("approve", "bad", "--reviewer", "alice", "--accept-warnings", "--note", "ok")

    for result in (plain, forced):
        assert result.exit_code == 1
        assert "has 2 errors" in result.stderr
    assert_untouched(workspace, "bad", seed)


def test_errors_are_found_again_at_approval_not_read_from_the_file(
    workspace: Path, run_cli: RunCli
) -> None:
    """A draft file whose stored findings say "clean" but whose content breaks a rule."""
    draft = make_draft(workspace, "tampered")
    tasks_sum_95_and_duplicate(draft.assessment)
    write_draft(workspace, draft)  # findings still empty in the file
    seed = role_bytes(workspace)

    result = run_cli("approve", "tampered", "--reviewer", "alice", "--json")

    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["error"] == "FindingsError"
    assert {f["code"] for f in payload["errors"]} >= {"tasks.time-sum", "tasks.duplicate-name"}
    assert_untouched(workspace, "tampered", seed)


@pytest.mark.parametrize(
    "flags",
    [
        [],
        ["--note", "fine by me"],
        ["--accept-warnings"],
        ["--accept-warnings", "--note", "   "],
    ],
    ids=["nothing", "note-only", "flag-only", "blank-note"],
)
def test_warnings_must_be_acknowledged_with_a_note(
    workspace: Path, run_cli: RunCli, flags: list[str]
) -> None:
    draft = make_draft(workspace, "warned", change=old_source)
    assert [w.code for w in draft.findings.warnings] == ["evidence.stale-source"]
    assert draft.findings.errors == []
    seed = role_bytes(workspace)

    result = run_cli("approve", "warned", "--reviewer", "alice", *flags)

    assert result.exit_code == 1
    assert "1 warning to acknowledge" in result.stderr and "--accept-warnings" in result.stderr
    assert_untouched(workspace, "warned", seed)


def test_acknowledged_warnings_are_recorded_with_the_approval(
    workspace: Path, run_cli: RunCli
) -> None:
    make_draft(workspace, "warned", change=old_source)

    result = run_cli(
        "approve", "warned", "--reviewer", "alice", "--accept-warnings", "--note", "deliberate"
    )

    assert result.exit_code == 0, result.output
    draft = read_draft(workspace, "warned")
    [approval] = draft.approvals
    [accepted] = approval.accepted_warnings
    assert (accepted.code, accepted.path) == (
        "evidence.stale-source",
        "evidence.job_posting_trends.sources[0].date",
    )
    assert "2019-01-08" in accepted.message  # the finding as it was, on this content
    assert approval.note == "deliberate"
    approved = read_role(workspace).history[-1]
    assert approved.note == "deliberate"
    assert approved.acknowledged == [accepted]


def test_a_new_role_draft_for_an_existing_slug_is_a_conflict(
    workspace: Path, run_cli: RunCli
) -> None:
    make_draft(workspace, "dupe", kind=Kind.new, slug=SEED_SLUG, title="MLOps Engineer")
    seed = role_bytes(workspace)

    result = run_cli("approve", "dupe", "--reviewer", "alice")

    assert result.exit_code == 1
    assert "already in the canonical set" in result.stderr
    assert_untouched(workspace, "dupe", seed)


def test_a_revision_of_a_superseded_version_is_a_conflict(workspace: Path, run_cli: RunCli) -> None:
    make_draft(workspace, "rev-a", change=retitle_first_task)
    make_draft(workspace, "rev-b", title="MLOps Engineer (revised)")
    assert run_cli("approve", "rev-a", "--reviewer", "alice").exit_code == 0
    promoted = role_bytes(workspace)

    result = run_cli("approve", "rev-b", "--reviewer", "bob")

    assert result.exit_code == 1
    assert "no longer the current one" in result.stderr
    assert role_bytes(workspace) == promoted
    assert kept_versions(workspace) == ["v1.yaml", "v2.yaml"]
    assert read_draft(workspace, "rev-b").status is Status.pending


def test_a_hand_edited_canonical_file_makes_the_base_stale(
    workspace: Path, run_cli: RunCli
) -> None:
    make_draft(workspace, "rev-1", change=retitle_first_task)
    role_file = workspace / "roles" / f"{SEED_SLUG}.yaml"
    role_file.write_text(role_file.read_text("utf-8") + "\n", encoding="utf-8")
    seed = role_bytes(workspace)

    result = run_cli("approve", "rev-1", "--reviewer", "alice")

    assert result.exit_code == 1
    assert "jobzone rebase rev-1" in result.stderr
    assert_untouched(workspace, "rev-1", seed)


@pytest.mark.parametrize(
    ("status", "args"),
    [
        (Status.approved, ["approve", "--reviewer", "bob"]),
        (Status.approved, ["reject", "--reviewer", "bob", "--reason", "too late"]),
        (Status.approved, ["request-changes", "--reviewer", "bob", "--note", "too late"]),
        (Status.rejected, ["approve", "--reviewer", "bob"]),
        (Status.rejected, ["reject", "--reviewer", "bob", "--reason", "again"]),
        (Status.rejected, ["request-changes", "--reviewer", "bob", "--note", "again"]),
        (Status.changes_requested, ["approve", "--reviewer", "bob"]),
    ],
)
def test_deciding_on_a_closed_draft_is_a_conflict(
    workspace: Path, run_cli: RunCli, status: Status, args: list[str]
) -> None:
    make_draft(workspace, "closed", status=status)
    draft_file = workspace / "drafts" / "closed.yaml"
    before = draft_file.read_bytes()
    seed = role_bytes(workspace)

    result = run_cli(args[0], "closed", *args[1:])

    assert result.exit_code == 1
    assert f"is {status.value}" in result.stderr
    assert draft_file.read_bytes() == before
    assert role_bytes(workspace) == seed


@pytest.mark.parametrize(
    "args",
    [
        ["approve", "nope", "--reviewer", "alice"],
        ["reject", "nope", "--reviewer", "alice", "--reason", "r"],
        ["request-changes", "nope", "--reviewer", "alice", "--note", "n"],
        ["show", "nope"],
        ["diff", "nope"],
        ["history", "nope"],
        ["edit", "nope", "--reviewer", "alice"],
    ],
    ids=lambda a: a[0],
)
def test_an_unknown_id_is_a_usage_error(workspace: Path, run_cli: RunCli, args: list[str]) -> None:
    make_draft(workspace, "known")

    result = run_cli(*args)

    assert result.exit_code == 2
    assert "nope" in result.stderr


# -- who is approving ---------------------------------------------------------------------------


def test_no_reviewer_name_anywhere_is_an_error(workspace: Path, run_cli: RunCli) -> None:
    make_draft(workspace, "rev-1")
    seed = role_bytes(workspace)

    for args in (["approve"], ["reject", "--reason", "r"], ["request-changes", "--note", "n"]):
        result = run_cli(args[0], "rev-1", *args[1:])
        assert result.exit_code == 2, args
        assert "no reviewer name" in result.stderr
    assert_untouched(workspace, "rev-1", seed)


def test_the_reviewer_comes_from_the_environment(
    workspace: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_draft(workspace, "rev-1", change=retitle_first_task)
    monkeypatch.setenv("JOBZONE_REVIEWER", "env reviewer")
    monkeypatch.setattr("jobzone.identity.git_user_name", lambda: "git person")

    assert run_cli("approve", "rev-1").exit_code == 0

    assert read_draft(workspace, "rev-1").approvals[0].reviewer == "env reviewer"


def test_the_reviewer_falls_back_to_git(
    workspace: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_draft(workspace, "rev-1")
    monkeypatch.setattr("jobzone.identity.git_user_name", lambda: "git person")

    assert run_cli("reject", "rev-1", "--reason", "off topic").exit_code == 0

    assert read_draft(workspace, "rev-1").history[-1].by == "git person"


def test_the_option_wins_over_the_environment(
    workspace: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_draft(workspace, "rev-1", change=retitle_first_task)
    monkeypatch.setenv("JOBZONE_REVIEWER", "env reviewer")

    assert run_cli("approve", "rev-1", "--reviewer", "carol").exit_code == 0

    assert read_role(workspace).history[-1].by == "carol"


# -- approvals_required ---------------------------------------------------------------------------


def test_two_distinct_approvals_are_needed_when_the_workspace_says_so(
    workspace: Path, run_cli: RunCli
) -> None:
    (workspace / "jobzone.yaml").write_text("approvals_required: 2\n", encoding="utf-8")
    make_draft(workspace, "rev-1", change=retitle_first_task)
    seed = role_bytes(workspace)

    first = run_cli("approve", "rev-1", "--reviewer", "alice", "--note", "good")

    assert first.exit_code == 0, first.output
    assert "1 of 2 approvals" in first.stdout
    assert role_bytes(workspace) == seed and kept_versions(workspace) == []
    draft = read_draft(workspace, "rev-1")
    assert draft.status is Status.pending
    assert [a.reviewer for a in draft.approvals] == ["alice"]
    assert draft.history[-1].note == "approval 1 of 2: good"
    queued = json.loads(run_cli("queue", "--json").stdout)["drafts"]
    assert [(d["id"], d["status"], d["approvals"]) for d in queued] == [("rev-1", "pending", 1)]

    again = run_cli("approve", "rev-1", "--reviewer", "alice")

    assert again.exit_code == 1
    assert "alice has already approved" in again.stderr
    assert len(read_draft(workspace, "rev-1").approvals) == 1

    second = run_cli("approve", "rev-1", "--reviewer", "bob")

    assert second.exit_code == 0, second.output
    role = read_role(workspace)
    assert role.version == 2
    assert [(e.action, e.by) for e in role.history[1:]] == [
        ("drafted", "drafting bot"),
        ("approved", "alice"),
        ("approved", "bob"),
    ]
    assert role.history[-1].note == "approval 2 of 2"
    assert role.history[-1].content_sha256 == content_hash(role.content())
    draft = read_draft(workspace, "rev-1")
    assert draft.status is Status.approved
    assert [a.reviewer for a in draft.approvals] == ["alice", "bob"]


# -- no change, no version (defect 16); acknowledgements that hold (defect 19) -------------------


def test_approving_a_revision_that_changes_nothing_makes_no_version(
    workspace: Path, run_cli: RunCli
) -> None:
    make_draft(workspace, "same")  # the seed role's content, unchanged
    seed = role_bytes(workspace)

    result = run_cli("approve", "same", "--reviewer", "alice", "--json")

    assert result.exit_code == 0, result.output
    reply = json.loads(result.stdout)
    assert (reply["status"], reply["version"], reply["unchanged"]) == ("approved", None, True)
    assert role_bytes(workspace) == seed  # no new version, not even a rewritten file
    assert kept_versions(workspace) == []
    draft = read_draft(workspace, "same")
    assert draft.status is Status.approved
    assert "no change against v1, so no new version" in (draft.history[-1].note or "")


def test_a_warning_acknowledged_at_approval_holds_for_the_same_finding(
    workspace: Path, run_cli: RunCli
) -> None:
    """The stale-source warning was acknowledged when v2 was approved; a later draft of the same
    content (a commentary regeneration, say) does not ask for it again."""
    make_draft(workspace, "first", change=lambda a: (old_source(a), retitle_first_task(a)))
    acknowledged = run_cli(
        "approve", "first", "--reviewer", "alice", "--accept-warnings", "--note", "known"
    )
    assert acknowledged.exit_code == 0, acknowledged.output

    def also_retitle_second_task(assessment: dict[str, Any]) -> None:
        old_source(assessment)
        retitle_first_task(assessment)
        assessment["tasks"][1]["name"] = "Model deployment and serving"

    make_draft(workspace, "second", change=also_retitle_second_task)
    assert [w.code for w in read_draft(workspace, "second").findings.warnings] == [
        "evidence.stale-source"
    ]

    result = run_cli("approve", "second", "--reviewer", "bob")

    assert result.exit_code == 0, result.output  # no --accept-warnings needed
    assert read_role(workspace).version == 3
    [held] = read_role(workspace).history[-1].acknowledged
    assert held.code == "evidence.stale-source"


def test_an_acknowledgement_does_not_hold_for_other_content(
    workspace: Path, run_cli: RunCli
) -> None:
    """The same rule on other content is another finding: it must be acknowledged again."""
    make_draft(workspace, "first", change=lambda a: (old_source(a), retitle_first_task(a)))
    run_cli("approve", "first", "--reviewer", "alice", "--accept-warnings", "--note", "known")

    def older_still(assessment: dict[str, Any]) -> None:
        retitle_first_task(assessment)
        assessment["evidence"]["job_posting_trends"]["sources"][0]["date"] = dt.date(2018, 3, 1)

    make_draft(workspace, "second", change=older_still)

    result = run_cli("approve", "second", "--reviewer", "bob")

    assert result.exit_code == 1
    assert "1 warning to acknowledge" in result.stderr
