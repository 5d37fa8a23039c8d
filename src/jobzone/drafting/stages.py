"""The drafting stages and the structured answers each asks the model for.

Answer models follow OpenAI's strict structured-output rules (every field required, no defaults,
no unknown keys, nullable instead of optional), which a test checks for every stage. They carry
the rubric's ranges, so an answer out of range fails to parse and is repaired like any finding.
Each stage owns some top-level parts of the assessment; findings on those parts are its to repair.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from jobzone.assessment import Impact
from jobzone.rubric import DEFAULT_RUBRIC, load_rubric

_R = load_rubric(DEFAULT_RUBRIC)


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _ranged(low: int, high: int, description: str) -> object:
    return Field(ge=low, le=high, description=description)


# -- stage 1: the role definition --------------------------------------------------------------


class RoleAnswer(Answer):
    is_job_title: bool = Field(description="False when the text is not a job title at all.")
    not_a_title_reason: str = Field(description="Why it is not a job title; empty when it is.")
    title: str = Field(description="The job title, normalised (e.g. 'MLOps Engineer').")
    seniority: str
    primary_function: str
    not_this_role: str
    typical_experience: str
    seniority_note: str
    aliases: list[str]
    tags: list[str]


# -- stage 2: tasks ------------------------------------------------------------------------------


class TaskAnswer(Answer):
    name: str
    time_pct: Annotated[
        int,
        _ranged(
            _R.ranges.task_time_pct.min,
            _R.ranges.task_time_pct.max,
            "Share of working time, whole percent.",
        ),
    ]
    score: Annotated[
        int,
        _ranged(
            _R.ranges.task_score.min,
            _R.ranges.task_score.max,
            "1 irreducibly human .. 5 fully automatable by an AI agent.",
        ),
    ]
    impact: Impact
    rationale: str


class TasksAnswer(Answer):
    tasks: list[TaskAnswer] = Field(min_length=_R.tasks.min_count, max_length=_R.tasks.max_count)
    reinstatement_new_tasks: bool
    reinstatement_rationale: str


# -- stage 3: protective principles, growth, evidence, barriers -----------------------------------


class ScoredRationale(Answer):
    score: int
    rationale: str


class PrincipleAnswer(ScoredRationale):
    score: Annotated[int, _ranged(_R.ranges.protective.min, _R.ranges.protective.max, "0..3")]


class GrowthAnswer(ScoredRationale):
    score: Annotated[int, _ranged(_R.ranges.growth.min, _R.ranges.growth.max, "-2..+2")]


class BarrierAnswer(ScoredRationale):
    score: Annotated[int, _ranged(_R.ranges.barrier.min, _R.ranges.barrier.max, "0..2")]


class SourceAnswer(Answer):
    title: str
    url: str | None
    date: str | None = Field(description="Publication date as YYYY-MM-DD, or null if unknown.")


class EvidenceAnswer(Answer):
    score: Annotated[int, _ranged(_R.ranges.evidence.min, _R.ranges.evidence.max, "-2..+2")]
    text: str
    sources: list[SourceAnswer]


class ProfileAnswer(Answer):
    embodied_physicality: PrincipleAnswer
    deep_interpersonal_connection: PrincipleAnswer
    goal_setting_moral_judgment: PrincipleAnswer
    growth: GrowthAnswer
    job_posting_trends: EvidenceAnswer
    company_actions: EvidenceAnswer
    wage_trends: EvidenceAnswer
    ai_tool_maturity: EvidenceAnswer
    expert_consensus: EvidenceAnswer
    regulatory_licensing: BarrierAnswer
    physical_presence: BarrierAnswer
    union_collective_bargaining: BarrierAnswer
    liability_accountability: BarrierAnswer
    cultural_ethical: BarrierAnswer


# -- stage 4: commentary, written against the scored result ---------------------------------------


class LookNextAnswer(Answer):
    slug: str
    reason: str


class CommentaryAnswer(Answer):
    score_vs_reality: str
    numbers_dont_capture: list[str]
    who_should_worry: str
    outlook: str
    survival_strategy: list[str]
    where_to_look_next: list[LookNextAnswer]
    timeline: str


@dataclass(frozen=True)
class Stage:
    """One model call's worth of drafting: its template, answer model and the parts it owns."""

    name: str
    answer: type[Answer]
    owns: tuple[str, ...]
    max_completion_tokens: int


ROLE = Stage("role", RoleAnswer, ("title", "role"), 2_000)
TASKS = Stage("tasks", TasksAnswer, ("tasks", "reinstatement"), 4_000)
PROFILE = Stage("profile", ProfileAnswer, ("protective", "growth", "evidence", "barriers"), 6_000)
COMMENTARY = Stage("commentary", CommentaryAnswer, ("commentary",), 4_000)

STAGES: dict[str, Stage] = {s.name: s for s in (ROLE, TASKS, PROFILE, COMMENTARY)}


def owner_of(path: str) -> Stage | None:
    """The stage whose answer produced the field at ``path`` (``tasks[2].score`` -> tasks)."""
    head = path.split(".", 1)[0].split("[", 1)[0]
    for stage in STAGES.values():
        if head in stage.owns:
            return stage
    return None
