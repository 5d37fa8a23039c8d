"""The workflow layer: every change to a workspace goes through here.

Each change (draft, redraft, commentary, approve, reject, request changes, edit, rebase, verify,
init) runs the same steps in one place, :func:`jobzone.workflow.session.session`: take the
workspace's lock, recover an interrupted approval, load, act, check the draft once, save it
atomically and append to its history. Model calls, which can take minutes, run between two such
sessions and never under the lock. The CLI only parses arguments and formats results; a browser
page calls the same functions.

Modules, one per kind of change: :mod:`.review` (approve, reject, request changes),
:mod:`.editing` (edit), :mod:`.rebase`, :mod:`.drafting` (draft, resume, redraft, commentary),
:mod:`.sources` (verify), :mod:`.setup` (init); :mod:`.session` and :mod:`.promotion` are the
machinery they share, and :mod:`.recovery` the check every read makes first.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from jobzone.progress import Notify, ignore
from jobzone.workspace import Workspace

if TYPE_CHECKING:
    from jobzone.drafting.model import ModelFactory
    from jobzone.workflow.session import Session


@dataclass(frozen=True)
class Workflow:
    """Where changes happen, who hears about progress, and how a model is reached."""

    workspace: Workspace
    notify: Notify = ignore
    #: How drafting reaches a model; only drafting needs one.
    models: ModelFactory | None = None

    def session(self) -> AbstractContextManager[Session]:
        """Lock, recover, and hand a change its :class:`~jobzone.workflow.session.Session`."""
        from jobzone.workflow.session import session

        return session(self.workspace, self.notify)

    def recover_if_needed(self) -> None:
        """Before reading: finish or undo an interrupted approval, if one is left."""
        from jobzone.workflow.recovery import recover_if_needed

        recover_if_needed(self.workspace, self.notify)


__all__ = ["Workflow"]
