"""``jobzone edit``: a reviewer edits a draft's assessment in $EDITOR; nothing typed is ever lost.

The text being edited lives in ``drafts/.edits/`` while the editor is open. On save it is parsed,
re-validated and re-scored; a file that no longer parses is shown with its error and either
reopened or set aside in ``drafts/.set-aside/``, never dropped.
"""

from __future__ import annotations

import os
import secrets
import shlex
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jobzone.canonical import load_canonical
from jobzone.documents import atomic_write, dump_yaml, parse_yaml
from jobzone.drafts import (
    Draft,
    Status,
    assessment_hash,
    findings_of,
    load_draft,
    save_draft,
    shown_score,
)
from jobzone.errors import ConfigError, ConflictError, InputError
from jobzone.history import HistoryEntry, now
from jobzone.locking import workspace_lock
from jobzone.review.decisions import OPEN
from jobzone.workspace import NAME_RE, Workspace

EDITS_DIR = ".edits"
SET_ASIDE_DIR = ".set-aside"

#: Asked after a failed parse: returns "reopen" or "set-aside".
Choose = Callable[[InputError], str]


@dataclass(frozen=True)
class EditResult:
    draft: Draft | None
    changed: bool
    set_aside: Path | None = None


def editor_command() -> list[str]:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise ConfigError("set $EDITOR (or $VISUAL) to the editor jobzone should open")
    return shlex.split(editor)


def edit(
    workspace: Workspace,
    draft_id: str,
    reviewer: str,
    choose: Choose,
    run_editor: Callable[[Path], None] | None = None,
) -> EditResult:
    """Open the draft's assessment in an editor until it parses, then store it as an edit."""
    draft = load_draft(workspace, draft_id)
    if draft.status not in OPEN:
        raise ConflictError(f"draft {draft.id} is {draft.status.value}; it can no longer change")
    opened_hash = assessment_hash(draft.assessment)
    original = dump_yaml(draft.assessment)
    stamp = now().strftime("%Y%m%dT%H%M%S")
    # Unique even for two edits of one draft in the same second: neither may overwrite the other.
    work = workspace.drafts_dir / EDITS_DIR / f"{draft.id}-{stamp}-{secrets.token_hex(3)}.yaml"
    atomic_write(work, _banner(draft) + original)
    launch = run_editor or (lambda p: _run(editor_command(), p))
    while True:
        launch(work)
        text = work.read_text("utf-8")
        try:
            data = parse_yaml(text, str(work))
            break
        except InputError as exc:
            if choose(exc) != "reopen":
                return EditResult(None, False, _set_aside(workspace, work))
    if dump_yaml(data) == original:
        work.unlink()
        return EditResult(draft, changed=False)
    with workspace_lock(workspace):
        current = load_draft(workspace, draft_id)
        if assessment_hash(current.assessment) != opened_hash or current.status not in OPEN:
            kept = _set_aside(workspace, work)
            raise ConflictError(
                f"draft {draft_id} changed while you were editing it; your text is kept in {kept}"
            )
        updated = _apply(workspace, current, data, reviewer)
        work.unlink()
    return EditResult(updated, changed=True)


def _apply(workspace: Workspace, draft: Draft, data: dict[str, object], by: str) -> Draft:
    draft.assessment = dict(data)
    # The queue's copies of the slug and title follow the content (a bad slug stays out of
    # them: the findings report it, and no path is ever built from it).
    slug, title = data.get("slug"), data.get("title")
    if isinstance(slug, str) and NAME_RE.match(slug):
        draft.slug = slug
    if isinstance(title, str) and title.strip():
        draft.title = title
    draft.findings = findings_of(draft.assessment, load_canonical(workspace))
    draft.score = shown_score(draft.assessment)
    draft.status = Status.pending
    # An approval is of the content approved; the history keeps who approved what.
    withdrawn = len(draft.approvals)
    draft.approvals = []
    note = (
        f"{len(draft.findings.errors)} errors, {len(draft.findings.warnings)} warnings "
        "after the edit"
    )
    if withdrawn:
        note += f"; {withdrawn} earlier approvals withdrawn"
    draft.history.append(
        HistoryEntry(
            at=now(),
            by=by,
            action="edited",
            note=note,
            content_sha256=assessment_hash(draft.assessment),
        )
    )
    save_draft(workspace, draft)
    return draft


def _banner(draft: Draft) -> str:
    return (
        f"# Editing the assessment of draft {draft.id} ({draft.title}).\n"
        "# Save and close the editor to re-validate and re-score it. Lines starting with # are\n"
        "# ignored. If the file does not parse you can reopen it or set it aside.\n"
    )


def _set_aside(workspace: Workspace, work: Path) -> Path:
    """Move ``work`` into ``drafts/.set-aside/`` under a name no earlier file there has."""
    folder = workspace.drafts_dir / SET_ASIDE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    n = 1
    while True:
        target = folder / (work.name if n == 1 else f"{work.stem}-{n}{work.suffix}")
        try:
            os.link(work, target)  # fails if target exists: nothing set aside is overwritten
        except FileExistsError:
            n += 1
            continue
        except OSError:  # a file system without hard links: check, then move
            if target.exists():
                n += 1
                continue
            work.replace(target)
            return target
        work.unlink()
        return target


def _run(command: list[str], path: Path) -> None:
    try:
        subprocess.run([*command, str(path)], check=False)
    except OSError as exc:
        raise ConfigError(f"could not start the editor {command[0]!r}: {exc}") from None
