"""The scorer: every derived figure of the methodology, computed exactly.

Arithmetic is done in fractions from the rubric's decimal coefficients, so nothing is lost to
binary floating point; figures are rounded (half up) only when shown, and zones and sub-labels are
read off the aijri rounded to its display precision, as the methodology requires.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cache, cached_property

from pydantic import BaseModel, ConfigDict

from jobzone.assessment import Assessment, Impact, Task
from jobzone.errors import UnscorableError
from jobzone.rubric import Rubric, load_rubric

#: The order in which the displacement / augmentation / not-involved split is shown.
SPLIT_ORDER = (Impact.displacement, Impact.augmentation, Impact.not_involved)


def round_half_up(value: Fraction, decimals: int) -> Decimal:
    """``value`` rounded half away from zero to ``decimals`` places, exactly."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(_quantum(decimals), rounding=ROUND_HALF_UP)


@cache
def _quantum(decimals: int) -> Decimal:
    """One unit of the last of ``decimals`` places: made once, as every figure shown needs it."""
    return Decimal(1).scaleb(-decimals)


@cache
def _shown_threshold(threshold: Fraction, decimals: int) -> Decimal:
    """A zone's threshold at display precision: the same few for every score."""
    return round_half_up(threshold, decimals)


@dataclass(frozen=True)
class Score:
    """All derived figures of one assessment. Exact values; use :meth:`to_dict` to show them.

    Immutable, so the figures derived on demand are cached: rules ask for them many times."""

    rubric: Rubric
    task_total: Fraction
    share_3plus: int
    split: dict[str, int]
    protective_total: int
    evidence_total: int
    barrier_total: int
    growth: int
    raw: Fraction
    unclamped_aijri: Fraction
    formula_aijri: Fraction
    aijri: Fraction
    overridden: bool

    @cached_property
    def task_resistance(self) -> Fraction:
        return self.rubric.formula.task_resistance_base - self.task_total

    @property
    def evidence_modifier(self) -> Fraction:
        return 1 + self.rubric.formula.evidence_coefficient * self.evidence_total

    @property
    def barrier_modifier(self) -> Fraction:
        return 1 + self.rubric.formula.barrier_coefficient * self.barrier_total

    @property
    def growth_modifier(self) -> Fraction:
        return 1 + self.rubric.formula.growth_coefficient * self.growth

    @cached_property
    def clamped(self) -> bool:
        return self.unclamped_aijri != self.formula_aijri

    @cached_property
    def shown_aijri(self) -> Decimal:
        return round_half_up(self.aijri, self.rubric.display.aijri_decimals)

    @cached_property
    def shown_formula_aijri(self) -> Decimal:
        return round_half_up(self.formula_aijri, self.rubric.display.aijri_decimals)

    @cached_property
    def shown_raw(self) -> Decimal:
        return round_half_up(self.raw, self.rubric.display.raw_decimals)

    @cached_property
    def shown_task_total(self) -> Decimal:
        return round_half_up(self.task_total, self.rubric.display.task_decimals)

    @cached_property
    def shown_task_resistance(self) -> Decimal:
        return round_half_up(self.task_resistance, self.rubric.display.task_decimals)

    @cached_property
    def zone(self) -> str:
        return zone_of(self.rubric, self.shown_aijri)

    @cached_property
    def formula_zone(self) -> str:
        return zone_of(self.rubric, self.shown_formula_aijri)

    @cached_property
    def sub_label(self) -> str:
        return self._sub_label(self.zone)

    @cached_property
    def formula_sub_label(self) -> str:
        return self._sub_label(self.formula_zone)

    @property
    def quick_screen_total(self) -> int:
        return self.protective_total + self.growth

    @property
    def quick_screen(self) -> str:
        return quick_screen_band(self.rubric, self.quick_screen_total)[0]

    @property
    def quick_screen_zone(self) -> str:
        return quick_screen_band(self.rubric, self.quick_screen_total)[1]

    def distance_to(self, zone: str) -> Decimal:
        """Points between the shown aijri and the lower threshold of ``zone`` (always >= 0)."""
        threshold = next(z.min for z in self.rubric.zones if z.name == zone)
        shown_threshold = _shown_threshold(threshold, self.rubric.display.aijri_decimals)
        return abs(shown_threshold - self.shown_aijri)

    def _sub_label(self, zone: str) -> str:
        metrics = {
            "growth": self.growth,
            "share_3plus": self.share_3plus,
            "displacement": self.split[Impact.displacement.value],
        }
        for rule in self.rubric.sub_labels[zone]:
            if rule.when is None or metrics[rule.when.metric] >= rule.when.at_least:
                return rule.label
        raise AssertionError(f"rubric {self.rubric.id} has no fallback sub-label for {zone}")

    def shown(self) -> ShownScore:
        """The figures as shown to a reader, at the rubric's display precision."""
        d = self.rubric.display

        def num(value: Fraction, decimals: int) -> float:
            return float(round_half_up(value, decimals))

        return ShownScore(
            rubric=self.rubric.id,
            aijri=float(self.shown_aijri),
            formula_aijri=float(self.shown_formula_aijri),
            overridden=self.overridden,
            clamped=self.clamped,
            zone=self.zone,
            sub_label=self.sub_label,
            formula_zone=self.formula_zone,
            formula_sub_label=self.formula_sub_label,
            raw=float(self.shown_raw),
            task_total=float(self.shown_task_total),
            task_resistance=float(self.shown_task_resistance),
            share_3plus=self.share_3plus,
            split=dict(self.split),
            protective_total=self.protective_total,
            evidence_total=self.evidence_total,
            barrier_total=self.barrier_total,
            growth=self.growth,
            evidence_modifier=num(self.evidence_modifier, d.modifier_decimals),
            barrier_modifier=num(self.barrier_modifier, d.modifier_decimals),
            growth_modifier=num(self.growth_modifier, d.modifier_decimals),
            quick_screen=self.quick_screen,
            quick_screen_total=self.quick_screen_total,
            distance={
                z.name.lower(): float(self.distance_to(z.name)) for z in self.rubric.zones[:-1]
            },
        )


