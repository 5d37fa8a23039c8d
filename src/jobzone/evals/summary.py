"""A run's metrics: one table per kind of evaluation, each metric a function of the cases.

Every metric is computed from the cases alone (never from a stored total), so the bootstrap of
:mod:`jobzone.evals.compare` recomputes it on resampled cases. Task and profile agreement pool
the aligned pairs of every role before counting, so a role with more tasks weighs more.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from jobzone.evals.compare_role import DIMENSION_GROUPS, RoleComparison, ScorePair, TaskPair
from jobzone.evals.drafts_eval import DraftCase
from jobzone.evals.labels import LabelItem
from jobzone.evals.metrics import exact_agreement, mean, quadratic_kappa, share, within_one
from jobzone.occupations.crosscheck import T_TO_SCORE

C = TypeVar("C")
TASK_SCORES = (1, 2, 3, 4, 5)


class Unit(StrEnum):
    """How a metric's value reads."""

    share = "share"  # 0..1, shown as a percentage
    kappa = "kappa"
    points = "points"  # aijri points
    number = "number"
    tokens = "tokens"
    usd = "usd"
    seconds = "seconds"


@dataclass(frozen=True)
class Metric(Generic[C]):
    key: str
    #: What it measures, in one line.
    label: str
    unit: Unit
    compute: Callable[[Sequence[C]], float | None]
    #: The published reference figure, where there is one.
    published: float | None = None


# -- drafts against approved roles -----------------------------------------------------------------


def _compared(cases: Sequence[DraftCase]) -> list[RoleComparison]:
    return [c.comparison for c in cases if c.comparison is not None]


def _scored(cases: Sequence[DraftCase]) -> list[RoleComparison]:
    return [c for c in _compared(cases) if c.drafted is not None]


def _pairs(cases: Sequence[DraftCase]) -> list[TaskPair]:
    return [p for c in _compared(cases) for p in c.tasks]


def _dimension_pairs(cases: Sequence[DraftCase], group: str) -> list[ScorePair]:
    return [p for c in _compared(cases) for p in c.dimensions[group]]


def _agreement(figure: str) -> Callable[[Sequence[DraftCase]], float | None]:
    def compute(cases: Sequence[DraftCase]) -> float | None:
        scored = _scored(cases)
        return share(sum(bool(c.agrees(figure)) for c in scored), len(scored))

    return compute


def _aijri_error(cases: Sequence[DraftCase]) -> float | None:
    return mean([float(c.aijri_error) for c in _scored(cases) if c.aijri_error is not None])


def _tasks(
    how: Callable[[list[int], list[int]], float | None],
) -> Callable[[Sequence[DraftCase]], float | None]:
    def compute(cases: Sequence[DraftCase]) -> float | None:
        pairs = _pairs(cases)
        return how([p.drafted_score for p in pairs], [p.approved_score for p in pairs])

    return compute


def _task_kappa(drafted: list[int], approved: list[int]) -> float | None:
    return quadratic_kappa(drafted, approved, TASK_SCORES)


def _impact_agreement(cases: Sequence[DraftCase]) -> float | None:
    pairs = _pairs(cases)
    return exact_agreement([p.drafted_impact for p in pairs], [p.approved_impact for p in pairs])


def _aligned(cases: Sequence[DraftCase]) -> float | None:
    compared = _compared(cases)
    return share(sum(len(c.tasks) for c in compared), sum(c.approved_tasks for c in compared))


def _overlap(cases: Sequence[DraftCase]) -> float | None:
    return mean([c.time_share_overlap for c in _compared(cases)])


def _dimension(
    group: str, how: Callable[[list[int], list[int]], float | None]
) -> Callable[[Sequence[DraftCase]], float | None]:
    def compute(cases: Sequence[DraftCase]) -> float | None:
        pairs = _dimension_pairs(cases, group)
        return how([p.drafted for p in pairs], [p.approved for p in pairs])

    return compute


def _per_role(
    read: Callable[[DraftCase], float | None],
) -> Callable[[Sequence[DraftCase]], float | None]:
    def compute(cases: Sequence[DraftCase]) -> float | None:
        values = [read(c) for c in cases]
        return mean([v for v in values if v is not None])

    return compute


