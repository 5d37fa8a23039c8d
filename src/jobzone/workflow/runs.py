"""What every run a model makes has in common: planning it, asking, and queueing its result.

A run goes in three steps. Under the lock (a :func:`~jobzone.workflow.session.session`), it is
planned: its target checked, its revision base fixed, its journal created or reopened. Then the
model is asked, without the lock, for as long as it takes (:class:`~jobzone.drafting.pipeline.
DraftRun`). Then, under the lock again, the result is queued: checked once against the canonical
set as it is by then, saved, and recorded in the history. An interrupted or failed run keeps its
journal; running the same command again (or ``draft --resume ID``) continues it without paying
twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from jobzone.assessment import Assessment
from jobzone.calls import Usage
from jobzone.canonical import CanonicalSet
from jobzone.documents import dump_model
from jobzone.drafting.budget import Budget
from jobzone.drafting.journal import Journal, RunOutcome, RunRequest
from jobzone.drafting.model import Model, ModelChoice
from jobzone.drafting.pipeline import Activity, Drafted, DraftRun
from jobzone.drafting.prices import PriceTable
from jobzone.drafts import Draft, Findings, Kind, Provenance, Status
from jobzone.errors import BudgetExceededError, ConfigError, ModelCallError
from jobzone.history import Action
from jobzone.progress import Notice
from jobzone.rubric import DEFAULT_RUBRIC
from jobzone.workflow import Workflow
from jobzone.workflow.session import Session

REVISIONS_DIR = ".revisions"
DEFAULT_REPAIRS = 2


@dataclass(frozen=True)
class DraftOptions:
    """How a run asks: the model as chosen, repairs, budget, prices, and whether the editor
    insists the title is a job title."""

    model: ModelChoice = field(default_factory=ModelChoice)
    max_repairs: int = DEFAULT_REPAIRS
    budget_tokens: int | None = None
    prices: Path | None = None
    #: Draft the title even when it does not look like a job title, or the model says so.
    force_title: bool = False


@dataclass
class Plan:
    """A run ready to go: its journal and model, the canonical set it reads, and what it
    rewrites (for commentary)."""

    journal: Journal
    model: Model
    canonical: CanonicalSet
    fixed: Assessment | None = None
    prices: PriceTable = field(default_factory=PriceTable.load)
    #: Told when the run's work splits into threads (a batch set's model needs to know).
    activity: Activity | None = None

    def __post_init__(self) -> None:
        # Plans are made under the workspace's lock: a prune that takes it next sees the run
        # as just active, and leaves it alone.
        self.journal.mark_active()

    @property
    def request(self) -> RunRequest:
        return self.journal.request


def model_for(wf: Workflow, choice: ModelChoice | None) -> Model:
    """The model a run asks; a ConfigError when none is configured (before anything is written)."""
    if wf.models is None:
        raise ConfigError("this workflow has no model to draft with")
    return wf.models(choice or ModelChoice())


def execute(
    wf: Workflow, plan: Plan, budget_tokens: int | None = None, *, budget: Budget | None = None
) -> Drafted:
    """Ask the model, without the lock. A stop (budget, failed call, Ctrl-C) keeps the journal
    and says how to continue. ``budget``: one shared with other runs (a set's), instead of one
    of ``budget_tokens`` for this run alone."""
    journal = plan.journal
    if budget is None:
        used = sum((c.usage for c in journal.calls()), Usage()).total_tokens
        budget = Budget(budget_tokens, used=used)
    run = DraftRun(
        canonical=plan.canonical,
        journal=journal,
        model=plan.model,
        budget=budget,
        notify=wf.notify,
        fixed=plan.fixed,
        activity=plan.activity,
    )
    again = plan.request.resume_command
    how = f"its answers are kept; continue with `{again}` without paying for them again"
    try:
        return run.execute()
    except (BudgetExceededError, ModelCallError, ConfigError) as exc:
        journal.stop(exc.message.rstrip("."))
        exc.hint = f"Run {journal.request.id} stopped: {how}"
        raise
    except KeyboardInterrupt:
        journal.stop("interrupted (Ctrl-C)")
        wf.notify(Notice(f"interrupted: run {journal.request.id} stopped; {how}"))
        raise


def provenance(plan: Plan, drafted: Drafted) -> Provenance:
    """Where a run's content came from: the model, endpoint, prompts, calls, tokens and cost."""
    request = plan.request
    usage = sum((c.usage for c in drafted.calls), Usage())
    return Provenance(
        model=request.model,
        endpoint_host=plan.model.identity.endpoint_host,
        temperature=request.temperature,
        prompt_versions=drafted.prompt_versions,
        rubric=DEFAULT_RUBRIC,
        calls=drafted.calls,
        repairs=drafted.repairs,
        usage=usage,
        cost_usd=plan.prices.cost_of_calls(request.model, drafted.calls),
        prices=plan.prices.source,
        suggested_title=drafted.suggested_title,
        structured_output=plan.model.identity.structured_output,
    )


def keep_revision(s: Session, draft: Draft) -> None:
    """Keep the revision that a redraft or new commentary replaces, as it was."""
    kept = s.workspace.drafts_dir / REVISIONS_DIR / draft.id / f"r{draft.revision}.yaml"
    s.write(kept, dump_model(draft, "draft", "../../../schemas"))


def queue_new(wf: Workflow, plan: Plan, drafted: Drafted, kind: Kind) -> Draft:
    """Queue a run's result as a new draft (under the lock, checked once, recorded)."""
    request = plan.request
    with wf.session() as s:
        new = Draft(
            id=request.id,
            kind=kind,
            status=Status.pending,
            title=str(drafted.assessment["title"]),
            slug=str(drafted.assessment["slug"]),
            base=request.base,
            created_at=request.created_at,
            assessment=drafted.assessment,
            findings=Findings(),
            score=None,
            provenance=provenance(plan, drafted),
            history=[],
        )
        checked = s.check(new)
        note = f"drafted ({kind.value}) by {request.model} for {request.title!r}"
        s.record(new, Action.drafted, request.by, note, checked=checked)
        s.save_new(new)
        plan.journal.finish(RunOutcome.queued, new.id)
        return new
