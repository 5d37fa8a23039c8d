"""One drafted role against its approved assessment: the figures and pairs the metrics read.

Only what the scorer computes is compared (aijri, zone, sub-label, quick screen): the model's
draft is scored by the same code as the approved role. Tasks are compared on their aligned pairs
(:mod:`jobzone.evals.align`); the profile (evidence, barriers, protective principles, growth)
dimension by dimension.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from jobzone.assessment import Assessment
from jobzone.evals.align import AlignedBy, align
from jobzone.scoring import Score

#: The profile's groups of scored dimensions, as the metrics name them.
DIMENSION_GROUPS = ("evidence", "barriers", "protective", "growth")


class Figures(BaseModel):
    """What the scorer says of one assessment, as shown to readers."""

    model_config = ConfigDict(extra="forbid")

    aijri: Decimal
    zone: str
    sub_label: str
    quick_screen: str

    @classmethod
    def of(cls, score: Score) -> Figures:
        return cls(
            aijri=score.shown_aijri,
            zone=score.zone,
            sub_label=score.sub_label,
            quick_screen=score.quick_screen,
        )


class TaskPair(BaseModel):
    """A drafted task aligned with an approved one."""

    model_config = ConfigDict(extra="forbid")

    drafted: str
    approved: str
    by: AlignedBy
    similarity: float
    drafted_pct: int
    approved_pct: int
    drafted_score: int
    approved_score: int
    drafted_impact: str
    approved_impact: str


class ScorePair(BaseModel):
    """One scored dimension of the profile (``evidence.wage_trends``) in both assessments."""

    model_config = ConfigDict(extra="forbid")

    name: str
    drafted: int
    approved: int


class RoleComparison(BaseModel):
    """A drafted role against the approved one; ``drafted`` is None when the draft's task time
    does not sum to 100, so it has no score."""

    model_config = ConfigDict(extra="forbid")

    approved: Figures
    drafted: Figures | None
    drafted_tasks: int
    approved_tasks: int
    tasks: list[TaskPair]
    dimensions: dict[str, list[ScorePair]]

    @property
    def aijri_error(self) -> Decimal | None:
        """Points between the drafted and the approved aijri, as shown."""
        return abs(self.drafted.aijri - self.approved.aijri) if self.drafted else None

    def agrees(self, figure: str) -> bool | None:
        """Whether the drafted ``zone``, ``sub_label`` or ``quick_screen`` is the approved one."""
        if self.drafted is None:
            return None
        return bool(getattr(self.drafted, figure) == getattr(self.approved, figure))

    @property
    def time_share_overlap(self) -> float:
        """The share of working time both assessments give to the same tasks: over aligned
        pairs, the smaller of the two time shares, summed, out of 100."""
        return sum(min(p.drafted_pct, p.approved_pct) for p in self.tasks) / 100


def dimension_scores(assessment: Assessment) -> dict[str, dict[str, int]]:
    """Each group's dimensions and their scores."""
    groups = {
        "evidence": assessment.evidence,
        "barriers": assessment.barriers,
        "protective": assessment.protective,
    }
    scores = {
        group: {name: getattr(model, name).score for name in type(model).model_fields}
        for group, model in groups.items()
    }
    return {**scores, "growth": {"score": assessment.growth.score}}


def compare_role(
    drafted: Assessment,
    drafted_score: Score | None,
    approved: Assessment,
    approved_score: Score,
) -> RoleComparison:
    """The comparison of a drafted assessment with the approved one."""
    pairs = [
        TaskPair(
            drafted=(d := drafted.tasks[p.drafted]).name,
            approved=(a := approved.tasks[p.approved]).name,
            by=p.by,
            similarity=round(p.similarity, 4),
            drafted_pct=d.time_pct,
            approved_pct=a.time_pct,
            drafted_score=d.score,
            approved_score=a.score,
            drafted_impact=d.impact.value,
            approved_impact=a.impact.value,
        )
        for p in align(drafted.tasks, approved.tasks)
    ]
    mine, theirs = dimension_scores(drafted), dimension_scores(approved)
    return RoleComparison(
        approved=Figures.of(approved_score),
        drafted=Figures.of(drafted_score) if drafted_score is not None else None,
        drafted_tasks=len(drafted.tasks),
        approved_tasks=len(approved.tasks),
        tasks=pairs,
        dimensions={
            group: [
                ScorePair(name=f"{group}.{name}", drafted=mine[group][name], approved=value)
                for name, value in theirs[group].items()
            ]
            for group in DIMENSION_GROUPS
        },
    )
