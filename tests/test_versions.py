"""Every saved state is a version (issue 11): undo, bring back an earlier state, and add a source,
through the workflow and the CLI."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from jobzone.checking import content_sha256
from jobzone.drafts import Status
from jobzone.errors import ConflictError, InputError
from jobzone.history import Action
from jobzone.workflow import Workflow
from jobzone.workflow.editing import apply_edit, restore
from jobzone.workflow.sources import NewSource, add_source
from jobzone.workflow.versions import VERSIONS_DIR, has, kept, model_wrote, restorable
from jobzone.workspace import Workspace

from .conftest import RunCli
from .factories import hermetic_env, make_draft, read_draft, tree

hermetic = pytest.fixture(autouse=True)(hermetic_env)


def wf_of(workspace: Path) -> Workflow:
    return Workflow(Workspace.locate(workspace))


def versions_of(workspace: Path, draft_id: str = "draft-1") -> list[str]:
    folder = workspace / "drafts" / VERSIONS_DIR / draft_id
    return sorted(p.stem for p in folder.iterdir()) if folder.is_dir() else []


def edited(workspace: Path, change: Any, draft_id: str = "draft-1", by: str = "Ann") -> None:
    """Apply ``change`` to the draft's assessment as a reviewer's edit."""
    draft = read_draft(workspace, draft_id)
    data = copy.deepcopy(draft.assessment)
    change(data)
    apply_edit(wf_of(workspace), draft_id, data, by, opened_sha256=content_sha256(draft.assessment))


def share(task: int, pct: int) -> Any:
    def change(data: dict[str, Any]) -> None:
        data["tasks"][task]["time_pct"] = pct

    return change


def current(workspace: Path, draft_id: str = "draft-1") -> str:
    return content_sha256(read_draft(workspace, draft_id).assessment)


def test_an_edit_keeps_the_state_before_it_and_after_it(workspace: Path) -> None:
    make_draft(workspace)
    drafted = current(workspace)
    edited(workspace, share(0, 1))
    assert versions_of(workspace) == sorted([drafted, current(workspace)])


def test_undo_brings_back_the_state_before_the_edit_and_its_figures(workspace: Path) -> None:
    make_draft(workspace)
    before = read_draft(workspace, "draft-1")
    edited(workspace, share(0, 1))
    assert read_draft(workspace, "draft-1").score is None  # the shares no longer sum to 100

    draft, version = restore(wf_of(workspace), "draft-1", "Bob", opened_sha256=current(workspace))

    assert draft.assessment == before.assessment
    assert draft.score == before.score
    assert version.digest == content_sha256(before.assessment)
    last = read_draft(workspace, "draft-1").history[-1]
    assert (last.action, last.by) == (Action.restored, "Bob")
    assert "brought back the version left by drafted" in (last.note or "")


def test_undoing_twice_brings_the_change_back(workspace: Path) -> None:
    make_draft(workspace)
    edited(workspace, share(0, 1))
    after_edit = current(workspace)
    wf = wf_of(workspace)
    restore(wf, "draft-1", "Bob", opened_sha256=current(workspace))
    restore(wf, "draft-1", "Bob", opened_sha256=current(workspace))
    assert current(workspace) == after_edit


def test_any_earlier_state_is_brought_back_by_a_start_of_its_hash(workspace: Path) -> None:
    make_draft(workspace)
    drafted = current(workspace)
    edited(workspace, share(0, 1))
    first_edit = current(workspace)
    edited(workspace, share(1, 2))
    wf = wf_of(workspace)
    restore(wf, "draft-1", "Bob", opened_sha256=current(workspace), digest=first_edit[:10])
    assert current(workspace) == first_edit
    restore(wf, "draft-1", "Bob", opened_sha256=current(workspace), digest=drafted)
    assert current(workspace) == drafted


@pytest.mark.parametrize(
    ("digest", "rule"),
    [(None, "edit.undo"), ("0" * 12, "edit.version"), ("abc", "edit.version")],
)
def test_nothing_to_bring_back_is_an_input_error_that_changes_nothing(
    workspace: Path, digest: str | None, rule: str
) -> None:
    make_draft(workspace)
    before = tree(workspace)
    with pytest.raises(InputError) as caught:
        restore(wf_of(workspace), "draft-1", "Bob", opened_sha256=current(workspace), digest=digest)
    assert caught.value.rule == rule
    assert tree(workspace) == before


def test_the_current_state_is_not_brought_back(workspace: Path) -> None:
    make_draft(workspace)
    edited(workspace, share(0, 1))
    with pytest.raises(InputError, match="is the current state"):
        restore(
            wf_of(workspace),
            "draft-1",
            "B",
            opened_sha256=current(workspace),
            digest=current(workspace),
        )


def test_a_stale_page_or_a_closed_draft_is_a_conflict(workspace: Path) -> None:
    make_draft(workspace)
    opened = current(workspace)
    edited(workspace, share(0, 1))
    with pytest.raises(ConflictError):
        restore(wf_of(workspace), "draft-1", "Bob", opened_sha256=opened)
    make_draft(workspace, "draft-2", status=Status.rejected)
    with pytest.raises(ConflictError):
        restore(wf_of(workspace), "draft-2", "Bob", opened_sha256=current(workspace, "draft-2"))


def test_a_version_changed_by_hand_is_not_brought_back(workspace: Path) -> None:
    make_draft(workspace)
    drafted = current(workspace)
    edited(workspace, share(0, 1))
    kept = workspace / "drafts" / VERSIONS_DIR / "draft-1" / f"{drafted}.yaml"
    kept.write_text(kept.read_text("utf-8").replace("time_pct: 1", "time_pct: 2"), "utf-8")
    kept.write_text(kept.read_text("utf-8") + "extra: 1\n", "utf-8")
    before = tree(workspace)
    with pytest.raises(InputError, match="is not kept"):
        restore(wf_of(workspace), "draft-1", "Bob", opened_sha256=current(workspace))
    assert tree(workspace) == before


def test_states_before_the_last_redraft_cannot_be_brought_back(workspace: Path) -> None:
    make_draft(workspace)
    edited(workspace, share(0, 1))
    draft = read_draft(workspace, "draft-1")
    entry = draft.history[0].model_copy(update={"action": Action.redrafted})
    draft.history.append(entry)  # as a redraft leaves it: a new line of versions
    assert [v.digest for v in restorable(draft)] == [entry.content_sha256]


def test_what_the_model_wrote_is_the_drafted_state(workspace: Path) -> None:
    make_draft(workspace)
    drafted = read_draft(workspace, "draft-1").assessment
    edited(workspace, share(0, 1))
    assert model_wrote(Workspace.locate(workspace), read_draft(workspace, "draft-1")) == drafted


def test_a_state_reached_twice_is_kept_once(workspace: Path) -> None:
    make_draft(workspace)
    edited(workspace, share(0, 1))
    restore(wf_of(workspace), "draft-1", "Bob", opened_sha256=current(workspace))
    assert len(versions_of(workspace)) == 2


# -- adding a source -------------------------------------------------------------------------------


def test_an_added_source_is_cited_as_the_editors_and_undone(workspace: Path) -> None:
    make_draft(workspace)
    before = read_draft(workspace, "draft-1").assessment
    new = NewSource("wage_trends", "  ONS  pay survey ", "https://example.org/pay", "2026-03-01")
    draft, path = add_source(wf_of(workspace), "draft-1", new, "Ann")
    sources = draft.assessment["evidence"]["wage_trends"]["sources"]
    assert path == f"evidence.wage_trends.sources[{len(sources) - 1}]"
    assert sources[-1]["title"] == "ONS pay survey"
    assert (sources[-1]["added_by"], str(sources[-1]["date"])) == ("Ann", "2026-03-01")
    assert "verified_by" not in sources[-1]
    assert draft.history[-1].note == f"added {path} ('ONS pay survey')"
    restore(wf_of(workspace), "draft-1", "Ann", opened_sha256=current(workspace))
    assert read_draft(workspace, "draft-1").assessment == before


@pytest.mark.parametrize(
    ("new", "rule"),
    [
        (NewSource("wages", "A report"), "source.dimension"),
        (NewSource("wage_trends", "   "), "source.title"),
        (NewSource("wage_trends", "A report", "javascript:alert(1)"), "source.url"),
        (NewSource("wage_trends", "A report", "", "March 2026"), "source.date"),
    ],
)
def test_a_source_that_cannot_be_used_changes_nothing(
    workspace: Path, new: NewSource, rule: str
) -> None:
    make_draft(workspace)
    before = tree(workspace)
    with pytest.raises(InputError) as caught:
        add_source(wf_of(workspace), "draft-1", new, "Ann")
    assert caught.value.rule == rule
    assert tree(workspace) == before


def test_undo_and_add_source_on_the_command_line(workspace: Path, run_cli: RunCli) -> None:
    make_draft(workspace)
    drafted = current(workspace)
    added = run_cli(
        "add-source",
        "draft-1",
        "company_actions",
        "Annual report",
        "--url",
        "https://example.org/ar",
        "--reviewer",
        "Ann",
        "--json",
    )
    assert added.exit_code == 0, added.output
    assert json.loads(added.output)["path"].startswith("evidence.company_actions.sources[")
    undone = run_cli("undo", "draft-1", "--reviewer", "Ann", "--json")
    assert undone.exit_code == 0, undone.output
    assert json.loads(undone.output)["restored"] == drafted
    assert current(workspace) == drafted
    again = run_cli("undo", "draft-1", "--to", drafted[:8], "--reviewer", "Ann")
    assert again.exit_code == 2
    assert "is the current state" in again.output


def test_a_history_hash_that_is_not_a_sha256_names_no_file(workspace: Path) -> None:
    """A hand-edited draft file's history may hold anything: it never names a file to offer
    or read, even one that is there."""
    make_draft(workspace)
    edited(workspace, share(0, 1))  # the versions folder exists
    (workspace / "drafts" / "outside.yaml").write_text("title: x\n", "utf-8")
    ws = Workspace.locate(workspace)
    assert not has(ws, "draft-1", "../../outside")
    assert kept(ws, "draft-1", "../../outside") is None
