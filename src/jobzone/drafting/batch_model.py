"""Drafting a set through batches: each run asks as usual, and its questions wait for a batch.

Every run of the set gets a :class:`BatchRunModel`. Its ``ask`` blocks the asking thread; once
every live run of the set is waiting (none of its threads is still working: the pipeline tells
the model when it splits a run's work into threads, see :class:`~jobzone.drafting.pipeline.
Activity`), the :class:`BatchCoordinator` hands all waiting requests to its :class:`Rounds` as
one round (a Batch API submission, or a file), and gives each run its answer. The stages keep
their order across the set by themselves: every role stage in the first round, then every tasks
and profile stage, then the repairs of exactly the answers that failed, then commentary. So a
set takes as many rounds as its longest run has sequential calls, not one per title.

A request the batch reports as failed is asked again in the next round (at most
:data:`MAX_FAILURES` times, then the run stops, resumable); one the batch never ran (it expired
or was cancelled) goes into the next round; an answer cut off by the token limit is asked again
with twice the room, as the live model does. Every attempt is recorded in the run's journal
with the batch it went through.
"""

from __future__ import annotations

import dataclasses
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from pydantic import ValidationError

from jobzone.calls import CallOutcome, CallRecord, Usage
from jobzone.drafting.batch_files import NOT_RUN, Request, Result, answer_of, custom_id
from jobzone.drafting.model import Call, Listener, Model, ModelChoice, ModelIdentity
from jobzone.drafting.openai_model import chat_request, mode_messages
from jobzone.drafting.settings import DEFAULT_MODEL
from jobzone.errors import (
    BatchPendingError,
    ConfigError,
    JobzoneError,
    ModelCallError,
    RefusalError,
    TruncatedError,
)

#: Times a request the batch failed is asked again before its run stops.
MAX_FAILURES = 3
#: Rounds a request may miss (expired batches) before its run stops.
MAX_MISSED = 3


@dataclass(frozen=True)
class Round:
    """A round's answers by custom_id, and the batch (or file) they came through."""

    label: str
    results: dict[str, Result]


class Rounds(Protocol):
    """How a round of requests is answered: submitted to a Batch API and polled, or taken to
    and from files. May raise a JobzoneError, handed to every run waiting."""

    def answer(self, requests: list[Request]) -> Round: ...


@dataclass
class _Waiting:
    run: str
    request: Request
    result: Result | None = None
    label: str = ""


@dataclass(frozen=True)
class RequestShape:
    """What every request of the set shares: the model, its temperature, how answers are held
    to their schema (a batch cannot detect it as ``auto`` does live: json_schema is assumed)."""

    model: str
    temperature: float | None
    mode: str


class BatchCoordinator:
    """Collects the requests of a set's runs, and answers them a round at a time."""

    def __init__(self, rounds: Rounds, shape: RequestShape, identity: ModelIdentity) -> None:
        self.rounds = rounds
        self.shape = shape
        self.identity = identity
        self.rounds_answered = 0
        self._working: dict[str, int] = {}
        self._forks: dict[str, int] = {}
        self._waiting: list[_Waiting] = []
        self._changed = threading.Condition()

    # -- the runs ---------------------------------------------------------------------------------

    def join(self, run: str) -> BatchRunModel:
        """A live run, working, until :meth:`leave`; its model."""
        with self._changed:
            self._working[run] = 1
        return BatchRunModel(self, run)

    def leave(self, run: str) -> None:
        with self._changed:
            self._working.pop(run, None)
            self._changed.notify_all()

    def _forked(self, run: str, jobs: int) -> None:
        with self._changed:
            self._forks[run] = jobs
            self._working[run] = self._working.get(run, 0) + jobs - 1

    def _ended(self, run: str) -> None:
        with self._changed:
            self._forks[run] -= 1
            if self._forks[run] > 0:  # the last thread hands its work back to the run's own
                self._working[run] -= 1
                self._changed.notify_all()

    def _wait(self, run: str, request: Request) -> _Waiting:
        """Block until a round answered ``request``."""
        waiting = _Waiting(run, request)
        with self._changed:
            self._waiting.append(waiting)
            self._working[run] -= 1
            self._changed.notify_all()
            while waiting.result is None:
                self._changed.wait(timeout=0.5)
        return waiting

    # -- rounds -----------------------------------------------------------------------------------

    def step(self) -> None:
        """Answer a round if every live run waits for one; else wait a moment."""
        with self._changed:
            ready = bool(self._waiting) and bool(self._working) and not any(self._working.values())
            if not ready:
                self._changed.wait(timeout=0.05)
                return
            taken, self._waiting = self._waiting, []
        requests = {w.request.custom_id: w.request for w in taken}
        try:
            answered = self.rounds.answer(list(requests.values()))
        except JobzoneError as exc:
            answered = Round("", dict.fromkeys(requests, Result(raised=exc)))
        except BaseException:
            with self._changed:  # Ctrl-C: the requests stay due, for a later step
                self._waiting = taken + self._waiting
            raise
        self.rounds_answered += 1
        with self._changed:
            for waiting in taken:
                waiting.label = answered.label
                self._working[waiting.run] = self._working.get(waiting.run, 0) + 1
                waiting.result = answered.results.get(waiting.request.custom_id, NOT_RUN)
            self._changed.notify_all()


@dataclass
class _Asking:
    """One call's attempts through the rounds."""

    call: Call
    listener: Listener
    limit: int
    attempt: int = 0
    failures: int = 0
    missed: int = 0
    doubled: bool = False
    started: float = field(default_factory=time.monotonic)
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def record(
        self,
        outcome: CallOutcome,
        label: str,
        usage: Usage | None = None,
        *,
        status: int | None = None,
        error: str | None = None,
    ) -> None:
        self.listener.after_attempt(
            CallRecord(
                stage=self.call.stage.name,
                round=self.call.round,
                attempt=self.attempt,
                outcome=outcome,
                status=status,
                at=self.at,
                latency_ms=round((time.monotonic() - self.started) * 1000),
                max_completion_tokens=self.limit,
                usage=usage or Usage(),
                error=error,
                batch=label or None,
            )
        )


