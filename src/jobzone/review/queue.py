"""Listing the queue fast: one summary row per draft, cached in ``drafts/.index.json``.

A row is reused while its draft file's size, times and inode are unchanged, so listing 10,000
drafts costs a directory scan and a stat per file, not 10,000 YAML parses. Every change to a draft
updates its row in the same locked write (:func:`record`), so the index stays warm. The index is
a cache: whatever it lacks or has stale is read again from the files, and to fill a row only the
top-level fields the row shows are parsed (:func:`read_row`), not the assessment, provenance and
history that make up most of a draft.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, Any

from jobzone.errors import InputError
from jobzone.states import Kind, Status
from jobzone.workspace import NAME_RE, Workspace, stat_key

if TYPE_CHECKING:
    from jobzone.drafts import Draft, RowFields

INDEX_NAME = ".index.json"
#: Rows recorded since the index was last written, one JSON object a line.
LOG_NAME = ".index.log"
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
        """The row as the index holds it (by hand: ``asdict`` deep-copies, a second per 10,000)."""
        data = {name: getattr(self, name) for name in _ROW_ORDER}
        data["created_at"] = self.created_at.isoformat().replace("+00:00", "Z")
        data["approvers"] = list(self.approvers)
        return data

    @classmethod
    def from_json(cls, data: Any) -> Row | None:
        """The row the index holds, or None when it is not one (the draft is read again)."""
        if type(data) is not dict or data.keys() != _ROW_FIELDS:
            return None
        try:
            row = cls(
                id=data["id"],
                slug=data["slug"],
                title=data["title"],
                kind=_KINDS[data["kind"]],
                status=_STATUSES[data["status"]],
                aijri=data["aijri"],
                zone=data["zone"],
                errors=data["errors"],
                warnings=data["warnings"],
                created_at=dt.datetime.fromisoformat(data["created_at"]),
                revision=data["revision"],
                approvals=data["approvals"],
                approvers=tuple(data["approvers"]),
            )
        except (TypeError, ValueError, KeyError):
            return None
        return row if _well_typed(row) else None


#: Looked up by value (``Kind(value)`` costs a call through the enum machinery, per row).
_KINDS = {kind.value: kind for kind in Kind}
_STATUSES = {status.value: status for status in Status}
_ROW_ORDER = [f.name for f in fields(Row)]
_ROW_FIELDS = frozenset(_ROW_ORDER)
#: The types each field's value may have in the index, exactly (``True`` is no count).
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
_TYPED = list(_TYPES.items())


def _well_typed(row: Row) -> bool:
    """Checked with ``type(...) in``: a warm listing checks 10,000 rows, and ``isinstance`` would
    take a bool for an int besides."""
    values = row.__dict__
    return all(type(values[name]) in kinds for name, kinds in _TYPED) and all(
        type(name) is str for name in row.approvers
    )


def _load_index(workspace: Workspace) -> dict[str, Any]:
    """The index's entries, with the rows :func:`record` appended since it was last written."""
    path = workspace.drafts_dir / INDEX_NAME
    entries: dict[str, Any] = {}
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(_read_cache(path))
        if isinstance(data, dict) and data.get("version") == INDEX_VERSION:
            found = data.get("entries")
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
                if isinstance(item, dict) and isinstance(item.get("name"), str):
                    found[item["name"]] = {"key": item.get("key"), "row": item.get("row")}
        return found
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
    checked: bool | None = None  # whether drafts/ is no link, once a file has to be read
    with os.scandir(workspace.drafts_dir) as entries:
        for entry in entries:
            name = entry.name
            if not name.endswith(".yaml") or not NAME_RE.match(name[:-5]):
                continue
            # A link is not followed: reading it below lists it as unreadable, even a dangling one.
            info = entry.stat(follow_symlinks=False)
            key = list(stat_key(info))
            row = _cached_row(old.get(name), key)
            if row is not None:
                fresh[name] = old[name]  # as the index holds it: no need to write it again
            else:
                if checked is None:
                    checked = _folder_checked(workspace)
                try:
                    row = read_row(workspace, name[:-5], checked and S_ISREG(info.st_mode))
                except InputError as exc:
                    result.unreadable.append(exc)
                    continue
                changed = True
                fresh[name] = {"key": key, "row": row.to_json()}
            result.rows.append(row)
    log = workspace.drafts_dir / LOG_NAME
    if changed or fresh.keys() != old.keys() or log.is_file():
        _save_index(workspace, fresh)
        with contextlib.suppress(OSError):
            log.unlink()  # folded in (a row appended meanwhile is read from its file next time)
    return result


