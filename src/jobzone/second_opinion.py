"""The second opinion of :mod:`jobzone.occupations.crosscheck`, worded for people to read.

The rendered page and ``jobzone show`` put the same words beside a drafted task: a short summary
for a table cell ("2 statements, T3/T4: suggests 4"), the cited statements with their labels, and
whether the drafted score is far enough from the suggestion to be worth a look; and one line on
how much of the occupation's task list the drafted tasks cover.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from jobzone.assessment import Assessment
from jobzone.career import ONET
from jobzone.errors import ConfigError
from jobzone.occupations.crosscheck import (
    CORE_COVERAGE_MIN,
    DISAGREEMENT,
    Coverage,
    SecondOpinion,
    coverage,
    second_opinions,
)
from jobzone.occupations.index import default_index
from jobzone.scoring import round_half_up
from jobzone.wording import plural

if TYPE_CHECKING:
    from jobzone.occupations.index import Index
    from jobzone.occupations.lookup import Task


def label(value: str | None) -> str:
    """A label as O*NET's labelled tasks show it; ``-`` where a statement has none."""
    return value or "-"


@dataclass(frozen=True)
class Statement:
    """A cited O*NET task statement: its id, its three labels and its text."""

    id: str
    labels: str
    text: str

    @classmethod
    def of(cls, task: Task) -> Statement:
        labels = (
            f"human {label(task.human)}, GPT-4 {label(task.gpt4)}, "
            f"GPT-4 {label(task.gpt4_automation)}"
        )
        return cls(str(task.id), labels, task.text)

    @property
    def short(self) -> str:
        """``1841 (human E2, GPT-4 E2, GPT-4 T3)``."""
        return f"{self.id} ({self.labels})"


@dataclass(frozen=True)
class TaskOpinion:
    """What the labels of the statements one drafted task cites say about its score."""

    task: str
    #: For a table cell: "2 statements, T3/T4: suggests 4".
    summary: str
    statements: tuple[Statement, ...]
    #: Cited ids the dataset does not have.
    unknown: tuple[str, ...]
    #: "suggests 4, scored 2 (2 or more apart)", or why there is no suggestion.
    verdict: str
    disagrees: bool

    @property
    def cited(self) -> str:
        """Every cited id on one line, each with its labels or as missing from the dataset."""
        missing = tuple(f"{i} (not in {ONET})" for i in self.unknown)
        return "; ".join((*(s.short for s in self.statements), *missing))


@dataclass(frozen=True)
class Labels:
    """The second opinion on every drafted task (None where a task cites nothing), and the
    coverage of the occupation's task list (None when the role names no occupation)."""

    tasks: tuple[TaskOpinion | None, ...]
    coverage: str | None
    coverage_low: bool

    @property
    def opinions(self) -> tuple[TaskOpinion, ...]:
        """The opinions of the tasks that cite a statement."""
        return tuple(t for t in self.tasks if t is not None)


def grounded(assessment: Assessment) -> bool:
    """Whether the assessment names an occupation or cites a task statement: whether there is
    anything to look up."""
    return assessment.role.occupation is not None or any(t.onet_tasks for t in assessment.tasks)


def grounded_draft(data: dict[str, Any]) -> Assessment | None:
    """A draft's assessment when it parses and is :func:`grounded`; None otherwise (a draft
    that does not parse has findings that say why)."""
    try:
        assessment = Assessment.model_validate(data)
    except ValueError:
        return None
    return assessment if grounded(assessment) else None


def labels(assessment: Assessment, index: Index) -> Labels:
    """The assessment's second opinion and coverage, looked up in ``index`` (which may raise a
    ConfigError)."""
    opinions = second_opinions(assessment, index=index)
    found = coverage(assessment, index=index)
    return Labels(
        tasks=tuple(
            None if o is None else _task_opinion(t.name, o)
            for t, o in zip(assessment.tasks, opinions, strict=True)
        ),
        coverage=None if found is None else coverage_line(found),
        coverage_low=found is not None and found.low,
    )


def _task_opinion(name: str, opinion: SecondOpinion) -> TaskOpinion:
    levels = "/".join(label(t.gpt4_automation) for t in opinion.cited)
    if opinion.suggested is None:
        suggestion = "no automation label"
        verdict = "no automation label among the cited statements, so no suggestion"
    else:
        suggestion = f"suggests {opinion.suggested}"
        verdict = f"suggests {opinion.suggested}, scored {opinion.drafted}"
        if opinion.disagrees:
            verdict += f" ({DISAGREEMENT} or more apart)"
    counted = plural(len(opinion.cited), "statement")
    return TaskOpinion(
        task=name,
        summary=f"{counted}, {levels}: {suggestion}" if levels else f"{counted}: {suggestion}",
        statements=tuple(Statement.of(t) for t in opinion.cited),
        unknown=tuple(str(i) for i in opinion.unknown),
        verdict=verdict,
        disagrees=opinion.disagrees,
    )


def coverage_line(found: Coverage) -> str:
    """``the tasks cover 9 of the 15 Core tasks of 29-1141.00 (60%)``, with the minimum when
    they fall short of it."""
    pct = round_half_up(Fraction(found.covered * 100, found.total), 0)
    core = found.kind == "Core"
    kind = "Core tasks" if core else "tasks"
    line = f"the tasks cover {found.covered} of the {found.total} {kind} of {found.code} ({pct}%"
    line += ")" if core else "; O*NET marks none as Core)"
    if found.low:
        line += f"; under the {CORE_COVERAGE_MIN:.0%} minimum, so part of the job may be missing"
    return line


def as_json(data: dict[str, Any]) -> dict[str, Any] | None:
    """The second opinion as ``show --json`` gives it: per task the suggested and drafted
    scores and the cited statements with their labels, and the coverage; None when the draft
    does not parse or is not grounded, ``{"error": ...}`` when the O*NET data cannot be read."""
    assessment = grounded_draft(data)
    if assessment is None:
        return None
    try:
        index = default_index()
        opinions = second_opinions(assessment, index=index)
        found = coverage(assessment, index=index)
    except ConfigError as exc:
        return {"error": f"the O*NET data cannot be read: {exc.message}"}
    return {
        "tasks": [
            None if o is None else _opinion_json(i, t.name, o)
            for i, (t, o) in enumerate(zip(assessment.tasks, opinions, strict=True))
        ],
        "coverage": None
        if found is None
        else {
            "code": found.code,
            "kind": found.kind,
            "covered": found.covered,
            "total": found.total,
            "low": found.low,
        },
    }


def _opinion_json(index: int, name: str, opinion: SecondOpinion) -> dict[str, Any]:
    return {
        "path": f"tasks[{index}]",
        "task": name,
        "scored": opinion.drafted,
        "suggested": opinion.suggested,
        "disagrees": opinion.disagrees,
        "cited": [
            {
                "id": t.id,
                "text": t.text,
                "human": t.human,
                "gpt4": t.gpt4,
                "gpt4_automation": t.gpt4_automation,
            }
            for t in opinion.cited
        ],
        "unknown": opinion.unknown,
    }
