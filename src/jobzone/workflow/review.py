"""Reviewers' decisions: approve (promoting once enough agree), reject, ask for changes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from jobzone.assessment import Assessment
from jobzone.checking import Checked
from jobzone.config import load_config
from jobzone.documents import file_sha256
from jobzone.drafts import Approval, Draft, Kind, Status, load_draft
from jobzone.errors import ConflictError, FindingsError, InputError
from jobzone.history import Acknowledgement, Action, now
from jobzone.review.targets import resolve_draft
from jobzone.review.versions import current_role
from jobzone.validation import Finding, Report
from jobzone.wording import plural
from jobzone.workflow import Workflow
from jobzone.workflow.promotion import acknowledged_on, approval_entry, mark_approved, promote
from jobzone.workflow.session import Session
from jobzone.workflow.sources import refuse_unverified


@dataclass(frozen=True)
class ApprovalResult:
    draft: Draft
    #: The role's new version, or None: more approvals are needed, or nothing changed.
    promoted_version: int | None
    approvals: int
    required: int
    #: The approved content equals the current version: the draft is closed, no version made.
    unchanged: bool = False


def _acknowledgement(finding: Finding) -> Acknowledgement:
    return Acknowledgement(code=finding.code, path=finding.path, message=finding.message)


def _note(note: str | None) -> str | None:
    """A note worth keeping: a blank one acknowledges nothing."""
    return note.strip() if note and note.strip() else None


def approve(
    wf: Workflow, reference: str, reviewer: str, note: str | None, accept_warnings: bool
) -> ApprovalResult:
    """Record an approval; promote the draft once enough distinct reviewers approved it.

    Refused while the draft has errors (found again now, against today's canonical set), while
    it has warnings not acknowledged (a warning acknowledged when the role's current version was
    approved holds for the same finding), while a source is unverified in a workspace requiring
    verified sources, when this reviewer already approved it, and when its base is no longer the
    role's current version."""
    note = _note(note)
    with wf.session() as s:
        draft = s.draft(resolve_draft(wf.workspace, reference))
        if draft.status is not Status.pending:
            raise ConflictError(f"draft {draft.id} is {draft.status.value}, not pending")
        checked = s.check(draft)
        if checked.report.errors:
            raise FindingsError(
                f"draft {draft.id} has {plural(len(checked.report.errors), 'error')}; fix them "
                "before approving",
                report=checked.report,
            )
        assert checked.assessment is not None  # an assessment that does not parse has errors
        config = load_config(wf.workspace)
        if config.require_verified_sources:
            refuse_unverified(draft, checked.assessment)
        current = _current_base(s, draft)
        earlier = acknowledged_on(current)
        waiting = [w for w in checked.report.warnings if _acknowledgement(w) not in earlier]
        if waiting and not (accept_warnings and note):
            raise FindingsError(
                f"draft {draft.id} has {plural(len(waiting), 'warning')} to acknowledge; "
                "acknowledge them with --accept-warnings and a --note saying why",
                report=Report(findings=waiting),
            )
        if any(a.reviewer == reviewer for a in draft.approvals):
            raise ConflictError(f"{reviewer} has already approved draft {draft.id}")
        draft.approvals.append(
            Approval(
                reviewer=reviewer,
                at=now(),
                note=note,
                accepted_warnings=[_acknowledgement(w) for w in waiting],
            )
        )
        required = config.approvals_required
        count = len(draft.approvals)
        tally = _tally(note, count, required)
        if count < required:
            s.record(draft, Action.approved, reviewer, tally, checked=checked)
            s.save(draft)
            return ApprovalResult(draft, None, count, required)
        new = _promoted_content(draft, checked, current)
        acknowledged = sorted(
            {_acknowledgement(w) for w in checked.report.warnings},
            key=lambda a: (a.path, a.code, a.message),
        )
        if current is not None and new.content() == current.content():
            unchanged = f"no change against v{current.version}, so no new version"
            entry = approval_entry(draft, new, _join(tally, unchanged), None, acknowledged)
            mark_approved(s, draft, entry)
            return ApprovalResult(draft, None, count, required, unchanged=True)
        version = current.version + 1 if current else 1
        entry = approval_entry(draft, new, tally, version, acknowledged)
        promote(s, draft, new, entry)
        return ApprovalResult(draft, version, count, required)


def _promoted_content(draft: Draft, checked: Checked, current: Assessment | None) -> Assessment:
    """What enters the canonical set: the draft's assessment, or for a commentary draft the
    current version with only its commentary replaced."""
    assert checked.assessment is not None
    if draft.kind is Kind.commentary:
        assert current is not None  # _current_base refused a commentary draft without a base
        return current.model_copy(update={"commentary": checked.assessment.commentary})
    return checked.assessment


def _current_base(s: Session, draft: Draft) -> Assessment | None:
    """The role's current version when the draft is based on it (None for a new role); a
    ConflictError when a new role already exists or a revision's base is no longer current."""
    path = s.workspace.role_path(draft.slug)
    exists = path.exists() or path.is_symlink()
    if draft.kind is Kind.new:
        if exists:
            raise ConflictError(
                f"{draft.slug} is already in the canonical set; this new-role draft would "
                f"overwrite it. Run `jobzone rebase {draft.id}` to make it a revision of the "
                "current version, keeping its content"
            )
        return None
    # Read first, as every role file is (a link, a folder or a FIFO refused), then hashed.
    current = current_role(s.workspace, draft.slug)
    if draft.base is None or current is None or file_sha256(path) != draft.base.sha256:
        raise ConflictError(
            f"draft {draft.id} was based on a version of {draft.slug} that is no longer the "
            f"current one; run `jobzone rebase {draft.id}` to carry its changes onto the "
            f"current version (or `jobzone redraft {draft.id}` after asking for changes)"
        )
    return current


def _tally(note: str | None, count: int, required: int) -> str | None:
    if required == 1:
        return note
    tally = f"approval {count} of {required}"
    return f"{tally}: {note}" if note else tally


def _join(*parts: str | None) -> str | None:
    kept = [p for p in parts if p]
    return "; ".join(kept) if kept else None


def reject(wf: Workflow, reference: str, reviewer: str, reason: str) -> Draft:
    """Close a draft with a reason; it stays on disk with its history."""
    return _decide(wf, reference, reviewer, reason, Status.rejected, Action.rejected)


#: A field a comment can be attached to: ``tasks[3].score``, ``evidence.wage_trends``, ``role``.
_FIELD_PATH = re.compile(r"^[a-z_]+(\[[0-9]+\])?(\.[a-z_]+(\[[0-9]+\])?)*$")


def _field_exists(data: Any, path: str) -> bool:
    """Whether ``path`` names a part of the assessment mapping ``data``."""
    node = data
    for name, index in re.findall(r"([a-z_]+)(?:\[([0-9]+)\])?", path):
        if not isinstance(node, dict) or name not in node:
            return False
        node = node[name]
        if index:
            if not isinstance(node, list) or int(index) >= len(node):
                return False
            node = node[int(index)]
    return True


def request_changes(
    wf: Workflow,
    reference: str,
    reviewer: str,
    note: str,
    comments: Sequence[tuple[str, str]] = (),
) -> Draft:
    """Ask for changes; ``redraft`` takes the notes as guidance, or a reviewer edits. Each of
    ``comments`` is (field path, comment): a line of the note that names the field it is about,
    so the redraft's guidance says which part to change."""
    lines = [note.strip()] if note.strip() else []
    if comments:
        data = load_draft(wf.workspace, resolve_draft(wf.workspace, reference)).assessment
        for path, comment in comments:
            if not _FIELD_PATH.match(path) or not _field_exists(data, path):
                raise InputError(
                    f"{path!r} is no field of this draft's assessment (fields look like "
                    "tasks[2].score)",
                    field="comment",
                    rule="review.field",
                )
            if comment.strip():
                lines.append(f"On {path}: {' '.join(comment.split())}")
    return _decide(
        wf,
        reference,
        reviewer,
        "\n".join(lines),
        Status.changes_requested,
        Action.changes_requested,
    )


def _decide(
    wf: Workflow, reference: str, reviewer: str, text: str, status: Status, action: Action
) -> Draft:
    if not text.strip():
        raise InputError(f"{action.value} needs a reason", field="note", rule="review.note")
    with wf.session() as s:
        draft = s.open_draft(resolve_draft(wf.workspace, reference), action.value)
        draft.status = status
        s.record(draft, action, reviewer, text.strip())
        s.save(draft)
        return draft
