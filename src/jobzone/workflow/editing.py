"""Editing a draft's assessment by hand; nothing typed is ever lost.

:func:`apply_edit` is the change itself: new content for an open draft, checked and recorded,
refused when the draft moved on since the editor opened it. :func:`edit_in_editor` is the
``jobzone edit`` loop around it: the text being edited lives in ``drafts/.edits/`` while the
editor is open; on save it is parsed and applied. Text that cannot be read or parsed (the file
was deleted, replaced by a folder, saved in another encoding, or is not YAML) is shown with the
error and either reopened or set aside in ``drafts/.set-aside/``. An editor that exits with an
error status (vim's ``:cq``) discards the change.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from jobzone.checking import content_sha256
from jobzone.documents import atomic_write, dump_yaml, parse_yaml, refuse_links
from jobzone.drafts import Draft
from jobzone.errors import ConflictError, InputError
from jobzone.history import Action, now
from jobzone.review.targets import resolve_draft
from jobzone.wording import plural
from jobzone.workflow import Workflow
from jobzone.workspace import Workspace

EDITS_DIR = ".edits"
SET_ASIDE_DIR = ".set-aside"


class EditOutcome(StrEnum):
    changed = "changed"
    unchanged = "unchanged"
    #: The editor exited with an error status: the draft is left as it was.
    discarded = "discarded"
    #: The text did not parse and was moved to ``drafts/.set-aside/``; the draft is unchanged.
    set_aside = "set-aside"


class Choice(StrEnum):
    """What to do with edited text that cannot be used."""

    reopen = "reopen"
    set_aside = "set-aside"


@dataclass(frozen=True)
class EditResult:
    outcome: EditOutcome
    draft: Draft
    #: Where the text went when it was set aside (or kept after a discarded edit).
    kept: Path | None = None


def apply_edit(
    wf: Workflow, draft_id: str, data: dict[str, Any], by: str, *, opened_sha256: str
) -> Draft:
    """Make ``data`` the draft's assessment. ``opened_sha256`` is the content the editor
    started from; if the draft changed since (or closed), the edit is refused as a conflict."""
    with wf.session() as s:
        draft = s.draft(draft_id)
        if not draft.status.is_open or content_sha256(draft.assessment) != opened_sha256:
            raise ConflictError(f"draft {draft_id} changed while it was being edited")
        withdrawn = s.reopen(draft)
        draft.assessment = dict(data)
        checked = s.check(draft)
        note = f"{plural(len(checked.report.errors), 'error')}, " + plural(
            len(checked.report.warnings), "warning"
        )
        note += " after the edit"
        if withdrawn:
            note += f"; {plural(withdrawn, 'earlier approval')} withdrawn"
        s.record(draft, Action.edited, by, note, checked=checked)
        s.save(draft)
        return draft


@dataclass(frozen=True)
class _Buffer:
    """The file an editor has open for one draft, and what it held when opened."""

    draft: Draft
    path: Path
    opened: str
    opened_sha256: str


def _open(wf: Workflow, reference: str) -> _Buffer:
    with wf.session() as s:
        draft = s.open_draft(resolve_draft(wf.workspace, reference), "editing")
        stamp = now().strftime("%Y%m%dT%H%M%S")
        # Unique even for two edits of one draft in the same second: neither overwrites the other.
        name = f"{draft.id}-{stamp}-{secrets.token_hex(3)}.yaml"
        path = wf.workspace.drafts_dir / EDITS_DIR / name
        opened = _banner(draft) + dump_yaml(draft.assessment)
        s.write(path, opened)
        return _Buffer(draft, path, opened, content_sha256(draft.assessment))


def _banner(draft: Draft) -> str:
    return (
        f"# Editing the assessment of draft {draft.id} ({draft.title}).\n"
        "# Save and close the editor to re-validate and re-score it; quit with an error\n"
        "# (vim: :cq) to discard the change. Lines starting with # are ignored. If the file\n"
        "# does not parse you can reopen it or set it aside.\n"
    )


def edit_in_editor(
    wf: Workflow,
    reference: str,
    by: str,
    run_editor: Callable[[Path], int],
    choose: Callable[[InputError], Choice],
) -> EditResult:
    """Open the draft's assessment in an editor until it parses, then apply it.

    ``run_editor`` opens the file and returns the editor's exit status; ``choose`` is asked
    what to do with text that cannot be used, and is shown why."""
    buffer = _open(wf, reference)
    workspace = wf.workspace
    last_text = buffer.opened
    while True:
        status = run_editor(buffer.path)
        if status != 0:
            return _discarded(workspace, buffer)
        try:
            last_text = _read(buffer.path)
            data = parse_yaml(last_text, str(buffer.path))
            break
        except InputError as problem:
            if choose(problem) is Choice.set_aside:
                kept = _set_aside_unusable(workspace, buffer.path, last_text)
                return EditResult(EditOutcome.set_aside, buffer.draft, kept)
            _restore(workspace, buffer.path, last_text)
    if dump_yaml(data) == dump_yaml(buffer.draft.assessment):
        buffer.path.unlink()
        return EditResult(EditOutcome.unchanged, buffer.draft)
    try:
        draft = apply_edit(wf, buffer.draft.id, data, by, opened_sha256=buffer.opened_sha256)
    except ConflictError as exc:
        kept = set_aside(workspace, buffer.path)
        raise ConflictError(f"{exc.message}; your text is kept in {kept}") from None
    buffer.path.unlink()
    return EditResult(EditOutcome.changed, draft)


def _read(path: Path) -> str:
    """The edited text; an InputError saying what happened to the file otherwise."""
    if path.is_symlink() or not path.exists():
        raise InputError("the file was deleted or moved in the editor", file=str(path))
    if path.is_dir():
        raise InputError("the file was replaced by a folder", file=str(path))
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 text (byte {exc.start}); save it as UTF-8",
            file=str(path),
            rule="file.encoding",
        ) from None
    except OSError as exc:
        raise InputError(f"cannot read it: {exc.strerror}", file=str(path)) from None


def _restore(workspace: Workspace, path: Path, text: str) -> None:
    """Before reopening: put the last readable text back where the editor expects a file (what
    stood there instead, a folder say, is set aside first), or leave a readable-but-broken file
    as the editor left it."""
    if path.is_symlink() or path.is_dir():
        set_aside(workspace, path)
    if not path.exists():
        atomic_write(path, text, inside=workspace.root)


def _set_aside_unusable(workspace: Workspace, path: Path, last_text: str) -> Path:
    """Set aside what the editor left; when it left nothing, the last text it had."""
    if not path.exists() and not path.is_symlink():
        atomic_write(path, last_text, inside=workspace.root)
    return set_aside(workspace, path)


def _discarded(workspace: Workspace, buffer: _Buffer) -> EditResult:
    """The editor failed or was told to quit with an error: nothing is applied. Text that was
    changed is still kept, set aside; an untouched buffer is simply removed."""
    path = buffer.path
    try:
        untouched = path.is_file() and path.read_bytes() == buffer.opened.encode("utf-8")
    except OSError:
        untouched = False
    if untouched:
        path.unlink()
        return EditResult(EditOutcome.discarded, buffer.draft)
    if not path.exists() and not path.is_symlink():
        return EditResult(EditOutcome.discarded, buffer.draft)
    return EditResult(EditOutcome.discarded, buffer.draft, set_aside(workspace, path))


def set_aside(workspace: Workspace, work: Path) -> Path:
    """Move ``work`` (a file, or whatever the editor left) into ``drafts/.set-aside/`` under a
    name nothing there has yet: nothing set aside is ever overwritten."""
    folder = workspace.drafts_dir / SET_ASIDE_DIR
    refuse_links(folder, workspace.root)
    folder.mkdir(parents=True, exist_ok=True)
    n = 1
    while True:
        target = folder / (work.name if n == 1 else f"{work.stem}-{n}{work.suffix}")
        if target.exists() or target.is_symlink():
            n += 1
            continue
        try:
            os.link(work, target, follow_symlinks=False)
            work.unlink()
        except FileExistsError:
            n += 1
            continue
        except OSError:  # a folder, or a file system without hard links: move it instead
            work.replace(target)
        return target
