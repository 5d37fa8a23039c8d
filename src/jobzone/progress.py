"""What long work tells the person waiting: typed events, formatted by whoever shows them.

The workflow and the drafting run emit these; the CLI prints them on stderr, and a browser page
could stream them. Nothing here decides anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class StageStarted:
    """A stage's question is being sent (round 0 first, then repairs)."""

    stage: str
    round: int


@dataclass(frozen=True)
class StageAnswered:
    """A stage's answer arrived (or was replayed from the run's journal)."""

    stage: str
    round: int
    seconds: float
    replayed: bool


@dataclass(frozen=True)
class Waiting:
    """A call failed in a way that may pass; it is retried after ``seconds``."""

    stage: str
    reason: str
    seconds: float


@dataclass(frozen=True)
class Notice:
    """Anything else worth a line: a recovered approval, a skipped stage."""

    text: str


Event = StageStarted | StageAnswered | Waiting | Notice
Notify = Callable[[Event], None]


def ignore(_event: Event) -> None:
    """A :data:`Notify` for callers that show no progress."""


def describe(event: Event) -> str:
    """One line for a person reading progress."""
    match event:
        case StageStarted(stage, round_):
            return f"{stage}: asking the model" + (f" (repair {round_})" if round_ else "")
        case StageAnswered(stage, round_, seconds, replayed):
            which = f"repair {round_}" if round_ else "answer"
            if replayed:
                return f"{stage}: {which} replayed from the run journal"
            return f"{stage}: {which} received in {seconds:.1f} s"
        case Waiting(stage, reason, seconds):
            return f"{stage}: {reason}; retrying in {seconds:.1f} s"
        case Notice(text):
            return text
