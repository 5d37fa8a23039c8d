"""The scorer against the methodology: the worked example, the rubric's rules and properties.

Expected values never come from running the scorer. The worked example's figures are the ones the
methodology publishes; everything else is recomputed here from an independent statement of the
formula, the zones and the sub-label rules, with the constants written out as the methodology
gives them.
"""

from __future__ import annotations

import copy
import itertools
import json
import math
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobzone.assessment import Assessment
from jobzone.errors import UnscorableError
from jobzone.rubric import load_rubric
from jobzone.scoring import Score, score, zone_of

from .conftest import EXAMPLE_PATH, RunCli, write_yaml

# --- The methodology, restated -------------------------------------------------------------------

BASE = 6
EVIDENCE_COEFFICIENT = Fraction("0.04")
BARRIER_COEFFICIENT = Fraction("0.02")
GROWTH_COEFFICIENT = Fraction("0.05")
RAW_FLOOR = Fraction("0.54")
DIVISOR = Fraction("7.93")
GREEN_MIN = Fraction("48.0")
YELLOW_MIN = Fraction("25.0")

PRINCIPLES = (
    "embodied_physicality",
    "deep_interpersonal_connection",
    "goal_setting_moral_judgment",
)
EVIDENCE = (
    "job_posting_trends",
    "company_actions",
    "wage_trends",
    "ai_tool_maturity",
    "expert_consensus",
)
BARRIERS = (
    "regulatory_licensing",
    "physical_presence",
    "union_collective_bargaining",
    "liability_accountability",
    "cultural_ethical",
)
IMPACTS = ("augmentation", "displacement", "not_involved")
A, D, N = IMPACTS

_SEED: dict[str, Any] = yaml.safe_load(EXAMPLE_PATH.read_text(encoding="utf-8"))


def shown(value: Fraction) -> Fraction:
    """``value`` (>= 0) rounded half up to one decimal, by integer arithmetic."""
    return Fraction(math.floor(value * 10 + Fraction(1, 2)), 10)


def expected_zone(shown_aijri: Fraction) -> str:
    if shown_aijri >= GREEN_MIN:
        return "Green"
    if shown_aijri >= YELLOW_MIN:
        return "Yellow"
    return "Red"


def expected_sub_label(zone: str, growth: int, share_3plus: int, displacement: int) -> str:
    high_exposure = share_3plus >= 40
    if zone == "Green":
        if growth == 2:
            return "Green (Accelerated)"
        return "Green (Transforming)" if high_exposure else "Green (Stable)"
    if zone == "Yellow":
        return "Yellow (Urgent)" if high_exposure else "Yellow (Moderate)"
    return "Red (Imminent)" if displacement >= 50 else "Red (Gradual)"


def expected_quick_screen(total: int) -> str:
    if total >= 6:
        return "Likely Green"
    if total >= 3:
        return "Likely Yellow"
    return "Likely Red"


def formula(task_total: Fraction, evidence: int, barriers: int, growth: int) -> Fraction:
    """The unclamped aijri, straight from the methodology's formula."""
    raw = (
        (BASE - task_total)
        * (1 + EVIDENCE_COEFFICIENT * evidence)
        * (1 + BARRIER_COEFFICIENT * barriers)
        * (1 + GROWTH_COEFFICIENT * growth)
    )
    return (raw - RAW_FLOOR) / DIVISOR * 100


def expected_raw(data: dict[str, Any]) -> Fraction:
    """The raw composite of a raw assessment mapping."""
    task_total = sum(
        (Fraction(t["time_pct"], 100) * t["score"] for t in data["tasks"]), start=Fraction(0)
    )
    return (
        (BASE - task_total)
        * (1 + EVIDENCE_COEFFICIENT * sum(data["evidence"][k]["score"] for k in EVIDENCE))
        * (1 + BARRIER_COEFFICIENT * sum(data["barriers"][k]["score"] for k in BARRIERS))
        * (1 + GROWTH_COEFFICIENT * data["growth"]["score"])
    )


def expected_unclamped(data: dict[str, Any]) -> Fraction:
    return (expected_raw(data) - RAW_FLOOR) / DIVISOR * 100


