"""The second opinion on an assessment, computed from published labels rather than asked for.

A drafted task that cites O*NET task statements (``onet_tasks``) can be compared with what
Eloundou et al. published for those statements: GPT-4's automation level T0-T4. Mapped onto the
rubric's 1-5 task scale (:data:`T_TO_SCORE`), the cited statements suggest a score; a drafted
score two or more away from it (:data:`DISAGREEMENT`) is worth a reviewer's look.

The mapping puts each level on the score that describes the same share of the work done by AI:
T0 (no automation) is 1 (irreducibly human), T1 (minimal) 2, T2 (some) 3, T3 (significant) 4 and
T4 (complete) 5 (an agent does it end to end). Where a task cites several statements, the
suggestion is the median of their mapped levels, halves rounded up. Human and GPT-4 exposure
labels (E0-E2) say whether a model could speed the work up, not how much of it a model does, so
they are shown beside the suggestion but do not move it.

Coverage is the share of the occupation's Core task statements that some drafted task cites (all
its statements when O*NET classifies none as Core); below :data:`CORE_COVERAGE_MIN` the
decomposition has probably left out part of the job.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from jobzone.assessment import Assessment
from jobzone.errors import NotFoundError
from jobzone.occupations.index import Index, default_index
from jobzone.occupations.lookup import Occupation, Task, occupation, task

#: GPT-4's automation level -> the rubric's task score it corresponds to.
T_TO_SCORE = {"T0": 1, "T1": 2, "T2": 3, "T3": 4, "T4": 5}
#: A drafted score this far or further from the suggestion is warned about.
DISAGREEMENT = 2
#: The least share of the occupation's Core tasks the drafted tasks should cover.
CORE_COVERAGE_MIN = 0.5


def suggested_score(cited: list[Task]) -> int | None:
    """The score the cited statements' automation levels suggest, or None when none has one."""
    levels = [T_TO_SCORE[t.gpt4_automation] for t in cited if t.gpt4_automation in T_TO_SCORE]
    if not levels:
        return None
    return math.floor(statistics.median(levels) + 0.5)


@dataclass(frozen=True)
class SecondOpinion:
    """What the published labels say about one drafted task."""

    #: The cited statements found in the dataset, in the order the task cites them.
    cited: list[Task]
    #: Ids the task cites that the dataset does not have.
    unknown: list[int]
    suggested: int | None
    drafted: int

    @property
    def disagrees(self) -> bool:
        return self.suggested is not None and abs(self.drafted - self.suggested) >= DISAGREEMENT


def second_opinions(
    assessment: Assessment, *, index: Index | None = None
) -> list[SecondOpinion | None]:
    """One entry per drafted task, in order: None for a task that cites no O*NET statement."""
    index = index or default_index()
    opinions: list[SecondOpinion | None] = []
    for drafted in assessment.tasks:
        if not drafted.onet_tasks:
            opinions.append(None)
            continue
        found = {i: task(i, index=index) for i in dict.fromkeys(drafted.onet_tasks)}
        cited = [t for t in found.values() if t is not None]
        opinions.append(
            SecondOpinion(
                cited=cited,
                unknown=[i for i, t in found.items() if t is None],
                suggested=suggested_score(cited),
                drafted=drafted.score,
            )
        )
    return opinions


@dataclass(frozen=True)
class Coverage:
    """How much of the occupation's task list the drafted tasks cite."""

    code: str
    #: "Core", or "all" when O*NET classifies none of the occupation's tasks as Core.
    kind: str
    covered: int
    total: int

    @property
    def share(self) -> float:
        return self.covered / self.total if self.total else 1.0

    @property
    def low(self) -> bool:
        return self.share < CORE_COVERAGE_MIN


def coverage(assessment: Assessment, *, index: Index | None = None) -> Coverage | None:
    """The coverage of the role's occupation, or None when the role names none, the dataset
    does not know its code, or O*NET lists no task for it."""
    chosen = assessment.role.occupation
    if chosen is None:
        return None
    index = index or default_index()
    try:
        found = occupation(chosen.code, index=index)
    except NotFoundError:
        return None
    return coverage_of(found, assessment)


def coverage_of(found: Occupation, assessment: Assessment) -> Coverage | None:
    """The coverage of ``found``, the occupation already looked up, by the assessment's tasks;
    None when O*NET lists no task for it."""
    listed = found.tasks
    core = [t for t in listed if t.type == "Core"]
    pool, kind = (core, "Core") if core else (listed, "all")
    if not pool:
        return None
    cited = {i for drafted in assessment.tasks for i in drafted.onet_tasks}
    covered = sum(1 for t in pool if t.id in cited)
    return Coverage(code=found.code, kind=kind, covered=covered, total=len(pool))
