"""``jobzone eval drafts``: draft each canonical role from its title and compare the draft with
the approved assessment.

Each role is drafted by the same run as ``jobzone draft`` (:class:`~jobzone.drafting.pipeline.
DraftRun`), with three differences: the canonical set it sees leaves the role itself out, so the
role is never its own calibration neighbour (nor a role its commentary may name); the draft is
dated as the approved assessment is, so both judge the same moment (and a recording replays);
and the model's verdict on the title is not asked about, the title being an approved role's.
Nothing is queued: the draft, its findings and its comparison are the case's result.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from jobzone.calls import CallOutcome, Usage
from jobzone.canonical import CanonicalRole, CanonicalSet, load_canonical
from jobzone.checking import check
from jobzone.drafting.budget import Budget
from jobzone.drafting.journal import Journal, RunRequest
from jobzone.drafting.model import Model, ModelChoice
from jobzone.drafting.pipeline import Drafted, DraftRun
from jobzone.drafting.prices import PriceTable
from jobzone.drafting.prompts import prompt_versions
from jobzone.errors import BudgetExceededError, ConfigError, InputError, ModelCallError
from jobzone.evals.compare_role import RoleComparison, compare_role
from jobzone.evals.runs import EvalKind, EvalRun, EvalSettings, new_run_id
from jobzone.history import Action, now
from jobzone.progress import Notice
from jobzone.rubric import DEFAULT_RUBRIC
from jobzone.workflow import Workflow
from jobzone.workflow.runs import DEFAULT_REPAIRS, model_for
from jobzone.workspace import Workspace


class CaseUsage(BaseModel):
    """What drafting one role cost."""

    model_config = ConfigDict(extra="forbid")

    calls: int
    failed_calls: int
    repairs: int
    prompt_tokens: int
    completion_tokens: int
    cached_tokens: int
    cost_usd: float | None
    #: Seconds this case took to draft in the session that finished it.
    wall_seconds: float

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class DraftCase(BaseModel):
    """One role's result: the draft, its findings, and how it compares with the approved role
    (None when the draft breaks the file format even after its repairs)."""

    model_config = ConfigDict(extra="forbid")

    slug: str
    title: str
    notes: str | None
    errors: list[str]
    warnings: list[str]
    comparison: RoleComparison | None
    usage: CaseUsage
    draft: dict[str, Any]


@dataclass(frozen=True)
class DraftsOptions:
    """How the roles are drafted."""

    model: ModelChoice = field(default_factory=ModelChoice)
    max_repairs: int = DEFAULT_REPAIRS
    #: Draft each role with the notes it was drafted with, where jobzone kept them.
    notes: bool = False


def approved_notes(workspace: Workspace, role: CanonicalRole) -> str | None:
    """The editor's notes of the run that drafted the role's approved version, if jobzone kept
    that run (a role imported or written by hand has none)."""
    approvals = [e for e in role.assessment.history if e.action is Action.approved and e.draft]
    if not approvals or approvals[-1].draft is None:
        return None
    draft_id = approvals[-1].draft
    if not (Journal.folder(workspace, draft_id) / "request.json").is_file():
        return None
    return Journal.open(workspace, draft_id).request.notes


def chosen_roles(canonical: CanonicalSet, slugs: list[str]) -> list[str]:
    """The roles to evaluate: those named, else the whole canonical set, in slug order."""
    known = sorted(role.slug for role in canonical)
    if not known:
        raise InputError("the workspace has no canonical roles to evaluate", rule="eval.roles")
    unknown = [s for s in slugs if s not in canonical]
    if unknown:
        raise InputError(
            f"not in the canonical set: {', '.join(unknown)} (it holds {', '.join(known)})",
            field="SLUG",
            rule="eval.roles",
        )
    return list(dict.fromkeys(slugs)) or known


def start(wf: Workflow, slugs: list[str], options: DraftsOptions) -> tuple[EvalRun, Model]:
    """A new run over the roles named (else every canonical role), and its model."""
    canonical = load_canonical(wf.workspace, wf.notify)
    for problem in canonical.unreadable:  # left out, and said, never silently
        wf.notify(Notice(f"not evaluated, the role file cannot be read: {problem.message}"))
    chosen = chosen_roles(canonical, slugs)
    model = model_for(wf, options.model)
    at = now()
    settings = EvalSettings(
        id=new_run_id(EvalKind.drafts, model.identity.name, at),
        kind=EvalKind.drafts,
        created_at=at,
        by="jobzone eval",
        model=model.identity.name,
        endpoint_host=model.identity.endpoint_host,
        temperature=model.identity.temperature,
        prompt_versions=prompt_versions(),
        rubric=DEFAULT_RUBRIC,
        max_repairs=options.max_repairs,
        cases=chosen,
        notes=options.notes,
    )
    return EvalRun.create(wf.workspace, settings), model


def execute(
    wf: Workflow,
    run: EvalRun,
    model: Model,
    *,
    budget_tokens: int | None = None,
    prices: Path | None = None,
) -> list[DraftCase]:
    """Draft and compare every case not finished yet; every case's result, in order. A stop
    (budget, failed call, Ctrl-C) keeps what was paid for and says how to continue."""
    canonical = load_canonical(wf.workspace, wf.notify)
    table = PriceTable.load(prices)
    budget = Budget(budget_tokens, used=run.used_tokens())
    cases: list[DraftCase] = []
    total = len(run.settings.cases)
    for number, slug in enumerate(run.settings.cases, 1):
        done = run.result(slug, DraftCase)
        if done is None:
            wf.notify(Notice(f"eval {run.id}: drafting {slug} ({number} of {total})"))
            done = _draft_case(wf, run, model, canonical, slug, budget, table)
            run.save_result(slug, done)
        cases.append(done)
    return cases


def _draft_case(
    wf: Workflow,
    run: EvalRun,
    model: Model,
    canonical: CanonicalSet,
    slug: str,
    budget: Budget,
    prices: PriceTable,
) -> DraftCase:
    role = canonical.get(slug)
    if role is None:
        raise InputError(
            f"{slug} has left the canonical set since the run began", rule="eval.roles"
        )
    settings = run.settings
    notes = approved_notes(wf.workspace, role) if settings.notes else None
    request = RunRequest(
        id=slug,
        title=role.title,
        notes=notes,
        model=settings.model,
        temperature=settings.temperature,
        max_repairs=settings.max_repairs,
        assessed_on=role.assessment.assessed_on,
        created_at=now(),
        by=settings.by,
        force_title=True,
    )
    journal = run.journal(slug, request)
    others = canonical.without(slug)
    drafting = DraftRun(others, journal, model, budget, notify=wf.notify)
    started = time.monotonic()
    try:
        drafted = drafting.execute()
    except (BudgetExceededError, ModelCallError, ConfigError) as exc:
        journal.stop(exc.message.rstrip("."))
        exc.hint = f"Evaluation {run.id} stopped: {_how_to_continue(run)}"
        raise
    except KeyboardInterrupt:
        journal.stop("interrupted (Ctrl-C)")
        wf.notify(Notice(f"interrupted: evaluation {run.id} stopped; {_how_to_continue(run)}"))
        raise
    return _case(role, others, journal.request, drafted, prices, time.monotonic() - started)


def _how_to_continue(run: EvalRun) -> str:
    return (
        f"its answers are kept; continue with `jobzone eval {run.settings.kind.value} --resume "
        f"{run.id}` without paying for them again"
    )


def _case(
    role: CanonicalRole,
    others: CanonicalSet,
    request: RunRequest,
    drafted: Drafted,
    prices: PriceTable,
    seconds: float,
) -> DraftCase:
    checked = check(drafted.assessment, others)
    comparison = (
        compare_role(checked.assessment, checked.score, role.assessment, role.score)
        if checked.assessment is not None
        else None
    )
    usage = sum((c.usage for c in drafted.calls), Usage())
    return DraftCase(
        slug=role.slug,
        title=role.title,
        notes=request.notes,
        errors=[f.code for f in checked.report.errors],
        warnings=[f.code for f in checked.report.warnings],
        comparison=comparison,
        usage=CaseUsage(
            calls=len(drafted.calls),
            failed_calls=sum(c.outcome is not CallOutcome.ok for c in drafted.calls),
            repairs=len(drafted.repairs),
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
            cached_tokens=usage.cached_tokens,
            cost_usd=prices.cost_of_calls(request.model, drafted.calls),
            wall_seconds=round(seconds, 3),
        ),
        draft=drafted.assessment,
    )
