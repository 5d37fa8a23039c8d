"""The figures of a role that commentary may name as ``{{ name }}``: one table for every reader.

The renderer fills references from it, the validator checks references and literal figures
against it, the commentary prompt lists it, and a commentary's fingerprint hashes it. Each entry
says what the figure means (for prompts and the README), how a message names it, and how it is
shown, read off the scorer's :class:`~jobzone.scoring.Score`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jobzone.scoring import Score


def signed(value: int) -> str:
    """An integer with its sign, as totals that may be negative are shown: ``+5``, ``0``, ``-2``."""
    return f"+{value}" if value > 0 else str(value)


@dataclass(frozen=True)
class FigureName:
    name: str
    #: What the figure is, for the commentary prompt and the README.
    meaning: str
    #: How a validator message names it: "this role's AIJRI".
    what: str
    #: The figure as prose shows it.
    show: Callable[[Score], str]


FIGURES: dict[str, FigureName] = {
    f.name: f
    for f in (
        FigureName(
            "aijri",
            "the published score (override if any), e.g. 42.6",
            "this role's AIJRI",
            lambda s: str(s.shown_aijri),
        ),
        FigureName(
            "formula_aijri",
            "the formula score before any override",
            "this role's formula AIJRI (before the override)",
            lambda s: str(s.shown_formula_aijri),
        ),
        FigureName("zone", "Green, Yellow or Red", "this role's zone", lambda s: s.zone),
        FigureName(
            "sub_label", "e.g. Yellow (Urgent)", "this role's sub-label", lambda s: s.sub_label
        ),
        FigureName(
            "raw",
            "the raw composite, 4 decimals",
            "this role's raw composite",
            lambda s: str(s.shown_raw),
        ),
        FigureName(
            "task_total",
            "sum of weighted task scores",
            "this role's task total",
            lambda s: str(s.shown_task_total),
        ),
        FigureName(
            "task_resistance",
            "6 minus task_total",
            "this role's task resistance",
            lambda s: str(s.shown_task_resistance),
        ),
        FigureName(
            "share_3plus",
            "share of task time scoring 3 or more, as a percentage",
            "the share of task time on exposed tasks",
            lambda s: f"{s.share_3plus}%",
        ),
        FigureName(
            "split.displacement",
            "share of task time marked displacement",
            "the share of task time marked displacement",
            lambda s: f"{s.split['displacement']}%",
        ),
        FigureName(
            "split.augmentation",
            "share of task time marked augmentation",
            "the share of task time marked augmentation",
            lambda s: f"{s.split['augmentation']}%",
        ),
        FigureName(
            "split.not_involved",
            "share of task time marked not involved",
            "the share of task time marked not involved",
            lambda s: f"{s.split['not_involved']}%",
        ),
        FigureName(
            "protective_total",
            "sum of the three protective principles",
            "this role's protective total",
            lambda s: str(s.protective_total),
        ),
        FigureName(
            "evidence_total",
            "sum of the five evidence scores, signed",
            "this role's evidence total",
            lambda s: signed(s.evidence_total),
        ),
        FigureName(
            "barrier_total",
            "sum of the five barrier scores",
            "this role's barrier total",
            lambda s: str(s.barrier_total),
        ),
        FigureName(
            "growth",
            "AI growth correlation, signed",
            "this role's AI growth correlation",
            lambda s: signed(s.growth),
        ),
        FigureName(
            "quick_screen",
            "e.g. Likely Yellow",
            "this role's quick screen",
            lambda s: s.quick_screen,
        ),
        FigureName(
            "distance.green",
            "points between the aijri and the Green threshold",
            "the distance from this role's AIJRI to the Green threshold",
            lambda s: str(s.distance_to("Green")),
        ),
        FigureName(
            "distance.yellow",
            "points between the aijri and the Yellow threshold",
            "the distance from this role's AIJRI to the Yellow threshold",
            lambda s: str(s.distance_to("Yellow")),
        ),
    )
}

#: Fields of another canonical role a ``{{ role:slug.FIELD }}`` reference may name.
ROLE_FIELDS = ("aijri", "zone", "sub_label", "title")


def meanings() -> dict[str, str]:
    """Every figure name with what it means: the list the commentary prompt gives the model."""
    return {name: figure.meaning for name, figure in FIGURES.items()}


def shown_figures(score: Score) -> dict[str, str]:
    """Every figure of the role itself as prose shows it, by name."""
    return {name: figure.show(score) for name, figure in FIGURES.items()}
