"""``jobzone edit``: re-validated and re-scored on save; text that does not parse is never lost."""

from __future__ import annotations

import datetime as dt
import json
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from jobzone.checking import content_sha256
from jobzone.drafts import Status
from jobzone.errors import ConflictError, InputError
from jobzone.history import Action
from jobzone.workflow import Workflow, editing, review
from jobzone.workflow.editing import Choice, EditOutcome, edit_in_editor
from jobzone.workspace import Workspace

from .conftest import RunCli
from .factories import (
    FIXER,
    crash_approval,
    hermetic_env,
    make_draft,
    read_draft,
    read_role,
    retitle_first_task,
    tasks_sum_95_and_duplicate,
)

hermetic = pytest.fixture(autouse=True)(hermetic_env)

BREAKER = """\
import sys
with open(sys.argv[1], "a", encoding="utf-8") as out:
    out.write("tasks: [unclosed\\n")
"""
NOTHING = "import sys\n"


def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str) -> Path:
    script = tmp_path / "editor.py"
    script.write_text(source, encoding="utf-8")
    monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}")
    return script


def leftovers(workspace: Path, folder: str) -> list[str]:
    path = workspace / "drafts" / folder
    return sorted(p.name for p in path.iterdir()) if path.is_dir() else []


def test_an_edit_is_revalidated_and_rescored(
    workspace: Path, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_draft(workspace, "bad", change=tasks_sum_95_and_duplicate)
    assert (
        run_cli("request-changes", "bad", "--reviewer", "bob", "--note", "fix tasks").exit_code == 0
    )
    before = read_draft(workspace, "bad")
    assert (len(before.findings.errors), before.score) == (2, None)
    script = editor(tmp_path, monkeypatch, FIXER)

    result = run_cli("edit", "bad", "--reviewer", "carol")

    assert result.exit_code == 0, result.output
    assert result.stdout == "edited bad: 0 errors, 0 warnings\n"
    [opened] = script.with_name("editor.py.log").read_text("utf-8").splitlines()
    assert Path(opened).parent == workspace.resolve() / "drafts" / ".edits"
    after = read_draft(workspace, "bad")
    assert after.status is Status.pending  # answered the change request
    assert after.findings.errors == [] and after.findings.warnings == []
    assert after.score is not None and after.score.aijri == 42.6
    assert after.assessment["tasks"][1]["name"] == "Model deployment & serving infrastructure"
    assert after.history[:-1] == before.history
    entry = after.history[-1]
    assert (entry.action, entry.by) == (Action.edited, "carol")
    assert entry.note == "0 errors, 0 warnings after the edit"
    assert entry.content_sha256 == content_sha256(after.assessment)
    assert leftovers(workspace, ".edits") == []


def test_an_edit_that_breaks_rules_is_kept_with_its_findings(
    workspace: Path, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_draft(workspace, "good")
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys, yaml\n"
        "data = yaml.safe_load(open(sys.argv[1]))\n"
        "data['tasks'][0]['time_pct'] = 15\n"
        "open(sys.argv[1], 'w').write(yaml.safe_dump(data, sort_keys=False))\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("VISUAL", f"{sys.executable} {script}")  # VISUAL wins over EDITOR
    monkeypatch.setenv("EDITOR", "false")

    result = run_cli("edit", "good", "--reviewer", "carol")

    assert result.exit_code == 1  # the edit is kept, but it left an error
    assert result.stdout == "edited good: 1 error, 0 warnings\n"
    after = read_draft(workspace, "good")
    assert [e.code for e in after.findings.errors] == ["tasks.time-sum"]
    assert after.score is None
    assert run_cli("queue", "--json").stdout.count('"errors": 1') == 1


def test_an_unchanged_file_changes_nothing(
    workspace: Path, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_draft(workspace, "d-1")
    draft_file = workspace / "drafts" / "d-1.yaml"
    before = draft_file.read_bytes()
    editor(tmp_path, monkeypatch, NOTHING)

    result = run_cli("edit", "d-1", "--reviewer", "carol")

    assert (result.exit_code, result.stdout) == (0, "no changes\n")
    assert draft_file.read_bytes() == before
    assert leftovers(workspace, ".edits") == []


def test_a_file_that_no_longer_parses_is_set_aside_not_lost(
    workspace: Path, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a terminal to ask on, the CLI sets the text aside."""
    make_draft(workspace, "d-1")
    draft_file = workspace / "drafts" / "d-1.yaml"
    before = draft_file.read_bytes()
    editor(tmp_path, monkeypatch, BREAKER)

    result = run_cli("edit", "d-1", "--reviewer", "carol")

    assert result.exit_code == 1  # nothing was applied
    assert "the edited file cannot be used" in result.stderr
    assert "malformed YAML" in result.stderr
    [kept] = leftovers(workspace, ".set-aside")
    assert (
        result.stdout == f"set aside, draft unchanged: {workspace / 'drafts/.set-aside' / kept}\n"
    )
    text = (workspace / "drafts" / ".set-aside" / kept).read_text("utf-8")
    assert text.endswith("tasks: [unclosed\n")
    assert "Feature store & experiment tracking management" in text  # the rest is there too
    assert draft_file.read_bytes() == before
    assert leftovers(workspace, ".edits") == []


def test_no_editor_is_a_config_error(workspace: Path, run_cli: RunCli) -> None:
    make_draft(workspace, "d-1")

    result = run_cli("edit", "d-1", "--reviewer", "carol")

    assert result.exit_code == 2
    assert "$EDITOR" in result.stderr
    assert leftovers(workspace, ".set-aside") == []


@pytest.mark.parametrize("status", [Status.approved, Status.rejected])
def test_a_closed_draft_cannot_be_edited(
    workspace: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, status: Status
) -> None:
    make_draft(workspace, "d-1", status=status)
    monkeypatch.setenv("EDITOR", "false")

    result = run_cli("edit", "d-1", "--reviewer", "carol")

    assert result.exit_code == 1
    assert f"is {status.value}" in result.stderr
    assert leftovers(workspace, ".edits") == []


# -- the edit loop directly: reopen, set aside, discard, conflicts ---------------------------------


def run(
    workspace: Path, draft_id: str, editor_step: Callable[[Path], int | None], *, answer: Choice
) -> tuple[editing.EditResult, list[InputError]]:
    """``edit_in_editor`` with an editor that runs ``editor_step`` (its exit status, default 0)
    and a person who always answers ``answer``."""
    asked: list[InputError] = []

    def choose(problem: InputError) -> Choice:
        asked.append(problem)
        return answer

    def run_editor(path: Path) -> int:
        return editor_step(path) or 0

    wf = Workflow(Workspace(workspace))
    return edit_in_editor(wf, draft_id, "carol", run_editor, choose), asked


def test_reopen_until_it_parses(workspace: Path) -> None:
    make_draft(workspace, "bad", change=tasks_sum_95_and_duplicate)
    rounds: list[str] = []

    def step(path: Path) -> None:
        rounds.append(path.read_text("utf-8"))
        text = path.read_text("utf-8")
        if len(rounds) == 1:
            path.write_text(text + "tasks: [unclosed\n", encoding="utf-8")
        else:  # the reviewer's broken text comes back to them; now they fix it
            assert text.endswith("tasks: [unclosed\n")
            text = text.removesuffix("tasks: [unclosed\n")
            path.write_text(text.replace("time_pct: 15", "time_pct: 20", 1), encoding="utf-8")

    result, asked = run(workspace, "bad", step, answer=Choice.reopen)

    assert len(rounds) == 2 and [a.rule for a in asked] == ["yaml.syntax"]
    assert (result.outcome, result.kept) == (EditOutcome.changed, None)
    assert [e.code for e in result.draft.findings.errors] == ["tasks.duplicate-name"]
    assert leftovers(workspace, ".edits") == []


def test_set_aside_on_request_keeps_the_text(workspace: Path) -> None:
    make_draft(workspace, "d-1")
    before = (workspace / "drafts" / "d-1.yaml").read_bytes()

    def step(path: Path) -> None:
        path.write_text("my careful notes: [\n", encoding="utf-8")

    result, _ = run(workspace, "d-1", step, answer=Choice.set_aside)

    assert result.outcome is EditOutcome.set_aside
    assert result.kept is not None and result.kept.parent == workspace / "drafts" / ".set-aside"
    assert result.kept.read_text("utf-8") == "my careful notes: [\n"
    assert (workspace / "drafts" / "d-1.yaml").read_bytes() == before


def test_two_set_asides_in_the_same_second_are_both_kept(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_draft(workspace, "d-1")
    frozen = dt.datetime(2026, 5, 4, 12, 0, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(editing, "now", lambda: frozen)
    kept = []
    for text in ("first attempt: [\n", "second attempt: [\n"):

        def step(path: Path, text: str = text) -> None:
            path.write_text(text, encoding="utf-8")

        result, _ = run(workspace, "d-1", step, answer=Choice.set_aside)
        assert result.kept is not None
        kept.append(result.kept)

    assert kept[0] != kept[1]
    assert [p.read_text("utf-8") for p in kept] == ["first attempt: [\n", "second attempt: [\n"]


def test_a_draft_that_changed_while_editing_is_a_conflict_and_the_text_is_kept(
    workspace: Path,
) -> None:
    make_draft(workspace, "d-1")

    def step(path: Path) -> None:
        path.write_text(path.read_text("utf-8").replace("Mid-level", "Senior"), encoding="utf-8")
        review.reject(Workflow(Workspace(workspace)), "d-1", "dave", "meanwhile, rejected")

    with pytest.raises(ConflictError, match="changed while it was being edited") as caught:
        run(workspace, "d-1", step, answer=Choice.reopen)

    [kept] = leftovers(workspace, ".set-aside")
    assert kept in caught.value.message
    assert "seniority: Senior" in (workspace / "drafts" / ".set-aside" / kept).read_text("utf-8")
    after = read_draft(workspace, "d-1")
    assert after.status is Status.rejected
    assert after.assessment["role"]["seniority"] == "Mid-level"


def test_an_edit_withdraws_earlier_approvals(workspace: Path) -> None:
    """An approval is of the content approved: after an edit, the count starts again."""
    wf = Workflow(Workspace(workspace))
    (workspace / "jobzone.yaml").write_text("approvals_required: 2\n", encoding="utf-8")
    make_draft(workspace, "d-1")
    assert review.approve(wf, "d-1", "alice", None, False).approvals == 1

    def step(path: Path) -> None:
        path.write_text(path.read_text("utf-8").replace("Mid-level", "Senior"), encoding="utf-8")

    result, _ = run(workspace, "d-1", step, answer=Choice.reopen)

    assert result.draft.approvals == []
    assert result.draft.history[-1].note == (
        "0 errors, 0 warnings after the edit; 1 earlier approval withdrawn"
    )
    assert [e.by for e in result.draft.history if e.action is Action.approved] == ["alice"]
    outcome = review.approve(wf, "d-1", "bob", None, False)
    assert (outcome.approvals, outcome.promoted_version) == (1, None)
    assert read_draft(workspace, "d-1").status is Status.pending


# -- what an editor can do to the file (defect 11) ------------------------------------------------


def test_an_editor_that_exits_with_an_error_discards_the_change(
    workspace: Path, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """vim's :cq: the edit is abandoned, the draft untouched, the typed text kept aside."""
    make_draft(workspace, "d-1")
    draft_file = workspace / "drafts" / "d-1.yaml"
    before = draft_file.read_bytes()
    editor(
        tmp_path,
        monkeypatch,
        "import sys\n"
        "text = open(sys.argv[1], encoding='utf-8').read()\n"
        "open(sys.argv[1], 'w', encoding='utf-8').write(text.replace('Mid-level', 'Senior'))\n"
        "sys.exit(1)\n",
    )

    result = run_cli("edit", "d-1", "--reviewer", "carol")

    assert result.exit_code == 1
    assert "change discarded, draft unchanged" in result.stdout
    assert draft_file.read_bytes() == before
    [kept] = leftovers(workspace, ".set-aside")
    assert "seniority: Senior" in (workspace / "drafts" / ".set-aside" / kept).read_text("utf-8")
    assert leftovers(workspace, ".edits") == []


def test_an_editor_that_quits_at_once_with_an_error_leaves_nothing(
    workspace: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_draft(workspace, "d-1")
    monkeypatch.setenv("EDITOR", "false")

    result = run_cli("edit", "d-1", "--reviewer", "carol", "--json")

    assert result.exit_code == 1
    assert json.loads(result.stdout)["outcome"] == "discarded"
    assert leftovers(workspace, ".edits") == leftovers(workspace, ".set-aside") == []


def _delete(path: Path) -> None:
    path.unlink()


def _make_folder(path: Path) -> None:
    path.unlink()
    path.mkdir()
    (path / "inside.txt").write_text("a file the editor put there", encoding="utf-8")


def _latin1(path: Path) -> None:
    text = path.read_text("utf-8").replace("Mid-level", "Mid-level caf\u00e9")
    path.write_bytes(text.encode("latin-1"))


@pytest.mark.parametrize(
    ("step", "said"),
    [
        (_delete, "deleted or moved"),
        (_make_folder, "replaced by a folder"),
        (_latin1, "not UTF-8"),
    ],
    ids=["deleted", "folder", "latin-1"],
)
def test_unreadable_edits_are_shown_and_can_be_reopened(
    workspace: Path, step: Callable[[Path], None], said: str
) -> None:
    make_draft(workspace, "d-1")
    rounds: list[int] = []

    def editor_step(path: Path) -> None:
        rounds.append(1)
        if len(rounds) == 1:
            step(path)
        else:  # reopened: the file is there again, and the reviewer saves it right
            text = path.read_bytes().decode("utf-8", errors="replace")
            text = text.replace("caf\ufffd", "").replace("Mid-level", "Senior")
            path.write_text(text, encoding="utf-8")

    result, asked = run(workspace, "d-1", editor_step, answer=Choice.reopen)

    assert len(rounds) == 2 and len(asked) == 1 and said in asked[0].message
    assert result.outcome is EditOutcome.changed
    assert result.draft.assessment["role"]["seniority"] == "Senior"


@pytest.mark.parametrize(
    "step", [_delete, _make_folder, _latin1], ids=["deleted", "folder", "latin-1"]
)
def test_unreadable_edits_can_be_set_aside(workspace: Path, step: Callable[[Path], None]) -> None:
    make_draft(workspace, "d-1")
    before = (workspace / "drafts" / "d-1.yaml").read_bytes()

    result, asked = run(workspace, "d-1", step, answer=Choice.set_aside)

    assert len(asked) == 1
    assert result.outcome is EditOutcome.set_aside and result.kept is not None
    assert result.kept.exists()  # what was there (or the last text, when nothing was) is kept
    assert (workspace / "drafts" / "d-1.yaml").read_bytes() == before
    assert leftovers(workspace, ".edits") == []


def test_an_edit_settles_an_interrupted_approval_first(
    workspace: Path, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defect 2: an approval killed after its intent, then an edit. The edit recovers first, so
    the draft is not left "approved" with edited content while roles/ holds the older one."""
    make_draft(workspace, "d-1", change=retitle_first_task)
    crash_approval(workspace, "d-1")
    editor(tmp_path, monkeypatch, NOTHING)

    result = run_cli("edit", "d-1", "--reviewer", "carol")

    assert "completed the interrupted approval of d-1" in result.stderr
    assert result.exit_code == 1 and "is approved" in result.stderr  # closed: no edit
    assert read_draft(workspace, "d-1").status is Status.approved
    assert read_role(workspace).tasks[0].name == "ML pipeline design and architecture"
