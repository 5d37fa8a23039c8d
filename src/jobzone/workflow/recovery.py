"""Whether a crash left an approval half done, and settling it before a command reads.

Every command that reads asks this first, so it lives apart from :mod:`.promotion` and
:mod:`.session`: their models (drafts, assessments) and the checker load only when there is
something to recover, not on every ``jobzone roles`` or ``jobzone queue``.
"""

from __future__ import annotations

from pathlib import Path

from jobzone.progress import Notify, ignore
from jobzone.workspace import Workspace

INTENT_NAME = ".approval-intent.json"


def intent_path(workspace: Workspace) -> Path:
    return workspace.drafts_dir / INTENT_NAME


def needs_recovery(workspace: Workspace) -> bool:
    """Whether a crash left an approval half done (cheap: one stat, no lock)."""
    path = intent_path(workspace)
    return path.exists() or path.is_symlink()


def recover_if_needed(workspace: Workspace, notify: Notify = ignore) -> None:
    """For commands that only read: finish or undo an interrupted approval first, so nothing is
    read half-approved. Takes the lock only when there is something to recover."""
    if needs_recovery(workspace):
        from jobzone.workflow.session import session

        with session(workspace, notify):
            pass
