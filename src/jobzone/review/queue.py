"""Listing the queue fast: one summary row per draft, cached in ``drafts/.index.json``.

A row is reused while its draft file's size and modification time are unchanged, so listing
10,000 drafts costs a directory scan and a stat per file, not 10,000 YAML parses. The index is a
cache: it is rebuilt from the files whenever it is missing, stale or unreadable.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, Any

from jobzone.errors import InputError
from jobzone.states import Kind, Status
from jobzone.workspace import NAME_RE, Workspace

if TYPE_CHECKING:
    from jobzone.drafts import Draft

INDEX_NAME = ".index.json"
INDEX_VERSION = 3


@dataclass(frozen=True)
class Row:
    """What the queue shows of a draft. A plain value, not a file model: a warm listing reads
    only the index, and pays for neither YAML nor pydantic."""

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
    def of(cls, draft: Draft) -> Row:
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
        data = asdict(self)
        data["created_at"] = self.created_at.isoformat().replace("+00:00", "Z")
        return data

    @classmethod
    def from_json(cls, data: Any) -> Row | None:
        """The row the index holds, or None when it is not one (the draft is read again)."""
        if not isinstance(data, dict) or set(data) != _ROW_FIELDS:
            return None
        try:
            row = cls(
                **{
                    **data,
                    "kind": Kind(data["kind"]),
                    "status": Status(data["status"]),
                    "created_at": dt.datetime.fromisoformat(data["created_at"]),
                    "approvers": tuple(data["approvers"]),
                }
            )
        except (TypeError, ValueError):
            return None
        return row if _well_typed(row) else None


_ROW_FIELDS = frozenset(f.name for f in fields(Row))
_TYPES: dict[str, tuple[type, ...]] = {
    "id": (str,),
    "slug": (str,),
    "title": (str,),
    "aijri": (float, int, type(None)),
    "zone": (str, type(None)),
    "errors": (int,),
    "warnings": (int,),
    "revision": (int,),
    "approvals": (int,),
}


def _well_typed(row: Row) -> bool:
    return all(
        isinstance(getattr(row, name), kinds) and not isinstance(getattr(row, name), bool)
        for name, kinds in _TYPES.items()
    ) and all(isinstance(name, str) for name in row.approvers)


def _load_index(workspace: Workspace) -> dict[str, Any]:
    path = workspace.drafts_dir / INDEX_NAME
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(_read_cache(path))
        if isinstance(data, dict) and data.get("version") == INDEX_VERSION:
            entries = data.get("entries")
            if isinstance(entries, dict):
                return entries
    return {}


def _read_cache(path: Path) -> bytes:
    """The index's bytes. Like every file of a workspace it is never read through a link, and a
    FIFO is not waited on: anything but a regular file reads as no index."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as file:
        return file.read() if S_ISREG(os.fstat(fd).st_mode) else b""


def _cached_row(cached: Any, key: list[int]) -> Row | None:
    """The index's row for a file whose key is ``key``, if it is there and well formed."""
    if not isinstance(cached, dict) or cached.get("key") != key:
        return None
    return Row.from_json(cached.get("row"))


@dataclass
class Listing:
    rows: list[Row] = field(default_factory=list)
    #: Draft files that could not be read, each with why; the rest of the queue still lists.
    unreadable: list[InputError] = field(default_factory=list)


def rows(workspace: Workspace) -> Listing:
    """A row per draft file, and the draft files that could not be read."""
    old = _load_index(workspace)
    fresh: dict[str, Any] = {}
    result = Listing()
    changed = False
    if not workspace.drafts_dir.is_dir():
        return result
    with os.scandir(workspace.drafts_dir) as entries:
        for entry in entries:
            name = entry.name
            if not name.endswith(".yaml") or not NAME_RE.match(name[:-5]):
                continue
            # Drafts are replaced atomically, so each save is a new inode; with the change time
            # this catches a rewrite of the same size within the file system's time granularity.
            # A link is not followed: reading it below lists it as unreadable, even a dangling one.
            stat = entry.stat(follow_symlinks=False)
            key = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]
            row = _cached_row(old.get(name), key)
            if row is not None:
                fresh[name] = old[name]  # as the index holds it: no need to write it again
            else:
                from jobzone.drafts import load_draft

                try:
                    row = Row.of(load_draft(workspace, name[:-5]))
                except InputError as exc:
                    result.unreadable.append(exc)
                    continue
                changed = True
                fresh[name] = {"key": key, "row": row.to_json()}
            result.rows.append(row)
    if changed or fresh.keys() != old.keys():
        payload = json.dumps({"version": INDEX_VERSION, "entries": fresh}, separators=(",", ":"))
        from jobzone.documents import atomic_write

        # A cache: a workspace that cannot be written still lists its queue.
        with contextlib.suppress(InputError):
            atomic_write(workspace.drafts_dir / INDEX_NAME, payload, inside=workspace.root)
    return result


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
    found = rows(workspace)
    found.rows = [r for r in found.rows if status is None or r.status == status]
    found.rows.sort(key=lambda r: (_STATUS_ORDER[r.status], r.created_at, r.id))
    return found
