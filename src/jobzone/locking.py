"""One writer at a time per workspace: an exclusive lock on ``<workspace>/.jobzone.lock``."""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager

from jobzone.errors import ConflictError
from jobzone.workspace import Workspace

LOCK_NAME = ".jobzone.lock"


@contextmanager
def workspace_lock(workspace: Workspace, timeout: float = 30.0) -> Iterator[None]:
    """Hold the workspace's write lock; a ConflictError if another writer keeps it too long.

    The lock is advisory (fcntl) and released by the kernel if the holder dies, so a crashed
    process never leaves the workspace locked.
    """
    path = workspace.root / LOCK_NAME
    deadline = time.monotonic() + timeout
    with path.open("a") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise ConflictError(
                        f"another jobzone process has held {path} for over {timeout:.0f}s"
                    ) from None
                time.sleep(0.02)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
