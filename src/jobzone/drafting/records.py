"""The record of one model call attempt: light enough for the queue to load without the SDK."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from jobzone.drafting.usage import Usage


class CallRecord(BaseModel):
    """One HTTP attempt, whatever its outcome: what the draft's provenance lists."""

    model_config = ConfigDict(extra="forbid")

    stage: str
    round: int
    attempt: int
    outcome: str
    at: datetime
    latency_ms: int
    max_completion_tokens: int
    usage: Usage
    error: str | None = None
