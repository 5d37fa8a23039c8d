"""``jobzone check``'s work: every canonical role validated against the rest of the set.

A role's findings depend on the whole set (its nearest neighbour, the roles it names), so they
are kept in the role cache (:mod:`jobzone.role_cache`) for the whole set at once, by a digest of
every file's name and hash (and jobzone's code): a second check of an unchanged set reads them
back; any change to any file checks the whole set again. Each role's record is kept as it is
found and read back one at a time, so that a set of 20,000 roles and 300,000 findings is never
held in memory. A record is the role's part of ``check --json`` as ``json.dumps`` would print it
whole (:func:`indented_row`): it is written while the roles are checked, on both cores, and
:func:`write_json` only joins the records.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from jobzone import forking
from jobzone.canonical import CanonicalRole, CanonicalSet
from jobzone.progress import Notify, ignore
from jobzone.role_cache import RoleCache
from jobzone.workspace import Workspace

#: A role's line of the check: slug, aijri, errors and warnings (as ``check --json`` has them).
Result = dict[str, Any]


@dataclass(frozen=True)
class SetCheck:
    """The findings of a whole set: whether any role has errors, and each role's record (its
    JSON, indented as in ``check --json``), to be read once."""

    count: int
    failed: bool
    records: Iterator[str]

    def rows(self) -> Iterator[Result]:
        """Each role's line, by slug, read one at a time."""
        return (json.loads(record) for record in self.records)


def set_digest(canonical: CanonicalSet, stamp: str) -> str:
    """What the set's findings depend on: each file's name and hash, each unreadable file's
    problem, and jobzone's code (``stamp``)."""
    digest = hashlib.sha256(stamp.encode())
    for role in sorted(canonical, key=lambda r: r.path.name):
        digest.update(f"{role.path.name} {role.sha256}\n".encode())
    for problem in canonical.unreadable:
        digest.update(f"{problem.message}\n".encode())
    return digest.hexdigest()


def check_set(
    workspace: Workspace,
    canonical: CanonicalSet,
    *,
    notify: Notify = ignore,
    each: Callable[[list[CanonicalRole]], Iterable[CanonicalRole]] = lambda roles: roles,
) -> SetCheck:
    """Each role's findings, from the cache when the set has not changed since they were found.
    ``each`` wraps the roles as they are checked (a progress bar)."""
    cache = RoleCache(workspace, notify)
    digest = set_digest(canonical, cache.stamp)
    kept = cache.check_summary(digest)
    if kept is not None:
        records = cache.check_records(digest)
        if records is not None:
            return SetCheck(kept[0], kept[1], records)
    roles = sorted(canonical, key=lambda r: r.slug)
    # Each record is written out as it is found: 20,000 roles' take a hundred megabytes.
    found = tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n")  # noqa: SIM115
    failed = _check_on_every_core(roles, canonical, found, each)
    cache.record_check(digest, failed, len(roles), _records(found))
    return SetCheck(len(roles), failed, _records(found, close=True))


def _check_roles(roles: Iterable[CanonicalRole], canonical: CanonicalSet, out: IO[str]) -> bool:
    """Write each role's record to ``out``; whether any role has errors."""
    from jobzone.validation import validate

    failed = False
    for role in roles:
        report = validate(
            role.assessment, canonical, scored=role.score, expected_slug=role.path.stem
        )
        failed = failed or not report.ok
        row = {"slug": role.slug, "aijri": float(role.score.shown_aijri), **report.to_dict()}
        out.write(indented_row(row) + _END)
    return failed


def _check_on_every_core(
    roles: list[CanonicalRole],
    canonical: CanonicalSet,
    out: IO[str],
    each: Callable[[list[CanonicalRole]], Iterable[CanonicalRole]],
) -> bool:
    """Check ``roles`` into ``out`` in order; whether any has errors. A large set on a machine
    with two cores is split in two, the second half checked by a forked child
    (:mod:`jobzone.forking`) into a file of its own, appended once both are done."""
    if not forking.worth_splitting(len(roles)):
        return _check_roles(each(roles), canonical, out)
    cut = len(roles) // 2
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n") as theirs:

        def second_half() -> bool:
            failed = _check_roles(roles[cut:], canonical, theirs)
            theirs.flush()
            return failed

        out.flush()
        failed, failed_there = forking.in_parallel(
            second_half, lambda: _check_roles(each(roles[:cut]), canonical, out)
        )
        if failed_there is None:
            return _check_roles(roles[cut:], canonical, out) or failed
        theirs.seek(0)
        shutil.copyfileobj(theirs, out)
    return failed or failed_there