def spread(total: int) -> tuple[int, ...]:
    """Five integer scores as even as possible that add up to ``total``."""
    q, r = divmod(total, 5)
    return tuple(q + 1 if i < r else q for i in range(5))


def seed_data() -> dict[str, Any]:
    return copy.deepcopy(_SEED)


def scored(data: dict[str, Any]) -> Score:
    return score(Assessment.model_validate(data))


def with_override(data: dict[str, Any], aijri: float) -> dict[str, Any]:
    data["override"] = {
        "aijri": aijri,
        "justification": "The assessor weighed market evidence the formula cannot see here.",
        "by": "reviewer",
        "on": data["assessed_on"],
    }
    return data


def set_tasks(data: dict[str, Any], rows: list[tuple[int, int, str]]) -> dict[str, Any]:
    """Replace the tasks with (time_pct, score, impact) rows, named and explained generically."""
    data["tasks"] = [
        {
            "name": f"Task number {i}",
            "time_pct": pct,
            "score": task_score,
            "impact": impact,
            "rationale": "A rationale written for this test.",
        }
        for i, (pct, task_score, impact) in enumerate(rows)
    ]
    return data


def set_scores(
    data: dict[str, Any],
    *,
    protective: tuple[int, int, int] | None = None,
    growth: int | None = None,
    evidence: tuple[int, ...] | None = None,
    barriers: tuple[int, ...] | None = None,
) -> dict[str, Any]:
    if protective is not None:
        for name, value in zip(PRINCIPLES, protective, strict=True):
            data["protective"][name]["score"] = value
    if growth is not None:
        data["growth"]["score"] = growth
    if evidence is not None:
        for name, value in zip(EVIDENCE, evidence, strict=True):
            data["evidence"][name]["score"] = value
    if barriers is not None:
        for name, value in zip(BARRIERS, barriers, strict=True):
            data["barriers"][name]["score"] = value
    return data


# --- The worked example --------------------------------------------------------------------------


def test_rubric_data_carries_the_methodology_constants() -> None:
    rubric = load_rubric("aijri-v1")
    f = rubric.formula
    assert f.task_resistance_base == BASE
    assert f.evidence_coefficient == EVIDENCE_COEFFICIENT
    assert f.barrier_coefficient == BARRIER_COEFFICIENT
    assert f.growth_coefficient == GROWTH_COEFFICIENT
    assert f.raw_floor == RAW_FLOOR
    assert f.divisor == DIVISOR
    assert (f.aijri_min, f.aijri_max) == (0, 100)
    assert [(z.name, z.min) for z in rubric.zones] == [
        ("Green", GREEN_MIN),
        ("Yellow", YELLOW_MIN),
        ("Red", 0),
    ]


def test_worked_example_figures(example: Assessment) -> None:
    s = score(example)
    assert s.task_total == Fraction("2.95")
    assert s.task_resistance == Fraction("3.05")
    assert s.evidence_modifier == Fraction("1.20")
    assert s.barrier_modifier == Fraction("1.02")
    assert s.growth_modifier == Fraction("1.05")
    # Exact: 3.05 x 1.20 x 1.02 x 1.05, shown as 3.9199.
    assert s.raw == Fraction("3.91986")
    assert s.shown().raw == 3.9199
    assert s.shown_aijri == Decimal("42.6")
    assert s.zone == "Yellow"
    assert s.sub_label == "Yellow (Urgent)"
    assert s.share_3plus == 70
    assert s.split == {"displacement": 25, "augmentation": 65, "not_involved": 10}
    assert list(s.split) == ["displacement", "augmentation", "not_involved"]
    assert s.quick_screen == "Likely Yellow"
    assert (s.protective_total, s.evidence_total, s.barrier_total, s.growth) == (2, 5, 1, 1)
    assert s.distance_to("Green") == Decimal("5.4")
    assert s.distance_to("Yellow") == Decimal("17.6")
    assert not s.overridden
    assert not s.clamped
    assert s.aijri == s.formula_aijri


