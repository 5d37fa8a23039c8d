"""Append-only history: who did what, when, why, and a hash of the content at that step."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from jobzone.errors import ConflictError


class Action(StrEnum):
    """What a step of a history did. The values are what the files hold."""

    imported = "imported"
    drafted = "drafted"
    redrafted = "redrafted"
    commentary_regenerated = "commentary regenerated"
    edited = "edited"
    #: An earlier state of the content brought back (an undo).
    restored = "restored"
    rebased = "rebased"
    sources_verified = "sources verified"
    changes_requested = "changes requested"
    rejected = "rejected"
    approved = "approved"


class Acknowledgement(BaseModel):
    """A warning a reviewer accepted: the finding exactly as reported, so it holds only for the
    same finding on the same content (the message names what it found)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    path: str
    message: str


class HistoryEntry(BaseModel):
    """One step in the life of a draft or a canonical role. Entries are only ever appended."""

    model_config = ConfigDict(extra="forbid")

    at: dt.datetime
    by: str
    action: Action
    note: str | None = None
    draft: str | None = None
    version: int | None = None
    content_sha256: str
    #: On an approval: every warning of the approved content that reviewers acknowledged.
    acknowledged: list[Acknowledgement] = Field(
        default_factory=list, exclude_if=lambda value: not value
    )


def content_hash(data: Any) -> str:
    """A stable hash of a mapping's content (canonical JSON), for history entries."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def extend(before: list[HistoryEntry], after: list[HistoryEntry], what: str) -> list[HistoryEntry]:
    """``after`` if it only appends to ``before``; a rewritten history is a conflict."""
    if after[: len(before)] != before:
        raise ConflictError(f"the history of {what} was rewritten; refusing to continue")
    return after


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
