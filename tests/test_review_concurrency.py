"""Approvals in separate processes: racing reviewers, and a process killed part-way through.

Both tests run the real command line (``python -m jobzone``) as child processes, started
together, so the workspace lock and the write-ahead intent are exercised as users would.
"""

from __future__ import annotations

import subprocess
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from jobzone.drafts import Kind, Status
from jobzone.faults import CRASH_EXIT
from jobzone.history import content_hash

from .conftest import EXAMPLE_PATH, RunCli
from .factories import (
    NEW_SLUG,
    SEED_SLUG,
    crash_approval,
    hermetic_env,
    jobzone_argv,
    kept_versions,
    make_draft,
    make_workspace,
    read_draft,
    read_role,
    retitle_first_task,
    subprocess_env,
)

hermetic = pytest.fixture(autouse=True)(hermetic_env)

INTENT = Path("drafts") / ".approval-intent.json"


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str


def run_together(commands: list[tuple[list[str], dict[str, str]]]) -> list[Outcome]:
    """Start every command before waiting for any of them."""
    with ExitStack() as stack:
        started = [
            stack.enter_context(
                subprocess.Popen(
                    argv,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    stdin=subprocess.DEVNULL,
                    text=True,
                )
            )
            for argv, env in commands
        ]
        outcomes = []
        for process in started:
            out, err = process.communicate(timeout=120)
            outcomes.append(Outcome(process.returncode, out, err))
    return outcomes


def temp_files(workspace: Path) -> list[Path]:
    return list(workspace.rglob("*.jobzone-tmp"))


def test_eight_reviewers_approving_at_once_make_one_version(workspace: Path) -> None:
    make_draft(workspace, "race", change=retitle_first_task)
    reviewers = [f"reviewer-{n}" for n in range(8)]

    outcomes = run_together(
        [
            (jobzone_argv(workspace, "approve", "race", "--reviewer", name), subprocess_env())
            for name in reviewers
        ]
    )

    codes = sorted(o.code for o in outcomes)
    assert codes == [0] + [1] * 7, [(o.code, o.stderr) for o in outcomes]
    [winner] = [name for name, o in zip(reviewers, outcomes, strict=True) if o.code == 0]
    for outcome in outcomes:
        if outcome.code == 1:
            assert outcome.stderr == "jobzone: error: draft race is approved, not pending\n"
    role = read_role(workspace)
    assert role.version == 2
    assert kept_versions(workspace) == ["v1.yaml", "v2.yaml"]
    approvals = [e for e in role.history if e.action == "approved"]
    assert [(e.by, e.version) for e in approvals] == [(winner, 2)]
    draft = read_draft(workspace, "race")
    assert draft.status is Status.approved
    assert [a.reviewer for a in draft.approvals] == [winner]
    assert [e.action for e in draft.history] == ["drafted", "approved"]
    assert not (workspace / INTENT).exists()
    assert temp_files(workspace) == []


@dataclass(frozen=True)
class Case:
    step: str
    kind: Kind
    rolled_back: bool  # else completed by recovery

    @property
    def slug(self) -> str:
        return SEED_SLUG if self.kind is Kind.revision else NEW_SLUG

    @property
    def version(self) -> int:
        return 2 if self.kind is Kind.revision else 1


CASES = [
    Case("intent", Kind.revision, rolled_back=True),
    Case("version", Kind.revision, rolled_back=True),
    Case("role", Kind.revision, rolled_back=False),
    Case("draft", Kind.revision, rolled_back=False),
    Case("version", Kind.new, rolled_back=True),
    Case("role", Kind.new, rolled_back=False),
]


def crashed_state_is_as_expected(ws: Path, case: Case, seed: bytes) -> None:
    """Before recovery: the crash really happened at that step."""
    assert (ws / INTENT).is_file()
    role_file = ws / "roles" / f"{case.slug}.yaml"
    promoted = case.step in ("role", "draft")
    if case.kind is Kind.revision:
        assert (role_file.read_bytes() != seed) is promoted
    else:
        assert role_file.exists() is promoted
    kept = f"v{case.version}.yaml" in kept_versions(ws, case.slug)
    assert kept is (case.step != "intent")
    assert (read_draft(ws, "d").status is Status.approved) is (case.step == "draft")