#: What ends a record in the file the roles are checked into: a record's last line is its closing
#: brace, four spaces in (an inner one is further in; an empty record is one line), and JSON
#: escapes every line break of a text.
_END = "\n"
_LAST_LINES = frozenset({"    }\n", "    {}\n"})


def _records(file: IO[str], *, close: bool = False) -> Iterator[str]:
    """The records of ``file``, from its start, without their last line break; ``close``: the
    file is closed once they are read (or no longer wanted)."""
    try:
        file.seek(0)
        lines: list[str] = []
        for line in file:
            lines.append(line)
            if line in _LAST_LINES:
                yield "".join(lines)[:-1]
                lines.clear()
    finally:
        if close:
            file.close()


#: Stands for the roles' records in the rest of ``check --json``, printed around them.
_ROWS = "\x00roles\x00"


def write_json(
    echo: Callable[[str], None], checked: SetCheck, unreadable: list[dict[str, object]]
) -> None:
    """``check --json``, exactly as ``json.dumps(..., indent=2)`` prints it, a role at a time."""
    failed = checked.failed or bool(unreadable)
    whole = {"ok": not failed, "roles": _ROWS, "unreadable": unreadable}
    text = json.dumps(whole, indent=2, ensure_ascii=False, default=str)
    head, tail = text.split(json.dumps(_ROWS), 1)
    if not checked.count:
        echo(head + "[]" + tail)
        return
    echo(head + "[")
    last = checked.count - 1
    for index, record in enumerate(checked.records):
        echo(record + ("," if index < last else ""))
    echo("  ]" + tail)


_ROW_KEYS = ["slug", "aijri", "errors", "warnings"]
_FINDING_KEYS = ["code", "path", "message"]
#: JSON for one text or number as ``json.dumps(..., ensure_ascii=False)`` writes it, in C.
_scalar = json.JSONEncoder(ensure_ascii=False).encode


def indented_row(row: Result) -> str:
    """``json.dumps(row, indent=2, ensure_ascii=False)`` moved in by four spaces, as it stands in
    ``check --json``. Python's encoder indents only in Python, slowly (three seconds for 5,000
    roles' 76,000 findings); a line of the shape :func:`check_set` makes is written here from
    its texts and numbers, each encoded in C. Any other shape goes to ``json.dumps``."""
    if list(row) != _ROW_KEYS or not all(
        isinstance(row[key], list) and all(_is_finding(f) for f in row[key])
        for key in ("errors", "warnings")
    ):
        lines = json.dumps(row, indent=2, ensure_ascii=False, default=str).split("\n")
        return "\n".join("    " + line for line in lines)
    out = [
        f'    {{\n      "slug": {_scalar(row["slug"])},\n      "aijri": {_scalar(row["aijri"])},'
    ]
    for key in ("errors", "warnings"):
        findings = row[key]
        end = "," if key == "errors" else ""
        if not findings:
            out.append(f'\n      "{key}": []{end}')
            continue
        items = ",\n".join(
            "        {\n"
            f'          "code": {_scalar(f["code"])},\n'
            f'          "path": {_scalar(f["path"])},\n'
            f'          "message": {_scalar(f["message"])}\n'
            "        }"
            for f in findings
        )
        out.append(f'\n      "{key}": [\n{items}\n      ]{end}')
    out.append("\n    }")
    return "".join(out)


def _is_finding(finding: object) -> bool:
    return (
        isinstance(finding, dict)
        and list(finding) == _FINDING_KEYS
        and all(isinstance(value, str) for value in finding.values())
    )
