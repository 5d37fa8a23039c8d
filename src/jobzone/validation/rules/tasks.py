"""Rules on the task decomposition."""

from __future__ import annotations

from collections.abc import Iterator

from jobzone.assessment import Impact, Task
from jobzone.rubric import Rubric
from jobzone.scoring import time_total_error
from jobzone.similarity import name_key
from jobzone.validation.context import Context, error, warning
from jobzone.validation.findings import Finding, Severity
from jobzone.validation.registry import rule


@rule("tasks.time-sum", Severity.error, "task time shares must sum to exactly 100")
def time_sum(ctx: Context) -> Iterator[Finding]:
    problem = time_total_error(ctx.assessment.tasks, ctx.rubric)
    if problem:
        yield error("tasks.time-sum", "tasks", problem)


@rule("tasks.duplicate-name", Severity.error, "task names must be unique, ignoring case")
def duplicate_name(ctx: Context) -> Iterator[Finding]:
    first: dict[str, int] = {}
    for i, task in enumerate(ctx.assessment.tasks):
        key = name_key(task.name)
        if not key:
            continue  # an empty name is text.empty's to report
        if key in first:
            yield error(
                "tasks.duplicate-name",
                f"tasks[{i}].name",
                f"task {task.name!r} repeats tasks[{first[key]}]; "
                "merge the two tasks or name what sets them apart",
            )
        else:
            first[key] = i


def impact_problem(task: Task, rubric: Rubric) -> str | None:
    """Why a task's impact does not fit its score, or None; one reason, the first that holds.

    The rubric's exposed score (3) is the pivot: a score above it means an AI agent can do the
    task, so the impact should be displacement; at or below it the task is not being taken over,
    so it cannot be displacement; and an exposed task cannot be one AI is not involved in.
    """
    exposed = rubric.exposed_task_score
    if task.score > exposed and task.impact is not Impact.displacement:
        return f"score {task.score} means AI can do the task, yet impact is {task.impact.value}"
    if task.impact is Impact.displacement and task.score <= exposed:
        return f"impact is displacement, yet score {task.score} is {exposed} or less"
    if task.impact is Impact.not_involved and task.score >= exposed:
        return f"impact is not_involved, yet score {task.score} is {exposed} or more"
    return None


@rule("impact.inconsistent", Severity.warning, "a task's impact should fit its score")
def impact_inconsistent(ctx: Context) -> Iterator[Finding]:
    for i, task in enumerate(ctx.assessment.tasks):
        problem = impact_problem(task, ctx.rubric)
        if problem:
            yield warning(
                "impact.inconsistent",
                f"tasks[{i}].impact",
                f"{problem}: change the impact or the score, or explain the exception in the "
                "task's rationale",
            )
