"""Listing the queue fast: one summary row per draft, cached in ``drafts/.index.json``.

A row is reused while its draft file's size, times and inode are unchanged, so listing 10,000
drafts costs a directory scan and a stat per file, not 10,000 YAML parses. Every change to a draft
updates its row in the same locked write (:func:`record`), so the index stays warm. The index is
a cache: whatever it lacks or has stale is read again from the files, and to fill a row only the
top-level fields the row shows are read (:mod:`jobzone.review.draft_rows`), by two processes when
there are thousands.

A warm listing parses the whole index, so it is compact: for each draft id one JSON array, its
file's stat key then the row (:meth:`Row.stored`), rather than an object naming every field.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, Any, NamedTuple

from jobzone.errors import InputError
from jobzone.states import Kind, Status
from jobzone.workspace import NAME_RE, StatKey, Workspace, stat_key

if TYPE_CHECKING:
    from jobzone.drafts import Draft, RowFields

INDEX_NAME = ".index.json"
#: Rows recorded since the index was last written, one JSON array a line: ``[id, row]``.
LOG_NAME = ".index.log"
INDEX_VERSION = 4
#: An index row starts with its file's stat key: size, modification and change times, inode.
KEY_LENGTH = 4


class Row(NamedTuple):
    """What the queue shows of a draft. A plain value, not a file model: a warm listing reads
    only the index, and pays for neither YAML nor pydantic (and a named tuple is quick to make,
    10,000 times)."""

    id: str
    slug: str
    title: str
    kind: Kind
    status: Status
    aijri: float | None
    zone: str | None
    errors: int
    warnings: int
    created_at: dt.datetime
    revision: int
    approvals: int
    #: Who approved it so far: what tells a reviewer whether the draft still waits for them.
    approvers: tuple[str, ...]

    @classmethod
    def of(cls, draft: Draft | RowFields) -> Row:
        score = draft.score
        return cls(
            id=draft.id,
            slug=draft.slug,
            title=draft.title,
            kind=draft.kind,
            status=draft.status,
            aijri=score.aijri if score else None,
            zone=score.zone if score else None,
            errors=len(draft.findings.errors),
            warnings=len(draft.findings.warnings),
            created_at=draft.created_at,
            revision=draft.revision,
            approvals=len(draft.approvals),
            approvers=tuple(a.reviewer for a in draft.approvals),
        )

    def to_json(self) -> dict[str, Any]:
        """The row as ``jobzone queue --json`` shows it."""
        data = self._asdict()
        data["created_at"] = _timestamp(self.created_at)
        data["approvers"] = list(self.approvers)
        return data

    def stored(self, key: StatKey) -> list[Any]:
        """The row as the index holds it, after ``key``, its file's stat key."""
        return [
            *key,
            self.slug,
            self.title,
            self.kind.value,
            self.status.value,
            self.aijri,
            self.zone,
            self.errors,
            self.warnings,
            _timestamp(self.created_at),
            self.revision,
            list(self.approvers),
        ]

    @classmethod
    def from_stored(cls, draft_id: str, stored: Any) -> Row | None:
        """The row the index holds for ``draft_id``, or None when it is not one (the draft is
        read again). The types are checked at once, as one tuple: a warm listing checks 10,000
        rows, and ``isinstance`` would take a bool for an int besides."""
        if type(stored) is not list or tuple(map(type, stored)) not in _STORED_TYPES:
            return None
        slug, title, kind, status, aijri, zone, errors, warnings, when, revision, approvers = (
            stored[KEY_LENGTH:]
        )
        if kind not in KIND_OF or status not in STATUS_OF:
            return None
        if approvers and not all(type(name) is str for name in approvers):
            return None
        try:
            created_at = dt.datetime.fromisoformat(when)
        except ValueError:
            return None
        return cls(
            draft_id,
            slug,
            title,
            KIND_OF[kind],
            STATUS_OF[status],
            aijri,
            zone,
            errors,
            warnings,
            created_at,
            revision,
            len(approvers),
            tuple(approvers),
        )


