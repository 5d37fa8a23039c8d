"""Append-only history: who did what, when, why, and a hash of the content at that step."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from pydantic import BaseModel, ConfigDict

from jobzone.errors import ConflictError


class HistoryEntry(BaseModel):
    """One step in the life of a draft or a canonical role. Entries are only ever appended."""

    model_config = ConfigDict(extra="forbid")

    at: dt.datetime
    by: str
    action: str
    note: str | None = None
    draft: str | None = None
    version: int | None = None
    content_sha256: str


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
