"""Drafting a role with a model: a new draft from a title, a resumed run, a redraft.

Each is a run (:mod:`jobzone.workflow.runs`): planned under the lock, asked without it, queued
under it again.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import replace
from pathlib import Path

from jobzone.drafting.assemble import slugify
from jobzone.drafting.journal import Journal, RunOutcome, RunPurpose, RunRequest
from jobzone.drafting.model import Model, ModelChoice
from jobzone.drafting.pipeline import check_title, revision_base
from jobzone.drafting.prices import PriceTable
from jobzone.drafts import Draft, Kind, Status, draft_path
from jobzone.errors import ConflictError, InputError
from jobzone.history import Action, now
from jobzone.occupations import Match, known_title
from jobzone.occupations.index import default_index
from jobzone.progress import Notice
from jobzone.review.targets import resolve_draft
from jobzone.workflow import Workflow
from jobzone.workflow.runs import (
    DEFAULT_REPAIRS,
    DraftOptions,
    Plan,
    execute,
    keep_revision,
    model_for,
    provenance,
    queue_new,
)
from jobzone.workflow.session import Session
from jobzone.workspace import check_name


def new_run_id(title: str, at: dt.datetime) -> str:
    return f"{slugify(title)[:48].strip('-')}-{at:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


def _listed(wf: Workflow, title: str) -> Match | None:
    """The O*NET occupation listing ``title``. A cache folder that cannot be written does not
    stop a draft: the index is then built in memory for this run, which is said once."""
    listed = known_title(title)
    unwritable = default_index().unwritable
    if unwritable:
        wf.notify(Notice(f"O*NET index built in memory for this run: {unwritable}"))
    return listed


def draft(
    wf: Workflow,
    title: str,
    *,
    notes: str | None,
    by: str,
    assessed_on: dt.date | None = None,
    options: DraftOptions | None = None,
) -> Draft:
    """Draft a role from its title and queue it; a revision when the title names a canonical
    role. Raises NotAJobTitleError (nothing queued) when the model says it is not a title."""
    options = options or DraftOptions()
    listed = None if options.force_title else _listed(wf, title)
    checked = check_title(title, force=options.force_title or listed is not None)
    if listed is not None:
        wf.notify(
            Notice(
                f"O*NET lists {checked!r} ({listed.code} {listed.title}, as its {listed.field}): "
                "it is drafted whatever the model's verdict on it"
            )
        )
    prices = PriceTable.load(options.prices)
    model = model_for(wf, options.model)
    with wf.session() as s:
        request = new_request(
            s,
            checked,
            notes=notes,
            by=by,
            model=model,
            max_repairs=options.max_repairs,
            assessed_on=assessed_on,
            force_title=options.force_title or listed is not None,
        )
        journal = Journal.create(s.workspace, request)
        plan = Plan(journal, model, s.canonical, prices=prices)
    wf.notify(Notice(f"drafting run {request.id}"))
    drafted = execute(wf, plan, options.budget_tokens)
    return queue_new(wf, plan, drafted, Kind.revision if request.base else Kind.new)


def new_request(
    s: Session,
    title: str,
    *,
    notes: str | None,
    by: str,
    model: Model,
    max_repairs: int,
    assessed_on: dt.date | None,
    force_title: bool,
    occupation: str | None = None,
) -> RunRequest:
    """The request of a new ``draft`` run for a checked title (under the lock: a title naming
    a canonical role makes the run a revision of its current version)."""
    at = now()
    return RunRequest(
        id=new_run_id(title, at),
        title=title,
        notes=notes,
        model=model.identity.name,
        temperature=model.identity.temperature,
        max_repairs=max_repairs,
        assessed_on=assessed_on or at.date(),
        created_at=at,
        by=by,
        base=revision_base(s.canonical, title),
        force_title=force_title,
        occupation=occupation,
    )


def resume(
    wf: Workflow,
    run_id: str,
    *,
    budget_tokens: int | None = None,
    prices: Path | None = None,
    model: ModelChoice | None = None,
) -> Draft:
    """Continue an interrupted ``draft`` run; answers already received are not paid again."""
    table = PriceTable.load(prices)
    with wf.session() as s:
        journal = Journal.open(s.workspace, check_name(run_id, "id"))
        request = journal.request
        if request.purpose is not RunPurpose.draft:
            raise InputError(
                f"run {run_id} is a {request.purpose.value} run; continue it with "
                f"`{request.resume_command}`",
                rule="run.purpose",
            )
        ended = journal.finished()
        if ended is not None or draft_path(s.workspace, run_id).exists():
            outcome = ended.value if ended else RunOutcome.queued.value
            raise ConflictError(f"run {run_id} already ended ({outcome}); nothing to resume")
        # The run's model and temperature; how to reach the server may differ this time.
        chosen = replace(
            model or ModelChoice(), name=request.model, temperature=request.temperature
        )
        plan = Plan(journal, model_for(wf, chosen), s.canonical, prices=table)
    wf.notify(Notice(f"resuming drafting run {run_id}"))
    drafted = execute(wf, plan, budget_tokens)
    return queue_new(wf, plan, drafted, Kind.revision if request.base else Kind.new)


# -- a redraft -------------------------------------------------------------------------------------


def reviewer_notes(draft: Draft) -> list[str]:
    """Notes of the change requests made since the draft's latest (re)draft."""
    notes: list[str] = []
    for entry in draft.history:
        if entry.action in (Action.drafted, Action.redrafted):
            notes = []
        elif entry.action is Action.changes_requested and entry.note:
            notes.append(f"{entry.by}: {entry.note}")
    return notes


