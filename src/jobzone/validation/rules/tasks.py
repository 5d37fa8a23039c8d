"""Rules on the task decomposition."""

from __future__ import annotations

from collections.abc import Iterator

from jobzone.scoring import time_total_error
from jobzone.validation.context import Context, error
from jobzone.validation.findings import Finding, Severity
from jobzone.validation.registry import rule


@rule("tasks.time-sum", Severity.error, "task time shares must sum to exactly 100")
def time_sum(ctx: Context) -> Iterator[Finding]:
    problem = time_total_error(ctx.assessment.tasks, ctx.rubric)
    if problem:
        yield error("tasks.time-sum", "tasks", problem)