def test_worked_example_aijri_is_exact(example: Assessment) -> None:
    s = score(example)
    assert s.aijri == (Fraction("3.91986") - RAW_FLOOR) / DIVISOR * 100
    assert Fraction("42.55") <= s.aijri < Fraction("42.65")


@pytest.mark.parametrize("target", ["roles/mlops-engineer.yaml", "mlops-engineer"])
def test_worked_example_through_cli_json(run_cli: RunCli, target: str) -> None:
    result = run_cli("score", target, "--json")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert data["rubric"] == "aijri-v1"
    assert data["aijri"] == 42.6
    assert data["formula_aijri"] == 42.6
    assert data["raw"] == 3.9199
    assert data["task_total"] == 2.95
    assert data["task_resistance"] == 3.05
    assert data["zone"] == "Yellow"
    assert data["sub_label"] == "Yellow (Urgent)"
    assert data["share_3plus"] == 70
    assert data["split"] == {"displacement": 25, "augmentation": 65, "not_involved": 10}
    assert data["quick_screen"] == "Likely Yellow"
    assert data["protective_total"] == 2
    assert data["evidence_total"] == 5
    assert data["barrier_total"] == 1
    assert data["growth"] == 1
    assert data["distance"]["green"] == 5.4
    assert data["overridden"] is False
    assert data["clamped"] is False


def test_worked_example_through_cli_text(run_cli: RunCli) -> None:
    result = run_cli("score", "roles/mlops-engineer.yaml")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "42.6" in out
    assert "Yellow (Urgent)" in out
    assert "3.9199" in out
    assert "2.95" in out and "3.05" in out
    assert "Likely Yellow" in out


def test_time_shares_not_summing_to_100_cannot_be_scored() -> None:
    data = seed_data()
    data["tasks"][0]["time_pct"] += 5
    with pytest.raises(UnscorableError) as info:
        scored(data)
    assert info.value.rule == "tasks.time-sum"
    assert "105" in info.value.message


# --- Zones, sub-labels, overrides and clamping ---------------------------------------------------


@pytest.mark.parametrize(
    ("value", "zone"),
    [
        ("0.0", "Red"),
        ("24.9", "Red"),
        ("25.0", "Yellow"),
        ("47.9", "Yellow"),
        ("48.0", "Green"),
        ("100.0", "Green"),
    ],
)
def test_zone_boundaries(value: str, zone: str) -> None:
    assert zone_of(load_rubric("aijri-v1"), Decimal(value)) == zone


@pytest.mark.parametrize(
    ("override", "shown_aijri", "zone"),
    [
        (48.0, "48.0", "Green"),
        (47.95, "48.0", "Green"),
        (47.94, "47.9", "Yellow"),
        (25.0, "25.0", "Yellow"),
        (24.95, "25.0", "Yellow"),
        (24.94, "24.9", "Red"),
        (47.5, "47.5", "Yellow"),
        (24.5, "24.5", "Red"),
        (60.04, "60.0", "Green"),
    ],
)
def test_zone_reads_the_shown_aijri(override: float, shown_aijri: str, zone: str) -> None:
    s = scored(with_override(seed_data(), override))
    assert s.aijri == Fraction(str(override))
    assert s.shown_aijri == Decimal(shown_aijri)
    assert s.zone == zone


def _formula_case(low: Fraction, high: Fraction) -> dict[str, Any]:
    """A role whose exact formula aijri lies in [low, high), found by search over its scores."""
    shares = (40, 30, 20, 10)
    for task_scores in itertools.product(range(1, 6), repeat=4):
        task_total = Fraction(sum(p * s for p, s in zip(shares, task_scores, strict=True)), 100)
        for evidence, barriers, growth in itertools.product(
            range(-10, 11), range(11), range(-2, 3)
        ):
            if not low <= formula(task_total, evidence, barriers, growth) < high:
                continue
            rows = [
                (pct, sc, "displacement" if sc >= 4 else "augmentation")
                for pct, sc in zip(shares, task_scores, strict=True)
            ]
            data = set_tasks(seed_data(), rows)
            return set_scores(
                data, growth=growth, evidence=spread(evidence), barriers=spread(barriers)
            )
    raise AssertionError(f"no role scores in [{low}, {high})")