DRAFT_METRICS: list[Metric[DraftCase]] = [
    Metric("aijri_error", "mean absolute aijri error (points)", Unit.points, _aijri_error),
    Metric("zone", "zone agreement", Unit.share, _agreement("zone")),
    Metric("sub_label", "sub-label agreement", Unit.share, _agreement("sub_label")),
    Metric("quick_screen", "quick-screen agreement", Unit.share, _agreement("quick_screen")),
    Metric(
        "scorable",
        "drafts that can be scored",
        Unit.share,
        lambda cases: share(len(_scored(cases)), len(cases)),
    ),
    Metric("tasks_aligned", "approved tasks aligned with a drafted task", Unit.share, _aligned),
    Metric("time_overlap", "time-share overlap of aligned tasks", Unit.share, _overlap),
    Metric("task_exact", "aligned task scores: exact", Unit.share, _tasks(exact_agreement)),
    Metric(
        "task_within_one",
        "aligned task scores: within one",
        Unit.share,
        _tasks(within_one),
    ),
    Metric(
        "task_kappa",
        "aligned task scores: quadratic-weighted kappa",
        Unit.kappa,
        _tasks(_task_kappa),
    ),
    Metric("impact", "aligned task impact agreement", Unit.share, _impact_agreement),
    *(
        Metric(f"{group}_{key}", f"{group} scores: {text}", Unit.share, _dimension(group, how))
        for group in DIMENSION_GROUPS
        for key, text, how in (
            ("exact", "exact", exact_agreement),
            ("within_one", "within one", within_one),
        )
    ),
    Metric("errors", "validator errors per draft", Unit.number, _per_role(lambda c: len(c.errors))),
    Metric("calls", "calls per role", Unit.number, _per_role(lambda c: c.usage.calls)),
    Metric("repairs", "repairs per role", Unit.number, _per_role(lambda c: c.usage.repairs)),
    Metric("tokens", "tokens per role", Unit.tokens, _per_role(lambda c: c.usage.total_tokens)),
    Metric("cost", "cost per role (USD)", Unit.usd, _per_role(lambda c: c.usage.cost_usd)),
    Metric(
        "wall", "wall time per role (s)", Unit.seconds, _per_role(lambda c: c.usage.wall_seconds)
    ),
]


# -- task labels against people -----------------------------------------------------------------


def _rated(items: Sequence[LabelItem]) -> list[LabelItem]:
    return [i for i in items if i.score is not None and i.exposure is not None]


def _t_level(how: Callable[[list[int], list[int]], float | None]) -> Callable[..., float | None]:
    def compute(items: Sequence[LabelItem]) -> float | None:
        rated = _rated(items)
        scores = [i.score for i in rated if i.score is not None]
        return how(scores, [T_TO_SCORE[i.gpt4_automation] for i in rated])

    return compute


def _exposure(items: Sequence[LabelItem]) -> float | None:
    rated = _rated(items)
    return exact_agreement([i.exposure for i in rated], [i.human for i in rated])


def _sample_gpt4(items: Sequence[LabelItem]) -> float | None:
    return exact_agreement([i.gpt4 for i in items], [i.human for i in items])


LABEL_METRICS: list[Metric[LabelItem]] = [
    Metric(
        "rated",
        "sampled tasks the model rated",
        Unit.share,
        lambda items: share(len(_rated(items)), len(items)),
    ),
    Metric("t_exact", "score vs GPT-4 T-level: exact", Unit.share, _t_level(exact_agreement), 0.65),
    Metric(
        "t_within_one",
        "score vs GPT-4 T-level: within one",
        Unit.share,
        _t_level(within_one),
        0.96,
    ),
    Metric(
        "t_kappa",
        "score vs GPT-4 T-level: quadratic-weighted kappa",
        Unit.kappa,
        _t_level(_task_kappa),
        0.78,
    ),
    Metric("exposure", "exposure label vs people's: exact", Unit.share, _exposure, 0.656),
    Metric(
        "sample_gpt4_exposure",
        "GPT-4's exposure label vs people's on this sample (reference)",
        Unit.share,
        _sample_gpt4,
        0.656,
    ),
]


@dataclass(frozen=True)
class MetricValue:
    key: str
    label: str
    unit: Unit
    value: float | None
    published: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "unit": self.unit.value,
            "value": self.value,
            "published": self.published,
        }


def summarise(metrics: Sequence[Metric[C]], cases: Sequence[C]) -> list[MetricValue]:
    """Every metric's value on ``cases``."""
    return [MetricValue(m.key, m.label, m.unit, m.compute(cases), m.published) for m in metrics]
