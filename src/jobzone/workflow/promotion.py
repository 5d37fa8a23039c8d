"""Promoting an approved draft into the canonical set, safely, and recovering from a crash.

Promotion is a small write-ahead protocol, run under the workspace lock:

1. ``drafts/.approval-intent.json`` records what is about to happen;
2. the new version is kept under ``roles/.versions/``;
3. ``roles/<slug>.yaml`` is replaced atomically (the commit point);
4. the draft is marked approved; 5. the intent is removed.

:func:`recover` runs first in every change (and before every read that finds an intent): if an
intent is left behind, it completes the approval when step 3 happened and undoes steps 1-2 when
it did not, so a crash at any point leaves the draft either pending or approved, and the set
consistent with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from jobzone.assessment import Assessment
from jobzone.documents import dump_model, load_model, refuse_links
from jobzone.drafts import Approval, Draft, Status
from jobzone.faults import checkpoint
from jobzone.history import Acknowledgement, Action, HistoryEntry, content_hash, extend
from jobzone.review.versions import current_role, kept_version, version_path
from jobzone.slugs import Slug
from jobzone.workflow.recovery import intent_path, needs_recovery

if TYPE_CHECKING:
    from jobzone.workflow.session import Session

VERSION_SCHEMA_DIR = "../../../schemas"


class Intent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    draft: Slug
    slug: Slug
    version: int
    entry: HistoryEntry
    #: The approval that promotes the draft: a crash after the commit point must not lose it.
    approval: Approval | None = None


def recover(session: Session) -> str | None:
    """Finish or undo an approval a crash interrupted; call under the lock. Says what it did."""
    workspace = session.workspace
    path = intent_path(workspace)
    if not needs_recovery(workspace):
        return None
    intent = load_model(Intent, path, inside=workspace.root)
    role = current_role(workspace, intent.slug)
    if role is not None and role.version >= intent.version:
        draft = session.draft(intent.draft)
        if draft.status is not Status.approved:
            approval = intent.approval
            if approval is not None and all(
                a.reviewer != approval.reviewer for a in draft.approvals
            ):
                draft.approvals.append(approval)
            mark_approved(session, draft, intent.entry)
        outcome = f"completed the interrupted approval of {intent.draft}"
    else:
        version_path(workspace, intent.slug, intent.version).unlink(missing_ok=True)
        outcome = f"rolled back the interrupted approval of {intent.draft}"
    path.unlink()
    return outcome


def mark_approved(session: Session, draft: Draft, entry: HistoryEntry) -> None:
    """Close the draft as approved, with the role's approval entry in its own history."""
    draft.status = Status.approved
    draft.history.append(entry.model_copy(update={"draft": None}))
    session.save(draft)


def version_due(session: Session, role: Assessment) -> bool:
    """Whether ``role`` still has to be kept as its numbered version. Refused (before anything
    is written) when its place is a link, or when the kept copy's history was rewritten since:
    a kept version may only have gained history entries."""
    workspace = session.workspace
    refuse_links(version_path(workspace, role.slug, role.version), workspace.root)
    kept = kept_version(workspace, role.slug, role.version)
    if kept is None:
        return True
    extend(kept.history, role.history, f"roles/{role.slug}")
    return False


def keep_version(session: Session, role: Assessment) -> None:
    path = version_path(session.workspace, role.slug, role.version)
    session.write(path, dump_model(role, "assessment", VERSION_SCHEMA_DIR))


def promote(session: Session, draft: Draft, new: Assessment, entry: HistoryEntry) -> Assessment:
    """Make ``new`` the next version of its role, recorded by ``entry``; returns the role as
    written. Crash points (``JOBZONE_CRASH_AT``) sit between the protocol's steps."""
    workspace = session.workspace
    current = current_role(workspace, new.slug)
    carried = [e.model_copy(update={"draft": draft.id}) for e in draft.history]
    role = new.model_copy(
        update={
            "version": entry.version,
            "history": [*(current.history if current else []), *carried, entry],
        }
    )
    assert entry.version is not None and entry.content_sha256 == content_hash(role.content())
    intent = Intent(
        draft=draft.id,
        slug=role.slug,
        version=entry.version,
        entry=entry,
        approval=draft.approvals[-1],
    )
    # Whatever would refuse the promotion is found before the intent is written, not halfway
    # through: a link where a version is kept, a kept version whose history was rewritten.
    due = [v for v in (current, role) if v is not None and version_due(session, v)]
    session.write(intent_path(workspace), intent.model_dump_json())
    checkpoint("intent")
    for version in due:
        keep_version(session, version)
    checkpoint("version")
    session.write(workspace.role_path(role.slug), dump_model(role, "assessment"))
    checkpoint("role")
    mark_approved(session, draft, entry)
    checkpoint("draft")
    intent_path(workspace).unlink()
    return role


def approval_entry(
    draft: Draft,
    new: Assessment,
    note: str | None,
    version: int | None,
    acknowledged: list[Acknowledgement],
) -> HistoryEntry:
    """The approval step as the role's history records it, with every warning of the approved
    content that was acknowledged (now, or at an earlier approval of the same finding)."""
    last = draft.approvals[-1]
    return HistoryEntry(
        at=last.at,
        by=last.reviewer,
        action=Action.approved,
        note=note,
        draft=draft.id,
        version=version,
        content_sha256=content_hash(new.content()),
        acknowledged=acknowledged,
    )


def acknowledged_on(role: Assessment | None) -> set[Acknowledgement]:
    """The warnings acknowledged when the role's current version was approved."""
    if role is None:
        return set()
    approvals = [e for e in role.history if e.action is Action.approved]
    return set(approvals[-1].acknowledged) if approvals else set()