def _timestamp(when: dt.datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


#: Each kind and status by its value (``Kind(value)`` costs a call through the enum machinery,
#: once a row).
KIND_OF = {kind.value: kind for kind in Kind}
STATUS_OF = {status.value: status for status in Status}
#: The types of an index row's values, exactly, in each form it may take (aijri a number or
#: none, zone a text or none).
_STORED_TYPES = frozenset(
    (int, int, int, int, str, str, str, str, aijri, zone, int, int, str, int, list)
    for aijri in (float, int, type(None))
    for zone in (str, type(None))
)


def _load_index(workspace: Workspace) -> dict[str, Any]:
    """The index's rows by draft id, with the rows :func:`record` appended since it was last
    written."""
    path = workspace.drafts_dir / INDEX_NAME
    entries: dict[str, Any] = {}
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(_read_cache(path))
        if isinstance(data, dict) and data.get("version") == INDEX_VERSION:
            found = data.get("rows")
            if isinstance(found, dict):
                entries = found
    entries.update(_recorded(workspace))
    return entries


def _recorded(workspace: Workspace) -> dict[str, Any]:
    """The rows appended to ``drafts/.index.log``, the latest of each draft last. A line cut
    short by a crash, or anything else that is not a row, is passed over: a listing then reads
    that draft's file, as for any row the index lacks."""
    with contextlib.suppress(OSError):
        text = _read_cache(workspace.drafts_dir / LOG_NAME)
        found: dict[str, Any] = {}
        for line in text.splitlines():
            with contextlib.suppress(ValueError):
                item = json.loads(line)
                if type(item) is list and len(item) == 2 and type(item[0]) is str:
                    found[item[0]] = item[1]
        return found
    return {}


def _read_cache(path: Path) -> bytes:
    """The index's bytes. Like every file of a workspace it is never read through a link, and a
    FIFO is not waited on: anything but a regular file reads as no index."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as file:
        return file.read() if S_ISREG(os.fstat(fd).st_mode) else b""


@dataclass
class Listing:
    rows: list[Row] = field(default_factory=list)
    #: Draft files that could not be read, each with why; the rest of the queue still lists.
    unreadable: list[InputError] = field(default_factory=list)


@contextlib.contextmanager
def _uncollected() -> Iterator[None]:
    """No garbage collection while a listing makes its tens of thousands of objects, which live
    as long as the listing: the collector would go over them again and again, for a tenth of a
    warm listing. It runs again after, so nothing is kept longer than it would be."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def rows(workspace: Workspace) -> Listing:
    """A row per draft file, and the draft files that could not be read."""
    with _uncollected():
        return _rows(workspace)


def _rows(workspace: Workspace) -> Listing:
    result = Listing()
    if not workspace.drafts_dir.is_dir():
        return result
    old = _load_index(workspace)
    fresh: dict[str, Any] = {}
    stale: list[tuple[str, StatKey, bool]] = []  # what the index lacks or has out of date
    with os.scandir(workspace.drafts_dir) as entries:
        for entry in entries:
            name = entry.name
            draft_id = name[:-5]
            if not name.endswith(".yaml") or not NAME_RE.match(draft_id):
                continue
            # A link is not followed: reading it lists it as unreadable, even a dangling one.
            info = entry.stat(follow_symlinks=False)
            key = stat_key(info)
            stored: Any = old.get(draft_id)
            row = Row.from_stored(draft_id, stored)
            if row is not None and tuple(stored[:KEY_LENGTH]) == key:
                fresh[draft_id] = stored  # as the index holds it: no need to write it again
                result.rows.append(row)
            else:
                stale.append((draft_id, key, S_ISREG(info.st_mode)))
    changed = False
    for (draft_id, key, _), found in zip(stale, _read_files(workspace, stale), strict=True):
        if isinstance(found, InputError):
            result.unreadable.append(found)
            continue
        fresh[draft_id] = found.stored(key)
        result.rows.append(found)
        changed = True
    log = workspace.drafts_dir / LOG_NAME
    if changed or fresh.keys() != old.keys() or log.is_file():
        _save_index(workspace, fresh)
        with contextlib.suppress(OSError):
            log.unlink()  # folded in (a row appended meanwhile is read from its file next time)
    return result


def _read_files(
    workspace: Workspace, stale: list[tuple[str, StatKey, bool]]
) -> list[Row | InputError]:
    """The row of each stale draft file, or why it cannot be read."""
    if not stale:
        return []
    from jobzone.review.draft_rows import read_rows  # here: a warm listing reads no file

    return read_rows(workspace, [(draft_id, regular) for draft_id, _, regular in stale])


def _save_index(workspace: Workspace, entries: dict[str, Any]) -> None:
    from jobzone.documents import atomic_write

    payload = json.dumps({"version": INDEX_VERSION, "rows": entries}, separators=(",", ":"))
    # A cache: a workspace that cannot be written still lists its queue.
    with contextlib.suppress(InputError):
        atomic_write(
            workspace.drafts_dir / INDEX_NAME, payload, inside=workspace.root, durable=False
        )


def record(workspace: Workspace, draft: Draft) -> None:
    """Record the draft's row, right after its file was written (under the workspace's lock,
    in the same change), so the next listing need not read it again. Appended to
    ``drafts/.index.log`` rather than rewriting the index: one line costs the same at 10 drafts
    or 10,000, where rewriting the index cost a fifth of a second per edit. The next listing
    that writes the index folds the log into it."""
    try:
        key = stat_key((workspace.drafts_dir / f"{draft.id}.yaml").lstat())
    except OSError:
        return
    line = json.dumps([draft.id, Row.of(draft).stored(key)])
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK
    with contextlib.suppress(OSError):  # a cache: a draft saved is saved without its row
        fd = os.open(workspace.drafts_dir / LOG_NAME, flags, 0o644)
        try:
            if S_ISREG(os.fstat(fd).st_mode):
                os.write(fd, (line + "\n").encode("utf-8"))
        finally:
            os.close(fd)


_STATUS_ORDER = {
    Status.pending.value: 0,
    Status.changes_requested.value: 1,
    Status.approved.value: 2,
    Status.rejected.value: 3,
}


def listing(workspace: Workspace, status: str | None = None) -> Listing:
    """The queue, pending first, then oldest first within a status."""
    if status is not None and status not in _STATUS_ORDER:
        raise InputError(
            f"unknown status {status!r}; use one of {', '.join(_STATUS_ORDER)}",
            field="--status",
            rule="queue.status",
        )
    with _uncollected():
        found = rows(workspace)
        found.rows = [r for r in found.rows if status is None or r.status == status]
        found.rows.sort(key=lambda r: (_STATUS_ORDER[r.status], r.created_at, r.id))
    return found
