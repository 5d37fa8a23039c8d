"""Rebasing a draft onto the role's current version, keeping its changes (defect 17)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobzone.drafts import Kind, Status
from jobzone.history import Action
from jobzone.merging import merge

from .conftest import RunCli
from .factories import (
    SEED_SLUG,
    hermetic_env,
    make_draft,
    read_draft,
    read_role,
    retitle_first_task,
    tree,
)

hermetic = pytest.fixture(autouse=True)(hermetic_env)


# -- the merge ------------------------------------------------------------------------------------

leaves = st.one_of(st.integers(-3, 3), st.sampled_from(["a", "b", "c"]), st.none())
trees = st.recursive(
    leaves,
    lambda inner: (
        st.dictionaries(st.sampled_from(["x", "y", "z"]), inner, max_size=3)
        | st.lists(inner, max_size=3)
    ),
    max_leaves=12,
)
documents = st.dictionaries(st.sampled_from(["p", "q", "r", "s"]), trees, max_size=4)


@given(documents, documents)
def test_a_side_that_changed_nothing_takes_the_other_whole(base: Any, ours: Any) -> None:
    assert merge(base, ours, base).merged == ours
    assert merge(base, base, ours).merged == ours
    assert merge(base, ours, base).both == []


@given(documents, documents)
def test_the_same_change_on_both_sides_is_no_conflict(base: Any, change: Any) -> None:
    result = merge(base, change, change)
    assert (result.merged, result.both) == (change, [])


@given(documents, documents, documents)
def test_conflicts_keep_the_draft_and_everything_else_takes_the_side_that_changed(
    base: Any, ours: Any, theirs: Any
) -> None:
    result = merge(base, ours, theirs)
    absent = object()
    for key in {*ours, *theirs}:
        mine, other, before = (d.get(key, absent) for d in (ours, theirs, base))
        if mine is not absent and (mine == other or other == before):
            assert result.merged[key] == mine  # unchanged by the other side: the draft's
        elif other is not absent and mine == before:
            assert result.merged[key] == other  # changed only by the other side: theirs
        elif other is absent and mine == before:
            assert key not in result.merged  # deleted by the other side only
    assert set(result.merged) <= {*ours, *theirs}


def test_lists_of_the_same_length_merge_item_by_item() -> None:
    base = {"tasks": [{"name": "a", "score": 1}, {"name": "b", "score": 2}]}
    ours = {"tasks": [{"name": "A", "score": 1}, {"name": "b", "score": 2}]}
    theirs = {"tasks": [{"name": "a", "score": 1}, {"name": "b", "score": 5}]}

    result = merge(base, ours, theirs)

    assert result.merged == {"tasks": [{"name": "A", "score": 1}, {"name": "b", "score": 5}]}
    assert (result.ours, result.theirs, result.both) == (["tasks[0].name"], ["tasks[1].score"], [])


def test_a_list_whose_length_changed_is_one_value() -> None:
    base = {"tasks": [1, 2]}
    result = merge(base, {"tasks": [1, 2, 3]}, {"tasks": [1, 9]})
    assert (result.merged, result.both) == ({"tasks": [1, 2, 3]}, ["tasks"])


# -- jobzone rebase -------------------------------------------------------------------------------


def _rescore_barrier(assessment: dict[str, Any]) -> None:
    """What another reviewer changed meanwhile (approved as version 2)."""
    assessment["barriers"]["regulatory_licensing"]["rationale"] = "Rewritten by another reviewer."


def _edit(assessment: dict[str, Any]) -> None:
    """This draft's own change, made from version 1."""
    retitle_first_task(assessment)
    assessment["barriers"]["regulatory_licensing"]["rationale"] = "This draft's own wording."


def _moved_on(workspace: Path, run_cli: RunCli) -> None:
    """The role moves to version 2 through another draft."""
    make_draft(workspace, "other", change=_rescore_barrier)
    assert run_cli("approve", "other", "--reviewer", "ann").exit_code == 0
    assert read_role(workspace).version == 2