@pytest.mark.parametrize(
    ("low", "high", "zone"),
    [
        (Fraction("47.95"), GREEN_MIN, "Green"),
        (Fraction("24.95"), YELLOW_MIN, "Yellow"),
    ],
)
def test_formula_just_under_a_threshold_takes_the_zone_it_rounds_to(
    low: Fraction, high: Fraction, zone: str
) -> None:
    data = _formula_case(low, high)
    s = scored(data)
    assert s.aijri < high  # exactly below the threshold ...
    assert s.shown_aijri == Decimal(str(float(high)))  # ... but shown at it
    assert s.zone == zone


def test_sub_label_green_accelerated_needs_growth_plus_two() -> None:
    data = set_scores(seed_data(), growth=2)
    assert scored(with_override(data, 60.0)).sub_label == "Green (Accelerated)"
    data = set_scores(seed_data(), growth=1)
    assert scored(with_override(data, 60.0)).sub_label == "Green (Transforming)"
    # Growth +2 wins over exposure either way.
    data = set_scores(
        set_tasks(seed_data(), [(40, 2, A), (30, 1, N), (20, 2, A), (10, 5, D)]), growth=2
    )
    s = scored(with_override(data, 60.0))
    assert s.share_3plus == 10
    assert s.sub_label == "Green (Accelerated)"


@pytest.mark.parametrize(
    ("rows", "green", "yellow"),
    [
        # share_3plus exactly 40: high exposure.
        (
            [(40, 3, A), (30, 2, A), (20, 1, N), (10, 2, A)],
            "Green (Transforming)",
            "Yellow (Urgent)",
        ),
        # share_3plus 39: not high exposure.
        (
            [(39, 5, D), (31, 2, A), (20, 1, N), (10, 2, A)],
            "Green (Stable)",
            "Yellow (Moderate)",
        ),
    ],
)
def test_sub_label_high_exposure_boundary(
    rows: list[tuple[int, int, str]], green: str, yellow: str
) -> None:
    data = set_scores(set_tasks(seed_data(), rows), growth=0)
    assert scored(with_override(copy.deepcopy(data), 70.0)).sub_label == green
    assert scored(with_override(copy.deepcopy(data), 30.0)).sub_label == yellow


@pytest.mark.parametrize(
    ("rows", "label"),
    [
        (
            [(50, 5, D), (20, 3, A), (20, 3, A), (10, 3, A)],
            "Red (Imminent)",
        ),
        (
            [(49, 5, D), (21, 3, A), (20, 3, A), (10, 3, A)],
            "Red (Gradual)",
        ),
        (
            [(40, 5, D), (30, 4, D), (20, 5, D), (10, 4, D)],
            "Red (Imminent)",
        ),
        (
            [(40, 3, A), (30, 3, A), (20, 2, N), (10, 1, N)],
            "Red (Gradual)",
        ),
    ],
)
def test_sub_label_red_by_displacement_share(rows: list[tuple[int, int, str]], label: str) -> None:
    s = scored(with_override(set_tasks(seed_data(), rows), 10.0))
    assert s.split["displacement"] == sum(
        pct for pct, _, impact in rows if impact == "displacement"
    )
    assert s.zone == "Red"
    assert s.sub_label == label


def test_override_publishes_its_score_and_keeps_the_formula() -> None:
    s = scored(with_override(seed_data(), 60.0))
    assert s.overridden
    assert s.aijri == 60
    assert s.shown_aijri == Decimal("60.0")
    assert (s.zone, s.sub_label) == ("Green", "Green (Transforming)")
    assert s.formula_aijri == (Fraction("3.91986") - RAW_FLOOR) / DIVISOR * 100
    assert s.shown_formula_aijri == Decimal("42.6")
    assert (s.formula_zone, s.formula_sub_label) == ("Yellow", "Yellow (Urgent)")
    assert s.raw == Fraction("3.91986")
    # The distance to a threshold is measured from the published (overridden) score.
    assert s.distance_to("Green") == Decimal("12.0")


