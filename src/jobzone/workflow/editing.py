"""Editing by hand, in $EDITOR: a draft's assessment, or a canonical role as a new revision.

:func:`apply_edit` is the change to a draft: new content for an open draft, checked and recorded,
refused when the draft moved on since the editor opened it. :func:`queue_revision` is the change
to a role: the edited content queued as a revision draft of the version the editor opened; the
role file itself is written only when that draft is approved. :func:`edit_in_editor` is the
``jobzone edit`` loop around both: the text being edited lives in ``drafts/.edits/`` while the
editor is open; on save it is parsed and applied. Text that cannot be read or parsed (the file
was deleted, replaced by a folder, saved in another encoding, or is not YAML) is shown with the
error and either reopened or set aside in ``drafts/.set-aside/``. An editor that exits with an
error status (vim's ``:cq``) discards the change.

What a reference names (:func:`_target`): the open draft whose id it is; else the canonical role
whose slug it is; else a draft as every command finds one (a unique start of its id, or its
role's slug). While a revision of a role is open, the role itself is not opened: that revision
is the draft to edit.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from jobzone.calls import Usage
from jobzone.canonical import BaseVersion, CanonicalRole
from jobzone.checking import Checked, content_sha256
from jobzone.documents import atomic_write, dump_yaml, parse_yaml, refuse_links
from jobzone.drafts import Draft, Findings, Kind, Provenance, Status
from jobzone.errors import ConflictError, InputError, NotFoundError
from jobzone.history import Action, now
from jobzone.review.queue import rows
from jobzone.review.targets import draft_ids, resolve_draft
from jobzone.wording import plural
from jobzone.workflow import Workflow
from jobzone.workflow.session import Session
from jobzone.workflow.versions import Version, kept, restorable
from jobzone.workspace import Workspace, suffixed

EDITS_DIR = ".edits"
SET_ASIDE_DIR = ".set-aside"
#: What a hand revision's provenance names as its model, and as its endpoint and price table.
BY_HAND = "none (edited by hand)"
NONE = "none"


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
    #: The draft edited, or the revision queued; None when a role's edit queued nothing.
    draft: Draft | None
    #: Where the text went when it was set aside (or kept after a discarded edit).
    kept: Path | None = None
    #: The canonical role's slug, when the reference named a role rather than a draft.
    role: str | None = None


def apply_edit(
    wf: Workflow, draft_id: str, data: dict[str, Any], by: str, *, opened_sha256: str
) -> Draft:
    """Make ``data`` the draft's assessment. ``opened_sha256`` is the content the editor
    started from; if the draft changed since (or closed), the edit is refused as a conflict."""
    with wf.session() as s:
        draft = s.draft(draft_id)
        if not draft.status.is_open or content_sha256(draft.assessment) != opened_sha256:
            raise ConflictError(f"draft {draft_id} changed while it was being edited")
        draft.assessment = dict(data)
        s.change_content(draft, Action.edited, by, _findings_after_edit)
        return draft


def restore(
    wf: Workflow, draft_id: str, by: str, *, opened_sha256: str, digest: str | None = None
) -> tuple[Draft, Version]:
    """Bring back an earlier state of an open draft: the one kept under ``digest``, or without
    it the state before the latest change (so undoing twice brings the change back). Recorded
    as a step of its own; refused as :func:`apply_edit` refuses a stale edit."""
    with wf.session() as s:
        draft = s.draft(draft_id)
        if not draft.status.is_open or content_sha256(draft.assessment) != opened_sha256:
            raise ConflictError(f"draft {draft_id} changed since this page was opened")
        version = _chosen(draft, digest)
        data = kept(s.workspace, draft.id, version.digest)
        if data is None:
            raise InputError(
                f"{version.describe()} is not kept (it was saved before jobzone kept versions, "
                "or its file was changed); it cannot be brought back",
                field="history",
                rule="edit.version",
            )
        draft.assessment = data
        s.change_content(
            draft,
            Action.restored,
            by,
            lambda checked: f"brought back {version.describe()}; {_findings_after_edit(checked)}",
        )
        return draft, version


def _chosen(draft: Draft, digest: str | None) -> Version:
    """The version ``digest`` (or a start of it, 7 characters or more) names among those the
    draft can go back to, or without it the one before the current state."""
    versions = restorable(draft)
    if digest is None:
        if len(versions) < 2:
            raise InputError(
                f"draft {draft.id} has no change to undo since it was last drafted",
                field="history",
                rule="edit.undo",
            )
        return versions[-2]
    named = [v for v in versions if len(digest) >= 7 and v.digest.startswith(digest.lower())]
    if named and named[-1] is versions[-1]:
        raise InputError(
            f"{digest[:12]!r} is the current state of draft {draft.id}; nothing to bring back",
            field="history",
            rule="edit.version",
        )
    if not named:
        raise InputError(
            f"{digest[:12]!r} is not an earlier state of draft {draft.id} that can be brought "
            f"back; `jobzone history {draft.id}` shows each step's hash in brackets",
            field="history",
            rule="edit.version",
        )
    return named[-1]


def _findings_after_edit(checked: Checked) -> str:
    return (
        f"{plural(len(checked.report.errors), 'error')}, "
        f"{plural(len(checked.report.warnings), 'warning')} after the edit"
    )


# -- a canonical role, revised by hand -------------------------------------------------------------


@dataclass(frozen=True)
class OpenedRole:
    """A canonical role's version as the editor opened it: what a revision is queued against."""

    base: BaseVersion
    title: str
    rubric: str
    #: The role's content without its canonical bookkeeping (version, history), as drafts hold it.
    assessment: dict[str, Any]
    #: When the editor opened it: the revision's creation time, and part of its id.
    at: dt.datetime

    @classmethod
    def of(cls, role: CanonicalRole) -> OpenedRole:
        content = role.assessment.model_dump(mode="python", exclude={"version", "history"})
        return cls(role.base_version(), role.title, role.assessment.rubric, content, now())


