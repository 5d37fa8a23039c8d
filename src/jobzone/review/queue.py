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
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from jobzone.documents import atomic_write
from jobzone.drafts import Draft, Kind, Status, load_draft
from jobzone.errors import InputError
from jobzone.workspace import NAME_RE, Workspace

INDEX_NAME = ".index.json"
INDEX_VERSION = 2


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid")

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
        )


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
    try:
        row = Row.model_validate(cached.get("row"))
    except ValidationError:
        return None
    return row


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
            if row is None:
                try:
                    row = Row.of(load_draft(workspace, name[:-5]))
                except InputError as exc:
                    result.unreadable.append(exc)
                    continue
                changed = True
            fresh[name] = {"key": key, "row": row.model_dump(mode="json")}
            result.rows.append(row)
    if changed or fresh.keys() != old.keys():
        payload = json.dumps({"version": INDEX_VERSION, "entries": fresh}, separators=(",", ":"))
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