def test_a_crash_at_any_step_leaves_queue_and_set_consistent(
    tmp_path: Path, run_cli: RunCli
) -> None:
    seed = EXAMPLE_PATH.read_bytes()
    spaces: list[Path] = []
    for n, case in enumerate(CASES):
        ws = make_workspace(tmp_path / f"ws-{n}-{case.step}-{case.kind.value}")
        (ws / "roles" / f"{SEED_SLUG}.yaml").write_bytes(seed)
        make_draft(ws, "d", kind=case.kind, change=retitle_first_task)
        spaces.append(ws)

    outcomes = run_together(
        [
            (
                jobzone_argv(ws, "approve", "d", "--reviewer", "alice", "--note", "ok"),
                subprocess_env(JOBZONE_CRASH_AT=case.step),
            )
            for ws, case in zip(spaces, CASES, strict=True)
        ]
    )

    for ws, case, outcome in zip(spaces, CASES, outcomes, strict=True):
        label = f"crash at {case.step} ({case.kind.value})"
        assert outcome.code == CRASH_EXIT, (label, outcome.stderr)
        crashed_state_is_as_expected(ws, case, seed)

        recovered = run_cli("--workspace", str(ws), "queue", "--json")

        assert recovered.exit_code == 0, (label, recovered.output)
        said = "rolled back" if case.rolled_back else "completed"
        assert f"jobzone: {said} the interrupted approval of d" in recovered.stderr, label
        assert not (ws / INTENT).exists(), label
        assert temp_files(ws) == [], label
        draft = read_draft(ws, "d")
        role_file = ws / "roles" / f"{case.slug}.yaml"
        if case.rolled_back:
            assert draft.status is Status.pending, label
            assert draft.approvals == [] and draft.history[-1].action == "drafted", label
            if case.kind is Kind.revision:
                assert role_file.read_bytes() == seed, label
                # v1 may be kept (a copy of the current version); v2 must not be.
                assert kept_versions(ws) in ([], ["v1.yaml"]), label
            else:
                assert not role_file.exists(), label
                assert kept_versions(ws, NEW_SLUG) == [], label
            # Nothing stands in the way of approving it again.
            again = run_cli("--workspace", str(ws), "approve", "d", "--reviewer", "alice")
            assert again.exit_code == 0, (label, again.output)
        else:
            assert draft.status is Status.approved, label
            assert [a.reviewer for a in draft.approvals] == ["alice"], label
            # Approved again? No: it is already in.
            again = run_cli("--workspace", str(ws), "approve", "d", "--reviewer", "bob")
            assert again.exit_code == 1, label
        # Either way the draft is now approved exactly once and the set holds it.
        draft = read_draft(ws, "d")
        role = read_role(ws, case.slug)
        assert draft.status is Status.approved, label
        assert [e.action for e in draft.history] == ["drafted", "approved"], label
        assert role.version == case.version, label
        expected = [f"v{v}.yaml" for v in range(1, case.version + 1)]
        assert kept_versions(ws, case.slug) == expected, label
        previous = read_role(ws, f".versions/{SEED_SLUG}/v1").history if case.version == 2 else []
        assert role.history[: len(previous)] == previous, label
        approved = role.history[-1]
        assert (approved.action, approved.version, approved.draft) == (
            "approved",
            case.version,
            "d",
        ), label
        assert approved.content_sha256 == content_hash(role.content()), label
        assert draft.history[-1].content_sha256 == approved.content_sha256, label
        queued = run_cli("--workspace", str(ws), "queue", "--json").stdout
        assert '"status": "approved"' in queued and '"status": "pending"' not in queued, label


@pytest.mark.parametrize(
    "args",
    [
        ["queue"],
        ["show", "d"],
        ["diff", "d"],
        ["history", "d"],
        ["roles"],
        ["check"],
        ["score", SEED_SLUG],
        ["validate", SEED_SLUG],
        ["render", SEED_SLUG],
        ["reject", "d", "--reviewer", "bob", "--reason", "too late"],
        ["request-changes", "d", "--reviewer", "bob", "--note", "too late"],
        ["rebase", "d", "--reviewer", "bob"],
        ["commentary", "--stale"],
    ],
    ids=lambda args: args[0],
)
def test_every_command_settles_an_interrupted_approval_first(
    workspace: Path, run_cli: RunCli, args: list[str]
) -> None:
    """Defect 2: a crash after the role file was written leaves an intent; whatever runs next
    completes the approval before it reads or changes anything."""
    make_draft(workspace, "d", change=retitle_first_task)
    crash_approval(workspace, "d")

    result = run_cli(*args)

    assert "jobzone: completed the interrupted approval of d" in result.stderr, result.output
    assert not (workspace / INTENT).exists()
    assert read_draft(workspace, "d").status is Status.approved
    assert read_role(workspace).version == 2
