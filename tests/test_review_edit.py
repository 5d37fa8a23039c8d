"""``jobzone edit``: re-validated and re-scored on save; text that does not parse is never lost."""

from __future__ import annotations

import datetime as dt
import shlex
import sys
from pathlib import Path

import pytest

from jobzone.drafts import Status, assessment_hash
from jobzone.errors import ConflictError, InputError
from jobzone.review import decisions, editing
from jobzone.review.promotion import approve
from jobzone.workspace import Workspace

from .conftest import RunCli
from .factories import (
    FIXER,
    hermetic_env,
    make_draft,
    read_draft,
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
    assert after.score is not None and after.score["aijri"] == 42.6
    assert after.assessment["tasks"][1]["name"] == "Model deployment & serving infrastructure"
    assert after.history[:-1] == before.history
    entry = after.history[-1]
    assert (entry.action, entry.by) == ("edited", "carol")
    assert entry.note == "0 errors, 0 warnings after the edit"
    assert entry.content_sha256 == assessment_hash(after.assessment)
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

    assert result.stdout == "edited good: 1 errors, 0 warnings\n"
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

    assert result.exit_code == 0
    assert "the edited file does not parse" in result.stderr
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


# -- editing.edit directly: reopen, set aside, conflicts -------------------------------------------


def test_reopen_until_it_parses(workspace: Path) -> None:
    ws = Workspace(workspace)
    make_draft(workspace, "bad", change=tasks_sum_95_and_duplicate)
    asked: list[InputError] = []
    rounds: list[str] = []

    def run_editor(path: Path) -> None:
        rounds.append(path.read_text("utf-8"))
        text = path.read_text("utf-8")
        if len(rounds) == 1:
            path.write_text(text + "tasks: [unclosed\n", encoding="utf-8")
        else:  # the reviewer's broken text comes back to them; now they fix it
            assert text.endswith("tasks: [unclosed\n")
            text = text.removesuffix("tasks: [unclosed\n")
            path.write_text(text.replace("time_pct: 15", "time_pct: 20", 1), encoding="utf-8")

    def choose(error: InputError) -> str:
        asked.append(error)
        return "reopen"

    result = editing.edit(ws, "bad", "carol", choose, run_editor=run_editor)

    assert len(rounds) == 2 and len(asked) == 1
    assert asked[0].rule == "yaml.syntax"
    assert result.changed and result.set_aside is None
    assert result.draft is not None
    assert [e.code for e in result.draft.findings.errors] == ["tasks.duplicate-name"]
    assert leftovers(workspace, ".edits") == []


def test_set_aside_on_request_keeps_the_text(workspace: Path) -> None:
    ws = Workspace(workspace)
    make_draft(workspace, "d-1")
    before = (workspace / "drafts" / "d-1.yaml").read_bytes()

    def run_editor(path: Path) -> None:
        path.write_text("my careful notes: [\n", encoding="utf-8")

    result = editing.edit(ws, "d-1", "carol", lambda _e: "set-aside", run_editor=run_editor)

    assert (result.draft, result.changed) == (None, False)
    assert result.set_aside is not None
    assert result.set_aside.parent == workspace / "drafts" / ".set-aside"
    assert result.set_aside.read_text("utf-8") == "my careful notes: [\n"
    assert (workspace / "drafts" / "d-1.yaml").read_bytes() == before


def test_two_set_asides_in_the_same_second_are_both_kept(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = Workspace(workspace)
    make_draft(workspace, "d-1")
    frozen = dt.datetime(2026, 5, 4, 12, 0, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(editing, "now", lambda: frozen)
    kept = []
    for text in ("first attempt: [\n", "second attempt: [\n"):

        def run_editor(path: Path, text: str = text) -> None:
            path.write_text(text, encoding="utf-8")

        result = editing.edit(ws, "d-1", "carol", lambda _e: "set-aside", run_editor=run_editor)
        assert result.set_aside is not None
        kept.append(result.set_aside)

    assert kept[0] != kept[1]
    assert [p.read_text("utf-8") for p in kept] == ["first attempt: [\n", "second attempt: [\n"]


def test_a_draft_that_changed_while_editing_is_a_conflict_and_the_text_is_kept(
    workspace: Path,
) -> None:
    ws = Workspace(workspace)
    make_draft(workspace, "d-1")

    def run_editor(path: Path) -> None:
        path.write_text(path.read_text("utf-8").replace("Mid-level", "Senior"), encoding="utf-8")
        decisions.reject(ws, "d-1", "dave", "meanwhile, someone rejected it")

    with pytest.raises(ConflictError, match="changed while you were editing") as caught:
        editing.edit(ws, "d-1", "carol", lambda _e: "reopen", run_editor=run_editor)

    [kept] = leftovers(workspace, ".set-aside")
    assert kept in caught.value.message
    assert "seniority: Senior" in (workspace / "drafts" / ".set-aside" / kept).read_text("utf-8")
    after = read_draft(workspace, "d-1")
    assert after.status is Status.rejected
    assert after.assessment["role"]["seniority"] == "Mid-level"


def test_an_edit_withdraws_earlier_approvals(workspace: Path) -> None:
    """An approval is of the content approved: after an edit, the count starts again."""
    ws = Workspace(workspace)
    (workspace / "jobzone.yaml").write_text("approvals_required: 2\n", encoding="utf-8")
    make_draft(workspace, "d-1")
    assert approve(ws, "d-1", "alice", None, False).approvals == 1

    def run_editor(path: Path) -> None:
        path.write_text(path.read_text("utf-8").replace("Mid-level", "Senior"), encoding="utf-8")

    result = editing.edit(ws, "d-1", "carol", lambda _e: "reopen", run_editor=run_editor)

    assert result.draft is not None and result.draft.approvals == []
    assert result.draft.history[-1].note == (
        "0 errors, 0 warnings after the edit; 1 earlier approvals withdrawn"
    )
    assert [e.by for e in result.draft.history if e.action == "approved"] == ["alice"]
    outcome = approve(ws, "d-1", "bob", None, False)
    assert (outcome.approvals, outcome.promoted_version) == (1, None)
    assert read_draft(workspace, "d-1").status is Status.pending
