"""A scripted model for tests of the workflow: no HTTP, no SDK, no patching.

:class:`ScriptedModel` implements :class:`jobzone.drafting.model.Model`. By default it answers
each stage with the fake server's canned answers (tests/fake_openai.py), so a run drafts a
clean Site Reliability Engineer; ``answer`` replaces that per call, and ``before`` runs first
(to block, raise or count). It reports each call to the listener as the real model does, so the
budget and the journal see it.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jobzone.calls import CallOutcome, CallRecord, Usage
from jobzone.drafting.model import Call, Listener, Model, ModelChoice, ModelIdentity

from .fake_openai import SCENARIOS, answer_for, is_repair


def canned(call: Call) -> str:
    """The fake server's clean answer to ``call``."""
    messages: list[dict[str, Any]] = [dict(m) for m in call.messages]
    answer = answer_for(call.stage.name, messages, SCENARIOS["clean"], is_repair(messages))
    return json.dumps(answer)


@dataclass
class ScriptedModel:
    """Answers from a script; records what it was asked."""

    answer: Callable[[Call], str] = canned
    before: Callable[[Call], None] | None = None
    name: str = "scripted-model"
    asked: list[Call] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    @property
    def identity(self) -> ModelIdentity:
        return ModelIdentity(self.name, "scripted.invalid", "scripted://model", None)

    def ask(self, call: Call, listener: Listener) -> str:
        limit = call.stage.max_completion_tokens
        listener.before_attempt(call, 1, limit)
        started = dt.datetime.now(dt.UTC)
        with self._lock:
            self.asked.append(call)
        if self.before is not None:
            self.before(call)
        content = self.answer(call)
        listener.after_attempt(
            CallRecord(
                stage=call.stage.name,
                round=call.round,
                attempt=1,
                outcome=CallOutcome.ok,
                at=started,
                latency_ms=0,
                max_completion_tokens=limit,
                usage=Usage(prompt_tokens=100, completion_tokens=len(content) // 4),
            )
        )
        return content

    def factory(self) -> Callable[[ModelChoice], Model]:
        """A model factory that always gives this model."""
        return lambda _choice: self

    def stages(self) -> list[str]:
        return [c.stage.name for c in self.asked]


@dataclass
class Around:
    """Another model, with ``before`` run ahead of each call it is asked (to block, time,
    interrupt or count) and ``after`` once it answered."""

    inner: Model
    before: Callable[[Call], None] | None = None
    after: Callable[[Call], None] | None = None

    @property
    def identity(self) -> ModelIdentity:
        return self.inner.identity

    def ask(self, call: Call, listener: Listener) -> str:
        if self.before is not None:
            self.before(call)
        try:
            return self.inner.ask(call, listener)
        finally:
            if self.after is not None:
                self.after(call)
