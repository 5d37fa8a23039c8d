"""New commentary, through review: for a canonical role, or for a draft still in the queue.

It runs the same stage, prompt, figure references, validation and repairs as ``jobzone draft``
(a commentary run of :class:`~jobzone.drafting.pipeline.DraftRun`), and leaves every other part
of the assessment as it is.

- For a canonical role the result is a commentary draft, keyed by the role and the version it
  reads, so asking twice (or running ``--stale`` again after an interruption) resumes or skips
  what was done instead of paying twice. Only a draft a reviewer closed (rejected, or changes
  requested) makes way for another attempt.
- For a draft (pending, or with changes requested) the commentary is replaced in the draft
  itself, as its next revision; the earlier revision is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from jobzone.assessment import Assessment
from jobzone.canonical import BaseVersion, CanonicalRole
from jobzone.checking import score_or_none
from jobzone.drafting.journal import Journal, RunOutcome, RunPurpose, RunRequest
from jobzone.drafting.model import Model, ModelChoice
from jobzone.drafts import Draft, Kind, Provenance, Status, draft_path
from jobzone.errors import ConflictError, InputError, JobzoneError, NotFoundError
from jobzone.history import Action, now
from jobzone.review.targets import resolve_draft
from jobzone.workflow import Workflow
from jobzone.workflow.runs import (
    DEFAULT_REPAIRS,
    Plan,
    execute,
    keep_revision,
    model_for,
    provenance,
    queue_new,
)
from jobzone.workflow.session import Session
from jobzone.workspace import suffixed

#: A commentary draft in one of these states was closed by a reviewer: asking again is allowed.
CLOSED = frozenset({Status.rejected, Status.changes_requested})


def regeneration_id(role: CanonicalRole, attempt: int = 1) -> str:
    """One id per role, canonical version and attempt: the same request twice is the same draft.

    Attempts after the first follow only drafts a reviewer closed (see :data:`CLOSED`)."""
    suffix = f"-{role.sha256[:8]}" + (f"-{attempt}" if attempt > 1 else "")
    return suffixed(f"commentary-{role.slug}", suffix)


@dataclass(frozen=True)
class Regeneration:
    draft: Draft
    #: False: a draft for this version was already in the queue and nothing was asked.
    queued: bool


def regenerate(
    wf: Workflow, target: str, *, notes: str | None, by: str, model: ModelChoice | None = None
) -> Regeneration:
    """New commentary for ``target``: a canonical role's slug, else a draft (its id, a unique
    prefix, or its role's slug). A model is needed only when something is to be written."""
    with wf.session() as s:
        role = s.canonical.get(target)
        if role is not None:
            existing = _existing(s, role)
            if existing is not None:
                return Regeneration(existing, queued=False)
            plan = _role_plan(s, role, notes, by, model_for(wf, model))
        else:
            draft = s.open_draft(_draft_named(s, target), "new commentary")
            plan = _draft_plan(s, draft, notes, by, model_for(wf, model))
    drafted = execute(wf, plan)
    if role is not None:
        return Regeneration(queue_new(wf, plan, drafted, Kind.commentary), queued=True)
    with wf.session() as s:
        latest = s.draft(draft.id)
        if latest.revision != draft.revision or not latest.status.is_open:
            raise ConflictError(f"draft {draft.id} changed while its commentary was written")
        keep_revision(s, latest)
        latest.revision += 1
        latest.assessment = drafted.assessment
        latest.provenance = _extended(latest.provenance, provenance(plan, drafted))
        s.reopen(latest)
        checked = s.check(latest)
        note = f"revision {latest.revision}: new commentary from run {plan.request.id}"
        s.record(latest, Action.commentary_regenerated, by, note, checked=checked)
        s.save(latest)
        plan.journal.finish(RunOutcome.queued, latest.id)
        return Regeneration(latest, queued=True)