@dataclass
class BatchRunModel:
    """One run's model in a batch set (and the run's :class:`~jobzone.drafting.pipeline.
    Activity`)."""

    coordinator: BatchCoordinator
    run: str

    @property
    def identity(self) -> ModelIdentity:
        return self.coordinator.identity

    def forked(self, jobs: int) -> None:
        self.coordinator._forked(self.run, jobs)

    def ended(self) -> None:
        self.coordinator._ended(self.run)

    def ask(self, call: Call, listener: Listener) -> str:
        asking = _Asking(call, listener, call.stage.max_completion_tokens)
        while True:
            asking.attempt += 1
            request = self._request(asking)
            asked = dataclasses.replace(call, messages=request.body["messages"])
            listener.before_attempt(asked, asking.attempt, asking.limit)
            asking.started, asking.at = time.monotonic(), datetime.now(UTC)
            waited = self.coordinator._wait(self.run, request)
            content = self._settle(asking, waited.result or NOT_RUN, waited.label)
            if content is not None:
                return content

    def _request(self, asking: _Asking) -> Request:
        shape = self.coordinator.shape
        messages = mode_messages(shape.mode, asking.call)
        body = chat_request(
            shape.model,
            shape.temperature,
            shape.mode,
            asking.call,
            messages,
            asking.limit,
            stream=False,
        )
        stage = asking.call.stage.name
        return Request(custom_id(stage, asking.call.round, asking.attempt, body), body)

    def _settle(self, asking: _Asking, result: Result, label: str) -> str | None:
        """The answer's text; None to ask again in the next round; or the error to stop on."""
        stage = asking.call.stage.name
        if isinstance(result.raised, BatchPendingError):
            raise result.raised  # written to a file, not asked: nothing to record yet
        if result.raised is not None:
            asking.record(CallOutcome.connection, label, error=str(result.raised))
            raise result.raised
        if not result.ran:
            asking.missed += 1
            asking.record(CallOutcome.timeout, label, error="the batch ended before this ran")
            if asking.missed >= MAX_MISSED:
                raise ModelCallError(f"{MAX_MISSED} batches ended before it ran", stage=stage)
            return None
        answer = answer_of(result.body) if result.answered and result.body else None
        if answer is None:
            said = result.error or "a response that is not a chat completion"
            asking.record(CallOutcome.http_error, label, status=result.status, error=said)
            asking.failures += 1
            if result.status in (401, 403, 404):
                raise ConfigError(f"{stage} stage: the batch answered {said}")
            if asking.failures >= MAX_FAILURES:
                raise ModelCallError(
                    f"the batch failed it {asking.failures} times: {said}",
                    stage=stage,
                    status=result.status,
                )
            return None
        return self._answered(asking, answer, label)

    def _answered(self, asking: _Asking, answer: Any, label: str) -> str | None:
        call = asking.call
        if answer.refusal:
            asking.record(CallOutcome.refused, label, answer.usage, error=answer.refusal)
            raise RefusalError(f"the model refused: {answer.refusal}", stage=call.stage.name)
        if answer.finish == "content_filter":
            asking.record(CallOutcome.content_filter, label, answer.usage)
            raise RefusalError(
                "the provider's content filter stopped the answer", stage=call.stage.name
            )
        if answer.finish == "length":
            asking.listener.kept(
                call, asking.attempt, answer.content, f"cut off at {asking.limit} tokens"
            )
            asking.record(CallOutcome.truncated, label, answer.usage)
            if asking.doubled:
                raise TruncatedError(
                    f"answer cut off at {asking.limit} completion tokens, even on a retry with "
                    "more room (the text is kept in the run's journal)",
                    stage=call.stage.name,
                )
            asking.limit, asking.doubled = asking.limit * 2, True
            return None
        try:
            call.stage.answer.model_validate_json(answer.content)
        except ValidationError as exc:
            asking.record(
                CallOutcome.invalid,
                label,
                answer.usage,
                error=f"{exc.error_count()} schema problems",
            )
            return str(answer.content)
        asking.record(CallOutcome.ok, label, answer.usage)
        return str(answer.content)


def shape_of(model: Model) -> RequestShape:
    """The requests of a set drafted with ``model``: its structured-output mode when chosen
    (``auto`` cannot detect through a batch: json_schema, which the Batch API and vLLM take)."""
    identity = model.identity
    mode = identity.structured_output
    chosen = getattr(getattr(model, "settings", None), "structured_output", None)
    if isinstance(chosen, str) and chosen != "auto":
        mode = chosen
    return RequestShape(identity.name, identity.temperature, mode or "json_schema")


@dataclass(frozen=True)
class OfflineModel:
    """The model of a set drafted through files: named, never asked directly."""

    identity: ModelIdentity

    def ask(self, call: Call, listener: Listener) -> str:
        raise ConfigError("an offline set's model is asked only through batch files")


def offline_model(choice: ModelChoice | None) -> OfflineModel:
    """The model a set drafted through files names: ``--model``, else ``$JOBZONE_MODEL``,
    else the default; no endpoint is needed."""
    choice = choice or ModelChoice()
    name = choice.name or os.environ.get("JOBZONE_MODEL") or DEFAULT_MODEL
    mode = choice.structured_output if choice.structured_output != "auto" else None
    identity = ModelIdentity(name, "batch-file", "batch files", choice.temperature, mode)
    return OfflineModel(identity)
