"""Every metric of ``jobzone eval`` against values computed by hand (the arithmetic is in the
comments), task alignment, and the stratified sample's allocation."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from jobzone.assessment import Assessment, Task
from jobzone.evals.align import AlignedBy, align, name_similarity, stems
from jobzone.evals.compare_role import RoleComparison, compare_role
from jobzone.evals.drafts_eval import CaseUsage, DraftCase
from jobzone.evals.labels import LabelItem
from jobzone.evals.metrics import exact_agreement, mean, quadratic_kappa, share, within_one
from jobzone.evals.sample import LabelledTask, allocate, stratified_sample
from jobzone.evals.summary import DRAFT_METRICS, LABEL_METRICS, summarise
from jobzone.scoring import score

SCALE = (1, 2, 3, 4, 5)


# -- the agreement statistics ------------------------------------------------------------------


def test_exact_and_within_one_count_pairs() -> None:
    drafted, approved = [1, 2, 3, 4], [1, 2, 4, 4]
    assert exact_agreement(drafted, approved) == 0.75  # 3 of 4 equal
    assert within_one(drafted, approved) == 1.0  # the one difference is 1
    assert within_one([1, 5], [3, 5]) == 0.5  # |1 - 3| = 2 is not within one


def test_quadratic_kappa_against_hand_computation() -> None:
    # Weights (i - j)^2. Observed: one pair (3, 4) off by one -> weighted disagreement 1.
    # Marginals: first rater 1,2,3,4 once each; second 1 once, 2 once, 4 twice.
    # Expected weighted disagreement = sum_i sum_j r_i c_j (i - j)^2 / n:
    #   i=1: 0 + 1 + 2*9 = 19;  i=2: 1 + 0 + 2*4 = 9;  i=3: 4 + 1 + 2*1 = 7;  i=4: 9 + 4 + 0 = 13
    #   (19 + 9 + 7 + 13) / 4 = 12, so kappa = 1 - 1/12 = 11/12.
    assert quadratic_kappa([1, 2, 3, 4], [1, 2, 4, 4], SCALE) == pytest.approx(11 / 12)


def test_kappa_is_undefined_without_pairs_or_with_one_shared_category() -> None:
    assert quadratic_kappa([], [], SCALE) is None
    assert quadratic_kappa([3, 3], [3, 3], SCALE) is None  # chance explains all
    # Two constant raters on different categories agree no more than chance: 0.
    assert quadratic_kappa([1, 1], [2, 2], SCALE) == 0.0


def test_shares_and_means_of_nothing_are_undefined() -> None:
    assert share(0, 0) is None
    assert exact_agreement([], []) is None
    assert mean([]) is None
    assert mean([1.0, 2.0, 6.0]) == 3.0


# -- aligning tasks ----------------------------------------------------------------------------


def _task(name: str, onet: list[int] | None = None, pct: int = 25, score_: int = 3) -> Task:
    impact = "displacement" if score_ >= 4 else "augmentation"
    return Task.model_validate(
        {
            "name": name,
            "time_pct": pct,
            "score": score_,
            "impact": impact,
            "rationale": "Because.",
            "onet_tasks": onet or [],
        }
    )


def test_names_compare_by_word_stems() -> None:
    assert stems("Monitoring & alerting") == {"monit", "alert"}
    # {monit, alert} against {obser, monit, alert, tunin}: 2 shared of 4.
    assert (
        name_similarity("Monitoring & alerting", "Observability, monitoring & alert tuning") == 0.5
    )


def test_shared_onet_statements_align_first_then_names() -> None:
    drafted = [
        _task("Model deployment & serving", [1, 2]),
        _task("Monitoring & alerting"),
        _task("Stakeholder meetings"),
    ]
    approved = [
        _task("Deploying models to production", [2, 3]),
        _task("Observability, monitoring & alert tuning"),
        _task("Budget planning"),
    ]
    pairs = align(drafted, approved)
    # {1, 2} and {2, 3} share 1 of 3 ids; the names share 2 of 4 stems; the third pair none.
    assert [(p.drafted, p.approved, p.by, round(p.similarity, 4)) for p in pairs] == [
        (0, 0, AlignedBy.onet, 0.3333),
        (1, 1, AlignedBy.name, 0.5),
    ]


def test_alignment_is_optimal_not_greedy() -> None:
    # Similarities (Jaccard of ids): D1-A1 3/4, D1-A2 2/3, D2-A1 1/4, D2-A2 0. Taking the best
    # pair first (D1-A1) leaves D2 with nothing; the best assignment totals 2/3 + 1/4 = 0.917.
    drafted = [_task("D1", [1, 2, 3]), _task("D2", [1])]
    approved = [_task("A1", [1, 2, 3, 4]), _task("A2", [2, 3])]
    assert [(p.drafted, p.approved) for p in align(drafted, approved)] == [(1, 0), (0, 1)]


def test_names_below_the_threshold_stay_unaligned() -> None:
    # {data, pipel} against {data, qualit, revie, audit, repor}... one of six stems is under 0.2.
    pairs = align([_task("Data pipelines")], [_task("Data quality review, audit and reports")])
    assert pairs == []


# -- one role against its approved assessment ---------------------------------------------------


def _changed(data: dict[str, Any]) -> dict[str, Any]:
    """The seed role, redrafted: the first task renamed, 5 points of time moved from the last
    task to the second, which now scores 5 (displacement), growth +2, company actions 0, and
    embodied physicality 3."""
    changed = copy.deepcopy(data)
    tasks = changed["tasks"]
    tasks[0]["name"] = "Pipeline design and architecture of ML"
    tasks[1].update(time_pct=25, score=5, impact="displacement")
    tasks[6]["time_pct"] = 5
    changed["growth"]["score"] = 2
    changed["evidence"]["company_actions"]["score"] = 0
    changed["protective"]["embodied_physicality"]["score"] = 3
    return changed


def _comparison(drafted: dict[str, Any], approved: dict[str, Any]) -> RoleComparison:
    mine, theirs = Assessment.model_validate(drafted), Assessment.model_validate(approved)
    return compare_role(mine, score(mine), theirs, score(theirs))


def test_a_role_compared_with_itself_agrees_everywhere(example_data: dict[str, Any]) -> None:
    same = _comparison(example_data, example_data)
    assert same.aijri_error == 0
    assert same.agrees("zone") and same.agrees("sub_label") and same.agrees("quick_screen")
    assert len(same.tasks) == same.approved_tasks == 7
    assert same.time_share_overlap == 1.0


def test_a_changed_role_against_hand_computation(example_data: dict[str, Any]) -> None:
    c = _comparison(_changed(example_data), example_data)
    # The scorer gives the approved role 42.6 and the changed one 32.8 (both Yellow (Urgent)).
    assert (c.approved.aijri, c.drafted.aijri if c.drafted else None) == (
        Decimal("42.6"),
        Decimal("32.8"),
    )
    assert c.aijri_error == Decimal("9.8")  # 42.6 - 32.8
    assert c.agrees("zone") and c.agrees("sub_label") and not c.agrees("quick_screen")
    # Every task aligns by name ("ML pipeline design & architecture" and the new name have the
    # same stems {ml, pipel, desig, archi}); overlap: 20 + min(25, 20) + 15 + 15 + 10 + 10 +
    # min(5, 10) = 95 of 100.
    assert [p.by for p in c.tasks] == [AlignedBy.name] * 7
    assert c.time_share_overlap == 0.95
    assert [(p.drafted_score, p.approved_score) for p in c.tasks][1] == (5, 3)
    growth = c.dimensions["growth"]
    assert [(p.name, p.drafted, p.approved) for p in growth] == [("growth.score", 2, 1)]


def _case(comparison: RoleComparison, **usage: Any) -> DraftCase:
    spent = {
        "calls": 4,
        "failed_calls": 0,
        "repairs": 0,
        "prompt_tokens": 1000,
        "completion_tokens": 200,
        "cached_tokens": 0,
        "cost_usd": None,
        "wall_seconds": 1.0,
    }
    return DraftCase(
        slug="role",
        title="Role",
        notes=None,
        errors=[],
        warnings=[],
        comparison=comparison,
        usage=CaseUsage(**{**spent, **usage}),
        draft={},
    )


def test_run_metrics_pool_the_roles_pairs(example_data: dict[str, Any]) -> None:
    changed = _comparison(_changed(example_data), example_data)
    same = _comparison(example_data, example_data)
    cases = [
        _case(changed, calls=4, repairs=1, cost_usd=0.01, wall_seconds=2.0),
        _case(
            same, calls=6, repairs=2, prompt_tokens=2000, completion_tokens=400, wall_seconds=4.0
        ),
    ]
    values = {m.key: m.value for m in summarise(DRAFT_METRICS, cases)}
    assert values["aijri_error"] == pytest.approx(4.9)  # (9.8 + 0) / 2
    assert values["zone"] == 1.0  # both Yellow, twice
    # The quick screen S = protective + growth: 3 + 1 + 1 + 2 = 7 is Likely Green, against the
    # approved 0 + 1 + 1 + 1 = 3, Likely Yellow; the role against itself agrees: 1 of 2.
    assert values["quick_screen"] == 0.5
    assert values["scorable"] == 1.0
    assert values["tasks_aligned"] == 1.0  # 14 of 14 approved tasks
    assert values["time_overlap"] == pytest.approx((0.95 + 1.0) / 2)
    # Pooled pairs (drafted, approved): the changed role's (5, 3) is the only disagreement.
    assert values["task_exact"] == pytest.approx(13 / 14)
    assert values["task_within_one"] == pytest.approx(13 / 14)  # 5 - 3 = 2
    # Kappa on the 14 pairs. Drafted 2:4, 3:5, 4:4, 5:1; approved 2:4, 3:6, 4:4.
    # Observed weighted disagreement: (5 - 3)^2 = 4.
    # Expected: i=2: 4 * (6*1 + 4*4) = 88; i=3: 5 * (4*1 + 4*1) = 40; i=4: 4 * (4*4 + 6*1) = 88;
    #   i=5: 1 * (4*9 + 6*4 + 4*1) = 64; (88 + 40 + 88 + 64) / 14 = 20. Kappa 1 - 4/20 = 0.8.
    assert values["task_kappa"] == pytest.approx(0.8)
    assert values["impact"] == pytest.approx(13 / 14)
    # Evidence: 10 pairs, company actions 0 against 2 once: 9/10 exact, 9/10 within one.
    assert values["evidence_exact"] == pytest.approx(0.9)
    assert values["evidence_within_one"] == pytest.approx(0.9)
    assert values["barriers_exact"] == 1.0
    # Protective: 6 pairs, embodied physicality 3 against 0 once: 5/6 exact and within one.
    assert values["protective_exact"] == pytest.approx(5 / 6)
    assert values["protective_within_one"] == pytest.approx(5 / 6)
    assert values["growth_exact"] == 0.5  # 2 against 1, then 1 against 1
    assert values["growth_within_one"] == 1.0
    assert values["calls"] == 5.0  # (4 + 6) / 2
    assert values["repairs"] == 1.5
    assert values["tokens"] == 1800.0  # (1200 + 2400) / 2
    assert values["cost"] == 0.01  # the role without a price is left out
    assert values["wall"] == 3.0


# -- task labels against people ------------------------------------------------------------------


def _item(n: int, t: str, human: str, gpt4: str, score_: int | None, exposure: str | None) -> Any:
    return LabelItem(
        id=n,
        code="11-1011.00",
        occupation="Chief Executives",
        text=f"Task {n}.",
        human=human,
        gpt4=gpt4,
        gpt4_automation=t,
        score=score_,
        exposure=exposure,
    )


def test_label_metrics_against_hand_computation() -> None:
    items = [
        _item(1, "T0", "E0", "E0", 1, "E0"),
        _item(2, "T1", "E1", "E2", 3, "E1"),
        _item(3, "T2", "E2", "E2", 3, "E1"),
        _item(4, "T3", "E0", "E0", 5, "E1"),
        _item(5, "T4", "E1", "E0", 5, "E1"),
        _item(6, "T2", "E1", "E1", None, None),  # not rated
    ]
    values = {m.key: m for m in summarise(LABEL_METRICS, items)}
    assert values["rated"].value == pytest.approx(5 / 6)
    # Rated: GPT-4 levels as scores 1..5 against 1, 3, 3, 5, 5: equal for tasks 1, 3 and 5.
    assert values["t_exact"].value == pytest.approx(3 / 5)
    assert values["t_within_one"].value == 1.0  # differences 0, 1, 0, 1, 0
    # Kappa: model 1:1, 3:2, 5:2; GPT-4 1..5 once each. Observed: (3-2)^2 + (5-4)^2 = 2.
    # Expected: i=1: 1 * (0+1+4+9+16) = 30; i=3: 2 * (4+1+0+1+4) = 20; i=5: 2 * (16+9+4+1+0)
    #   = 60; 110 / 5 = 22. Kappa 1 - 2/22 = 10/11.
    assert values["t_kappa"].value == pytest.approx(10 / 11)
    assert values["exposure"].value == pytest.approx(3 / 5)  # tasks 1, 2 and 5
    assert values["sample_gpt4_exposure"].value == pytest.approx(4 / 6)  # 1, 3, 4 and 6
    assert [values[k].published for k in ("t_exact", "t_within_one", "t_kappa", "exposure")] == [
        0.65,
        0.96,
        0.78,
        0.656,
    ]


# -- the sample --------------------------------------------------------------------------------


def test_allocation_is_proportional_with_largest_remainders() -> None:
    # 4 of 10: exact shares 2.0, 1.2, 0.8 -> 2, 1, 0 taken, and the one left goes to the largest
    # remainder (0.8).
    assert allocate({("E0", "T0"): 5, ("E1", "T1"): 3, ("E2", "T2"): 2}, 4) == {
        ("E0", "T0"): 2,
        ("E1", "T1"): 1,
        ("E2", "T2"): 1,
    }


def _population() -> list[LabelledTask]:
    labels = [("E0", "T0")] * 6 + [("E1", "T2")] * 3 + [("E2", "T4")] * 1
    return [
        LabelledTask(i, "11-1011.00", "Chief Executives", f"Task {i}.", h, "E0", t)
        for i, (h, t) in enumerate(labels, 1)
    ]


def test_the_sample_is_stratified_reproducible_and_listed_by_id() -> None:
    population = _population()
    first = stratified_sample(population, 5, seed=3)
    assert first == stratified_sample(population, 5, seed=3)
    assert [t.id for t in first] == sorted(t.id for t in first)
    # 5 of 10: 3 of the six (E0, T0), 1.5 -> 1 or 2 of (E1, T2), 0.5 of (E2, T4); remainders
    # 0.5 and 0.5 tie, and the larger group takes the last place: 3, 2, 0.
    kinds = [(t.human, t.gpt4_automation) for t in first]
    assert kinds.count(("E0", "T0")) == 3
    assert kinds.count(("E1", "T2")) == 2
    assert {t.id for t in stratified_sample(population, 5, seed=4)} != {t.id for t in first}
