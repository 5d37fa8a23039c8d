"""Approving a draft and promoting it into the canonical set, safely.

Every step runs under the workspace lock. Promotion is a small write-ahead protocol:

1. ``drafts/.approval-intent.json`` records what is about to happen;
2. the new version is kept under ``roles/.versions/``;
3. ``roles/<slug>.yaml`` is replaced atomically (the commit point);
4. the draft is marked approved; 5. the intent is removed.

:func:`recover` runs first under the lock in every queue command: if an intent is left behind, it
completes the approval when step 3 happened and undoes steps 1-2 when it did not, so a crash at
any point leaves the draft either pending or approved, and the set consistent with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from jobzone.assessment import Assessment
from jobzone.canonical import load_canonical
from jobzone.config import load_config
from jobzone.documents import atomic_write, dump_model, file_sha256, load_model
from jobzone.drafts import Approval, Draft, Kind, Status, assessment_hash, load_draft, save_draft
from jobzone.errors import ConflictError, FindingsError
from jobzone.faults import checkpoint
from jobzone.history import HistoryEntry, content_hash, extend, now
from jobzone.review.versions import current_role, keep_version, version_path
from jobzone.validation import Report, validate_document
from jobzone.workspace import Slug, Workspace

INTENT_NAME = ".approval-intent.json"


class Intent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    draft: Slug
    slug: Slug
    version: int
    entry: HistoryEntry
    #: The approval that promotes the draft: a crash after the commit point must not lose it.
    approval: Approval | None = None


def _intent_path(workspace: Workspace) -> Path:
    return workspace.drafts_dir / INTENT_NAME


def needs_recovery(workspace: Workspace) -> bool:
    """Whether a crash left an approval half done (cheap: one stat, no lock)."""
    return _intent_path(workspace).is_file()


def recover(workspace: Workspace) -> str | None:
    """Finish or undo an approval a crash interrupted; call under the lock. Says what it did."""
    path = _intent_path(workspace)
    if not path.is_file():
        return None
    intent = load_model(Intent, path)
    role = current_role(workspace, intent.slug)
    if role is not None and role.version >= intent.version:
        draft = load_draft(workspace, intent.draft)
        if draft.status is not Status.approved:
            approval = intent.approval
            if approval is not None and all(
                a.reviewer != approval.reviewer for a in draft.approvals
            ):
                draft.approvals.append(approval)
            _mark_approved(workspace, draft, intent.entry)
        outcome = f"completed the interrupted approval of {intent.draft}"
    else:
        version_path(workspace, intent.slug, intent.version).unlink(missing_ok=True)
        outcome = f"rolled back the interrupted approval of {intent.draft}"
    path.unlink()
    return outcome


@dataclass(frozen=True)
class ApprovalResult:
    draft: Draft
    promoted_version: int | None
    approvals: int
    required: int


def check_approvable(workspace: Workspace, draft: Draft) -> Report:
    """Findings as of now (against today's canonical set), refusing a draft that cannot enter."""
    if draft.status is not Status.pending:
        raise ConflictError(f"draft {draft.id} is {draft.status.value}, not pending")
    report = validate_document(
        draft.assessment, load_canonical(workspace), expected_slug=draft.slug
    )
    if report.errors:
        raise FindingsError(
            f"draft {draft.id} has {len(report.errors)} errors; fix them before approving",
            report=report,
        )
    _check_base(workspace, draft)
    return report


def _check_base(workspace: Workspace, draft: Draft) -> None:
    path = workspace.role_path(draft.slug)
    if draft.kind is Kind.new:
        if path.exists():
            raise ConflictError(
                f"{draft.slug} is already in the canonical set; this new-role draft would "
                "overwrite it (redraft it as a revision)"
            )
        return
    if draft.base is None or not path.exists() or file_sha256(path) != draft.base.sha256:
        raise ConflictError(
            f"draft {draft.id} was based on a version of {draft.slug} that is no longer the "
            "current one; redraft it against the current version"
        )


def approve(
    workspace: Workspace,
    draft_id: str,
    reviewer: str,
    note: str | None,
    accept_warnings: bool,
) -> ApprovalResult:
    """Record an approval; promote the draft once enough distinct reviewers approved it."""
    note = note.strip() if note and note.strip() else None  # a blank note acknowledges nothing
    draft = load_draft(workspace, draft_id)
    report = check_approvable(workspace, draft)
    codes = sorted({f"{w.code} at {w.path}" for w in report.warnings})
    if codes and not (accept_warnings and note):
        raise FindingsError(
            f"draft {draft.id} has {len(codes)} warnings; acknowledge them with "
            "--accept-warnings and a --note saying why",
            report=report,
        )
    if any(a.reviewer == reviewer for a in draft.approvals):
        raise ConflictError(f"{reviewer} has already approved draft {draft.id}")
    at = now()
    draft.approvals.append(Approval(reviewer=reviewer, at=at, note=note, accepted_warnings=codes))
    required = load_config(workspace).approvals_required
    if len(draft.approvals) < required:
        draft.history.append(
            HistoryEntry(
                at=at,
                by=reviewer,
                action="approved",
                note=_approval_note(note, len(draft.approvals), required),
                content_sha256=assessment_hash(draft.assessment),
            )
        )
        save_draft(workspace, draft)
        return ApprovalResult(draft, None, len(draft.approvals), required)
    version = _promote(workspace, draft, reviewer, note, required)
    return ApprovalResult(draft, version, len(draft.approvals), required)


def _approval_note(note: str | None, count: int, required: int) -> str | None:
    if required == 1:
        return note
    tally = f"approval {count} of {required}"
    return f"{tally}: {note}" if note else tally


def _promote(
    workspace: Workspace, draft: Draft, reviewer: str, note: str | None, required: int
) -> int:
    current = current_role(workspace, draft.slug)
    version = current.version + 1 if current else 1
    new = Assessment.model_validate(draft.assessment)
    if draft.kind is Kind.commentary:
        # Only the commentary changes: every other field is the current version's, untouched.
        assert current is not None  # _check_base refused a commentary draft without a base
        new = current.model_copy(update={"commentary": new.commentary})
    entry = HistoryEntry(
        at=draft.approvals[-1].at,
        by=reviewer,
        action="approved",
        note=_approval_note(note, len(draft.approvals), required),
        draft=draft.id,
        version=version,
        content_sha256=content_hash(new.content()),
    )
    carried = [e.model_copy(update={"draft": draft.id}) for e in draft.history]
    role = new.model_copy(
        update={
            "version": version,
            "history": [*(current.history if current else []), *carried, entry],
        }
    )
    atomic_write(
        _intent_path(workspace),
        Intent(
            draft=draft.id,
            slug=draft.slug,
            version=version,
            entry=entry,
            approval=draft.approvals[-1],
        ).model_dump_json(),
    )
    checkpoint("intent")
    if current is not None:
        kept = version_path(workspace, current.slug, current.version)
        if kept.exists():
            # The role's file may only have gained entries since its version was kept.
            extend(load_model(Assessment, kept).history, current.history, f"roles/{draft.slug}")
        keep_version(workspace, current)
    keep_version(workspace, role)
    checkpoint("version")
    atomic_write(workspace.role_path(draft.slug), dump_model(role, "assessment"))
    checkpoint("role")
    _mark_approved(workspace, draft, entry)
    checkpoint("draft")
    _intent_path(workspace).unlink()
    return version


def _mark_approved(workspace: Workspace, draft: Draft, entry: HistoryEntry) -> None:
    draft.status = Status.approved
    draft.history.append(entry.model_copy(update={"draft": None}))
    save_draft(workspace, draft)