def test_override_through_cli_json(run_cli: RunCli, workspace: Path) -> None:
    data = with_override(seed_data(), 10.0)
    write_yaml(workspace / "drafts" / "overridden.yaml", data)
    result = run_cli("score", "drafts/overridden.yaml", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["overridden"] is True
    assert (out["aijri"], out["zone"], out["sub_label"]) == (10.0, "Red", "Red (Gradual)")
    assert (out["formula_aijri"], out["formula_zone"]) == (42.6, "Yellow")
    assert out["formula_sub_label"] == "Yellow (Urgent)"


def test_clamped_at_100_when_the_formula_passes_it() -> None:
    # Every task irreducibly human, the best evidence, every barrier, strongest growth:
    # raw = 5 x 1.4 x 1.2 x 1.1 = 9.24, aijri = (9.24 - 0.54) / 7.93 x 100 = 109.7...
    data = set_tasks(
        seed_data(),
        [(25, 1, A), (25, 1, N), (25, 1, A), (25, 1, N)],
    )
    set_scores(data, growth=2, evidence=(2,) * 5, barriers=(2,) * 5)
    s = scored(data)
    assert s.raw == Fraction("9.24")
    assert s.unclamped_aijri == (Fraction("9.24") - RAW_FLOOR) / DIVISOR * 100
    assert s.unclamped_aijri > 100
    assert s.formula_aijri == 100
    assert s.aijri == 100
    assert s.clamped
    assert s.shown_aijri == Decimal("100.0")
    assert s.shown().clamped is True
    assert s.shown().aijri == 100.0


def test_lowest_raw_gives_zero_without_clamping() -> None:
    # Every task fully automatable, the worst evidence, no barrier, strongest negative growth:
    # raw = 1 x 0.6 x 1 x 0.9 = 0.54, the floor of the formula.
    data = set_tasks(seed_data(), [(25, 5, D)] * 4)
    for i, task in enumerate(data["tasks"]):
        task["name"] = f"Automated task {i}"
    set_scores(data, growth=-2, evidence=(-2,) * 5, barriers=(0,) * 5)
    s = scored(data)
    assert s.raw == RAW_FLOOR
    assert s.aijri == 0
    assert not s.clamped
    assert (s.zone, s.sub_label) == ("Red", "Red (Imminent)")


# --- Properties over generated assessments --------------------------------------------------------


@st.composite
def assessment_data(draw: st.DrawFn, override: bool | None = None) -> dict[str, Any]:
    """The raw mapping of a valid assessment: the seed's prose with generated scores."""
    data = seed_data()
    n = draw(st.integers(4, 10))
    cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=n - 1, max_size=n - 1, unique=True)))
    shares = [b - a for a, b in itertools.pairwise([0, *cuts, 100])]
    set_tasks(
        data,
        [(pct, draw(st.integers(1, 5)), draw(st.sampled_from(IMPACTS))) for pct in shares],
    )
    set_scores(
        data,
        protective=(draw(st.integers(0, 3)), draw(st.integers(0, 3)), draw(st.integers(0, 3))),
        growth=draw(st.integers(-2, 2)),
        evidence=tuple(draw(st.integers(-2, 2)) for _ in EVIDENCE),
        barriers=tuple(draw(st.integers(0, 2)) for _ in BARRIERS),
    )
    if override is None:
        override = draw(st.booleans())
    if override:
        near_a_threshold = st.sampled_from((YELLOW_MIN, GREEN_MIN)).flatmap(
            lambda t: st.integers(-150, 150).map(lambda d: float(t + Fraction(d, 100)))
        )
        value = draw(st.one_of(st.floats(0, 100, allow_nan=False), near_a_threshold))
        with_override(data, value)
    return data


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(assessment_data())
def test_aijri_stays_within_0_and_100(data: dict[str, Any]) -> None:
    s = scored(data)
    for value in (s.aijri, s.formula_aijri):
        assert 0 <= value <= 100
    assert Decimal(0) <= s.shown_aijri <= Decimal(100)
    assert Decimal(0) <= s.shown_formula_aijri <= Decimal(100)


