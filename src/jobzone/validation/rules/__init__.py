"""Importing this package registers every rule, one module per part of the assessment."""

from jobzone.validation.rules import (
    commentary,
    evidence,
    occupation,
    override,
    score,
    staleness,
    tasks,
    text,
)

__all__ = [
    "commentary",
    "evidence",
    "occupation",
    "override",
    "score",
    "staleness",
    "tasks",
    "text",
]
