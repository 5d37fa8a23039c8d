"""A file of titles to draft at once: one title a line, or CSV with ``title``, ``notes`` and
optionally ``occupation`` columns.

Reading never stops at a bad line: each line is either an :class:`Entry` to draft or a
:class:`BadLine` saying why not (empty, too long, control characters, a duplicate of an earlier
line, plainly not a job title), so the rest of the set goes on and every refusal is reported
with its line number.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jobzone.errors import InputError, JobzoneError
from jobzone.occupations.lookup import CODE
from jobzone.similarity import name_key

#: Columns a CSV titles file may have; ``title`` is required.
CSV_COLUMNS = ("title", "notes", "occupation")
#: The largest titles file read (a set of 50,000 titles fits many times over).
MAX_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Entry:
    """A title to draft, from line ``line`` of the file (1-based, as an editor counts)."""

    line: int
    title: str
    notes: str | None = None
    #: An O*NET occupation code the editor chose for the role.
    occupation: str | None = None


@dataclass(frozen=True)
class BadLine:
    """A line that is not drafted, and why (one line, for the report)."""

    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class TitlesFile:
    path: Path
    #: sha256 of the file's bytes: the same file is the same set.
    sha256: str
    entries: list[Entry]
    bad: list[BadLine]


def read_titles(path: Path, check: Callable[[str], str]) -> TitlesFile:
    """Read ``path``; ``check`` returns the title as it will be drafted (trimmed) or raises a
    JobzoneError saying why the text is no title (see :func:`jobzone.drafting.pipeline.
    check_title`)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the titles file: {exc.strerror}", file=str(path)) from None
    if len(data) > MAX_BYTES:
        raise InputError(
            f"the titles file is over {MAX_BYTES // (1024 * 1024)} MiB", file=str(path)
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"the titles file is not UTF-8 (byte {exc.start})", file=str(path), rule="titles.utf8"
        ) from None
    rows = _csv_rows(text, path) if _is_csv(text) else _plain_rows(text)
    entries: list[Entry] = []
    bad: list[BadLine] = []
    seen: dict[str, int] = {}
    for entry in rows:
        if isinstance(entry, BadLine):
            bad.append(entry)
            continue
        try:
            title = check(entry.title)
        except JobzoneError as exc:
            bad.append(BadLine(entry.line, entry.title, _reason(exc)))
            continue
        code = entry.occupation
        if code is not None and not CODE.match(code):
            bad.append(BadLine(entry.line, entry.title, f"{code!r} is not an O*NET code"))
            continue
        key = name_key(title)
        if key in seen:
            bad.append(BadLine(entry.line, entry.title, f"a duplicate of line {seen[key]}"))
            continue
        seen[key] = entry.line
        entries.append(Entry(entry.line, title, entry.notes, code))
    return TitlesFile(path, hashlib.sha256(data).hexdigest(), entries, bad)


def _reason(exc: JobzoneError) -> str:
    detail = getattr(exc, "detail", None)
    return str(detail if isinstance(detail, str) else exc.message)


def _is_csv(text: str) -> bool:
    """A CSV file names its columns on its first line, ``title`` among them."""
    first = text.splitlines()[0] if text.strip() else ""
    try:
        header = next(csv.reader([first]))
    except (csv.Error, StopIteration):
        return False
    names = [name.strip().casefold() for name in header]
    return "title" in names and len(names) > 1 and set(names) <= set(CSV_COLUMNS)


def _plain_rows(text: str) -> list[Entry | BadLine]:
    return [Entry(number, line) for number, line in enumerate(text.splitlines(), 1)]


def _csv_rows(text: str, path: Path) -> list[Entry | BadLine]:
    reader = csv.reader(io.StringIO(text))
    header = [name.strip().casefold() for name in next(reader)]
    rows: list[Entry | BadLine] = []
    try:
        for values in reader:
            line = reader.line_num
            if len(values) > len(header):
                text = ",".join(values)
                rows.append(
                    BadLine(line, text, f"{len(values)} columns; the header has {len(header)}")
                )
                continue
            cells = dict(zip(header, (v.strip() for v in values), strict=False))
            rows.append(
                Entry(
                    line,
                    cells.get("title", ""),
                    cells.get("notes") or None,
                    cells.get("occupation") or None,
                )
            )
    except csv.Error as exc:
        raise InputError(
            f"line {reader.line_num}: {exc}", file=str(path), rule="titles.csv"
        ) from None
    return rows