def _folder_checked(workspace: Workspace) -> bool:
    """Whether drafts/ is reached through no link: its files may then be opened one by one
    without following one (else each file says why it cannot be read)."""
    from jobzone.documents import refuse_links  # here: a warm listing reads no file

    try:
        refuse_links(workspace.drafts_dir, workspace.root)
    except InputError:
        return False
    return True


def _save_index(workspace: Workspace, entries: dict[str, Any]) -> None:
    from jobzone.documents import atomic_write

    payload = json.dumps({"version": INDEX_VERSION, "entries": entries}, separators=(",", ":"))
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
    name = f"{draft.id}.yaml"
    try:
        key = list(stat_key((workspace.drafts_dir / name).lstat()))
    except OSError:
        return
    line = json.dumps({"name": name, "key": key, "row": Row.of(draft).to_json()})
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK
    with contextlib.suppress(OSError):  # a cache: a draft saved is saved without its row
        fd = os.open(workspace.drafts_dir / LOG_NAME, flags, 0o644)
        try:
            if S_ISREG(os.fstat(fd).st_mode):
                os.write(fd, (line + "\n").encode("utf-8"))
        finally:
            os.close(fd)


#: The top-level fields of a draft file that its row shows.
ROW_FIELDS = frozenset(
    (
        "id",
        "kind",
        "status",
        "revision",
        "title",
        "slug",
        "created_at",
        "findings",
        "score",
        "approvals",
    )
)


def read_row(workspace: Workspace, draft_id: str, folder_checked: bool = False) -> Row:
    """The row of a draft file, parsing only the top-level fields the row shows. A file that
    this cannot read is read whole, which says precisely what is wrong with it.
    ``folder_checked``: drafts/ was found to be no link, and the file to be a regular one."""
    from jobzone.documents import decode_text, parse_yaml, read_bytes, read_bytes_unlinked
    from jobzone.drafts import RowFields, draft_path, load_draft

    path = draft_path(workspace, draft_id)
    try:
        data = (
            read_bytes_unlinked(path) if folder_checked else read_bytes(path, inside=workspace.root)
        )
        text = _row_text(decode_text(data, str(path)))
        fields = RowFields.model_validate(parse_yaml(text, str(path)))
    except (InputError, ValueError):  # pydantic's ValidationError is a ValueError
        return Row.of(load_draft(workspace, draft_id))
    if fields.id != draft_id:
        return Row.of(load_draft(workspace, draft_id))  # which names the mismatch
    return Row.of(fields)


#: A top-level key: at the start of a line, not indented, no comment, no list item.
_TOP_KEY = re.compile(r"\n([^\s#\-][^:\n]*):")


def _row_text(text: str) -> str:
    """The top-level fields of a YAML mapping named in ROW_FIELDS, each with its block (the
    lines under a top-level key are indented, comments or list items)."""
    text = "\n" + text
    starts = [(match.start(), match.group(1)) for match in _TOP_KEY.finditer(text)]
    ends = [start for start, _ in starts[1:]] + [len(text)]
    return (
        "".join(
            text[start:end]
            for (start, key), end in zip(starts, ends, strict=True)
            if key in ROW_FIELDS
        )
        + "\n"
    )


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
