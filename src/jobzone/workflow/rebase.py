"""Rebasing a draft onto the role's current canonical version, keeping the draft's changes.

A revision drafted (or hand-edited) from version N cannot be approved once the role is at N+1:
approving it would silently undo N+1. Rebasing merges instead (:mod:`jobzone.merging`): what
the draft changed since N is carried onto N+1, what N+1 changed that the draft did not is
taken, and the fields both changed keep the draft's value and are reported. A new-role draft
whose role has since entered the canonical set becomes a revision of it, its content kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from jobzone.assessment import Assessment
from jobzone.documents import file_sha256
from jobzone.drafts import Draft, Kind
from jobzone.errors import InputError
from jobzone.history import Action
from jobzone.merging import merge
from jobzone.review.targets import resolve_draft
from jobzone.review.versions import current_role, kept_version
from jobzone.workflow import Workflow
from jobzone.workflow.session import Session

#: How many fields a history note names before it says "and N more".
NAMED = 8


@dataclass(frozen=True)
class RebaseResult:
    draft: Draft
    #: The canonical version the draft is now based on.
    onto: int
    #: False when the draft was already based on the current version (nothing was written).
    rebased: bool
    ours: list[str] = field(default_factory=list)
    theirs: list[str] = field(default_factory=list)
    both: list[str] = field(default_factory=list)


def _content(data: dict[str, Any]) -> dict[str, Any]:
    """An assessment mapping as merged: normalised like a canonical file when it parses."""
    try:
        parsed = Assessment.model_validate(data)
    except ValidationError:
        return dict(data)
    return parsed.model_dump(mode="python", exclude={"version", "history"})


def _base_content(s: Session, draft: Draft, current: Assessment) -> dict[str, Any]:
    """The version the draft started from. Without one (a new-role draft), every field of the
    draft counts as its own change."""
    if draft.base is None or draft.base.version is None:
        return _content(current.model_dump(mode="python"))
    kept = kept_version(s.workspace, draft.base.slug, draft.base.version)
    if kept is None:
        raise InputError(
            f"the version draft {draft.id} is based on (v{draft.base.version} of "
            f"{draft.base.slug}) is not among the kept versions, so its changes cannot be told "
            "apart; redraft it instead",
            rule="rebase.base",
        )
    return _content(kept.model_dump(mode="python"))


def needs_rebase(wf: Workflow, draft: Draft) -> bool:
    """Whether an open draft sits on a version that is no longer the role's current one (or is
    a new role whose slug has entered the canonical set): what approving it would refuse."""
    path = wf.workspace.role_path(draft.slug)
    if not draft.status.is_open or not path.is_file() or path.is_symlink():
        return False
    return draft.base is None or draft.base.sha256 != file_sha256(path)


def rebase(wf: Workflow, reference: str, by: str) -> RebaseResult:
    with wf.session() as s:
        draft = s.open_draft(resolve_draft(wf.workspace, reference), "rebasing")
        current = current_role(s.workspace, draft.slug)
        if current is None:
            raise InputError(
                f"{draft.slug} is not in the canonical set; there is nothing to rebase "
                f"draft {draft.id} onto",
                rule="rebase.target",
            )
        path = s.workspace.role_path(draft.slug)
        if draft.base is not None and draft.base.sha256 == file_sha256(path):
            return RebaseResult(draft, current.version, rebased=False)
        merged = merge(
            _base_content(s, draft, current),
            _content(draft.assessment),
            _content(current.model_dump(mode="python")),
        )
        onto = s.canonical.get(draft.slug)
        if onto is None:
            raise InputError(
                f"roles/{draft.slug}.yaml cannot be read; fix it before rebasing",
                rule="rebase.target",
            )
        draft.assessment = merged.merged
        draft.base = onto.base_version()
        if draft.kind is Kind.new:
            draft.kind = Kind.revision
        s.reopen(draft)
        checked = s.check(draft)
        s.record(draft, Action.rebased, by, _note(current.version, merged.both), checked=checked)
        s.save(draft)
        return RebaseResult(draft, current.version, True, merged.ours, merged.theirs, merged.both)


def _note(version: int, both: list[str]) -> str:
    note = f"onto v{version}"
    if not both:
        return note + "; no field was changed on both sides"
    named = ", ".join(both[:NAMED]) + (
        f" and {len(both) - NAMED} more" if len(both) > NAMED else ""
    )
    return note + f"; changed on both sides, the draft's values kept: {named}"
