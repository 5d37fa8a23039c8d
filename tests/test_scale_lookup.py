"""A few look-ups of the roles most like a title, in a set loaded from the role cache, index only
the roles sharing a title word with it (read from the cache), and rank exactly as the whole
set's index does."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import pytest

from jobzone.assessment import Assessment
from jobzone.canonical import CanonicalSet, load_canonical
from jobzone.documents import dump_model
from jobzone.role_cache import FILE_NAME
from jobzone.similarity import Profile
from jobzone.workspace import CACHE_DIR, Workspace

from .factories import seed_assessment

LEVELS = ["Junior", "Senior", "Lead"]
FIELDS = ["Data", "Cloud", "Clinical", "Payroll"]
JOBS = ["Engineer", "Analyst", "Records Officer"]
VERBS = ["Review", "Plan", "Audit", "Build", "Report on"]


def write_roles(workspace: Path) -> None:
    """36 roles whose titles share words in many ways, with varied task names."""
    for n, (level, area, job) in enumerate(itertools.product(LEVELS, FIELDS, JOBS)):
        data = seed_assessment()
        data["title"] = f"{level} {area} {job}"
        data["slug"] = data["title"].lower().replace(" ", "-")
        for i, task in enumerate(data["tasks"]):
            task["name"] = f"{VERBS[(n + i) % len(VERBS)]} {area.lower()} work item {i}"
        text = dump_model(Assessment.model_validate(data), "assessment")
        (workspace / "roles" / f"{data['slug']}.yaml").write_text(text, encoding="utf-8")


QUERIES = [
    Profile.of(["Senior Data Engineer"], ["Review data work item 0"]),
    Profile.of(["Payroll Officer"], []),
    Profile.of(["Engineer"], ["Build cloud work item 2", "Plan cloud work item 1"]),
    Profile.of(["Chief Florist"], ["Arrange flowers"]),
]


@pytest.fixture
def cached_set(workspace: Path) -> CanonicalSet:
    write_roles(workspace)
    load_canonical(Workspace(workspace))  # fills the cache
    return load_canonical(Workspace(workspace))


def test_a_look_up_indexes_only_the_roles_sharing_a_title_word(cached_set: CanonicalSet) -> None:
    assert cached_set.shared.titled is not None
    [(role, _)] = cached_set.most_similar(QUERIES[1], limit=1)
    assert role.title == "Junior Payroll Records Officer"
    assert "index" not in cached_set.shared.__dict__  # the whole set was not indexed


@pytest.mark.parametrize("limit", [1, 3, 10])
def test_it_ranks_as_the_whole_index_does(cached_set: CanonicalSet, limit: int) -> None:
    shared = cached_set.shared
    queries = [(r.profile, frozenset({r.slug})) for r in cached_set]
    queries += [(q, frozenset()) for q in QUERIES]
    for profile, exclude in queries:
        few = shared._sharing_a_title_word(profile.title_words)
        assert few is not None
        whole = shared.index.ranked(profile, exclude=exclude, limit=limit)
        assert few.ranked(profile, exclude=exclude, limit=limit) == whole


def test_many_look_ups_index_the_whole_set_once(cached_set: CanonicalSet) -> None:
    for role in cached_set:
        cached_set.without(role.slug).most_similar(role.profile, limit=1)
    assert "index" in cached_set.shared.__dict__


def test_without_a_usable_cache_the_whole_set_is_indexed(workspace: Path) -> None:
    write_roles(workspace)
    (workspace / CACHE_DIR).write_text("not a folder", encoding="utf-8")
    roles = load_canonical(Workspace(workspace))
    assert roles.shared.titled is None
    assert roles.most_similar(QUERIES[0], limit=1)


def kept(workspace: Path) -> tuple[dict[str, str], set[str], set[str]]:
    """What the role cache holds: each file's hash, the roles' hashes, the title words' hashes."""
    with sqlite3.connect(workspace / CACHE_DIR / FILE_NAME) as db:
        files = dict(db.execute("SELECT name, sha256 FROM files").fetchall())
        roles = {sha for (sha,) in db.execute("SELECT sha256 FROM roles")}
        words = {sha for (sha,) in db.execute("SELECT sha256 FROM title_words")}
    return files, roles, words


def test_a_changed_and_a_removed_role_are_recorded_and_their_old_rows_forgotten(
    workspace: Path,
) -> None:
    write_roles(workspace)
    load_canonical(Workspace(workspace))
    files_before, _, _ = kept(workspace)
    changed = workspace / "roles" / "lead-data-analyst.yaml"
    changed.write_text(changed.read_text("utf-8").replace("Lead Data", "Lead Survey"), "utf-8")
    (workspace / "roles" / "junior-cloud-engineer.yaml").unlink()

    roles = load_canonical(Workspace(workspace))

    files, role_hashes, word_hashes = kept(workspace)
    assert set(files) == {path.name for path in (workspace / "roles").glob("*.yaml")}
    assert files["lead-data-analyst.yaml"] != files_before["lead-data-analyst.yaml"]
    assert role_hashes == word_hashes == set(files.values())
    [(found, _)] = roles.most_similar(Profile.of(["Lead Survey Analyst"], []), limit=1)
    assert found.slug == "lead-data-analyst"
