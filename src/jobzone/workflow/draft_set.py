"""Drafting every title of a file at once (``jobzone draft --from FILE``).

Each title is an ordinary ``draft`` run with its own journal, queued as an ordinary draft. The
set shares one canonical set load for planning, one token budget, one rate gate, and one
progress display (:mod:`jobzone.workflow.bulk`). The set's journal maps each line to its run
before anything is asked, so the same command run again skips what was queued, resumes what
stopped, and pays for nothing twice. Titles already canonical, or pending in the queue, are
skipped unless forced; bad lines are reported one by one and the rest goes on.

The engine is the endpoint's chat completions, ``concurrency`` at a time (live), its Batch API
(``batch``), or files for a server of one's own (``export``/``import``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from jobzone.drafting.assemble import slugify
from jobzone.drafting.batch_journal import BatchJournal
from jobzone.drafting.batch_model import BatchCoordinator, offline_model, shape_of
from jobzone.drafting.batch_rounds import ApiRounds, FileRounds, read_imported
from jobzone.drafting.grounding import is_occupation
from jobzone.drafting.journal import Journal, RunOutcome
from jobzone.drafting.model import Model
from jobzone.drafting.openai_model import OpenAIModel
from jobzone.drafting.pipeline import check_title, find_canonical
from jobzone.drafting.prices import PriceTable
from jobzone.drafting.rate_gate import GatedModel, RateGate
from jobzone.drafting.set_journal import SetJournal, SetRecord, set_key
from jobzone.drafting.titles_file import BadLine, Entry, TitlesFile, read_titles
from jobzone.drafts import Draft, Kind, draft_path
from jobzone.errors import BatchPendingError, ConfigError, JobzoneError, NotAJobTitleError
from jobzone.history import now
from jobzone.occupations import known_title
from jobzone.progress import Notice
from jobzone.review.queue import Row, rows
from jobzone.wording import plural
from jobzone.workflow import Workflow
from jobzone.workflow.bulk import DEFAULT_CONCURRENCY, Job, Outcome, SetBudget, SetOptions, run_set
from jobzone.workflow.drafting import new_request
from jobzone.workflow.runs import DraftOptions, Plan, execute, model_for, queue_new
from jobzone.workflow.session import Session


class Engine(StrEnum):
    live = "live"
    batch = "batch"
    files = "files"  # --batch-export / --batch-import


@dataclass(frozen=True)
class SetRequest:
    path: Path
    by: str
    options: DraftOptions = field(default_factory=DraftOptions)
    assessed_on: dt.date | None = None
    concurrency: int = DEFAULT_CONCURRENCY
    #: Draft titles already canonical or pending too.
    force: bool = False
    engine: Engine = Engine.live
    export: Path | None = None
    imported: Path | None = None


class State(StrEnum):
    """How a line of the set stands after this run of the command."""

    queued = "queued"
    queued_earlier = "queued-earlier"
    skipped = "skipped"
    refused = "refused"
    not_a_title = "not-a-title"
    stopped = "stopped"
    waiting = "waiting"  # its next requests are in an exported batch file
    not_started = "not-started"


@dataclass(frozen=True)
class Line:
    """One line of the titles file, and what became of it."""

    line: int
    title: str
    state: State
    detail: str | None = None
    run: str | None = None
    draft: str | None = None
    aijri: float | None = None
    errors: int | None = None
    warnings: int | None = None
    tokens: int | None = None
    cost_usd: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {k: (v.value if isinstance(v, StrEnum) else v) for k, v in vars(self).items()}


@dataclass(frozen=True)
class SetReport:
    key: str
    file: str
    lines: list[Line]
    tokens: int
    cost_usd: float | None
    #: The batch submissions (or exported rounds) this run of the command made.
    rounds: int = 0
    #: What to do next, when the set is not finished.
    next_step: str | None = None

    @property
    def unfinished(self) -> bool:
        resumable = (State.stopped, State.waiting, State.not_started)
        return any(line.state in resumable for line in self.lines)

    @property
    def with_errors(self) -> bool:
        return any(line.errors for line in self.lines)


@dataclass
class _Planned:
    entry: Entry
    plan: Plan


def draft_set(wf: Workflow, request: SetRequest, command: str) -> SetReport:
    """Draft the titles of ``request.path``; ``command`` is how the person ran it (said in
    how to continue an exported round)."""
    options = request.options
    prices = PriceTable.load(options.prices)
    titles = read_titles(request.path, lambda text: _checked(text, options.force_title))
    if request.engine is Engine.files:
        model: Model = offline_model(options.model)
    else:
        model = model_for(wf, options.model)
    with wf.session() as s:
        journal = _set_journal(s, titles, request, model)
        done, planned = _plan(s, titles, journal, request, model, prices)
    _announce(wf, done, planned, request)
    budget = SetBudget.of(
        options.budget_tokens, [c for p in planned for c in p.plan.journal.calls()]
    )
    coordinator = _coordinator(wf, journal, model, request, command) if planned else None
    gate = RateGate(max(1, request.concurrency))
    for item in planned:
        if coordinator is not None:
            item.plan.model = coordinator.join(item.plan.request.id)
            item.plan.activity = item.plan.model
        else:
            item.plan.model = GatedModel(item.plan.model, gate)
    jobs = [Job(f"line {p.entry.line}: {p.entry.title}", _job(p.plan, budget)) for p in planned]
    if coordinator is not None:
        jobs = [
            Job(job.label, _leaving(job.run, coordinator, p.plan))
            for job, p in zip(jobs, planned, strict=True)
        ]
    set_options = SetOptions(
        concurrency=len(jobs) if coordinator is not None else request.concurrency,
        budget=budget,
        prices=prices,
        model=model.identity.name,
        says=_says,
        tick=coordinator.step if coordinator is not None else None,
    )
    outcomes = run_set(wf, jobs, set_options)
    lines = done + [_line(p, o, prices) for p, o in zip(planned, outcomes, strict=True)]
    tokens, cost = budget.spent(prices, model.identity.name)
    waiting = next((o.error for o in outcomes if isinstance(o.error, BatchPendingError)), None)
    return SetReport(
        key=journal.record.key,
        file=str(request.path),
        lines=sorted(lines, key=lambda line: line.line),
        tokens=tokens,
        cost_usd=cost,
        rounds=coordinator.rounds_answered if coordinator is not None else 0,
        next_step=waiting.message.split(": ", 1)[-1] if waiting else None,
    )


def _announce(wf: Workflow, done: list[Line], planned: list[_Planned], request: SetRequest) -> None:
    """Before anything is asked: each line not drafted now, and why, then what will be."""
    for line in sorted(done, key=lambda line: line.line):
        why = f": {line.detail}" if line.detail else ""
        wf.notify(Notice(f"line {line.line} ({line.title}): {line.state.value}{why}"))
    how = (
        "through batches"
        if request.engine is not Engine.live
        else (f"{max(1, request.concurrency)} at a time")
    )
    wf.notify(Notice(f"drafting {plural(len(planned), 'title')} of {request.path}, {how}"))


def _coordinator(
    wf: Workflow, journal: SetJournal, model: Model, request: SetRequest, command: str
) -> BatchCoordinator | None:
    """The batch coordinator of the batch engines (None live)."""
    if request.engine is Engine.live:
        return None
    batches = BatchJournal(journal.root / "batches", wf.workspace.root)
    if request.engine is Engine.files:
        export = request.export or (Path(journal.record.export) if journal.record.export else None)
        files = FileRounds(batches, export, continue_with=f"`{command} --batch-import RESULTS`")
        if request.imported is not None:
            files.imported = read_imported(request.imported)
            files.imported_from = str(request.imported)
        return BatchCoordinator(files, shape_of(model), model.identity)
    if not isinstance(model, OpenAIModel):
        raise ConfigError("--batch needs an OpenAI-compatible endpoint (OPENAI_BASE_URL)")
    api = ApiRounds(model.sdk, batches, wf.notify, model.sleep)
    return BatchCoordinator(api, shape_of(model), model.identity)


def _checked(text: str, force_title: bool) -> str:
    """The title, checked as ``jobzone draft`` checks it (a title O*NET lists is never refused
    on its face)."""
    return check_title(text, force=force_title or known_title(text.strip()) is not None)


def _set_journal(s: Session, titles: TitlesFile, request: SetRequest, model: Model) -> SetJournal:
    options = request.options
    name = model.identity.name
    record = SetRecord(
        key=set_key(titles.sha256, name, options.max_repairs, options.force_title),
        file=str(request.path),
        sha256=titles.sha256,
        model=name,
        max_repairs=options.max_repairs,
        force_title=options.force_title,
        assessed_on=request.assessed_on or now().date(),
        created_at=now(),
        by=request.by,
    )
    journal = SetJournal.open_or_create(s.workspace, record)
    if request.export is not None:
        journal.remember_export(str(request.export))
    return journal


def _plan(
    s: Session,
    titles: TitlesFile,
    journal: SetJournal,
    request: SetRequest,
    model: Model,
    prices: PriceTable,
) -> tuple[list[Line], list[_Planned]]:
    """Under the lock: what each line needs (nothing, a resumed run, a new run), with the new
    runs' ids recorded in the set's journal before any of them asks anything."""
    lines = [_bad(bad) for bad in titles.bad]
    planned: list[_Planned] = []
    queue = {row.id: row for row in rows(s.workspace).rows}
    open_by_slug = {
        row.slug: row
        for row in queue.values()
        if row.status.is_open and row.kind is not Kind.commentary
    }
    assigned: dict[int, str] = {}
    for entry in titles.entries:
        run_id = journal.run_of(entry.line)
        if run_id is not None and (Journal.folder(s.workspace, run_id) / "request.json").is_file():
            found = _earlier(s, entry, run_id, queue)
            if isinstance(found, Line):
                lines.append(found)
            else:
                planned.append(_Planned(entry, Plan(found, model, s.canonical, prices=prices)))
            continue
        skip = None if request.force else _already(s, entry, open_by_slug)
        if skip is not None:
            lines.append(Line(entry.line, entry.title, State.skipped, skip))
            continue
        if entry.occupation is not None and not is_occupation(entry.occupation):
            detail = f"O*NET has no occupation {entry.occupation}"
            lines.append(Line(entry.line, entry.title, State.refused, detail))
            continue
        run = new_request(
            s,
            entry.title,
            notes=entry.notes,
            by=request.by,
            model=model,
            max_repairs=request.options.max_repairs,
            assessed_on=journal.record.assessed_on,
            force_title=request.options.force_title or known_title(entry.title) is not None,
            occupation=entry.occupation,
        )
        new = Journal.create(s.workspace, run)
        assigned[entry.line] = run.id
        planned.append(_Planned(entry, Plan(new, model, s.canonical, prices=prices)))
    journal.assign(assigned)
    return lines, planned


def _earlier(s: Session, entry: Entry, run_id: str, queue: dict[str, Row]) -> Journal | Line:
    """The run an earlier command made for this line: its draft, its end, or it to resume."""
    if run_id in queue or draft_path(s.workspace, run_id).exists():
        row = queue.get(run_id)
        return Line(
            entry.line,
            entry.title,
            State.queued_earlier,
            run=run_id,
            draft=run_id,
            aijri=row.aijri if row else None,
            errors=row.errors if row else None,
            warnings=row.warnings if row else None,
        )
    journal = Journal.open(s.workspace, run_id)
    if journal.finished() is RunOutcome.not_a_title:
        detail = "the model said it is no job title (an earlier run)"
        return Line(entry.line, entry.title, State.not_a_title, detail, run=run_id)
    return journal


def _already(s: Session, entry: Entry, open_by_slug: dict[str, Row]) -> str | None:
    """Why a title is not drafted again (without --force): canonical, or pending."""
    role = find_canonical(s.canonical, entry.title)
    if role is not None:
        return f"in the canonical set as {role.slug} (--force drafts a revision)"
    pending = open_by_slug.get(slugify(entry.title))
    if pending is not None:
        return f"{pending.status.value} in the queue as {pending.id} (--force drafts it again)"
    return None


def _bad(bad: BadLine) -> Line:
    shown = bad.text if len(bad.text) <= 60 else bad.text[:57] + "..."
    return Line(bad.line, shown, State.refused, bad.reason)


def _job(plan: Plan, budget: SetBudget) -> Callable[[Workflow], Draft]:
    def run(wf: Workflow) -> Draft:
        drafted = execute(wf, plan, budget=budget)
        return queue_new(wf, plan, drafted, Kind.revision if plan.request.base else Kind.new)

    return run


def _leaving(
    run: Callable[[Workflow], Draft], coordinator: BatchCoordinator, plan: Plan
) -> Callable[[Workflow], Draft]:
    """``run``, telling the batch coordinator when the run has nothing more to ask."""

    def job(wf: Workflow) -> Draft:
        try:
            return run(wf)
        finally:
            coordinator.leave(plan.request.id)

    return job


def _says(value: object) -> str:
    assert isinstance(value, Draft)
    errors = len(value.findings.errors)
    return f"queued {value.id}" + (f" with {errors} errors" if errors else "")


def _line(planned: _Planned, outcome: Outcome[Draft], prices: PriceTable) -> Line:
    entry, run_id = planned.entry, planned.plan.request.id
    if outcome.value is not None:
        draft = outcome.value  # its provenance has summed the run's calls already
        return Line(
            entry.line,
            entry.title,
            State.queued,
            run=run_id,
            draft=draft.id,
            aijri=draft.score.aijri if draft.score else None,
            errors=len(draft.findings.errors),
            warnings=len(draft.findings.warnings),
            tokens=draft.provenance.usage.total_tokens,
            cost_usd=draft.provenance.cost_usd,
        )
    calls = planned.plan.journal.calls()
    tokens = sum(c.usage.total_tokens for c in calls)
    cost = prices.cost_of_calls(planned.plan.request.model, calls)
    error = outcome.error
    state = State.not_started
    if isinstance(error, NotAJobTitleError):
        state = State.not_a_title
    elif isinstance(error, BatchPendingError):
        state = State.waiting
    elif isinstance(error, JobzoneError):
        state = State.stopped
    detail = error.message if error is not None and state is not State.waiting else None
    return Line(entry.line, entry.title, state, detail, run=run_id, tokens=tokens, cost_usd=cost)
