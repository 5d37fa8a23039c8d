"""The seam between drafting and a model: what a stage asks, and who hears about each attempt.

The drafting run talks to a :class:`Model` and nothing else. :class:`~jobzone.drafting.
openai_model.OpenAIModel` is the real one (the openai SDK against any OpenAI-compatible endpoint);
tests pass a scripted one. A model reports every HTTP attempt to the run's :class:`Listener`, which
enforces the token budget before it is sent, journals it after, and shows progress.

This module imports no SDK, so code that only reads drafts never pays for one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, TypedDict

from jobzone.calls import CallRecord
from jobzone.drafting.stages import Stage


class Message(TypedDict):
    """One chat message as the OpenAI chat format has it."""

    role: str
    content: str


@dataclass(frozen=True)
class Call:
    """One stage's question for one round (0 for the first answer, then repairs)."""

    stage: Stage
    round: int
    messages: list[Message]


@dataclass(frozen=True)
class ModelIdentity:
    """What a draft records of the model that wrote it."""

    name: str
    #: Where calls go, as provenance keeps it: the host, never a key or a path.
    endpoint_host: str
    #: The endpoint as people read it in messages (a URL without credentials).
    endpoint: str
    temperature: float | None
    #: How answers are held to their schema (json_schema, json_object, tools), once known.
    structured_output: str | None = None


@dataclass(frozen=True)
class ModelChoice:
    """What a person chose about the model (None: the configured default)."""

    name: str | None = None
    temperature: float | None = None
    #: Seconds without a byte from the server before a call is given up.
    timeout: float | None = None
    #: auto, json_schema, json_object or tools.
    structured_output: str | None = None


class Listener(Protocol):
    """Hears about every attempt a model makes for a call."""

    def before_attempt(self, call: Call, attempt: int, max_completion_tokens: int) -> None:
        """Called before each HTTP attempt; may refuse it by raising BudgetExceededError."""

    def after_attempt(self, record: CallRecord) -> None:
        """Called with the record of each attempt, whatever its outcome."""

    def waiting(self, call: Call, reason: str, seconds: float) -> None:
        """Called before a retry waits: why, and for how long."""

    def kept(self, call: Call, attempt: int, content: str, why: str) -> None:
        """Called with the text of an answer that cannot be used (cut off by the token limit,
        or by a stalled server), so that it is kept for inspection."""

    def noticed(self, call: Call, text: str) -> None:
        """Called with anything else the person waiting should know (a structured-output mode
        the endpoint does not offer, and the one tried next)."""


class Model(Protocol):
    """Answers a stage's call with the text of a JSON answer (which may still break the
    stage's schema: the run parses it), or raises ModelCallError (or a subclass) when there is
    no answer to keep."""

    @property
    def identity(self) -> ModelIdentity: ...

    def ask(self, call: Call, listener: Listener) -> str: ...


class ModelFactory(Protocol):
    """Makes the model a run asks, as a person chose it."""

    def __call__(self, choice: ModelChoice) -> Model: ...