def test_a_stale_revision_is_rebased_keeping_its_changes(workspace: Path, run_cli: RunCli) -> None:
    make_draft(workspace, "mine", change=retitle_first_task)
    _moved_on(workspace, run_cli)
    refused = run_cli("approve", "mine", "--reviewer", "bob")
    assert refused.exit_code == 1 and "jobzone rebase mine" in refused.stderr

    result = run_cli("rebase", "mine", "--reviewer", "bob", "--json")

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["rebased"], report["onto_version"], report["both_changed"]) == (True, 2, [])
    assert report["draft_changed"] == ["tasks[0].name"]
    assert report["canonical_changed"] == ["barriers.regulatory_licensing.rationale"]
    draft = read_draft(workspace, "mine")
    assert draft.base is not None and draft.base.version == 2
    assert draft.history[-1].action is Action.rebased
    assert draft.assessment["tasks"][0]["name"] == "ML pipeline design and architecture"
    rationale = draft.assessment["barriers"]["regulatory_licensing"]["rationale"]
    assert rationale == "Rewritten by another reviewer."

    approved = run_cli("approve", "mine", "--reviewer", "bob")
    assert approved.exit_code == 0, approved.output
    role = read_role(workspace)
    assert role.version == 3
    assert role.tasks[0].name == "ML pipeline design and architecture"  # the draft's change
    assert role.barriers.regulatory_licensing.rationale == "Rewritten by another reviewer."


def test_fields_both_sides_changed_keep_the_draft_and_are_named(
    workspace: Path, run_cli: RunCli
) -> None:
    make_draft(workspace, "mine", change=_edit)
    _moved_on(workspace, run_cli)

    result = run_cli("rebase", "mine", "--reviewer", "bob")

    assert result.exit_code == 0, result.output
    assert "both changed (the draft's value kept, check it): " in result.stdout
    assert "barriers.regulatory_licensing.rationale" in result.stdout
    draft = read_draft(workspace, "mine")
    rationale = draft.assessment["barriers"]["regulatory_licensing"]["rationale"]
    assert rationale == "This draft's own wording."
    assert "barriers.regulatory_licensing.rationale" in (draft.history[-1].note or "")


def test_a_new_role_draft_whose_role_now_exists_becomes_its_revision(
    workspace: Path, run_cli: RunCli
) -> None:
    make_draft(
        workspace,
        "dupe",
        kind=Kind.new,
        slug=SEED_SLUG,
        title="MLOps Engineer",
        change=retitle_first_task,
    )
    assert run_cli("approve", "dupe", "--reviewer", "ann").exit_code == 1

    assert run_cli("rebase", "dupe", "--reviewer", "ann").exit_code == 0

    draft = read_draft(workspace, "dupe")
    assert (draft.kind, draft.status) == (Kind.revision, Status.pending)
    assert run_cli("approve", "dupe", "--reviewer", "ann").exit_code == 0
    assert read_role(workspace).tasks[0].name == "ML pipeline design and architecture"


def test_a_draft_already_on_the_current_version_is_left_alone(
    workspace: Path, run_cli: RunCli
) -> None:
    make_draft(workspace, "mine", change=retitle_first_task)
    before = tree(workspace)

    result = run_cli("rebase", "mine", "--reviewer", "bob")

    assert result.exit_code == 0
    assert "already based on the current version (v1)" in result.stdout
    assert tree(workspace) == before


@pytest.mark.parametrize("status", [Status.approved, Status.rejected])
def test_a_closed_draft_is_not_rebased(workspace: Path, run_cli: RunCli, status: Status) -> None:
    make_draft(workspace, "mine", status=status)
    before = tree(workspace)

    result = run_cli("rebase", "mine", "--reviewer", "bob")

    assert result.exit_code == 1
    assert tree(workspace) == before