@PROPERTY
@given(assessment_data())
def test_every_figure_matches_an_independent_computation(data: dict[str, Any]) -> None:
    s = scored(data)
    tasks = data["tasks"]
    assert sum(t["time_pct"] for t in tasks) == 100
    assert s.raw == expected_raw(data)
    unclamped = expected_unclamped(data)
    assert s.unclamped_aijri == unclamped
    unrounded = min(max(unclamped, Fraction(0)), Fraction(100))
    assert s.formula_aijri == unrounded
    assert s.clamped == (unclamped > 100)
    published = Fraction(str(data["override"]["aijri"])) if data["override"] else unrounded
    assert s.aijri == published
    assert s.overridden == (data["override"] is not None)
    assert Fraction(s.shown_aijri) == shown(published)
    assert Fraction(s.shown_formula_aijri) == shown(unrounded)

    share_3plus = sum(t["time_pct"] for t in tasks if t["score"] >= 3)
    split = {i: sum(t["time_pct"] for t in tasks if t["impact"] == i) for i in IMPACTS}
    growth = data["growth"]["score"]
    protective = sum(data["protective"][k]["score"] for k in PRINCIPLES)
    assert s.share_3plus == share_3plus
    assert s.split == split
    assert s.protective_total == protective
    assert s.evidence_total == sum(data["evidence"][k]["score"] for k in EVIDENCE)
    assert s.barrier_total == sum(data["barriers"][k]["score"] for k in BARRIERS)
    assert s.growth == growth
    assert s.quick_screen == expected_quick_screen(protective + growth)

    zone = expected_zone(shown(published))
    assert s.zone == zone
    assert s.sub_label == expected_sub_label(zone, growth, share_3plus, split["displacement"])
    formula_zone = expected_zone(shown(unrounded))
    assert s.formula_zone == formula_zone
    assert s.formula_sub_label == expected_sub_label(
        formula_zone, growth, share_3plus, split["displacement"]
    )
    assert Fraction(s.distance_to("Green")) == abs(GREEN_MIN - shown(published))
    assert Fraction(s.distance_to("Yellow")) == abs(YELLOW_MIN - shown(published))


@PROPERTY
@given(assessment_data(override=False), st.data())
def test_raising_a_task_score_never_raises_aijri(
    data: dict[str, Any], extra: st.DataObject
) -> None:
    candidates = [i for i, t in enumerate(data["tasks"]) if t["score"] < 5]
    if not candidates:
        return
    i = extra.draw(st.sampled_from(candidates))
    before = scored(data)
    higher = copy.deepcopy(data)
    higher["tasks"][i]["score"] = extra.draw(st.integers(data["tasks"][i]["score"] + 1, 5))
    after = scored(higher)
    assert after.raw < before.raw
    assert after.aijri <= before.aijri
    assert after.shown_aijri <= before.shown_aijri


@PROPERTY
@given(assessment_data(override=False), st.data())
def test_raising_evidence_or_a_barrier_never_lowers_aijri(
    data: dict[str, Any], extra: st.DataObject
) -> None:
    candidates = [("evidence", k, 2) for k in EVIDENCE if data["evidence"][k]["score"] < 2]
    candidates += [("barriers", k, 2) for k in BARRIERS if data["barriers"][k]["score"] < 2]
    if not candidates:
        return
    part, key, top = extra.draw(st.sampled_from(candidates))
    before = scored(data)
    higher = copy.deepcopy(data)
    higher[part][key]["score"] = extra.draw(st.integers(data[part][key]["score"] + 1, top))
    after = scored(higher)
    assert after.raw > before.raw
    assert after.aijri >= before.aijri
    assert after.shown_aijri >= before.shown_aijri


@PROPERTY
@given(assessment_data(override=True))
def test_override_never_changes_the_formula(data: dict[str, Any]) -> None:
    s = scored(data)
    plain = copy.deepcopy(data)
    plain["override"] = None
    t = scored(plain)
    assert s.formula_aijri == t.formula_aijri == t.aijri
    assert (s.formula_zone, s.formula_sub_label) == (t.zone, t.sub_label)
    assert s.aijri == Fraction(str(data["override"]["aijri"]))
