"""Rubric data: the ranges, coefficients, thresholds and label rules of a rubric version.

The numbers live in ``rubrics/<id>.yaml`` inside the package; this module only loads them. The
scorer and the validator read every figure from here, never from literals of their own.
"""

from __future__ import annotations

from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict

from jobzone.errors import NotFoundError

DEFAULT_RUBRIC = "aijri-v1"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IntRange(_Frozen):
    min: int
    max: int


class Ranges(_Frozen):
    protective: IntRange
    growth: IntRange
    task_time_pct: IntRange
    task_score: IntRange
    evidence: IntRange
    barrier: IntRange
    override_aijri: IntRange


class TaskRules(_Frozen):
    min_count: int
    max_count: int
    time_total: int


class Formula(_Frozen):
    task_resistance_base: Fraction
    evidence_coefficient: Fraction
    barrier_coefficient: Fraction
    growth_coefficient: Fraction
    raw_floor: Fraction
    divisor: Fraction
    aijri_min: Fraction
    aijri_max: Fraction


class Display(_Frozen):
    aijri_decimals: int
    raw_decimals: int
    modifier_decimals: int
    task_decimals: int


class Zone(_Frozen):
    name: str
    min: Fraction


Metric = Literal["growth", "share_3plus", "displacement"]


class Condition(_Frozen):
    metric: Metric
    at_least: int


class SubLabelRule(_Frozen):
    label: str
    when: Condition | None = None


class QuickScreenBand(_Frozen):
    label: str
    min: int | None
    zone: str


class Limits(_Frozen):
    quick_screen_max_bands: int
    source_max_age_months: int
    similar_role_max_gap: float
    similar_role_min_similarity: float
    override_max_shift: float
    override_max_zone_bands: int
    override_justification_min_words: int


class Rubric(_Frozen):
    id: str
    ranges: Ranges
    tasks: TaskRules
    formula: Formula
    display: Display
    zones: tuple[Zone, ...]
    exposed_task_score: int
    sub_labels: dict[str, tuple[SubLabelRule, ...]]
    quick_screen: tuple[QuickScreenBand, ...]
    limits: Limits

    def zone_index(self, name: str) -> int:
        """Position of a zone from the top (Green 0, Yellow 1, Red 2): band distances use it."""
        return [z.name for z in self.zones].index(name)


def available_rubrics() -> list[str]:
    folder = resources.files("jobzone") / "rubrics"
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )


@cache
def load_rubric(rubric_id: str = DEFAULT_RUBRIC) -> Rubric:
    """The rubric named ``rubric_id``; raises NotFoundError for an unknown id."""
    if rubric_id not in available_rubrics():
        raise NotFoundError(
            f"unknown rubric {rubric_id!r}; known: {', '.join(available_rubrics())}",
            field="rubric",
            rule="rubric.known",
        )
    text = (resources.files("jobzone") / "rubrics" / f"{rubric_id}.yaml").read_text("utf-8")
    return Rubric.model_validate(yaml.safe_load(text))
