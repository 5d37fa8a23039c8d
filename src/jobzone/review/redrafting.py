"""``jobzone redraft``: run the drafting stages again with the reviewers' notes as guidance.

The result is the next revision of the same draft; the earlier revision is kept in
``drafts/.revisions/<id>/r<N>.yaml``.
"""

from __future__ import annotations

from collections.abc import Callable

from jobzone.canonical import load_canonical
from jobzone.documents import atomic_write, dump_model
from jobzone.drafting.budget import Budget
from jobzone.drafting.journal import Journal, RunRequest
from jobzone.drafting.pipeline import DraftRun, revision_base
from jobzone.drafting.settings import ModelSettings
from jobzone.drafting.usage import PriceTable
from jobzone.drafts import Draft, Kind, Status, assessment_hash, load_draft, save_draft
from jobzone.errors import ConflictError, InputError
from jobzone.history import HistoryEntry, now
from jobzone.locking import workspace_lock
from jobzone.workspace import Workspace

REVISIONS_DIR = ".revisions"


def reviewer_notes(draft: Draft) -> list[str]:
    """Notes of the change requests made since the draft's latest (re)draft."""
    notes: list[str] = []
    for entry in draft.history:
        if entry.action in ("drafted", "redrafted"):
            notes = []
        elif entry.action == "changes requested" and entry.note:
            notes.append(f"{entry.by}: {entry.note}")
    return notes


def guidance(draft: Draft, original_notes: str | None) -> str:
    parts = [original_notes] if original_notes else []
    notes = reviewer_notes(draft)
    if notes:
        parts.append("Reviewers asked for these changes to the previous draft:")
        parts.extend(f"- {n}" for n in notes)
    return "\n".join(parts)


def redraft(
    workspace: Workspace,
    draft_id: str,
    by: str,
    settings: ModelSettings,
    prices: PriceTable,
    progress: Callable[[str], None],
) -> Draft:
    draft = load_draft(workspace, draft_id)
    if draft.status is not Status.changes_requested:
        raise ConflictError(
            f"draft {draft.id} is {draft.status.value}; redraft follows a change request"
        )
    if draft.kind is Kind.commentary:
        raise InputError(
            "commentary drafts are regenerated with `jobzone commentary`", rule="redraft.kind"
        )
    previous = Journal.open(workspace, draft.id).request if _has_run(workspace, draft.id) else None
    revision = draft.revision + 1
    canonical = load_canonical(workspace)
    request = RunRequest(
        id=f"{draft.id}-r{revision}",
        title=draft.title,
        notes=guidance(draft, previous.notes if previous else None),
        model=settings.model,
        temperature=settings.temperature,
        max_repairs=previous.max_repairs if previous else 2,
        # The same assessment, revised: it keeps its date (and its recording replays).
        assessed_on=previous.assessed_on if previous else now().date(),
        created_at=now(),
        by=by,
        # Against the canonical set as it is now: a redraft is how a stale base is brought up
        # to date, and how a "new" role that turned out to exist becomes its revision.
        base=revision_base(canonical, draft.title),
    )
    journal = Journal.open_or_create(workspace, request)
    run = DraftRun(
        workspace_canonical=canonical,
        journal=journal,
        settings=settings,
        prices=prices,
        budget=Budget(None),
        progress=progress,
    )
    fresh = run.execute()
    with workspace_lock(workspace):
        current = load_draft(workspace, draft_id)
        if current.revision != draft.revision or current.status is not Status.changes_requested:
            raise ConflictError(f"draft {draft_id} changed while it was being redrafted")
        kept = workspace.drafts_dir / REVISIONS_DIR / draft.id / f"r{draft.revision}.yaml"
        atomic_write(kept, dump_model(current, "draft", "../../../schemas"))
        entry = HistoryEntry(
            at=now(),
            by=by,
            action="redrafted",
            note=f"revision {revision} from run {request.id}, with the reviewers' notes",
            content_sha256=assessment_hash(fresh.assessment),
        )
        updated = fresh.model_copy(
            update={
                "id": draft.id,
                "revision": revision,
                "created_at": draft.created_at,
                "history": [*current.history, entry],
            }
        )
        save_draft(workspace, updated)
        journal.finish("redrafted", draft.id)
    return updated


def _has_run(workspace: Workspace, draft_id: str) -> bool:
    return (Journal.folder(workspace, draft_id) / "request.json").is_file()
