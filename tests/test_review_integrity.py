"""A draft file cannot steer jobzone outside the workspace or onto another draft, and the queue's
copies of a draft's slug and title follow its content."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest
import yaml

from jobzone.drafts import Kind
from jobzone.errors import ConflictError
from jobzone.workflow import Workflow
from jobzone.workspace import Workspace

from .conftest import RunCli, write_yaml
from .factories import NEW_SLUG, make_draft, read_draft, retitle_first_task, tree

RENAME_SLUG = """\
import sys, yaml
path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    data = yaml.safe_load(f)
data["slug"] = "platform-mlops-engineer"
data["title"] = "Platform MLOps Engineer"
with open(path, "w", encoding="utf-8") as f:
    yaml.safe_dump(data, f, sort_keys=False)
"""


def _rewrite(path: Path, **fields: object) -> None:
    data = yaml.safe_load(path.read_text("utf-8"))
    data.update(fields)
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")


@pytest.mark.parametrize("bad_id", ["../../escape/pwned", "other-draft"])
def test_a_draft_whose_id_is_not_its_file_name_is_refused(
    workspace: Path, run_cli: RunCli, bad_id: str
) -> None:
    make_draft(workspace, "foo")
    make_draft(workspace, "other-draft")
    _rewrite(workspace / "drafts" / "foo.yaml", id=bad_id)
    before = tree(workspace.parent)
    result = run_cli("reject", "foo", "--reviewer", "ann", "--reason", "no")
    assert result.exit_code == 2
    assert "foo.yaml" in result.output
    assert tree(workspace.parent) == before  # nothing written, inside or outside


def test_an_edited_slug_and_title_become_the_drafts_and_the_roles(
    workspace: Path, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_draft(workspace, "new-one", kind=Kind.new)
    script = tmp_path / "editor.py"
    script.write_text(RENAME_SLUG, encoding="utf-8")
    monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}")
    assert run_cli("edit", "new-one", "--reviewer", "ann").exit_code == 0
    draft = read_draft(workspace, "new-one")
    assert (draft.slug, draft.title) == ("platform-mlops-engineer", "Platform MLOps Engineer")
    assert run_cli("approve", "new-one", "--reviewer", "ann").exit_code == 0
    assert (workspace / "roles" / "platform-mlops-engineer.yaml").is_file()
    assert not (workspace / "roles" / f"{NEW_SLUG}.yaml").exists()
    assert run_cli("check").exit_code == 0


def test_a_draft_write_that_would_rewrite_its_history_is_refused(workspace: Path) -> None:
    draft = make_draft(workspace, "d-1")
    before = (workspace / "drafts" / "d-1.yaml").read_bytes()
    draft.history[0] = draft.history[0].model_copy(update={"note": "said something else"})
    with (
        pytest.raises(ConflictError, match="rewritten"),
        Workflow(Workspace(workspace)).session() as session,
    ):
        session.save(draft)
    assert (workspace / "drafts" / "d-1.yaml").read_bytes() == before


def test_approval_refuses_a_role_whose_history_was_rewritten_since_it_was_kept(
    workspace: Path, run_cli: RunCli
) -> None:
    make_draft(workspace, "first", change=retitle_first_task)
    assert run_cli("approve", "first", "--reviewer", "ann").exit_code == 0  # keeps v1 and v2
    role_file = workspace / "roles" / "mlops-engineer.yaml"
    data = yaml.safe_load(role_file.read_text("utf-8"))
    data["history"][0]["by"] = "someone else"  # a hand edit of the past
    write_yaml(role_file, data)
    make_draft(workspace, "second")
    result = run_cli("approve", "second", "--reviewer", "ann")
    assert result.exit_code == 1
    assert "rewritten" in result.stderr
    # Refused before the approval's intent was written: nothing is left for recovery to undo.
    assert not (workspace / "drafts" / ".approval-intent.json").exists()


def test_check_names_the_roles_whose_commentary_is_stale(workspace: Path, run_cli: RunCli) -> None:
    role_file = workspace / "roles" / "mlops-engineer.yaml"
    data = yaml.safe_load(role_file.read_text("utf-8"))
    data["tasks"][0]["score"] = 3  # a score edit the commentary was not written against
    write_yaml(role_file, data)
    result = run_cli("check")
    assert result.exit_code == 0  # a warning, not an error
    assert "commentary.stale" in result.stdout
    assert "1 role with stale commentary (mlops-engineer)" in result.stdout
