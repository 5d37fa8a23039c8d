"""Regenerating a canonical role's commentary: the commentary stage alone, queued for review.

It runs the same stage, prompt, figure references, validation and repairs as ``jobzone draft``
(:class:`DraftRun` with ``regenerating`` set), so there is one implementation. A regeneration is
keyed by the role and the canonical version it reads, so running ``--stale`` again after an
interruption resumes or skips what was already done instead of paying for it twice. Only a draft
a reviewer closed (rejected, or changes requested) makes way for another attempt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from jobzone.canonical import CanonicalRole, CanonicalSet
from jobzone.drafting.budget import Budget
from jobzone.drafting.journal import Journal, RunRequest
from jobzone.drafting.pipeline import DraftRun
from jobzone.drafting.settings import ModelSettings
from jobzone.drafting.usage import PriceTable
from jobzone.drafts import Draft, Status, draft_path, load_draft, save_draft
from jobzone.figures import stale_reasons
from jobzone.locking import workspace_lock
from jobzone.workspace import Workspace


def stale_roles(canonical: CanonicalSet) -> list[tuple[CanonicalRole, list[str]]]:
    """Canonical roles whose commentary no longer matches its figures, with why."""
    found = []
    for role in sorted(canonical, key=lambda r: r.slug):
        reasons = stale_reasons(
            role.assessment.commentary, role.score, canonical.without(role.slug)
        )
        if reasons:
            found.append((role, reasons))
    return found


#: A commentary draft in one of these states was closed by a reviewer: asking again is allowed.
CLOSED = frozenset({Status.rejected, Status.changes_requested})


def regeneration_id(role: CanonicalRole, attempt: int = 1) -> str:
    """One id per role, canonical version and attempt: the same request twice is the same draft.

    Attempts after the first follow only drafts a reviewer closed (see :data:`CLOSED`)."""
    suffix = f"-{role.sha256[:8]}" + (f"-{attempt}" if attempt > 1 else "")
    return f"commentary-{role.slug}"[: 80 - len(suffix)] + suffix


@dataclass(frozen=True)
class Regeneration:
    draft: Draft
    queued: bool  # False: the draft was already in the queue and nothing was asked


def regenerate(
    workspace: Workspace,
    canonical: CanonicalSet,
    role: CanonicalRole,
    *,
    notes: str | None,
    settings: ModelSettings,
    prices: PriceTable,
    by: str,
    progress: Callable[[str], None],
) -> Regeneration:
    """Queue a commentary draft for ``role``, resuming an interrupted run of the same request.

    A draft already made for this version of the role is returned as it is (``queued`` False),
    unless a reviewer closed it: then the next attempt is drafted, so that ``jobzone commentary``
    is not a dead end after a rejection or a change request (``jobzone redraft`` refers here).
    """
    attempt = 1
    while draft_path(workspace, run_id := regeneration_id(role, attempt)).exists():
        existing = load_draft(workspace, run_id)
        if existing.status not in CLOSED:
            return Regeneration(existing, queued=False)
        attempt += 1
    journal = Journal.open_or_create(
        workspace,
        RunRequest(
            id=run_id,
            title=role.title,
            notes=notes,
            model=settings.model,
            temperature=settings.temperature,
            max_repairs=2,
            assessed_on=role.assessment.assessed_on,
            created_at=dt.datetime.now(dt.UTC),
            by=by,
            base=role.base_version(),
        ),
    )
    run = DraftRun(
        workspace_canonical=canonical,
        journal=journal,
        settings=settings,
        prices=prices,
        budget=Budget(None),
        progress=progress,
        regenerating=role,
    )
    draft = run.execute()
    with workspace_lock(workspace):
        save_draft(workspace, draft)
        journal.finish("drafted", draft.id)
    return Regeneration(draft, queued=True)
