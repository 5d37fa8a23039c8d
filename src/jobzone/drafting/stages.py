"""The drafting stages and the structured answers each asks the model for.

Answer models follow OpenAI's strict structured-output rules (every field required, no defaults,
no unknown keys, nullable instead of optional), which a test checks for every stage. They are
built from the assessment's own models, so they carry the rubric's ranges and the file's field
names and cannot drift from the file format: an answer out of range fails to parse and is
repaired like any finding. Each stage owns some top-level parts of the assessment; findings on
those parts are its to repair.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.fields import FieldInfo

from jobzone.assessment import (
    Assessment,
    Barrier,
    Barriers,
    Evidence,
    EvidenceItem,
    Growth,
    Principle,
    Protective,
    Reinstatement,
    RoleDefinition,
    Source,
    Task,
)
from jobzone.commentary import Commentary, LookNext


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _retyped(info: FieldInfo, kind: Any) -> Any:
    """``kind`` with the constraints (ranges, lengths) the field ``info`` puts on its type."""
    return Annotated[kind, *info.metadata] if info.metadata else kind


def answer_model(
    name: str,
    source: type[BaseModel],
    *,
    types: dict[str, Any] | None = None,
    prefix: str = "",
    skip: tuple[str, ...] = (),
    first: dict[str, tuple[Any, Any]] | None = None,
) -> type[Answer]:
    """An answer with the fields of ``source``, each required, with its constraints and
    description, named ``prefix`` + its name; ``types`` gives some of them another type (as it
    is: without the file's constraints); the fields of ``first`` come before them."""
    fields: dict[str, Any] = dict(first or {})
    for field_name, info in source.model_fields.items():
        if field_name in skip:
            continue
        given = (types or {}).get(field_name)
        kind = given if given is not None else _retyped(info, info.annotation)
        fields[prefix + field_name] = (kind, Field(description=info.description))
    model: type[Answer] = create_model(name, __base__=Answer, **fields)
    return model


def _text(description: str) -> tuple[Any, Any]:
    return str, Field(description=description)


# -- stage 1: the role definition --------------------------------------------------------------

RoleAnswer = answer_model(
    "RoleAnswer",
    RoleDefinition,
    first={
        "is_job_title": (bool, Field(description="False when the text is not a job title.")),
        "not_a_title_reason": _text("Why it is not a job title; empty when it is."),
        "title": _text("The job title, normalised (e.g. 'MLOps Engineer')."),
    },
)

# -- stage 2: tasks ------------------------------------------------------------------------------

TaskAnswer = answer_model("TaskAnswer", Task)
TasksAnswer = answer_model(
    "TasksAnswer",
    Reinstatement,
    prefix="reinstatement_",
    first={
        "tasks": (
            _retyped(Assessment.model_fields["tasks"], list[TaskAnswer]),  # type: ignore[valid-type]
            Field(description="The role's tasks, together covering all of its working time."),
        )
    },
)

# -- stage 3: protective principles, growth, evidence, barriers -----------------------------------

SourceAnswer = answer_model(
    "SourceAnswer",
    Source,
    types={"date": str | None},
)
EvidenceAnswer = answer_model(
    "EvidenceAnswer",
    EvidenceItem,
    types={"sources": list[SourceAnswer]},  # type: ignore[valid-type]
)
#: The profile's groups of scored parts, each member answered as the group's answer type.
PROFILE_GROUPS: dict[str, tuple[type[BaseModel], type[Answer]]] = {
    "protective": (Protective, answer_model("PrincipleAnswer", Principle)),
    "evidence": (Evidence, EvidenceAnswer),
    "barriers": (Barriers, answer_model("BarrierAnswer", Barrier)),
}
GrowthAnswer = answer_model("GrowthAnswer", Growth)
#: The parts of the assessment the profile stage answers, in the file's order.
PROFILE_PARTS = tuple(p for p in Assessment.model_fields if p in (*PROFILE_GROUPS, "growth"))


def _profile_answer() -> type[Answer]:
    """One flat answer: a field per member of each group, and the growth correlation."""
    fields: dict[str, Any] = {}
    for part in PROFILE_PARTS:
        if part not in PROFILE_GROUPS:
            info = Assessment.model_fields[part]
            fields[part] = (GrowthAnswer, Field(description=info.description))
            continue
        group, answer = PROFILE_GROUPS[part]
        for member, info in group.model_fields.items():
            fields[member] = (answer, Field(description=info.description))
    model: type[Answer] = create_model("ProfileAnswer", __base__=Answer, **fields)
    return model


ProfileAnswer = _profile_answer()

# -- stage 4: commentary, written against the scored result ---------------------------------------

CommentaryAnswer = answer_model(
    "CommentaryAnswer",
    Commentary,
    types={
        "where_to_look_next": list[  # type: ignore[misc]
            answer_model("LookNextAnswer", LookNext, types={"slug": str})
        ]
    },
    skip=("written_against",),
)


@dataclass(frozen=True)
class Stage:
    """One model call's worth of drafting: its template, answer model and the parts it owns."""

    name: str
    answer: type[Answer]
    owns: tuple[str, ...]
    max_completion_tokens: int


ROLE = Stage("role", RoleAnswer, ("title", "role"), 2_000)
TASKS = Stage("tasks", TasksAnswer, ("tasks", "reinstatement"), 4_000)
PROFILE = Stage("profile", ProfileAnswer, PROFILE_PARTS, 6_000)
COMMENTARY = Stage("commentary", CommentaryAnswer, ("commentary",), 4_000)

STAGES: dict[str, Stage] = {s.name: s for s in (ROLE, TASKS, PROFILE, COMMENTARY)}


def owner_of(path: str) -> Stage | None:
    """The stage whose answer produced the field at ``path`` (``tasks[2].score`` -> tasks)."""
    head = path.split(".", 1)[0].split("[", 1)[0]
    for stage in STAGES.values():
        if head in stage.owns:
            return stage
    return None