def by_hand(rubric: str) -> Provenance:
    """The provenance of content no model wrote: no endpoint, prompts, calls, tokens or cost."""
    return Provenance(
        model=BY_HAND,
        endpoint_host=NONE,
        temperature=None,
        prompt_versions={},
        rubric=rubric,
        calls=[],
        repairs=[],
        usage=Usage(),
        cost_usd=0.0,
        prices=NONE,
    )


def refuse_open_revision(workspace: Workspace, slug: str) -> None:
    """A role is revised by hand only while no revision of it is open: a second one, started
    beside it, would go stale the moment either is approved. The open one is the draft to edit;
    the conflict names it."""
    found = sorted(
        (r.created_at, r.id)
        for r in rows(workspace).rows
        if r.slug == slug and r.kind is Kind.revision and r.status.is_open
    )
    if found:
        ids = [draft_id for _, draft_id in found]
        error = ConflictError(
            f"{slug} already has a revision open in the queue ({', '.join(ids)}); a role is "
            "revised by one draft at a time"
        )
        error.hint = f"Edit that draft instead: `jobzone edit {ids[0]}`"
        raise error


def queue_revision(wf: Workflow, opened: OpenedRole, data: dict[str, Any], by: str) -> Draft:
    """Queue ``data`` as a revision draft of the role version ``opened``, pending review. Its
    history says who opened it by hand and what the edit left; the role file is not written.

    Based on the version opened even if another was approved meanwhile: the approval then asks
    for a rebase, as for any revision whose base went stale."""
    slug = opened.base.slug
    with wf.session() as s:
        refuse_open_revision(s.workspace, slug)
        draft = Draft(
            id=suffixed(slug, f"-{opened.at:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"),
            kind=Kind.revision,
            status=Status.pending,
            title=opened.title,
            slug=slug,
            base=opened.base,
            created_at=opened.at,
            assessment=dict(opened.assessment),
            findings=Findings(),
            score=None,
            provenance=by_hand(opened.rubric),
            history=[],
        )
        s.record(draft, Action.drafted, by, f"opened by hand from v{opened.base.version} of {slug}")
        draft.assessment = dict(data)
        checked = s.check(draft)
        s.record(draft, Action.edited, by, _findings_after_edit(checked), checked=checked)
        s.save_new(draft)
        return draft


# -- what a reference names ------------------------------------------------------------------------


