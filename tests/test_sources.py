"""Sources an editor can trust (issue 10, point 6): the rules on sources, the workspace setting
that holds approval until every source is verified, and ``jobzone verify``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from jobzone.assessment import Assessment
from jobzone.canonical import CanonicalSet
from jobzone.checking import check
from jobzone.drafts import Kind, Status
from jobzone.history import Action
from jobzone.sources import cited, unverified, vague_title

from .conftest import RunCli
from .factories import (
    SEED_SLUG,
    hermetic_env,
    make_draft,
    read_draft,
    read_role,
    retitle_first_task,
    seed_assessment,
    tree,
)

hermetic = pytest.fixture(autouse=True)(hermetic_env)

WAGES = "evidence.wage_trends.sources[0]"
EXPERTS = "evidence.expert_consensus.sources[0]"
#: The seed role's number of sources.
SOURCES = 8


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def findings(data: dict[str, Any], code: str) -> list[tuple[str, str]]:
    report = check(data, CanonicalSet(), subject="d-1").report
    return [(f.path, f.message) for f in report.findings if f.code == code]


def source_at(data: dict[str, Any], dimension: str, index: int = 0) -> dict[str, Any]:
    source: dict[str, Any] = data["evidence"][dimension]["sources"][index]
    return source


def records(workspace: Path) -> dict[str, bytes]:
    """The workspace's files but the queue's index, a cache a miss may build."""
    return {k: v for k, v in tree(workspace).items() if k != "drafts/.index.json"}


def require_verified_sources(workspace: Path) -> None:
    (workspace / "jobzone.yaml").write_text(
        "approvals_required: 1\nrequire_verified_sources: true\n", encoding="utf-8"
    )


# -- vague titles ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "Engineering blogs of large cloud users",
        "Industry reports",
        "Various surveys",
        "Industry Reports",  # Title Case of generic words names nothing either
        "Trade press coverage of dental group hiring",
        "Review article on AI in dentistry",  # a topic's abbreviation is no publisher
        "AI-related hiring surveys",
        "Job board postings tracker, technology roles",  # a comma after a generic lead
        "",
    ],
)
def test_a_title_naming_nothing_to_look_up_is_vague(title: str) -> None:
    assert vague_title(title)


@pytest.mark.parametrize(
    "title",
    [
        "Stanford AI Index Report 2025",
        "McKinsey Global Institute, The economic potential of generative AI",
        "LinkedIn Jobs on the Rise",
        "Glassdoor, MLOps Engineer salaries (US)",  # the "Publisher, publication" form
        "Gartner",
        "OECD Employment Outlook",
        "GPT-4 technical report",
        "levels.fyi compensation data",
        "The Future of Jobs Report 2025",
    ],
)
def test_a_title_naming_a_publisher_or_publication_is_not_vague(title: str) -> None:
    assert not vague_title(title)


def test_the_seed_roles_titles_are_not_vague() -> None:
    """The published example must not warn: its titles are the house style."""
    titles = [c.source.title for c in cited(Assessment.model_validate(seed_assessment()))]
    assert len(titles) == SOURCES
    assert [t for t in titles if vague_title(t)] == []


# -- the rules ------------------------------------------------------------------------------------


def test_a_vague_title_is_a_warning_naming_the_source_and_what_to_do() -> None:
    data = seed_assessment()
    source_at(data, "wage_trends")["title"] = "Various surveys"

    found = findings(data, "evidence.source-vague")

    assert len(found) == 1
    path, message = found[0]
    assert path == f"{WAGES}.title"
    assert "'Various surveys'" in message and "name them" in message


def test_every_source_without_a_url_is_a_warning_of_its_own() -> None:
    data = seed_assessment()
    source_at(data, "wage_trends")["url"] = None
    del source_at(data, "expert_consensus")["url"]

    found = findings(data, "evidence.source-no-url")

    assert [path for path, _ in found] == [f"{WAGES}.url", f"{EXPERTS}.url"]
    assert "'Glassdoor, MLOps Engineer salaries (US)' gives no URL" in found[0][1]
    assert "add the address" in found[0][1]


def test_a_half_recorded_verification_says_what_is_missing_and_how_to_record_it() -> None:
    data = seed_assessment()
    source_at(data, "wage_trends")["verified_by"] = "Ada Editor"

    [(path, message)] = findings(data, "evidence.source-half-verified")

    assert path == f"{WAGES}.verified_on"
    assert "but not when" in message
    assert f"`jobzone verify d-1 {WAGES}`" in message


def test_a_blank_name_is_no_verification() -> None:
    data = seed_assessment()
    source_at(data, "wage_trends").update(verified_by=" ", verified_on=dt.date(2026, 5, 1))
    source_at(data, "expert_consensus").update(added_by="Ada Editor")
    assessment = Assessment.model_validate(data)

    assert WAGES in [c.path for c in unverified(assessment)]
    assert [p for p, _ in findings(data, "evidence.source-half-verified")] == [
        f"{WAGES}.verified_by"
    ]
    by = {c.path: c.added_by for c in cited(assessment)}
    assert (by[WAGES], by[EXPERTS]) == ("model", "Ada Editor")  # none recorded: the model's


# -- approval in a workspace requiring verified sources -------------------------------------------


def test_approval_is_refused_while_a_source_is_unverified(workspace: Path, run_cli: RunCli) -> None:
    require_verified_sources(workspace)
    make_draft(workspace, "d-1", change=retitle_first_task)
    run_cli("verify", "d-1", WAGES, "--reviewer", "ann")
    before = tree(workspace)

    result = run_cli("approve", "d-1", "--reviewer", "bob", "--json")

    assert result.exit_code == 1
    assert tree(workspace) == before  # nothing written
    assert "7 unverified sources" in result.stderr
    assert EXPERTS in result.stderr and "World Economic Forum" in result.stderr
    assert WAGES not in result.stderr
    assert "`jobzone verify d-1 PATH ...` (or --all)" in result.stderr
    error = json.loads(result.stdout)
    assert error["error"] == "UnverifiedSourcesError"
    assert len(error["unverified"]) == SOURCES - 1 and EXPERTS in error["unverified"]


def test_approval_goes_through_once_every_source_is_verified(
    workspace: Path, run_cli: RunCli
) -> None:
    require_verified_sources(workspace)
    make_draft(workspace, "d-1", change=retitle_first_task)

    verified = run_cli("verify", "d-1", "--all", "--reviewer", "ann")
    approved = run_cli("approve", "d-1", "--reviewer", "bob")

    assert verified.exit_code == 0, verified.output
    assert approved.exit_code == 0, approved.output
    role = read_role(workspace)
    assert role.version == 2
    assert {(c.source.verified_by, c.source.verified_on) for c in cited(role)} == {("ann", today())}


def test_without_the_setting_unverified_sources_do_not_hold_approval(
    workspace: Path, run_cli: RunCli
) -> None:
    make_draft(workspace, "d-1", change=retitle_first_task)

    result = run_cli("approve", "d-1", "--reviewer", "bob")

    assert result.exit_code == 0, result.output
    assert read_role(workspace).version == 2


# -- jobzone verify -------------------------------------------------------------------------------


def test_verifying_one_source_records_who_and_today_and_a_history_step(
    workspace: Path, run_cli: RunCli
) -> None:
    drafted = make_draft(workspace, "d-1", change=retitle_first_task)

    result = run_cli("verify", "d-1", WAGES, "--reviewer", "ann")

    assert result.exit_code == 0, result.output
    assert f"verified 1 source of d-1 as ann on {today()}" in result.stdout
    assert "7 unverified left" in result.stdout
    draft = read_draft(workspace, "d-1")
    source = source_at(draft.assessment, "wage_trends")
    assert (source["verified_by"], source["verified_on"]) == ("ann", today())
    others = [c for c in cited(Assessment.model_validate(draft.assessment)) if c.path != WAGES]
    assert not any(c.source.verified_by or c.source.verified_on for c in others)
    assert draft.history[:-1] == drafted.history
    step = draft.history[-1]
    assert (step.action, step.by, step.note) == (
        Action.sources_verified,
        "ann",
        f"verified {WAGES}",
    )
    assert draft.findings.warnings == [] and draft.findings.errors == []


def test_all_verifies_every_unverified_source_and_then_has_nothing_to_do(
    workspace: Path, run_cli: RunCli
) -> None:
    make_draft(workspace, "d-1", change=retitle_first_task)
    run_cli("verify", "d-1", WAGES, "--reviewer", "ann")

    first = run_cli("verify", "d-1", "--all", "--reviewer", "bob", "--json")
    after_first = tree(workspace)
    second = run_cli("verify", "d-1", "--all", "--reviewer", "bob")

    assert first.exit_code == 0, first.output
    out = json.loads(first.stdout)
    assert len(out["verified"]) == SOURCES - 1 and WAGES not in out["verified"]
    assert (out["verified_by"], out["verified_on"], out["unverified"]) == ("bob", str(today()), 0)
    draft = read_draft(workspace, "d-1")
    who = {c.path: c.source.verified_by for c in cited(Assessment.model_validate(draft.assessment))}
    assert who.pop(WAGES) == "ann"  # the earlier check is kept
    assert set(who.values()) == {"bob"}
    assert second.exit_code == 0
    assert "nothing changed" in second.stdout
    assert tree(workspace) == after_first


def test_verifying_withdraws_earlier_approvals_as_an_edit_does(
    workspace: Path, run_cli: RunCli
) -> None:
    (workspace / "jobzone.yaml").write_text("approvals_required: 2\n", encoding="utf-8")
    make_draft(workspace, "d-1", change=retitle_first_task)
    assert run_cli("approve", "d-1", "--reviewer", "bob").exit_code == 0

    result = run_cli("verify", "d-1", EXPERTS, "--reviewer", "ann")

    assert result.exit_code == 0, result.output
    assert "1 earlier approval withdrawn" in result.stdout
    draft = read_draft(workspace, "d-1")
    assert draft.approvals == [] and draft.status is Status.pending
    assert draft.history[-1].note == f"verified {EXPERTS}; 1 earlier approval withdrawn"


def test_list_shows_each_source_with_its_state_and_changes_nothing(
    workspace: Path, run_cli: RunCli
) -> None:
    make_draft(workspace, "d-1", change=retitle_first_task)
    run_cli("verify", "d-1", WAGES, "--reviewer", "ann")
    before = tree(workspace)

    text = run_cli("verify", "d-1", "--list")
    listed = run_cli("verify", "d-1", "--list", "--json")

    assert text.exit_code == listed.exit_code == 0
    assert f"{WAGES}  verified by ann on {today()}; added by model" in text.stdout
    assert f"{EXPERTS}  unverified; added by model" in text.stdout
    assert "https://example.org/world-economic-forum-future-of-jobs-report-2025" in text.stdout
    sources = json.loads(listed.stdout)["sources"]
    assert len(sources) == SOURCES
    assert [s["path"] for s in sources if s["verified"]] == [WAGES]
    assert tree(workspace) == before


@pytest.mark.parametrize(
    "path",
    [
        "evidence.wage_trends.sources[7]",  # no such source
        f"{WAGES}.url",  # a field of a source, not the source
        "evidence.wages.sources[0]",
        "tasks[0]",
    ],
)
def test_a_path_that_is_not_a_source_is_refused_naming_it(
    workspace: Path, run_cli: RunCli, path: str
) -> None:
    make_draft(workspace, "d-1", change=retitle_first_task)
    before = tree(workspace)

    result = run_cli("verify", "d-1", EXPERTS, path, "--reviewer", "ann")

    assert result.exit_code == 2
    assert f"{path}: not a source of draft d-1" in result.stderr
    assert tree(workspace) == before  # not even the good path was recorded


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["verify", "nope", "--all"], "no draft 'nope'"),
        (["verify", "d-1"], "name the sources of draft d-1"),
        (["verify", "d-1", WAGES, "--all"], "not both"),
        (["verify", "d-1", "--list", "--all"], "--list changes nothing"),
    ],
)
def test_bad_input_is_refused_with_exit_2_and_nothing_changed(
    workspace: Path, run_cli: RunCli, args: list[str], says: str
) -> None:
    make_draft(workspace, "d-1", change=retitle_first_task)
    before = records(workspace)

    result = run_cli(*args, "--reviewer", "ann")

    assert result.exit_code == 2
    assert says in result.stderr
    assert records(workspace) == before


@pytest.mark.parametrize("status", [Status.approved, Status.rejected])
def test_a_closed_draft_is_not_verified(workspace: Path, run_cli: RunCli, status: Status) -> None:
    """A conflict (exit 1), as for `edit` and `rebase`: the draft cannot change any more."""
    make_draft(workspace, "d-1", status=status)
    before = tree(workspace)

    result = run_cli("verify", "d-1", "--all", "--reviewer", "ann")

    assert result.exit_code == 1
    assert f"draft d-1 is {status.value}" in result.stderr
    assert tree(workspace) == before


def test_a_commentary_draft_is_not_verified(workspace: Path, run_cli: RunCli) -> None:
    """Its sources are the canonical version's: approval would drop what was recorded."""
    make_draft(workspace, "d-1", kind=Kind.commentary, slug=SEED_SLUG)
    before = tree(workspace)

    result = run_cli("verify", "d-1", "--all", "--reviewer", "ann")

    assert result.exit_code == 2
    assert "replaces only the commentary" in result.stderr
    assert tree(workspace) == before


def test_a_draft_that_breaks_the_format_is_refused(workspace: Path, run_cli: RunCli) -> None:
    make_draft(workspace, "d-1", change=lambda a: a["tasks"][0].update(score="high"))
    before = tree(workspace)

    result = run_cli("verify", "d-1", "--all", "--reviewer", "ann")

    assert result.exit_code == 2
    assert "does not follow the assessment format" in result.stderr
    assert "`jobzone edit d-1`" in result.stderr
    assert tree(workspace) == before
