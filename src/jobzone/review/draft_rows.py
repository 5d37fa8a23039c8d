"""A draft's row in the queue, read from its file: only the top-level fields the row shows.

Two readers give the same row. The fast one (:func:`fast_row`) reads those fields with
:mod:`jobzone.review.block_yaml` (the score, a third of their lines, by one regular expression
when it is written as jobzone writes it) and checks them as :class:`jobzone.drafts.RowFields`
would, without pydantic, whose models alone cost a cold listing a third of a second to import;
whatever it cannot tell, it declines. The precise one (:func:`read_row`) parses them with PyYAML
and validates them with RowFields, and reads whole a file that fails that, which says precisely
what is wrong with it. The tests hold the fast reader's copy of the models' fields to the models.

:func:`read_rows` reads many files, thousands with a forked second process.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from stat import S_ISREG
from typing import Any

from jobzone import forking
from jobzone.errors import InputError
from jobzone.review import block_yaml
from jobzone.review.queue import KIND_OF, STATUS_OF, Row
from jobzone.workspace import NAME_MAX, NAME_PATTERN, Workspace

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
#: Those a draft file must have (the others have defaults).
REQUIRED_FIELDS = ROW_FIELDS - {"revision", "approvals"}
#: The fields of :class:`jobzone.drafts.FindingRecord`, all text.
FINDING_FIELDS = frozenset(("code", "path", "message"))
#: The fields of :class:`jobzone.drafts.Approval`, and those it must have.
APPROVAL_FIELDS = frozenset(("reviewer", "at", "note", "accepted_warnings"))
REQUIRED_APPROVAL_FIELDS = APPROVAL_FIELDS - {"accepted_warnings"}
#: The fields of :class:`jobzone.scoring.ShownScore` and their types: all required, no other.
SCORE_FIELDS: dict[str, Any] = {
    "rubric": str,
    "aijri": float,
    "formula_aijri": float,
    "overridden": bool,
    "clamped": bool,
    "zone": str,
    "sub_label": str,
    "formula_zone": str,
    "formula_sub_label": str,
    "raw": float,
    "task_total": float,
    "task_resistance": float,
    "share_3plus": int,
    "split": dict[str, int],
    "protective_total": int,
    "evidence_total": int,
    "barrier_total": int,
    "growth": int,
    "evidence_modifier": float,
    "barrier_modifier": float,
    "growth_modifier": float,
    "quick_screen": str,
    "quick_screen_total": int,
    "distance": dict[str, float],
}
_SCALAR_TYPES = frozenset((str, float, int, bool))
_SCORE_SCALARS = [name for name, kind in SCORE_FIELDS.items() if kind in _SCALAR_TYPES]
_SCORE_SCALAR_TYPES = [SCORE_FIELDS[name] for name in _SCORE_SCALARS]
#: The mappings of a score, each with the type of its values (their keys are text).
_SCORE_MAPPINGS = [
    (name, kind.__args__[1]) for name, kind in SCORE_FIELDS.items() if name not in _SCORE_SCALARS
]
#: The score as jobzone writes it: each field on its line, in the model's order, with a mapping's
#: entries on the lines below its name (at least one: none would make the mapping null).
_SCORE_LINES = re.compile(
    "\nscore:\n"
    + "".join(
        f"  {name}: (.*)\n" if name in _SCORE_SCALARS else f"  {name}:\n((?:    .*\n)+)"
        for name in SCORE_FIELDS
    )
)
_NAME = re.compile(NAME_PATTERN)
#: Draft files larger than this are left to the precise reader (a draft is about 15 KB).
_FAST_MAX_BYTES = 256 * 1024
#: A top-level key: at the start of a line, not indented, no comment, no list item.
_TOP_KEY = re.compile(r"\n([^\s#\-][^:\n]*):")


def row_text(text: str) -> str:
    """The top-level fields of a YAML mapping named in ROW_FIELDS, each with its block (the
    lines under a top-level key are indented, comments or list items)."""
    return "".join(block for _, block in _row_blocks(text)) + "\n"


def _row_blocks(text: str) -> list[tuple[str, str]]:
    """Each top-level field of ``text`` named in ROW_FIELDS, and its block from the line break
    before its key."""
    text = "\n" + text
    starts = [(match.start(), match[1]) for match in _TOP_KEY.finditer(text)]
    ends = [start for start, _ in starts[1:]] + [len(text)]
    return [
        (key, text[start:end])
        for (start, key), end in zip(starts, ends, strict=True)
        if key in ROW_FIELDS
    ]


def fast_row(text: str, draft_id: str) -> Row | None:
    """The row of the draft file ``draft_id`` holding ``text``, or None when this reader cannot
    tell: :func:`read_row` then reads the file."""
    blocks = _row_blocks(text)
    scores = [block for key, block in blocks if key == "score"]
    score = _written_score(scores[0]) if len(scores) == 1 else None
    if score is None:  # no score, or not as jobzone writes one: read with the rest
        data = block_yaml.load("".join(block for _, block in blocks) + "\n")
    else:
        data = block_yaml.load("".join(block for key, block in blocks if key != "score") + "\n")
        if data is not None:
            data["score"] = score
    return None if data is None else _checked(data, draft_id)


def _written_score(block: str) -> dict[str, Any] | None:
    """The score as jobzone writes it (:data:`_SCORE_LINES`: a third of a row's lines, read by
    one regular expression rather than line by line), or None when it is not written so."""
    match = _SCORE_LINES.fullmatch(block.rstrip("\n") + "\n")
    if match is None:
        return None
    score: dict[str, Any] = {}
    for (name, kind), written in zip(SCORE_FIELDS.items(), match.groups(), strict=True):
        if kind in _SCALAR_TYPES:
            score[name] = value = block_yaml.scalar(written)
            if value is block_yaml.UNREAD:
                return None
        else:  # a mapping's entries, one a line, four spaces in
            score[name] = entries = block_yaml.load(written.replace("\n    ", "\n")[4:])
            if entries is None:
                return None
    return score


def _checked(data: dict[str, Any], draft_id: str) -> Row | None:
    """The row of ``data`` if RowFields would take it, with the same values; else None."""
    if not data.keys() >= REQUIRED_FIELDS or data["id"] != draft_id:
        return None
    kind, status, title = data["kind"], data["status"], data["title"]
    revision, created_at = data.get("revision", 1), data["created_at"]
    findings = _finding_counts(data["findings"])
    approvers = _approvers(data.get("approvals", []))
    score = data["score"]
    if (
        not _is_name(draft_id)
        or not _is_name(data["slug"])
        or type(kind) is not str
        or kind not in KIND_OF
        or type(status) is not str
        or status not in STATUS_OF
        or type(revision) is not int
        or revision < 1
        or type(title) is not str
        or type(created_at) is not dt.datetime
        or findings is None
        or approvers is None
        or (score is not None and not _is_score(score))
    ):
        return None
    return Row(
        id=draft_id,
        slug=data["slug"],
        title=title,
        kind=KIND_OF[kind],
        status=STATUS_OF[status],
        aijri=score["aijri"] if score else None,
        zone=score["zone"] if score else None,
        errors=findings[0],
        warnings=findings[1],
        created_at=created_at,
        revision=revision,
        approvals=len(approvers),
        approvers=approvers,
    )


def _is_name(value: Any) -> bool:
    """Whether ``value`` is a slug or id as :data:`jobzone.slugs.Slug` takes one."""
    return type(value) is str and len(value) <= NAME_MAX and _NAME.fullmatch(value) is not None


def _finding_counts(findings: Any) -> tuple[int, int] | None:
    """How many errors and warnings, if ``findings`` is a Findings."""
    if type(findings) is not dict or not findings.keys() <= {"errors", "warnings"}:
        return None
    errors, warnings = findings.get("errors", []), findings.get("warnings", [])
    if not _are_findings(errors) or not _are_findings(warnings):
        return None
    return len(errors), len(warnings)


def _are_findings(records: Any) -> bool:
    return type(records) is list and all(
        type(record) is dict
        and record.keys() == FINDING_FIELDS
        and all(type(value) is str for value in record.values())
        for record in records
    )


def _approvers(approvals: Any) -> tuple[str, ...] | None:
    """Who approved, if ``approvals`` is a list of Approvals. An approval that accepted
    warnings is left to pydantic, which also reads the form approvals had before."""
    if type(approvals) is not list:
        return None
    for approval in approvals:
        if (
            type(approval) is not dict
            or not REQUIRED_APPROVAL_FIELDS <= approval.keys() <= APPROVAL_FIELDS
            or type(approval["reviewer"]) is not str
            or type(approval["at"]) is not dt.datetime
            or (approval["note"] is not None and type(approval["note"]) is not str)
            or approval.get("accepted_warnings", []) != []
        ):
            return None
    return tuple(approval["reviewer"] for approval in approvals)


def _is_score(score: Any) -> bool:
    """Whether ``score`` is a ShownScore: each field there, of its type exactly (an integer
    where a float belongs is converted by pydantic: left to it)."""
    return (
        type(score) is dict
        and score.keys() == SCORE_FIELDS.keys()
        and [type(score[name]) for name in _SCORE_SCALARS] == _SCORE_SCALAR_TYPES
        and all(
            type(score[name]) is dict
            and all(type(k) is str and type(v) is kind for k, v in score[name].items())
            for name, kind in _SCORE_MAPPINGS
        )
    )


def read_rows(workspace: Workspace, files: list[tuple[str, bool]]) -> list[Row | InputError]:
    """The row of each draft file (its id, and whether it is a regular file), or why it cannot
    be read: by the fast reader where it can tell, else by the precise one."""
    found: list[Row | InputError] = []
    checked: bool | None = None  # whether drafts/ is no link, once a file is read precisely
    fast = _fast_rows(workspace, [draft_id for draft_id, _ in files])
    for (draft_id, regular), row in zip(files, fast, strict=True):
        if row is None:
            if checked is None:
                checked = _folder_checked(workspace)
            try:
                row = read_row(workspace, draft_id, checked and regular)
            except InputError as exc:
                found.append(exc)
                continue
        found.append(row)
    return found


def _fast_rows(workspace: Workspace, ids: list[str]) -> list[Row | None]:
    """The rows of the draft files ``ids`` that the fast reader can tell, None for the others.
    Thousands are split with a forked second process: a cold listing of 10,000 drafts is CPU
    work, and a second core halves it. The files are opened in drafts/, opened itself without
    following a link (else the precise reader says why each file cannot be read)."""
    try:
        folder = os.open(workspace.drafts_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return [None] * len(ids)
    try:
        if not forking.worth_splitting(len(ids)):
            return _fast_part(folder, ids)
        half = len(ids) // 2
        ours, theirs = forking.in_parallel(
            lambda: _fast_part(folder, ids[half:]), lambda: _fast_part(folder, ids[:half])
        )
        return ours + (_fast_part(folder, ids[half:]) if theirs is None else theirs)
    finally:
        os.close(folder)


def _fast_part(folder: int, ids: list[str]) -> list[Row | None]:
    found: list[Row | None] = []
    for draft_id in ids:
        text = _read_text(folder, f"{draft_id}.yaml")
        found.append(None if text is None else fast_row(text, draft_id))
    return found


def _read_text(folder: int, name: str) -> str | None:
    """The text of the regular file ``name`` in ``folder``, not through a link; None for
    anything else, a large file or one that changes while read (the precise reader then says
    what is wrong, if anything)."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not S_ISREG(info.st_mode) or info.st_size > _FAST_MAX_BYTES:
            return None
        data = os.read(fd, info.st_size + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(data) != info.st_size:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _folder_checked(workspace: Workspace) -> bool:
    """Whether drafts/ is reached through no link: its files may then be opened one by one
    without following one (else each file says why it cannot be read)."""
    from jobzone.documents import refuse_links  # here: the fast reader needs no pydantic

    try:
        refuse_links(workspace.drafts_dir, workspace.root)
    except InputError:
        return False
    return True


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
        text = row_text(decode_text(data, str(path)))
        fields = RowFields.model_validate(parse_yaml(text, str(path)))
    except (InputError, ValueError):  # pydantic's ValidationError is a ValueError
        return Row.of(load_draft(workspace, draft_id))
    if fields.id != draft_id:
        return Row.of(load_draft(workspace, draft_id))  # which names the mismatch
    return Row.of(fields)