def _target(s: Session, reference: str) -> Draft | OpenedRole:
    """The open draft whose id ``reference`` is (an id that is also a slug keeps meaning the
    draft); else the canonical role whose slug it is, refused while a revision of it is open;
    else the draft it names as every command reads a reference."""
    role = s.canonical.get(reference)
    if role is None or _is_open_draft(s, reference):
        return s.open_draft(_draft_named(s, reference), "editing")
    refuse_open_revision(s.workspace, role.slug)
    return OpenedRole.of(role)


def _is_open_draft(s: Session, reference: str) -> bool:
    return reference in draft_ids(s.workspace) and s.draft(reference).status.is_open


def _draft_named(s: Session, reference: str) -> str:
    """The draft ``reference`` names, when no canonical role has that slug; a miss says so, and
    names the role file when it is there but cannot be read."""
    try:
        return resolve_draft(s.workspace, reference)
    except NotFoundError as exc:
        for problem in s.canonical.unreadable:
            if problem.file and Path(problem.file).name == f"{reference}.yaml":
                raise problem from None
        slugs = [role.slug for role in s.canonical if role.slug not in exc.suggestions]
        close = difflib.get_close_matches(reference, slugs, n=3, cutoff=0.6)
        roles = f" (did you mean {' or '.join(close)}?)" if close else ""
        raise NotFoundError(
            f"{reference} is not in the canonical set{roles}, and {exc.detail}",
            rule="edit.target",
        ) from None


# -- the editor loop -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Buffer:
    """The file an editor has open, what it held when opened, and what saving it changes: a
    draft, or the role version a revision is queued against."""

    target: Draft | OpenedRole
    path: Path
    opened: str

    def result(self, outcome: EditOutcome, kept: Path | None = None) -> EditResult:
        """What an edit that applied nothing leaves: the draft as it was, or no draft at all."""
        if isinstance(self.target, Draft):
            return EditResult(outcome, self.target, kept)
        return EditResult(outcome, None, kept, role=self.target.base.slug)

    def apply(self, wf: Workflow, data: dict[str, Any], by: str) -> EditResult:
        target = self.target
        if isinstance(target, Draft):
            opened_sha256 = content_sha256(target.assessment)
            edited = apply_edit(wf, target.id, data, by, opened_sha256=opened_sha256)
            return EditResult(EditOutcome.changed, edited)
        queued = queue_revision(wf, target, data, by)
        return EditResult(EditOutcome.changed, queued, role=target.base.slug)


def _open(wf: Workflow, reference: str) -> _Buffer:
    with wf.session() as s:
        target = _target(s, reference)
        stamp = now().strftime("%Y%m%dT%H%M%S")
        name = target.id if isinstance(target, Draft) else target.base.slug
        # Unique even for two edits of one draft in the same second: neither overwrites the other.
        path = wf.workspace.drafts_dir / EDITS_DIR / f"{name}-{stamp}-{secrets.token_hex(3)}.yaml"
        opened = _banner(target) + dump_yaml(target.assessment)
        s.write(path, opened)
        return _Buffer(target, path, opened)


def _banner(target: Draft | OpenedRole) -> str:
    if isinstance(target, Draft):
        what = f"# Editing the assessment of draft {target.id} ({target.title}).\n"
    else:
        base = target.base
        what = (
            f"# Editing {base.slug} ({target.title}), v{base.version} of the canonical set. "
            "Saving a\n# change queues it as a revision for review; the role file is not touched.\n"
        )
    return what + (
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
    """Open the draft's assessment (or the role's content) in an editor until it parses, then
    apply it (or queue it as a revision of the role).

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
                return buffer.result(EditOutcome.set_aside, kept)
            _restore(workspace, buffer.path, last_text)
    if dump_yaml(data) == dump_yaml(buffer.target.assessment):
        buffer.path.unlink()
        return buffer.result(EditOutcome.unchanged)
    try:
        result = buffer.apply(wf, data, by)
    except ConflictError as exc:
        kept = set_aside(workspace, buffer.path)
        conflict = ConflictError(f"{exc.message}; your text is kept in {kept}")
        conflict.hint = exc.hint
        raise conflict from None
    buffer.path.unlink()
    return result


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
        return buffer.result(EditOutcome.discarded)
    if not path.exists() and not path.is_symlink():
        return buffer.result(EditOutcome.discarded)
    return buffer.result(EditOutcome.discarded, set_aside(workspace, path))


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
