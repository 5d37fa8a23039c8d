"""Crash points for testing: a process dies at a named step when asked to by the environment.

``JOBZONE_CRASH_AT=<step>`` makes :func:`checkpoint` end the process at once (no clean-up, like
a kill), which is how the tests prove that an interrupted approval leaves the workspace whole.
Unset, it does nothing.
"""

from __future__ import annotations

import os

CRASH_ENV = "JOBZONE_CRASH_AT"
CRASH_EXIT = 86


def checkpoint(step: str) -> None:
    if os.environ.get(CRASH_ENV) == step:
        os._exit(CRASH_EXIT)
