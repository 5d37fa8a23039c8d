"""Reviewer decisions that do not promote: reject, and ask for changes."""

from __future__ import annotations

from jobzone.drafts import Draft, Status, assessment_hash, load_draft, save_draft
from jobzone.errors import ConflictError, InputError
from jobzone.history import HistoryEntry, now
from jobzone.workspace import Workspace

OPEN = (Status.pending, Status.changes_requested)


def _decide(
    workspace: Workspace, draft_id: str, reviewer: str, text: str, status: Status, action: str
) -> Draft:
    if not text.strip():
        raise InputError(f"{action} needs a reason", field="note", rule="review.note")
    draft = load_draft(workspace, draft_id)
    if draft.status not in OPEN:
        raise ConflictError(f"draft {draft.id} is {draft.status.value}; it can no longer change")
    draft.status = status
    draft.history.append(
        HistoryEntry(
            at=now(),
            by=reviewer,
            action=action,
            note=text.strip(),
            content_sha256=assessment_hash(draft.assessment),
        )
    )
    save_draft(workspace, draft)
    return draft


def reject(workspace: Workspace, draft_id: str, reviewer: str, reason: str) -> Draft:
    return _decide(workspace, draft_id, reviewer, reason, Status.rejected, "rejected")


def request_changes(workspace: Workspace, draft_id: str, reviewer: str, note: str) -> Draft:
    return _decide(
        workspace, draft_id, reviewer, note, Status.changes_requested, "changes requested"
    )
