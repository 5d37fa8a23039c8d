"""``jobzone show``: the second opinion of the O*NET task labels, and the coverage (issue 10)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jobzone.occupations import occupation, task

from .conftest import RunCli
from .factories import hermetic_env, make_draft, retitle_first_task

hermetic = pytest.fixture(autouse=True)(hermetic_env)

NURSES = "29-1141.00"
HEAD = "== second opinion (O*NET task labels, Eloundou et al.; '!!' marks what to check) =="
UNKNOWN = 99_999_998


def section(out: str) -> list[str]:
    """The lines of the second-opinion section of ``show``'s output, heading first."""
    lines = out.splitlines()
    start = lines.index(HEAD)
    return lines[start : lines.index("== provenance ==", start)]


def ids(level: str) -> list[int]:
    return [t.id for t in occupation(NURSES).tasks if t.gpt4_automation == level]


def grounded(first: list[int], second: list[int]) -> Callable[[dict[str, Any]], None]:
    """A change making the draft a Registered Nurses role whose first task cites ``first``
    (scored 4) and whose second cites ``second`` (scored 3)."""

    def change(assessment: dict[str, Any]) -> None:
        assessment["role"]["occupation"] = {
            "code": NURSES,
            "title": occupation(NURSES).title,
            "match": "direct",
        }
        assessment["tasks"][0].update(score=4, impact="displacement", onet_tasks=first)
        assessment["tasks"][1].update(score=3, onet_tasks=second)

    return change


def test_each_citing_task_shows_its_verdict_and_statements(
    workspace: Path, run_cli: RunCli
) -> None:
    t1, t2 = ids("T1")[:2], ids("T2")[:1]  # suggest 2 (scored 4: disagrees) and 3 (agrees)
    make_draft(workspace, "rn", change=grounded(t1, [*t2, UNKNOWN]))

    result = run_cli("show", "rn")

    assert result.exit_code == 0, result.output
    lines = section(result.stdout)
    first = next(i for i, line in enumerate(lines) if "tasks[0] " in line)
    assert lines[first].startswith("!! tasks[0] ")
    assert lines[first].endswith(": suggests 2, scored 4 (2 or more apart)")
    for offset, cited in enumerate(t1, start=1):
        statement = task(cited)
        assert statement is not None
        labels = f"human {statement.human}, GPT-4 {statement.gpt4}, GPT-4 T1"
        assert f"{cited}  {labels}  {statement.text[:20]}" in lines[first + offset]
    second = next(line for line in lines if "tasks[1] " in line)
    assert second.startswith("   tasks[1] ") and second.endswith(": suggests 3, scored 3")
    assert any(line.split() == [str(UNKNOWN), "not", "in", "O*NET", "29.3"] for line in lines)
    assert not any("tasks[2]" in line for line in lines)


def test_coverage_is_shown_and_flagged_when_low(workspace: Path, run_cli: RunCli) -> None:
    core = [t.id for t in occupation(NURSES).tasks if t.type == "Core"]
    make_draft(workspace, "low", change=grounded(core[:1], []))
    make_draft(workspace, "full", change=grounded(core[:1], core[1:]))

    low = section(run_cli("show", "low").stdout)[1]
    full = section(run_cli("show", "full").stdout)[1]

    assert low.startswith(f"!! the tasks cover 1 of the {len(core)} Core tasks of {NURSES} (")
    assert "minimum" in low
    assert (
        full == f"   the tasks cover {len(core)} of the {len(core)} Core tasks of {NURSES} (100%)"
    )


def test_a_draft_not_grounded_in_o_net_has_no_such_section(
    workspace: Path, run_cli: RunCli
) -> None:
    make_draft(workspace, "plain", change=retitle_first_task)
    out = run_cli("show", "plain").stdout
    assert "second opinion" not in out
    assert "\n\n== provenance ==" in out


def test_a_draft_that_does_not_parse_has_no_such_section(workspace: Path, run_cli: RunCli) -> None:
    def broken(assessment: dict[str, Any]) -> None:
        grounded(ids("T1")[:1], [])(assessment)
        assessment["tasks"][0]["score"] = 9

    make_draft(workspace, "broken", change=broken)
    result = run_cli("show", "broken")
    assert result.exit_code == 0, result.output
    assert "second opinion" not in result.stdout


def test_data_that_cannot_be_read_is_said_in_place_of_the_opinion(
    workspace: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    make_draft(workspace, "rn", change=grounded(ids("T1")[:1], []))
    missing = tmp_path / "missing.json.xz"
    monkeypatch.setattr("jobzone.occupations.index.dataset_path", lambda: missing)

    result = run_cli("show", "rn")

    assert result.exit_code == 0, result.output
    lines = section(result.stdout)
    assert lines[1].startswith("the O*NET data cannot be read: the occupations dataset ")
    assert str(missing) in lines[1]
    assert not any("tasks[0]" in line for line in lines)


def test_show_json_gives_the_second_opinion_as_figures(workspace: Path, run_cli: RunCli) -> None:
    t1, t3 = ids("T1")[:1], ids("T3")[:2]
    assert len(t3) == 2
    make_draft(workspace, "rn", change=grounded(t1, t3))
    make_draft(workspace, "plain", change=retitle_first_task)

    shown = json.loads(run_cli("show", "rn", "--json").stdout)["second_opinion"]

    first, second = shown["tasks"][0], shown["tasks"][1]
    assert (first["scored"], first["suggested"], first["disagrees"]) == (4, 2, True)
    assert [c["id"] for c in first["cited"]] == t1
    assert first["cited"][0]["gpt4_automation"] == "T1"
    assert (second["scored"], second["suggested"], second["disagrees"]) == (3, 4, False)
    assert all(t is None for t in shown["tasks"][2:])
    covered = shown["coverage"]
    assert (covered["code"], covered["covered"]) == (NURSES, len(t1) + len(t3))
    assert covered["low"] is True
    assert json.loads(run_cli("show", "plain", "--json").stdout)["second_opinion"] is None
