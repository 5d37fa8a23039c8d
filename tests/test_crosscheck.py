"""The second opinion from published labels, and the coverage of an occupation's Core tasks."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobzone.assessment import Assessment
from jobzone.canonical import CanonicalSet
from jobzone.checking import check
from jobzone.occupations import occupation, task
from jobzone.occupations.crosscheck import (
    CORE_COVERAGE_MIN,
    DISAGREEMENT,
    T_TO_SCORE,
    coverage,
    second_opinions,
    suggested_score,
)
from jobzone.occupations.index import default_index
from jobzone.occupations.lookup import Task

from .conftest import _EXAMPLE

NURSES = "29-1141.00"


def labelled(level: str) -> list[int]:
    """Ids of task statements GPT-4 labelled ``level``, a few of them."""
    rows = default_index().rows(
        "SELECT id FROM tasks WHERE gpt4_automation = ? ORDER BY id LIMIT 3", (level,)
    )
    return [int(r["id"]) for r in rows]


def statement(level: str | None) -> Task:
    return Task(1, "00-0000.00", "x", "Core", "E0", "E0", level)


def seed(**changes: Any) -> dict[str, Any]:
    """The example role without any O*NET grounding, then ``changes`` to its first task."""
    data = copy.deepcopy(_EXAMPLE)
    data["role"].pop("occupation", None)
    for item in data["tasks"]:
        item["onet_tasks"] = []
    data["tasks"][0].update(changes)
    return data


def findings(data: dict[str, Any], code: str) -> list[str]:
    report = check(data, CanonicalSet()).report
    return [f.path for f in report.findings if f.code == code]


def test_the_mapping_puts_t0_to_t4_on_the_whole_task_scale_in_order() -> None:
    assert list(T_TO_SCORE) == ["T0", "T1", "T2", "T3", "T4"]
    assert list(T_TO_SCORE.values()) == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        (["T4"], 5),
        (["T0"], 1),
        (["T1", "T3"], 3),  # median of 2 and 4
        (["T1", "T2"], 3),  # 2.5 rounds up
        (["T0", "T0", "T4"], 1),  # the median, not the mean (which would be 2.3)
        (["T2", None], 3),  # an unlabelled statement does not count
        ([None], None),
        ([], None),
    ],
)
def test_the_suggestion_is_the_median_mapped_level_halves_up(
    levels: list[str | None], expected: int | None
) -> None:
    assert suggested_score([statement(level) for level in levels]) == expected


@given(st.lists(st.sampled_from(sorted(T_TO_SCORE)), min_size=1, max_size=9))
def test_a_suggestion_lies_within_the_levels_it_comes_from(levels: list[str]) -> None:
    mapped = [T_TO_SCORE[level] for level in levels]
    suggested = suggested_score([statement(level) for level in levels])
    assert suggested is not None and min(mapped) <= suggested <= max(mapped)


def test_a_task_citing_t4_statements_and_scored_1_is_warned() -> None:
    data = seed(score=1, impact="augmentation", onet_tasks=labelled("T4"))

    assert findings(data, "tasks.label-disagrees") == ["tasks[0].score"]
    opinion = second_opinions(Assessment.model_validate(data))[0]
    assert opinion is not None and (opinion.suggested, opinion.drafted) == (5, 1)


def test_a_task_citing_t4_statements_and_scored_4_is_not_warned() -> None:
    data = seed(score=4, impact="displacement", onet_tasks=labelled("T4"))
    assert findings(data, "tasks.label-disagrees") == []


def test_a_difference_of_one_is_not_warned_and_of_two_is() -> None:
    t2 = labelled("T2")  # suggests 3
    assert findings(seed(score=2, onet_tasks=t2), "tasks.label-disagrees") == []
    assert DISAGREEMENT == 2
    assert findings(seed(score=1, onet_tasks=t2), "tasks.label-disagrees") == ["tasks[0].score"]


def test_tasks_without_citations_get_no_opinion() -> None:
    opinions = second_opinions(Assessment.model_validate(seed()))
    assert opinions == [None] * len(_EXAMPLE["tasks"])


def test_an_unknown_task_id_is_an_error_naming_it_and_is_left_out_of_the_opinion() -> None:
    known = labelled("T1")[0]
    data = seed(onet_tasks=[known, 99_999_998])

    report = check(data, CanonicalSet()).report
    unknown = [f for f in report.errors if f.code == "tasks.unknown-onet-task"]
    assert [f.path for f in unknown] == ["tasks[0].onet_tasks"]
    assert "99999998" in unknown[0].message
    opinion = second_opinions(Assessment.model_validate(data))[0]
    assert opinion is not None and [t.id for t in opinion.cited] == [known]


def _grounded(code: str, cited: list[int]) -> dict[str, Any]:
    data = seed()
    found = occupation(code)
    data["role"]["occupation"] = {"code": code, "title": found.title, "match": "direct"}
    for i, item in enumerate(data["tasks"]):
        item["onet_tasks"] = cited[i :: len(data["tasks"])]
    return data


def test_coverage_counts_the_core_statements_some_task_cites() -> None:
    core = [t.id for t in occupation(NURSES).tasks if t.type == "Core"]
    half_and_one = core[: len(core) // 2 + 1]

    found = coverage(Assessment.model_validate(_grounded(NURSES, half_and_one)))

    assert found is not None
    assert (found.kind, found.covered, found.total) == ("Core", len(half_and_one), len(core))
    assert not found.low


def test_coverage_below_the_threshold_is_warned_and_above_it_is_not() -> None:
    core = [t.id for t in occupation(NURSES).tasks if t.type == "Core"]
    too_few = core[: int(len(core) * CORE_COVERAGE_MIN) - 1]
    enough = core[: -(-len(core) // 2)]

    assert findings(_grounded(NURSES, too_few), "occupation.low-coverage") == ["tasks"]
    assert findings(_grounded(NURSES, enough), "occupation.low-coverage") == []


def test_supplemental_citations_do_not_count_towards_core_coverage() -> None:
    supplemental = [t.id for t in occupation(NURSES).tasks if t.type == "Supplemental"]
    found = coverage(Assessment.model_validate(_grounded(NURSES, supplemental)))
    assert found is not None and found.covered == 0 and found.low


def test_an_occupation_o_net_classifies_no_core_task_for_is_covered_over_all_its_tasks() -> None:
    developers = "15-1252.00"
    tasks = occupation(developers).tasks
    assert tasks and all(t.type != "Core" for t in tasks)

    found = coverage(Assessment.model_validate(_grounded(developers, [t.id for t in tasks])))

    assert found is not None and (found.kind, found.covered) == ("all", len(tasks))


def test_a_role_without_an_occupation_has_no_coverage() -> None:
    assert coverage(Assessment.model_validate(seed())) is None


def test_a_cited_statement_of_another_occupation_is_named() -> None:
    elsewhere = task(labelled("T1")[0])
    assert elsewhere is not None and elsewhere.code != NURSES
    data = _grounded(NURSES, [])
    data["tasks"][0]["onet_tasks"] = [elsewhere.id]

    report = check(data, CanonicalSet()).report
    found = [f for f in report.findings if f.code == "tasks.onet-task-elsewhere"]

    assert [f.path for f in found] == ["tasks[0].onet_tasks"]
    assert f"{elsewhere.id} ({elsewhere.code})" in found[0].message


def test_a_long_run_of_unknown_ids_is_named_in_part_and_counted() -> None:
    data = seed(onet_tasks=list(range(99_999_000, 99_999_025)))
    (found,) = [
        f for f in check(data, CanonicalSet()).report.errors if f.path == "tasks[0].onet_tasks"
    ]
    assert "99999000, 99999001" in found.message and "and 15 more" in found.message
    assert "99999024" not in found.message