class ShownScore(BaseModel):
    """Every figure of a scored assessment as a reader sees it: what ``score --json`` prints and
    what a draft stores for the queue. Written only by :meth:`Score.shown`."""

    model_config = ConfigDict(extra="forbid")

    rubric: str
    aijri: float
    formula_aijri: float
    overridden: bool
    clamped: bool
    zone: str
    sub_label: str
    formula_zone: str
    formula_sub_label: str
    raw: float
    task_total: float
    task_resistance: float
    share_3plus: int
    split: dict[str, int]
    protective_total: int
    evidence_total: int
    barrier_total: int
    growth: int
    evidence_modifier: float
    barrier_modifier: float
    growth_modifier: float
    quick_screen: str
    quick_screen_total: int
    distance: dict[str, float]


def zone_of(rubric: Rubric, shown_aijri: Decimal) -> str:
    """The zone of an aijri already rounded to display precision."""
    exact = Fraction(shown_aijri)
    for zone in rubric.zones:
        if exact >= zone.min:
            return zone.name
    return rubric.zones[-1].name


def quick_screen_band(rubric: Rubric, total: int) -> tuple[str, str]:
    """(label, predicted zone) of the quick screen for S = protective_total + growth."""
    for band in rubric.quick_screen:
        if band.min is None or total >= band.min:
            return band.label, band.zone
    raise AssertionError(f"rubric {rubric.id} has no open-ended quick-screen band")


def time_total_error(tasks: list[Task], rubric: Rubric) -> str | None:
    """Why the task time shares cannot be scored, or None when they sum to the rubric's total."""
    total = sum(t.time_pct for t in tasks)
    if total == rubric.tasks.time_total:
        return None
    return f"task time shares sum to {total}, not {rubric.tasks.time_total}"


def _total(group: BaseModel) -> int:
    """The sum of the scores of a group of scored parts (the principles, evidence, barriers)."""
    return sum(getattr(group, name).score for name in type(group).model_fields)


def score(assessment: Assessment) -> Score:
    """Score an assessment; UnscorableError when its task time shares do not sum to 100."""
    rubric = load_rubric(assessment.rubric)
    problem = time_total_error(assessment.tasks, rubric)
    if problem:
        raise UnscorableError(problem, field="tasks[].time_pct", rule="tasks.time-sum")
    f = rubric.formula
    task_total = Fraction(sum(t.time_pct * t.score for t in assessment.tasks), 100)
    split = {impact.value: 0 for impact in SPLIT_ORDER}
    for task in assessment.tasks:
        split[task.impact.value] += task.time_pct
    evidence_total = _total(assessment.evidence)
    barrier_total = _total(assessment.barriers)
    growth = assessment.growth.score
    raw = (
        (f.task_resistance_base - task_total)
        * (1 + f.evidence_coefficient * evidence_total)
        * (1 + f.barrier_coefficient * barrier_total)
        * (1 + f.growth_coefficient * growth)
    )
    unclamped = (raw - f.raw_floor) / f.divisor * 100
    formula_aijri = min(max(unclamped, f.aijri_min), f.aijri_max)
    override = assessment.override
    aijri = Fraction(str(override.aijri)) if override else formula_aijri
    return Score(
        rubric=rubric,
        task_total=task_total,
        share_3plus=sum(
            t.time_pct for t in assessment.tasks if t.score >= rubric.exposed_task_score
        ),
        split=split,
        protective_total=_total(assessment.protective),
        evidence_total=evidence_total,
        barrier_total=barrier_total,
        growth=growth,
        raw=raw,
        unclamped_aijri=unclamped,
        formula_aijri=formula_aijri,
        aijri=aijri,
        overridden=override is not None,
    )
