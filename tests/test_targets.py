"""Naming a draft: its whole id, a unique start of it, or its role's slug (defect 18)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobzone.drafts import Kind, Status
from jobzone.errors import InputError, NotFoundError
from jobzone.review.targets import resolve_draft
from jobzone.workspace import Workspace

from .conftest import RunCli
from .factories import NEW_SLUG, hermetic_env, make_draft, read_draft

hermetic = pytest.fixture(autouse=True)(hermetic_env)

HYGIENIST = "dental-hygienist-20261202-063238-2b72"


@pytest.fixture
def queue(workspace: Path) -> Workspace:
    make_draft(workspace, HYGIENIST, kind=Kind.new, slug="dental-hygienist", title="Hygienist")
    make_draft(
        workspace,
        "dental-hygienist-20261115-101010-aa01",
        kind=Kind.new,
        slug="dental-hygienist",
        title="Hygienist",
        status=Status.rejected,
    )
    make_draft(workspace, "mlops-engineer-20261201-090000-0001")
    make_draft(workspace, "mlops-engineer-20261201-090000-0002")
    make_draft(workspace, "ml-platform-20261130-120000-beef", kind=Kind.new)
    return Workspace(workspace)


def test_a_whole_id_is_itself(queue: Workspace) -> None:
    assert resolve_draft(queue, HYGIENIST) == HYGIENIST


def test_a_unique_start_of_an_id_names_it(queue: Workspace) -> None:
    assert resolve_draft(queue, "ml-platform") == "ml-platform-20261130-120000-beef"
    assert resolve_draft(queue, "dental-hygienist-20261202") == HYGIENIST


def test_a_slug_names_its_one_open_draft(queue: Workspace) -> None:
    """Two drafts are about the hygienist, one of them rejected: the open one is meant."""
    assert resolve_draft(queue, "dental-hygienist") == HYGIENIST
    assert resolve_draft(queue, NEW_SLUG) == "ml-platform-20261130-120000-beef"


def test_an_ambiguous_name_lists_the_candidates(queue: Workspace) -> None:
    with pytest.raises(InputError) as caught:
        resolve_draft(queue, "mlops-engineer")
    assert caught.value.rule == "draft.ambiguous"
    assert "mlops-engineer-20261201-090000-0001" in caught.value.message
    assert "mlops-engineer-20261201-090000-0002" in caught.value.message


def test_a_miss_suggests_close_ids_and_slugs(queue: Workspace) -> None:
    with pytest.raises(NotFoundError) as caught:
        resolve_draft(queue, "dental-hygeinist")
    assert "did you mean dental-hygienist" in caught.value.message


def test_a_name_that_is_no_id_is_refused_before_any_look_up(queue: Workspace) -> None:
    with pytest.raises(InputError) as caught:
        resolve_draft(queue, "../roles/x")
    assert caught.value.rule == "id.format"


def test_commands_take_a_start_of_the_id(queue: Workspace, run_cli: RunCli) -> None:
    shown = run_cli("show", "dental-hygienist-2026120")
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.startswith(f"draft {HYGIENIST}:")

    rejected = run_cli("reject", "ml-platform", "--reviewer", "ann", "--reason", "a duplicate")
    assert rejected.exit_code == 0, rejected.output
    assert read_draft(queue.root, "ml-platform-20261130-120000-beef").status is Status.rejected

    missing = run_cli("approve", "dental-hygeinist", "--reviewer", "ann")
    assert missing.exit_code == 2
    assert "did you mean dental-hygienist" in missing.stderr