def regenerate_all(
    wf: Workflow,
    slugs: list[str],
    *,
    notes: str | None,
    by: str,
    model: ModelChoice | None = None,
    concurrency: int = 1,
) -> tuple[list[Regeneration], list[tuple[str, JobzoneError]]]:
    """New commentary for each canonical role of ``slugs`` (``--stale``), ``concurrency`` at
    a time through one rate gate (:mod:`jobzone.workflow.bulk`): what was queued or found
    queued, in order, and the roles whose run stopped, with why (each resumes when asked
    again)."""
    from jobzone.drafting.rate_gate import RateGate
    from jobzone.workflow.bulk import Job, SetOptions, gated, run_set

    def job(slug: str) -> Job[Regeneration]:
        return Job(slug, lambda w: regenerate(w, slug, notes=notes, by=by, model=model))

    def says(value: object) -> str:
        assert isinstance(value, Regeneration)
        return f"{'queued' if value.queued else 'already in the queue'} {value.draft.id}"

    models = gated(wf.models, RateGate(concurrency)) if wf.models is not None else None
    options = SetOptions(concurrency=concurrency, says=says, models=models)
    outcomes = run_set(wf, [job(slug) for slug in slugs], options)
    done = [o.value for o in outcomes if o.value is not None]
    failed = [(o.job.label, o.error) for o in outcomes if o.error is not None]
    return done, failed


def _draft_named(s: Session, target: str) -> str:
    """The draft ``target`` names, when no canonical role has that slug."""
    try:
        return resolve_draft(s.workspace, target)
    except NotFoundError as exc:
        raise NotFoundError(
            f"{target} is not in the canonical set, and {exc.detail}", rule="commentary.target"
        ) from None


def _existing(s: Session, role: CanonicalRole) -> Draft | None:
    """The commentary draft already made for this version of the role, unless a reviewer
    closed every attempt (then the next attempt is due)."""
    attempt = 1
    while draft_path(s.workspace, regeneration_id(role, attempt)).exists():
        existing = s.draft(regeneration_id(role, attempt))
        if existing.status not in CLOSED:
            return existing
        attempt += 1
    return None


def _request(
    run_id: str,
    title: str,
    assessment: Assessment,
    notes: str | None,
    by: str,
    model: Model,
    *,
    base: BaseVersion | None,
    draft: str | None = None,
    revision: int | None = None,
) -> RunRequest:
    return RunRequest(
        id=run_id,
        purpose=RunPurpose.commentary,
        draft=draft,
        revision=revision,
        base=base,
        title=title,
        notes=notes,
        model=model.identity.name,
        temperature=model.identity.temperature,
        max_repairs=DEFAULT_REPAIRS,
        assessed_on=assessment.assessed_on,
        created_at=now(),
        by=by,
    )


def _role_plan(s: Session, role: CanonicalRole, notes: str | None, by: str, model: Model) -> Plan:
    """A commentary run for the role's current version (resumed if one was interrupted)."""
    attempt = 1
    while draft_path(s.workspace, regeneration_id(role, attempt)).exists():
        attempt += 1
    run_id = regeneration_id(role, attempt)
    request = _request(
        run_id, role.title, role.assessment, notes, by, model, base=role.base_version()
    )
    journal = Journal.open_or_create(s.workspace, request)
    return Plan(journal, model, s.canonical, role.assessment)


def _draft_plan(s: Session, draft: Draft, notes: str | None, by: str, model: Model) -> Plan:
    """A commentary run for a draft's current revision, which must be scorable."""
    try:
        assessment = Assessment.model_validate(draft.assessment)
    except ValidationError:
        assessment = None
    if assessment is None or score_or_none(assessment) is None:
        raise InputError(
            f"draft {draft.id} cannot be scored yet, so there are no figures to write "
            f"commentary against; fix its errors first (`jobzone show {draft.id}`, "
            f"`jobzone edit {draft.id}`)",
            rule="commentary.unscorable",
        )
    run_id = suffixed(draft.id, f"-c{draft.revision + 1}")
    request = _request(
        run_id,
        draft.title,
        assessment,
        notes,
        by,
        model,
        base=draft.base,
        draft=draft.id,
        revision=draft.revision + 1,
    )
    journal = Journal.open_or_create(s.workspace, request)
    return Plan(journal, model, s.canonical, assessment)


def _extended(earlier: Provenance, latest: Provenance) -> Provenance:
    """The provenance of content two runs wrote: every call of both, summed."""
    cost = (
        None
        if earlier.cost_usd is None or latest.cost_usd is None
        else round(earlier.cost_usd + latest.cost_usd, 6)
    )
    return latest.model_copy(
        update={
            "calls": [*earlier.calls, *latest.calls],
            "repairs": [*earlier.repairs, *latest.repairs],
            "usage": earlier.usage + latest.usage,
            "cost_usd": cost,
            "prompt_versions": {**earlier.prompt_versions, **latest.prompt_versions},
        }
    )
