"""Finding the workspace as git finds a repository, refusing a folder that is none, and
``jobzone init`` (defect 13)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from jobzone.cli import cli
from jobzone.cli.app import Deps
from jobzone.errors import InputError
from jobzone.workspace import MARKER, Workspace

from .conftest import EXAMPLE_PATH
from .factories import hermetic_env, tree
from .models import ScriptedModel

hermetic = pytest.fixture(autouse=True)(hermetic_env)


def jobzone(cwd: Path, *args: str, model: ScriptedModel | None = None) -> Result:
    """``jobzone ARGS`` run from ``cwd``."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(cwd)
        deps = Deps(models=model.factory()) if model else None
        return CliRunner().invoke(cli, list(args), catch_exceptions=False, obj=deps)


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A folder that is not inside any workspace."""
    folder = tmp_path / "not-a-workspace"
    folder.mkdir()
    return folder


def test_the_workspace_is_found_upwards_from_a_folder_inside_it(workspace: Path) -> None:
    inside = workspace / "drafts" / "notes"
    inside.mkdir(parents=True)

    assert Workspace.locate(inside).root == workspace.resolve()
    result = jobzone(inside, "roles", "--json")

    assert result.exit_code == 0, result.output
    assert [r["slug"] for r in json.loads(result.stdout)["roles"]] == ["mlops-engineer"]


@pytest.mark.parametrize("args", [["check"], ["roles"], ["queue"], ["commentary", "--stale"]])
def test_a_folder_that_is_not_a_workspace_is_refused(elsewhere: Path, args: list[str]) -> None:
    before = tree(elsewhere)

    result = jobzone(elsewhere, *args)

    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert "not inside a jobzone workspace" in line and "jobzone init" in line
    assert tree(elsewhere) == before


def test_draft_outside_a_workspace_pays_for_nothing_and_writes_nothing(elsewhere: Path) -> None:
    model = ScriptedModel()

    result = jobzone(elsewhere, "draft", "Site Reliability Engineer", model=model)

    assert result.exit_code == 2
    assert model.asked == []
    assert list(elsewhere.iterdir()) == []  # no drafts/, no lock


def test_a_folder_with_roles_but_no_marker_is_told_how_to_become_one(elsewhere: Path) -> None:
    (elsewhere / "roles").mkdir()

    with pytest.raises(InputError, match=f"run `jobzone init {elsewhere}`"):
        Workspace.locate(elsewhere)


def test_the_option_and_the_environment_name_where_to_start(
    workspace: Path, elsewhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert jobzone(elsewhere, "--workspace", str(workspace), "roles").exit_code == 0
    assert jobzone(elsewhere, "roles", "--workspace", str(workspace / "roles")).exit_code == 0
    monkeypatch.setenv("JOBZONE_WORKSPACE", str(workspace))
    assert jobzone(elsewhere, "roles").exit_code == 0


def test_init_makes_a_workspace_that_works(elsewhere: Path) -> None:
    target = elsewhere / "publication"

    result = jobzone(elsewhere, "init", "publication")

    assert result.exit_code == 0, result.output
    for name in (MARKER, "roles", "drafts", "schemas/assessment.schema.json", ".gitignore"):
        assert (target / name).exists(), name
    assert ".jobzone.lock" in (target / ".gitignore").read_text("utf-8").splitlines()
    shutil.copy(EXAMPLE_PATH, target / "roles" / EXAMPLE_PATH.name)
    checked = jobzone(target, "check")
    assert checked.exit_code == 0, checked.output
    assert "1 role checked" in checked.stdout


def test_init_leaves_a_workspace_as_it_is(workspace: Path) -> None:
    (workspace / MARKER).write_text("approvals_required: 2\n", encoding="utf-8")
    before = tree(workspace)

    result = jobzone(workspace, "init", "--json")

    assert result.exit_code == 0
    assert json.loads(result.stdout)["created"] == []
    assert tree(workspace) == before


def test_init_keeps_what_a_gitignore_already_says(elsewhere: Path) -> None:
    (elsewhere / ".gitignore").write_text("*.pyc\n.jobzone.lock\n", encoding="utf-8")

    assert jobzone(elsewhere, "init").exit_code == 0

    lines = (elsewhere / ".gitignore").read_text("utf-8").splitlines()
    assert lines[:2] == ["*.pyc", ".jobzone.lock"]
    assert lines.count(".jobzone.lock") == 1 and "drafts/.index.json" in lines


def test_init_on_a_file_is_an_input_error(elsewhere: Path) -> None:
    (elsewhere / "file").write_text("x", encoding="utf-8")

    result = jobzone(elsewhere, "init", "file")

    assert result.exit_code == 2


def test_init_leaves_a_linked_gitignore_alone(elsewhere: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared-gitignore"
    shared.write_text("*.pyc\n", encoding="utf-8")
    (elsewhere / ".gitignore").symlink_to(shared)

    assert jobzone(elsewhere, "init").exit_code == 0

    assert shared.read_text("utf-8") == "*.pyc\n"
    assert (elsewhere / MARKER).is_file()
