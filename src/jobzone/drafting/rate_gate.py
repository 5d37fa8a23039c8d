"""One rate gate for every run of a set: a 429 slows the whole set down, not one worker.

Each HTTP attempt of every run passes the gate first. The gate lets at most ``limit`` attempts
be in flight at once. When any attempt is answered 429, the gate closes for everyone until the
server's Retry-After has passed (the attempt's own retry waits as long) and halves the limit;
each attempt that succeeds afterwards raises it by one over ``limit`` attempts (additive
increase, multiplicative decrease), back up to the limit the set started with. A set that keeps
ten workers hammering a rate-limited endpoint thus backs off as one client would.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from jobzone.calls import CallOutcome, CallRecord
from jobzone.drafting.model import Call, Listener, Model, ModelIdentity

RATE_LIMITED = 429


class RateGate:
    """Shared by the runs of a set; every method is thread-safe."""

    def __init__(self, limit: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.ceiling = max(1, limit)
        self.limit = float(self.ceiling)
        self.clock = clock
        self.in_flight = 0
        self.throttled = 0
        self._closed_until = 0.0
        self._holders: set[int] = set()
        self._changed = threading.Condition()

    @property
    def allowed(self) -> int:
        """How many attempts may be in flight now."""
        return max(1, int(self.limit))

    def open_in(self) -> float:
        """Seconds until the gate opens again after a 429 (0 when it is open)."""
        with self._changed:
            return max(0.0, self._closed_until - self.clock())

    def enter(self) -> None:
        """Wait until the gate is open and a place is free, then take it (once per thread)."""
        me = threading.get_ident()
        with self._changed:
            if me in self._holders:
                return
            while True:
                wait = self._closed_until - self.clock()
                if wait <= 0 and self.in_flight < self.allowed:
                    break
                self._changed.wait(timeout=min(max(wait, 0.05), 1.0))
            self.in_flight += 1
            self._holders.add(me)

    def leave(self) -> None:
        """Give back this thread's place, if it holds one."""
        with self._changed:
            if threading.get_ident() in self._holders:
                self._holders.discard(threading.get_ident())
                self.in_flight -= 1
                self._changed.notify_all()

    def rate_limited(self, seconds: float) -> None:
        """A 429 asked for ``seconds`` of quiet: close the gate that long, halve the limit."""
        with self._changed:
            self.throttled += 1
            self._closed_until = max(self._closed_until, self.clock() + seconds)
            self.limit = max(1.0, self.limit / 2)
            self._changed.notify_all()

    def succeeded(self) -> None:
        """An attempt succeeded: creep back towards the ceiling."""
        with self._changed:
            if self.limit < self.ceiling:
                self.limit = min(float(self.ceiling), self.limit + 1 / self.limit)
                self._changed.notify_all()


@dataclass
class _GatedListener:
    """The run's listener, with the gate taken before each attempt and given back after."""

    inner: Listener
    gate: RateGate
    #: The last attempt was answered 429: the wait that follows is the server's.
    limited: bool = field(default=False, init=False)

    def before_attempt(self, call: Call, attempt: int, max_completion_tokens: int) -> None:
        self.gate.enter()
        try:
            self.inner.before_attempt(call, attempt, max_completion_tokens)
        except BaseException:
            self.gate.leave()
            raise

    def after_attempt(self, record: CallRecord) -> None:
        try:
            self.inner.after_attempt(record)
        finally:
            self.gate.leave()
            if record.outcome is CallOutcome.ok:
                self.gate.succeeded()
            elif record.status == RATE_LIMITED:
                self.limited = True

    def waiting(self, call: Call, reason: str, seconds: float) -> None:
        # The attempt's own retry waits this long; every other worker waits with it.
        if self.limited:
            self.limited = False
            self.gate.rate_limited(seconds)
        self.inner.waiting(call, reason, seconds)

    def kept(self, call: Call, attempt: int, content: str, why: str) -> None:
        self.inner.kept(call, attempt, content, why)

    def noticed(self, call: Call, text: str) -> None:
        self.inner.noticed(call, text)


@dataclass
class GatedModel:
    """A model whose every attempt passes the set's :class:`RateGate`."""

    inner: Model
    gate: RateGate

    @property
    def identity(self) -> ModelIdentity:
        return self.inner.identity

    def ask(self, call: Call, listener: Listener) -> str:
        try:
            return self.inner.ask(call, _GatedListener(listener, self.gate))
        finally:
            self.gate.leave()  # whatever happened, this thread holds no place any more
