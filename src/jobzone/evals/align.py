"""Which drafted task is which approved task: an optimal one-to-one alignment.

Two tasks are the same task first by the O*NET statements they cite: where both cite some, their
similarity is the Jaccard index of the two sets of ids. The tasks left over are compared by name:
the Jaccard index of their content words, each word cut to its first :data:`STEM` letters so that
"alerting" meets "alert" and "deployment" meets "deploy". Each round takes the one-to-one
assignment with the greatest total similarity (the Hungarian method, scipy's
``linear_sum_assignment``), keeping pairs that share a statement, or whose names reach
:data:`MIN_NAME_SIMILARITY`. A task with no counterpart stays unaligned.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from jobzone.assessment import Task
from jobzone.similarity import jaccard, words

#: Letters a word is cut to before names are compared (a crude, predictable stemmer).
STEM = 5
#: The least name similarity at which two tasks count as the same task.
MIN_NAME_SIMILARITY = 0.2


class AlignedBy(StrEnum):
    onet = "onet"
    name = "name"


@dataclass(frozen=True)
class Pair:
    """A drafted task (by index) aligned with an approved one, how, and how closely."""

    drafted: int
    approved: int
    by: AlignedBy
    similarity: float


def stems(name: str) -> frozenset[str]:
    """A task name's content words, each cut to its first :data:`STEM` letters."""
    return frozenset(word[:STEM] for word in words([name]))


def name_similarity(a: str, b: str) -> float:
    return jaccard(stems(a), stems(b))


def onet_similarity(a: Task, b: Task) -> float:
    """The Jaccard index of the two tasks' cited O*NET statements."""
    return jaccard(frozenset(map(str, a.onet_tasks)), frozenset(map(str, b.onet_tasks)))


def _assign(
    drafted: Sequence[int],
    approved: Sequence[int],
    similarity: Callable[[int, int], float],
    least: float,
    by: AlignedBy,
) -> list[Pair]:
    """The pairs of the best one-to-one assignment of ``drafted`` to ``approved`` that reach
    ``least`` (and are above zero)."""
    if not drafted or not approved:
        return []
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    matrix = np.array([[similarity(d, a) for a in approved] for d in drafted])
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    return [
        Pair(drafted[r], approved[c], by, float(matrix[r, c]))
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True)
        if matrix[r, c] > 0 and matrix[r, c] >= least
    ]


def align(drafted: Sequence[Task], approved: Sequence[Task]) -> list[Pair]:
    """The aligned pairs, in the order of the approved tasks."""
    by_onet = _assign(
        [i for i, t in enumerate(drafted) if t.onet_tasks],
        [j for j, t in enumerate(approved) if t.onet_tasks],
        lambda i, j: onet_similarity(drafted[i], approved[j]),
        0.0,
        AlignedBy.onet,
    )
    taken_d = {p.drafted for p in by_onet}
    taken_a = {p.approved for p in by_onet}
    by_name = _assign(
        [i for i in range(len(drafted)) if i not in taken_d],
        [j for j in range(len(approved)) if j not in taken_a],
        lambda i, j: name_similarity(drafted[i].name, approved[j].name),
        MIN_NAME_SIMILARITY,
        AlignedBy.name,
    )
    return sorted([*by_onet, *by_name], key=lambda p: p.approved)
