"""``jobzone check`` on a large set: its output, written a role at a time, is what ``json.dumps``
would write whole, and checking in two processes finds what one does (issue 14)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobzone import forking
from jobzone.canonical import load_canonical, load_role
from jobzone.set_check import SetCheck, _records, check_set, indented_row, write_json
from jobzone.workspace import CACHE_DIR, Workspace

from .conftest import RunCli
from .factories import SEED_SLUG, SEED_TEXT

texts = st.text(max_size=20)
findings = st.lists(st.fixed_dictionaries({"code": texts, "path": texts, "message": texts}))
rows = st.fixed_dictionaries(
    {
        "slug": texts,
        "aijri": st.floats(allow_nan=False) | st.integers(0, 100),
        "errors": findings,
        "warnings": findings,
    }
)


def as_printed(data: object) -> str:
    """What ``jobzone check --json`` printed before it printed a role at a time."""
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


@settings(max_examples=200, deadline=None)
@given(st.lists(rows, max_size=4), st.booleans(), st.lists(st.dictionaries(texts, texts)))
def test_check_json_is_written_as_json_dumps_writes_it_whole(
    found: list[dict[str, object]], failed: bool, unreadable: list[dict[str, object]]
) -> None:
    records = iter([indented_row(row) for row in found])
    printed: list[str] = []
    write_json(
        lambda text: printed.append(text + "\n"), SetCheck(len(found), failed, records), unreadable
    )
    expected = {"ok": not (failed or unreadable), "roles": found, "unreadable": unreadable}
    assert "".join(printed) == as_printed(expected)


@settings(max_examples=200, deadline=None)
@given(st.lists(rows | st.dictionaries(texts, texts | st.lists(texts)), max_size=4))
def test_records_written_one_after_another_are_read_back_whole(
    found: list[dict[str, object]],
) -> None:
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n") as file:
        for row in found:
            file.write(indented_row(row) + "\n")
        back = list(_records(file))
    assert back == [indented_row(row) for row in found]
    assert [json.loads(record) for record in back] == found


def test_a_line_of_another_shape_is_indented_by_json_dumps() -> None:
    row = {"slug": "x", "aijri": 1.5, "errors": [{"code": "c", "path": "p"}], "warnings": []}
    assert indented_row(row) + "\n" == "".join(
        "    " + line + "\n" for line in as_printed(row).splitlines()
    )


def role_text(slug: str, title: str) -> str:
    text = SEED_TEXT.replace(f"slug: {SEED_SLUG}\n", f"slug: {slug}\n", 1)
    return text.replace("title: MLOps Engineer\n", f"title: {title}\n", 1)


@pytest.fixture
def several(workspace: Path) -> Workspace:
    """The seed role and five more under other slugs and titles."""
    for n, name in enumerate(["data", "platform", "cloud", "security", "network"]):
        slug = f"{name}-mlops-engineer"
        path = workspace / "roles" / f"{slug}.yaml"
        path.write_text(role_text(slug, f"{name.title()} MLOps Engineer {n}"), encoding="utf-8")
    return Workspace(workspace)


@pytest.mark.skipif(
    not hasattr(os, "fork") or len(os.sched_getaffinity(0)) < 2, reason="needs two cores"
)
def test_two_processes_find_what_one_does(
    several: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    canonical = load_canonical(several, verify=True)
    alone = list(check_set(several, canonical).records)
    monkeypatch.setattr(forking, "MIN_ITEMS", 2)
    (several.root / CACHE_DIR).joinpath("roles.sqlite3").unlink()
    shared = check_set(several, load_canonical(several, verify=True))
    assert list(shared.records) == alone and len(alone) == 6


def test_a_helper_that_fails_leaves_its_half_to_the_check(
    several: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    canonical = load_canonical(several, verify=True)
    alone = list(check_set(several, canonical).records)
    (several.root / CACHE_DIR).joinpath("roles.sqlite3").unlink()
    monkeypatch.setattr(forking, "MIN_ITEMS", 2)
    monkeypatch.setattr(forking, "second_core", lambda: True)
    real_fork = os.fork

    def failing_fork() -> int:
        pid = real_fork()
        if pid == 0:
            os._exit(1)  # as if it had crashed before checking anything
        return pid

    monkeypatch.setattr(os, "fork", failing_fork)
    shared = check_set(several, load_canonical(several, verify=True))
    assert list(shared.records) == alone


def test_check_reports_the_same_in_text_from_the_cache(workspace: Path, run_cli: RunCli) -> None:
    first = run_cli("check")
    second = run_cli("check")
    assert first.exit_code == second.exit_code == 0
    assert first.stdout == second.stdout
    assert first.stdout.splitlines()[-1] == "1 role checked, 0 unreadable"


def test_two_processes_load_what_one_does(
    several: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    (several.root / "roles" / "broken.yaml").write_text("slug: [\n", encoding="utf-8")
    alone = load_canonical(several, verify=True)
    (several.root / CACHE_DIR).joinpath("roles.sqlite3").unlink()
    monkeypatch.setattr(forking, "MIN_ITEMS", 2)
    monkeypatch.setattr(forking, "second_core", lambda: True)
    shared = load_canonical(several, verify=True)
    assert [(r.slug, r.sha256, r.score.shown()) for r in shared] == [
        (r.slug, r.sha256, r.score.shown()) for r in alone
    ]
    assert [r.assessment for r in shared] == [r.assessment for r in alone]
    assert [e.to_dict() for e in shared.unreadable] == [e.to_dict() for e in alone.unreadable]
    assert len(alone.unreadable) == 1


def test_roles_loaded_by_their_summaries_show_the_figures_their_scores_do(
    several: Workspace,
) -> None:
    from jobzone.role_loading import load_set

    load_canonical(several)
    summarised = load_set(several, lambda notice: None)  # from the cache: summaries
    assert all(r.summary is not None for r in summarised)
    shown = [(r.slug, r.shown, r.occupation_code) for r in summarised]
    whole = [load_role(r.path) for r in summarised]
    assert shown == [
        (r.slug, (r.score.shown_aijri, r.score.zone, r.score.sub_label), r.occupation_code)
        for r in whole
    ]


def test_roles_indexed_from_their_summaries_rank_as_from_their_profiles(
    several: Workspace,
) -> None:
    from jobzone.canonical import CanonicalSet
    from jobzone.role_loading import load_set

    load_canonical(several)
    summarised = load_set(several, lambda notice: None)  # from the cache: summaries
    whole = CanonicalSet.of([load_role(r.path) for r in summarised])
    for role in whole:
        assert summarised.without(role.slug).most_similar(role.profile, limit=5) != []
        assert [
            (r.slug, s) for r, s in summarised.without(role.slug).most_similar(role.profile)
        ] == [(r.slug, s) for r, s in whole.without(role.slug).most_similar(role.profile)]
