"""A stratified sample of O*NET task statements that carry every published label.

The population is every task with a human exposure label, a GPT-4 exposure label and a GPT-4
automation level. Tasks are grouped by their (human exposure, automation level) pair, and each
group gets its proportional share of the sample (largest remainders first, ties to the larger
group, then to the earlier pair), drawn at random with ``random.Random(seed)``; the sample is
listed by task id. The same dataset, size and seed give the same tasks.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass

from jobzone.errors import InputError
from jobzone.occupations.index import Index, default_index


@dataclass(frozen=True)
class LabelledTask:
    """An O*NET task statement with its published labels."""

    id: int
    code: str
    occupation: str
    text: str
    #: People's exposure label (E0, E1, E2).
    human: str
    #: GPT-4's exposure label (E0, E1, E2).
    gpt4: str
    #: GPT-4's automation level (T0 ... T4).
    gpt4_automation: str


def labelled_tasks(index: Index | None = None) -> list[LabelledTask]:
    """Every task statement carrying all three labels, by id."""
    index = index or default_index()
    rows = index.rows(
        "SELECT t.id, t.code, o.title AS occupation, t.text, t.human, t.gpt4, t.gpt4_automation "
        "FROM tasks t JOIN occupations o ON o.code = t.code "
        "WHERE t.human IS NOT NULL AND t.gpt4 IS NOT NULL AND t.gpt4_automation IS NOT NULL "
        "ORDER BY t.id"
    )
    return [LabelledTask(**dict(row)) for row in rows]


def allocate(sizes: dict[tuple[str, str], int], n: int) -> dict[tuple[str, str], int]:
    """How many of ``n`` each group gets: its proportional share, rounded down, then one more
    for the groups with the largest remainders until ``n`` are taken."""
    total = sum(sizes.values())
    exact = {key: n * size / total for key, size in sizes.items()}
    counts = {key: int(share) for key, share in exact.items()}
    order = sorted(sizes, key=lambda key: (-(exact[key] - counts[key]), -sizes[key], key))
    for key in order[: n - sum(counts.values())]:
        counts[key] += 1
    return counts


def stratified_sample(population: list[LabelledTask], n: int, seed: int) -> list[LabelledTask]:
    """``n`` tasks, stratified by (human exposure, automation level), listed by id."""
    if not 1 <= n <= len(population):
        raise InputError(
            f"a sample of {n} tasks: choose between 1 and {len(population)}",
            field="--sample",
            rule="eval.sample",
        )
    groups: dict[tuple[str, str], list[LabelledTask]] = defaultdict(list)
    for task in population:
        groups[(task.human, task.gpt4_automation)].append(task)
    counts = allocate({key: len(tasks) for key, tasks in groups.items()}, n)
    rng = random.Random(seed)
    chosen = [task for key in sorted(groups) for task in rng.sample(groups[key], counts[key])]
    return sorted(chosen, key=lambda task: task.id)
