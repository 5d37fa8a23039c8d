"""Many model runs at once: a set of drafts from a titles file, or every stale commentary.

Each job is an ordinary run (planned under the lock, asked without it, queued under it again),
so every draft of a set is an ordinary draft with its own journal. What the jobs share is made
here: one token budget for the set (:class:`SetBudget`), one rate gate (a 429 slows every worker
down, see :mod:`jobzone.drafting.rate_gate`), and one progress display: a line as each job ends,
with how many are done, running and failed, the tokens and estimated cost so far, and the time
left.

With one worker and no batch the jobs run one after another in the calling thread, each showing
its stages as ``jobzone draft`` does. Otherwise they run in daemon threads while the calling
thread waits in short steps (and, for a batch, submits and polls), so Ctrl-C stops the set at
once; every answer received so far is in its run's journal, and running the command again
continues without paying twice.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

from jobzone.calls import CallRecord, Usage, live_and_batched
from jobzone.drafting.budget import Budget
from jobzone.drafting.model import Model, ModelChoice, ModelFactory
from jobzone.drafting.prices import PriceTable
from jobzone.drafting.rate_gate import GatedModel, RateGate
from jobzone.errors import ConfigError, JobzoneError
from jobzone.progress import Event, Notice, Notify, Waiting, describe
from jobzone.workflow import Workflow

T = TypeVar("T")
#: How many drafts run at once unless told: what a hosted API's usual rate limits take well.
DEFAULT_CONCURRENCY = 8
#: Seconds without a job ending before the set says where it stands anyway (a slow model, a
#: batch being processed): a long run never looks hung.
PULSE_SECONDS = 30.0


class SetBudget(Budget):
    """One budget for every run of a set, which also sums what the set used (live and through
    batches apart, for the cost)."""

    def __init__(
        self, limit: int | None, used: Usage | None = None, batched: Usage | None = None
    ) -> None:
        self.live = used or Usage()
        self.batched = batched or Usage()
        super().__init__(limit, used=self.live.total_tokens + self.batched.total_tokens)

    @classmethod
    def of(cls, limit: int | None, calls: Sequence[CallRecord]) -> SetBudget:
        """A budget that counts ``calls`` (the set's earlier runs) as spent."""
        return cls(limit, *live_and_batched(calls))

    def settle(self, record: CallRecord) -> None:
        super().settle(record)
        with self._lock:
            if record.batch is None:
                self.live += record.usage
            else:
                self.batched += record.usage

    def spent(self, prices: PriceTable, model: str) -> tuple[int, float | None]:
        """Tokens so far, and their estimated cost."""
        with self._lock:
            return self.used, prices.cost(model, self.live, self.batched)


@dataclass(frozen=True)
class Job(Generic[T]):
    """One run of a set: ``run`` does it all (plan, ask, queue) with the workflow it is given."""

    label: str
    run: Callable[[Workflow], T]


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """How a job ended: its value, or the error that stopped it; neither when the set stopped
    before the job started."""

    job: Job[T]
    value: T | None = None
    error: JobzoneError | None = None


@dataclass
class SetOptions:
    """How a set runs: workers, its budget, and how an outcome reads in progress."""

    concurrency: int = DEFAULT_CONCURRENCY
    budget: SetBudget = field(default_factory=lambda: SetBudget(None))
    prices: PriceTable = field(default_factory=PriceTable.load)
    model: str = ""
    #: One line for a job's outcome ("queued x, 0 errors").
    says: Callable[[object], str] = str
    #: Called over and over while the jobs run (a batch submits and polls from here).
    tick: Callable[[], None] | None = None
    #: The models the jobs ask, when not the workflow's own (a batch's, per run).
    models: ModelFactory | None = None


class _Tally:
    """Where the set stands, for the progress line."""

    def __init__(self, wf: Workflow, total: int, options: SetOptions) -> None:
        self.wf = wf
        self.total = total
        self.options = options
        self.started = self.said = time.monotonic()
        self.done = self.failed = self.running = 0
        self._lock = threading.Lock()

    def pulse(self) -> None:
        """Say where the set stands when nothing has been said for :data:`PULSE_SECONDS`."""
        now = time.monotonic()
        if now - self.said < PULSE_SECONDS:
            return
        with self._lock:
            tokens, cost = self.options.budget.spent(self.options.prices, self.options.model)
            priced = f", ${cost:.4f}" if cost is not None else ""
            line = (
                f"still working after {_duration(now - self.started)}: {self.done} of "
                f"{self.total} ended, {self.running} running; {tokens:,} tokens{priced} so far"
            )
            self.said = now
        self.wf.notify(Notice(line))

    def begin(self) -> None:
        with self._lock:
            self.running += 1

    def end(self, label: str, outcome: Outcome[Any]) -> None:
        with self._lock:
            self.running -= 1
            self.done += 1
            self.failed += outcome.error is not None
            line = self._line(label, outcome)
            self.said = time.monotonic()
        self.wf.notify(Notice(line))

    def _line(self, label: str, outcome: Outcome[Any]) -> str:
        said = (
            f"stopped: {outcome.error.message}"
            if outcome.error is not None
            else self.options.says(outcome.value)
        )
        tokens, cost = self.options.budget.spent(self.options.prices, self.options.model)
        priced = f", ${cost:.4f}" if cost is not None else ""
        left = self.total - self.done
        elapsed = time.monotonic() - self.started
        eta = f"; about {_duration(elapsed / self.done * left)} left" if left else ""
        return (
            f"[{self.done}/{self.total}] {label}: {said} ({self.done - self.failed} done, "
            f"{self.running} running, {self.failed} failed; {tokens:,} tokens{priced}{eta})"
        )


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _quiet(label: str, notify: Notify) -> Notify:
    """A job's progress among many: only waits (a 429, a retry) are worth a line."""

    def hear(event: Event) -> None:
        if isinstance(event, Waiting):
            notify(Notice(f"{label}: {describe(event)}"))

    return hear


def gated(models: ModelFactory, gate: RateGate) -> ModelFactory:
    """``models``, each passing through the set's rate gate."""

    def make(choice: ModelChoice) -> Model:
        return GatedModel(models(choice), gate)

    return make


def run_set(wf: Workflow, jobs: Sequence[Job[T]], options: SetOptions) -> list[Outcome[T]]:
    """Run every job, ``options.concurrency`` at a time, and say how each ended, in order.

    A job's JobzoneError ends that job only, except a ConfigError (no endpoint, a key refused),
    which would end every job alike: no job starts after it, and it is raised once the running
    ones end."""
    if options.concurrency <= 1 and options.tick is None:
        return _one_by_one(wf, jobs, options)
    return _together(wf, jobs, options)


def _job_workflow(wf: Workflow, notify: Notify, options: SetOptions) -> Workflow:
    return replace(wf, notify=notify, models=options.models or wf.models)


def _one_by_one(wf: Workflow, jobs: Sequence[Job[T]], options: SetOptions) -> list[Outcome[T]]:
    """In this thread, in order, each job showing its stages; Ctrl-C stops at once."""
    outcomes: list[Outcome[T]] = []
    tally = _Tally(wf, len(jobs), options)
    for index, job in enumerate(jobs, 1):
        wf.notify(Notice(f"[{index}/{len(jobs)}] {job.label}"))
        tally.begin()
        try:
            outcome = Outcome(job, value=job.run(_job_workflow(wf, wf.notify, options)))
        except ConfigError:
            raise
        except JobzoneError as exc:
            outcome = Outcome(job, error=exc)
        outcomes.append(outcome)
        if len(jobs) > 1:
            tally.end(job.label, outcome)
    return outcomes


def _together(wf: Workflow, jobs: Sequence[Job[T]], options: SetOptions) -> list[Outcome[T]]:
    todo = list(enumerate(jobs))
    todo.reverse()
    ended: queue.Queue[tuple[int, Outcome[T], BaseException | None]] = queue.Queue()
    stop = threading.Event()
    claim = threading.Lock()
    tally = _Tally(wf, len(jobs), options)

    def take() -> tuple[int, Job[T]] | None:
        with claim:
            if stop.is_set() or not todo:
                return None
            tally.begin()
            return todo.pop()

    def work() -> None:
        while (taken := take()) is not None:
            index, job = taken
            job_wf = _job_workflow(wf, _quiet(job.label, wf.notify), options)
            try:
                ended.put((index, Outcome(job, value=job.run(job_wf)), None))
            except JobzoneError as exc:
                ended.put((index, Outcome(job, error=exc), None))
            except BaseException as exc:  # a bug, or Ctrl-C in a job: the set stops
                ended.put((index, Outcome(job), exc))

    for _ in range(max(1, min(options.concurrency, len(jobs)))):
        threading.Thread(target=work, daemon=True, name="jobzone-set").start()
    outcomes: dict[int, Outcome[T]] = {}
    fatal: BaseException | None = None
    try:
        while len(outcomes) < len(jobs):
            with claim:
                if (stop.is_set() or not todo) and tally.running == 0 and ended.empty():
                    break
            if options.tick is not None:
                options.tick()
            try:
                index, outcome, unexpected = ended.get(timeout=0.05)
            except queue.Empty:
                tally.pulse()
                continue
            outcomes[index] = outcome
            tally.end(outcome.job.label, outcome)
            config = outcome.error if isinstance(outcome.error, ConfigError) else None
            if (unexpected or config) is not None and fatal is None:
                fatal = unexpected or config
                stop.set()
    except BaseException:
        stop.set()
        raise
    if fatal is not None:
        raise fatal
    return [outcomes.get(i, Outcome(job)) for i, job in enumerate(jobs)]
