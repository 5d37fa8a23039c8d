"""O*NET occupations, their tasks and exposure labels, and BLS figures, shipped with jobzone.

``search(text)`` ranks occupations for a job title and says why each matched;
``occupation(code)`` gives one with its tasks (Core first, with the labels of Eloundou et al.),
related occupations, job zone, wage and projection; ``has_code`` and ``task`` are cheap checks
for a validator. All of them read an index built on first use from the packaged dataset (see
:mod:`jobzone.occupations.index`); ``data/README.md`` carries the sources' attribution.
"""

from __future__ import annotations

from jobzone.occupations.lookup import (
    Occupation,
    Projection,
    Related,
    Task,
    Wage,
    has_code,
    occupation,
    task,
)
from jobzone.occupations.ranking import Match, known_title, search

__all__ = [
    "Match",
    "Occupation",
    "Projection",
    "Related",
    "Task",
    "Wage",
    "has_code",
    "known_title",
    "occupation",
    "search",
    "task",
]