def guidance(draft: Draft, original_notes: str | None) -> str:
    parts = [original_notes] if original_notes else []
    notes = reviewer_notes(draft)
    if notes:
        parts.append("Reviewers asked for these changes to the previous draft:")
        parts.extend(f"- {n}" for n in notes)
    return "\n".join(parts)


def redraft(wf: Workflow, reference: str, by: str, *, model: ModelChoice | None = None) -> Draft:
    """Run the drafting stages again for a draft with changes requested, the reviewers' notes
    as guidance, against the canonical set as it is now; the result is its next revision (the
    earlier one is kept in ``drafts/.revisions/``). Run again after a stop, it continues."""
    asked = model_for(wf, model)
    with wf.session() as s:
        current = s.draft(resolve_draft(wf.workspace, reference))
        if current.status is not Status.changes_requested:
            raise ConflictError(
                f"draft {current.id} is {current.status.value}; redraft follows a change request"
            )
        if current.kind is Kind.commentary:
            raise InputError(
                f"draft {current.id} is commentary; write it again with "
                f"`jobzone commentary {current.id}`",
                rule="redraft.kind",
            )
        first = _first_request(s, current)
        revision = current.revision + 1
        request = RunRequest(
            id=f"{current.id}-r{revision}",
            purpose=RunPurpose.redraft,
            draft=current.id,
            title=current.title,
            notes=guidance(current, first.notes),
            model=asked.identity.name,
            temperature=asked.identity.temperature,
            max_repairs=first.max_repairs,
            # The same assessment, revised: it keeps its date (and its recording replays).
            assessed_on=first.assessed_on,
            created_at=now(),
            by=by,
            # Against the canonical set as it is now: a redraft is how a stale base is brought
            # up to date, and how a "new" role that turned out to exist becomes its revision.
            base=revision_base(s.canonical, current.title),
            # The title is already in review: the model's verdict on it is not asked again.
            force_title=True,
            revision=revision,
        )
        journal = Journal.open_or_create(s.workspace, request)
        plan = Plan(journal, asked, s.canonical)
    drafted = execute(wf, plan)
    with wf.session() as s:
        latest = s.draft(current.id)
        if latest.revision != current.revision or latest.status is not Status.changes_requested:
            raise ConflictError(f"draft {current.id} changed while it was being redrafted")
        keep_revision(s, latest)
        request = plan.request
        latest.revision = revision
        latest.kind = Kind.revision if request.base else Kind.new
        latest.base = request.base
        latest.assessment = drafted.assessment
        latest.provenance = provenance(plan, drafted)
        s.reopen(latest)
        checked = s.check(latest)
        note = f"revision {revision} from run {request.id}, with the reviewers' notes"
        s.record(latest, Action.redrafted, by, note, checked=checked)
        s.save(latest)
        journal.finish(RunOutcome.queued, latest.id)
        return latest


def _first_request(s: Session, draft: Draft) -> RunRequest:
    """The request the draft was first drafted with (its notes, date and repairs), or one made
    up from the draft when no run made it (a draft written by hand)."""
    if (Journal.folder(s.workspace, draft.id) / "request.json").is_file():
        return Journal.open(s.workspace, draft.id).request
    assessed = draft.assessment.get("assessed_on")
    return RunRequest(
        id=draft.id,
        title=draft.title,
        notes=None,
        model=draft.provenance.model,
        temperature=draft.provenance.temperature,
        max_repairs=DEFAULT_REPAIRS,
        assessed_on=assessed if isinstance(assessed, dt.date) else draft.created_at.date(),
        created_at=draft.created_at,
        by=draft.history[0].by if draft.history else "unknown",
    )
