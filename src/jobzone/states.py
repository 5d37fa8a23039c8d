"""A draft's kind and status: plain enums, light enough for the queue's fast path."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    new = "new"
    revision = "revision"
    commentary = "commentary"


class Status(StrEnum):
    pending = "pending"
    changes_requested = "changes_requested"
    approved = "approved"
    rejected = "rejected"

    @property
    def is_open(self) -> bool:
        """Whether the draft can still change (edits, decisions, redrafts)."""
        return self in (Status.pending, Status.changes_requested)
