"""Half of a bulk job in a forked copy of this process, on a machine with a second core.

Reading and checking 20,000 roles is CPU work that splits into independent halves. A forked
child shares the memory already loaded (the set, the imported modules) without copying it, does
one half while this process does the other, and hands back its result pickled through a file
that this process made (so nothing but its own child's data is ever unpickled). A child that
fails, for whatever reason, hands back nothing: the caller then does that half itself, so the
job never depends on the child. SQLite connections must not cross a fork:
:class:`~jobzone.role_cache.RoleCache` opens its own in the child.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Callable
from typing import TypeVar

R = TypeVar("R")
S = TypeVar("S")

#: A job smaller than this is done in one process: a second one would not pay for itself.
MIN_ITEMS = 1000


def second_core() -> bool:
    """Whether this process may run on two cores or more, and can fork."""
    if not hasattr(os, "fork") or not hasattr(os, "sched_getaffinity"):
        return False
    return len(os.sched_getaffinity(0)) >= 2


def worth_splitting(items: int) -> bool:
    return items >= MIN_ITEMS and second_core()


def in_parallel(theirs: Callable[[], R], ours: Callable[[], S]) -> tuple[S, R | None]:
    """``ours()`` here while a forked child runs ``theirs()``; both results, the child's None if
    it failed (the caller then does its part itself)."""
    with tempfile.TemporaryFile() as handover:
        pid = os.fork()
        if pid == 0:  # the child: its part, handed over, then out without the parent's exits
            code = 1
            try:
                pickle.dump(theirs(), handover)
                handover.flush()
                code = 0
            finally:
                os._exit(code)
        try:
            result = ours()
        finally:
            _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            return result, None
        handover.seek(0)
        try:
            child: R = pickle.load(handover)
        except (EOFError, pickle.UnpicklingError):
            return result, None
        return result, child
