r"""The drafting stages and the structured answers each asks the model for.

Answer models follow OpenAI's strict structured-output rules (every field required, no defaults,
no unknown keys, nullable instead of optional), which a test checks for every stage. They are
built from the assessment's own models, so they carry the rubric's ranges and the file's field
names and cannot drift from the file format, and they are tighter where the file's rules are not
schema keywords: names on one line, dates and links in their formats, bounded lists. A server
that constrains decoding to the schema (OpenAI, vLLM, llama.cpp) then cannot send what the file
refuses, and an answer that breaks it anyway is repaired like any finding. A test checks that
every answer each schema allows fits the file.

Patterns use only literal characters, positive character classes, groups and counted
repetition: llama.cpp's grammar converter accepts nothing else (a ``.`` or a negated class lets a
model write a raw quote and break the JSON; ``\S`` is ignored). Each stage owns some top-level
parts of the assessment; findings on those parts are its to repair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.fields import FieldInfo

from jobzone.assessment import (
    OCCUPATION_CODE,
    Assessment,
    Barrier,
    Barriers,
    Evidence,
    EvidenceItem,
    Growth,
    Occupation,
    OnetTaskId,
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
    prose: int,
    types: dict[str, Any] | None = None,
    prefix: str = "",
    skip: tuple[str, ...] = (),
    first: dict[str, tuple[Any, Any]] | None = None,
) -> type[Answer]:
    """An answer with the fields of ``source``, each required, with its constraints and
    description, named ``prefix`` + its name; ``types`` gives some of them another type (as it
    is: without the file's constraints); the fields of ``first`` come before them. Every other
    text field is :func:`Prose` of at most ``prose`` characters."""
    fields: dict[str, Any] = dict(first or {})
    for field_name, info in source.model_fields.items():
        if field_name in skip:
            continue
        given = (types or {}).get(field_name)
        if given is None and info.annotation is str:
            given = Prose(prose)
        kind = given if given is not None else _retyped(info, info.annotation)
        fields[prefix + field_name] = (kind, Field(description=info.description))
    model: type[Answer] = create_model(name, __base__=Answer, **fields)
    return model


#: Characters of prose: any printable character but the double quote, the backslash and square
#: brackets (a grammar-constrained server would emit a quote or backslash raw, breaking the
#: JSON; brackets cannot be named in a class without escapes), and no line break: one
#: paragraph. Ranges: " " to "~" less those four, then U+00A0 onwards. Characters beyond ASCII
#: are written as \uXXXX escapes, never as themselves: llama.cpp's grammar converter reads a
#: class byte by byte, and a multi-byte character in it let raw quotes through (seen live).
PROSE_CHARS = r" !#-Z^-~\u00a0-\ufffd"


def Prose(most: int) -> Any:  # noqa: N802 - a type, named as one
    """Text of at most ``most`` characters, on one line: a bound a runaway answer (one that
    repeats a word until the token limit) cannot pass, about three times the longest text of
    its kind in the canonical set."""
    return Annotated[str, Field(pattern=f"^[{PROSE_CHARS}]{{0,{most}}}$")]


def _text(description: str, most: int) -> tuple[Any, Any]:
    return Prose(most), Field(description=description)


#: Characters of a name (a title, an alias, a task, a source): letters (Latin-1 accents too),
#: digits, spaces and the punctuation names use. No quote, backslash or line break; accents
#: as \uXXXX escapes, as for prose.
NAME_CHARS = r"A-Za-z0-9\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff &,.'()/+:-"
Name = Annotated[str, Field(pattern=f"^[{NAME_CHARS}]{{1,100}}$")]
#: A name that a role answer leaves empty when it says the text is no job title.
NameOrEmpty = Annotated[str, Field(pattern=f"^[{NAME_CHARS}]{{0,100}}$")]
#: A tag: at most five words of fifteen characters, so within the file's 80 characters.
Tag = Annotated[str, Field(pattern="^[a-z0-9]{1,15}(-[a-z0-9]{1,15}){0,4}$")]
#: A canonical role's slug, as another role's commentary names it: up to three words of 25
#: characters ("otorhinolaryngologist"), five of 15, six of 12 or seven of 10, so never over
#: the file's 80.
RoleSlug = Annotated[
    str,
    Field(
        pattern="^([a-z0-9]{1,25}(-[a-z0-9]{1,25}){0,2}|[a-z0-9]{1,15}(-[a-z0-9]{1,15}){3,4}"
        "|[a-z0-9]{1,12}(-[a-z0-9]{1,12}){5}|[a-z0-9]{1,10}(-[a-z0-9]{1,10}){6})$"
    ),
]
#: A real day of the years 1000-2999 (29 February aside: a leap day is written by hand).
DATE_PATTERN = (
    "^[12][0-9]{3}-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)"
    "|(0[13578]|1[02])-31)$"
)
Day = Annotated[str, Field(pattern=DATE_PATTERN)]
Link = Annotated[str, Field(pattern="^https?://[A-Za-z0-9._~:/?#@!$&'()*+,;=%-]+$")]


def _bounded(kind: Any, least: int, most: int) -> Any:
    """A list of ``kind`` with between ``least`` and ``most`` items."""
    return Annotated[list[kind], Field(min_length=least, max_length=most)]


# -- stage 1: the role definition --------------------------------------------------------------

#: The occupation the model chooses among the candidates; its title is O*NET's, filled in from
#: the code (:func:`jobzone.drafting.grounding.named`).
OccupationAnswer = answer_model(
    "OccupationAnswer",
    Occupation,
    prose=400,
    types={"code": Annotated[str, Field(pattern=OCCUPATION_CODE)]},
    skip=("title",),
)
RoleAnswer = answer_model(
    "RoleAnswer",
    RoleDefinition,
    prose=1_200,
    types={
        "seniority": NameOrEmpty,
        "aliases": _bounded(Name, 0, 6),
        "tags": _bounded(Tag, 0, 6),
        "occupation": OccupationAnswer | None,
    },
    first={
        "is_job_title": (bool, Field(description="False when the text is not a job title.")),
        "not_a_title_reason": _text("Why it is not a job title; empty when it is.", 300),
        "title": (
            NameOrEmpty,
            Field(description="The job title, normalised (e.g. 'MLOps Engineer')."),
        ),
    },
)

# -- stage 2: tasks ------------------------------------------------------------------------------

#: O*NET task ids a drafted task may cite: a task rarely covers more statements than this.
OnetTaskIds = _bounded(OnetTaskId, 0, 12)
TaskAnswer = answer_model(
    "TaskAnswer", Task, prose=600, types={"name": Name, "onet_tasks": OnetTaskIds}
)
TasksAnswer = answer_model(
    "TasksAnswer",
    Reinstatement,
    prose=800,
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
    prose=100,
    types={"title": Name, "url": Link | None, "date": Day | None},
    skip=("added_by", "verified_by", "verified_on"),
)
EvidenceAnswer = answer_model(
    "EvidenceAnswer", EvidenceItem, prose=1_000, types={"sources": _bounded(SourceAnswer, 1, 4)}
)
#: The profile's groups of scored parts, each member answered as the group's answer type.
PROFILE_GROUPS: dict[str, tuple[type[BaseModel], type[Answer]]] = {
    "protective": (Protective, answer_model("PrincipleAnswer", Principle, prose=700)),
    "evidence": (Evidence, EvidenceAnswer),
    "barriers": (Barriers, answer_model("BarrierAnswer", Barrier, prose=700)),
}
GrowthAnswer = answer_model("GrowthAnswer", Growth, prose=700)
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
    prose=1_500,
    types={
        "numbers_dont_capture": _bounded(Prose(600), 2, 4),
        "survival_strategy": _bounded(Prose(600), 2, 4),
        "where_to_look_next": _bounded(
            answer_model("LookNextAnswer", LookNext, prose=400, types={"slug": RoleSlug}), 0, 5
        ),
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


ROLE = Stage("role", RoleAnswer, ("role",), 2_000)
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


def stand_in(model: type[BaseModel]) -> dict[str, Any]:
    """The plainest answer ``model`` accepts (least numbers, ``"x"`` for text, shortest lists,
    nothing where it may be null): what a stage whose own answer is broken is taken to have said
    while the other stages' answers are checked against the rubric."""
    return {
        name: _plainest(info.annotation, info.metadata) for name, info in model.model_fields.items()
    }


def _plainest(kind: Any, metadata: list[Any]) -> Any:
    least = next((m.min_length for m in metadata if getattr(m, "min_length", None)), 0)
    low = next((m.ge for m in metadata if getattr(m, "ge", None) is not None), None)
    origin, args = get_origin(kind), get_args(kind)
    if origin is Annotated:
        return _plainest(args[0], [*metadata, *args[1:]])
    if origin in (UnionType, Union):
        return None if type(None) in args else _plainest(args[0], metadata)
    if origin is list:
        return [_plainest(args[0], []) for _ in range(least)]
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return stand_in(kind)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return next(iter(kind)).value
    if kind is bool:
        return False
    if kind is int:
        return low if low is not None and low > 0 else 0
    return "x"


#: Words a reason for refusing a title needs at least: "no", or the field's own name echoed
#: back (what small models write), is no reason.
REASON_WORDS = 3
#: Words that only an echo of the answer's own fields, or of the finding sent back about them,
#: would hold (a small model was seen to return the finding as its reason).
_ECHO = re.compile(r"is_job_title|\w_reason\b")


def stated_reason(answer: dict[str, Any]) -> str | None:
    """The role stage's reason for refusing the title, when it says something of its own."""
    reason = answer.get("not_a_title_reason")
    if not isinstance(reason, str) or len(reason.split()) < REASON_WORDS:
        return None
    return None if _ECHO.search(reason) else reason.strip()


def verdict_problem(answer: dict[str, Any]) -> str | None:
    """Why the role stage's verdict on the title contradicts itself, or None."""
    verdict, reason = answer.get("is_job_title"), stated_reason(answer)
    # A filler ("N/A") beside a yes is harmless and not worth a repair; a reason is not.
    if verdict is True and reason is not None:
        return "is_job_title is true, yet not_a_title_reason gives a reason; empty it"
    if verdict is False and reason is None:
        return (
            "is_job_title is false, yet not_a_title_reason does not say why in a sentence; "
            "say why, or set is_job_title to true if it is a job title"
        )
    return None
