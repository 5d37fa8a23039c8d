"""Model calls as a draft records them: each attempt's outcome, timing and token usage.

Kept apart from the drafting code so that reading a draft (the queue, ``show``) never imports
the model SDK.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Usage(BaseModel):
    """Tokens of one call or of a whole draft."""

    model_config = ConfigDict(extra="forbid")

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            cached_tokens=self.cached_tokens + other.cached_tokens,
        )

    @classmethod
    def from_response(cls, usage: Any) -> Usage:
        """From the ``usage`` object of a chat completion body (a dict), tolerating absences."""
        if not isinstance(usage, dict):
            return cls()
        details = usage.get("prompt_tokens_details") or {}

        def count(value: Any) -> int:
            return value if isinstance(value, int) and value >= 0 else 0

        return cls(
            prompt_tokens=count(usage.get("prompt_tokens")),
            completion_tokens=count(usage.get("completion_tokens")),
            cached_tokens=count(details.get("cached_tokens") if isinstance(details, dict) else 0),
        )


class CallOutcome(StrEnum):
    """How one attempt ended."""

    ok = "ok"
    #: An answer that breaks the stage's schema; it is kept and repaired like any finding.
    invalid = "invalid"
    truncated = "truncated"
    refused = "refused"
    content_filter = "content-filter"
    #: The endpoint answered with an HTTP error status (see ``status``).
    http_error = "http"
    #: The endpoint answered 200 with something that is not a chat completion.
    malformed = "malformed"
    timeout = "timeout"
    connection = "connection"
    #: Ctrl-C, or the process ending, while the answer streamed in.
    interrupted = "interrupted"


class CallRecord(BaseModel):
    """One HTTP attempt, whatever its outcome: what the draft's provenance lists."""

    model_config = ConfigDict(extra="forbid")

    stage: str
    round: int
    attempt: int
    outcome: CallOutcome
    status: int | None = None
    at: datetime
    latency_ms: int
    max_completion_tokens: int
    usage: Usage
    #: The call was cut before the server said what it used: the tokens are counted from what
    #: arrived (the prompt at four characters a token, one completion token a piece).
    usage_estimated: bool = Field(default=False, exclude_if=lambda value: not value)
    error: str | None = None
    #: The OpenAI batch (or the exported round's file) the answer came through, if any: such a
    #: call is charged at batch prices.
    batch: str | None = Field(default=None, exclude_if=lambda value: value is None)

    @model_validator(mode="before")
    @classmethod
    def _earlier_format(cls, data: Any) -> Any:
        """Records written before outcomes were an enum say ``outcome: "http 429"``."""
        outcome = data.get("outcome") if isinstance(data, dict) else None
        if isinstance(outcome, str) and outcome.startswith("http ") and outcome[5:].isdigit():
            return {**data, "outcome": CallOutcome.http_error.value, "status": int(outcome[5:])}
        return data


def live_and_batched(calls: Iterable[CallRecord]) -> tuple[Usage, Usage]:
    """What ``calls`` used, apart: those asked live, and those made through a batch (priced
    at batch rates)."""
    live, batched = Usage(), Usage()
    for call in calls:
        if call.batch is None:
            live += call.usage
        else:
            batched += call.usage
    return live, batched
