"""The whole review loop at the command line, without a model, and ``jobzone history``."""

from __future__ import annotations

import itertools
import json
import shlex
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import RunCli
from .factories import (
    FIXER,
    SEED_SLUG,
    hermetic_env,
    make_draft,
    read_draft,
    read_role,
    retitle_first_task,
    tasks_sum_95_and_duplicate,
)

hermetic = pytest.fixture(autouse=True)(hermetic_env)

DRAFT_ID = "mlops-engineer-20260501-093000-ab12"


def history(run_cli: RunCli, target: str) -> list[dict[str, Any]]:
    result = run_cli("history", target, "--json")
    assert result.exit_code == 0, result.output
    entries: list[dict[str, Any]] = json.loads(result.stdout)["history"]
    return entries


def queued(run_cli: RunCli) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(run_cli("queue", "--json").stdout)["drafts"]
    return rows


def test_draft_queue_show_request_changes_edit_approve_roles_history(
    workspace: Path, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOBZONE_REVIEWER", "alice")

    def retitle_and_break(assessment: dict[str, Any]) -> None:
        retitle_first_task(assessment)  # a real change, which the fix below keeps
        tasks_sum_95_and_duplicate(assessment)

    make_draft(workspace, DRAFT_ID, change=retitle_and_break)
    role_before = history(run_cli, SEED_SLUG)
    steps = [history(run_cli, DRAFT_ID)]

    # queue: the draft waits, with its two errors.
    [row] = queued(run_cli)
    assert (row["id"], row["status"], row["kind"], row["errors"]) == (
        DRAFT_ID,
        "pending",
        "revision",
        2,
    )

    # show: the reviewer sees the errors where they are.
    shown = run_cli("show", DRAFT_ID).stdout
    assert "# !! error tasks.time-sum (tasks)" in shown
    assert "# !! error tasks.duplicate-name (tasks[1].name)" in shown

    # approve is refused while the errors stand.
    assert run_cli("approve", DRAFT_ID).exit_code == 1

    # request-changes.
    asked = run_cli("request-changes", DRAFT_ID, "--note", "tasks must sum to 100, distinctly")
    assert asked.exit_code == 0, asked.output
    assert [r["status"] for r in queued(run_cli)] == ["changes_requested"]
    steps.append(history(run_cli, DRAFT_ID))

    # edit: the reviewer's editor fixes both errors; the draft is pending again and clean.
    script = tmp_path / "fix.py"
    script.write_text(FIXER, encoding="utf-8")
    monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}")
    monkeypatch.setenv("JOBZONE_REVIEWER", "bob")
    edited = run_cli("edit", DRAFT_ID)
    assert edited.stdout == f"edited {DRAFT_ID}: 0 errors, 0 warnings\n"
    [row] = queued(run_cli)
    assert (row["status"], row["errors"], row["warnings"], row["aijri"]) == (
        "pending",
        0,
        0,
        42.6,
    )
    steps.append(history(run_cli, DRAFT_ID))

    # approve: the revision becomes version 2 of the role.
    monkeypatch.setenv("JOBZONE_REVIEWER", "carol")
    approved = run_cli("approve", DRAFT_ID, "--note", "fixed")
    assert approved.exit_code == 0, approved.output
    assert [r["status"] for r in queued(run_cli)] == ["approved"]
    steps.append(history(run_cli, DRAFT_ID))

    # roles: the canonical set holds the new version (and only the role, not its kept versions).
    roles = json.loads(run_cli("roles", "--json").stdout)
    assert [(r["slug"], r["aijri"]) for r in roles["roles"]] == [(SEED_SLUG, 42.6)]
    assert roles["unreadable"] == []
    assert run_cli("check").exit_code == 0
    role = read_role(workspace)
    assert role.version == 2
    assert role.tasks[1].name == "Model deployment & serving infrastructure"

    # history: nothing was ever rewritten, only appended.
    for earlier, later in itertools.pairwise(steps):
        assert later[: len(earlier)] == earlier
    assert [(e["action"], e["by"]) for e in steps[-1]] == [
        ("drafted", "drafting bot"),
        ("changes requested", "alice"),
        ("edited", "bob"),
        ("approved", "carol"),
    ]
    role_after = history(run_cli, SEED_SLUG)
    assert role_after[: len(role_before)] == role_before
    assert [(e["action"], e["draft"]) for e in role_after[len(role_before) :]] == [
        ("drafted", DRAFT_ID),
        ("changes requested", DRAFT_ID),
        ("edited", DRAFT_ID),
        ("approved", DRAFT_ID),
    ]
    assert role_after[-1]["version"] == 2
    assert role_after[-1]["content_sha256"] == steps[-1][-1]["content_sha256"]
    # The edit's hash is that of the content that was then approved.
    assert steps[-1][2]["content_sha256"] == steps[-1][3]["content_sha256"]

    text = run_cli("history", SEED_SLUG).stdout.splitlines()
    assert text[0] == f"roles/{SEED_SLUG}.yaml (version 2)"
    assert "imported" in text[1]
    assert "approved" in text[-1] and "carol (v2): fixed" in text[-1]


def test_history_of_a_draft_and_of_a_role(workspace: Path, run_cli: RunCli) -> None:
    make_draft(workspace, "d-1")

    draft_text = run_cli("history", "d-1").stdout.splitlines()
    role_text = run_cli("history", SEED_SLUG).stdout.splitlines()

    assert draft_text[0] == "draft d-1 (pending)"
    assert draft_text[1].startswith("  2026-05-01 09:30 drafted ")
    content_sha = read_draft(workspace, "d-1").history[0].content_sha256
    assert draft_text[1].endswith(f"[{content_sha[:12]}]")
    assert role_text[0] == f"roles/{SEED_SLUG}.yaml (version 1)"
    assert len(role_text) == 2 and " imported " in role_text[1]


@pytest.mark.parametrize(("target", "code"), [("nope", 2), ("../roles/x", 2), ("Nope", 2)])
def test_history_of_nothing_is_a_usage_error(
    workspace: Path, run_cli: RunCli, target: str, code: int
) -> None:
    result = run_cli("history", target)

    assert result.exit_code == code
    assert result.stdout == ""
