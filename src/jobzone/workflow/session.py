"""One change to a workspace: the lock, recovery, loading, checking, saving and history.

Every change runs inside :func:`session`: it takes the workspace's lock, finishes or undoes an
approval a crash interrupted, and hands the change a :class:`Session` that loads the canonical
set once, checks a draft once, and saves it atomically with a history that may only grow.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from jobzone.canonical import CanonicalSet, load_canonical
from jobzone.checking import Checked, check, content_sha256
from jobzone.documents import atomic_write, dump_model, refuse_links
from jobzone.drafts import Draft, Status, draft_path, load_draft
from jobzone.errors import ConflictError, InputError
from jobzone.history import Action, HistoryEntry, extend, now
from jobzone.progress import Notice, Notify, ignore
from jobzone.review import queue
from jobzone.wording import plural
from jobzone.workflow.versions import keep
from jobzone.workspace import NAME_RE, Workspace

LOCK_NAME = ".jobzone.lock"
LOCK_TIMEOUT = 30.0


@contextmanager
def workspace_lock(workspace: Workspace, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the workspace's write lock; a ConflictError if another writer keeps it too long.

    The lock is advisory (fcntl) and released by the kernel if the holder dies, so a crashed
    process never leaves the workspace locked. The lock file is never a link followed outside.
    """
    path = workspace.root / LOCK_NAME
    refuse_links(path, workspace.root)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o666)
    except OSError as exc:
        rule = "file.symlink" if exc.errno == errno.ELOOP else "file.writable"
        raise InputError(
            f"cannot open the workspace's lock: {exc.strerror}", file=str(path), rule=rule
        ) from None
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
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
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@dataclass
class Session:
    """What a change sees while it holds the lock."""

    workspace: Workspace
    #: Hears what the change should tell its user on the way (a role cache rebuilt).
    notify: Notify = ignore

    @cached_property
    def canonical(self) -> CanonicalSet:
        """The canonical set as it is now, loaded once per change."""
        return load_canonical(self.workspace, self.notify)

    def write(self, path: Path, text: str) -> None:
        """Replace a file of the workspace atomically (never through a link)."""
        atomic_write(path, text, inside=self.workspace.root)

    # -- drafts -----------------------------------------------------------------------------------

    def draft(self, draft_id: str) -> Draft:
        return load_draft(self.workspace, draft_id)

    def open_draft(self, draft_id: str, doing: str) -> Draft:
        """A draft that can still change; a ConflictError naming ``doing`` otherwise."""
        draft = self.draft(draft_id)
        if not draft.status.is_open:
            raise ConflictError(
                f"draft {draft.id} is {draft.status.value}; {doing} is only for open drafts"
            )
        return draft

    def check(self, draft: Draft) -> Checked:
        """Check the draft's assessment once against the canonical set as it is now, and keep
        the findings and figures in the draft; its queue copies of the slug and title follow
        the content (a bad slug stays out of them: no path is built from it)."""
        checked = check(draft.assessment, self.canonical, subject=draft.id)
        draft.findings = checked.findings
        draft.score = checked.shown
        slug, title = draft.assessment.get("slug"), draft.assessment.get("title")
        if isinstance(slug, str) and NAME_RE.match(slug):
            draft.slug = slug
        if isinstance(title, str) and title.strip():
            draft.title = " ".join(title.split())
        return checked

    def record(
        self,
        draft: Draft,
        action: Action,
        by: str,
        note: str | None = None,
        *,
        checked: Checked | None = None,
    ) -> HistoryEntry:
        """Append a step to the draft's history, hashing the content it leaves (``checked``:
        the check this change made, when it made one)."""
        digest = checked.content_sha256 if checked else content_sha256(draft.assessment)
        entry = HistoryEntry(at=now(), by=by, action=action, note=note, content_sha256=digest)
        draft.history.append(entry)
        return entry

    def change_content(
        self, draft: Draft, action: Action, by: str, say: Callable[[Checked], str]
    ) -> Checked:
        """Keep a change already made to the draft's content: it is pending again with earlier
        approvals (of other content) withdrawn, checked, recorded with what ``say`` makes of the
        check (and how many approvals were withdrawn), and saved."""
        withdrawn = self.reopen(draft)
        checked = self.check(draft)
        note = say(checked)
        if withdrawn:
            note += f"; {plural(withdrawn, 'earlier approval')} withdrawn"
        self.record(draft, action, by, note, checked=checked)
        self.save(draft)
        return checked

    def save(self, draft: Draft) -> None:
        """Write a draft (its content kept as a version first, so that the state can be gone
        back to); refused (a conflict) if it would rewrite the history already on disk."""
        path = draft_path(self.workspace, draft.id)
        if path.exists() or path.is_symlink():
            before = self.draft(draft.id)
            extend(before.history, draft.history, f"draft {draft.id}")
            keep(self.workspace, before)  # a draft saved before versions were kept
        keep(self.workspace, draft)
        self._write_draft(path, draft)

    def save_new(self, draft: Draft) -> None:
        """Write a draft that must not exist yet."""
        path = draft_path(self.workspace, draft.id)
        if path.exists() or path.is_symlink():
            raise ConflictError(f"draft {draft.id} was queued by another process meanwhile")
        keep(self.workspace, draft)
        self._write_draft(path, draft)

    def _write_draft(self, path: Path, draft: Draft) -> None:
        """The draft's file, and its row in the queue's index, under the same lock."""
        self.write(path, dump_model(draft, "draft"))
        queue.record(self.workspace, draft)

    def reopen(self, draft: Draft) -> int:
        """A change to the content: the draft is pending again and earlier approvals, which were
        of other content, are withdrawn (the history keeps who approved what). Returns how many
        were withdrawn."""
        withdrawn = len(draft.approvals)
        draft.approvals = []
        draft.status = Status.pending
        return withdrawn


@contextmanager
def session(workspace: Workspace, notify: Notify = ignore) -> Iterator[Session]:
    """Hold the lock, recover an interrupted approval, and give the change its session."""
    from jobzone.workflow.promotion import recover

    with workspace_lock(workspace):
        current = Session(workspace, notify)
        said = recover(current)
        if said:
            notify(Notice(said))
        yield current
