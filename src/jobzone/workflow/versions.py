"""Every saved state of a draft's assessment, kept so that an edit can be undone.

Each time a draft is written, its assessment is also written to
``drafts/.versions/<draft-id>/<content-sha256>.yaml`` unless that state is already there: the
store is content-addressed, so the history's hashes name the versions and a state reached twice is
kept once. A version is read back only if its content still hashes to its name; anything else
(deleted, hand-edited, truncated) counts as not kept, and the page says so rather than restore it.

Which states a draft can go back to (:func:`restorable`): those since the model (or a person
opening a role by hand) last wrote it, or since its last rebase. Going back further would pair
the content with the provenance of a later run, or with a base it was not merged onto.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jobzone.checking import content_sha256
from jobzone.documents import atomic_write, dump_yaml, parse_yaml, refuse_links
from jobzone.drafts import Draft
from jobzone.errors import InputError
from jobzone.history import Action, HistoryEntry
from jobzone.workspace import Workspace, check_name

VERSIONS_DIR = ".versions"
#: The steps that start a new line of versions: content written by a run, opened from a role,
#: or merged onto a new base.
STARTS = frozenset(
    {
        Action.imported,
        Action.drafted,
        Action.redrafted,
        Action.commentary_regenerated,
        Action.rebased,
    }
)
#: The steps whose content a model wrote (a run's, not a person's).
BY_MODEL = frozenset({Action.drafted, Action.redrafted, Action.commentary_regenerated})


_DIGEST = re.compile(r"[0-9a-f]{64}")


def _folder(workspace: Workspace, draft_id: str) -> Path:
    return workspace.drafts_dir / VERSIONS_DIR / check_name(draft_id, "id")


def _path(workspace: Workspace, draft_id: str, digest: str) -> Path | None:
    """Where the version ``digest`` is kept; None for a digest that is not a sha256 (a history
    entry of a hand-edited file may hold anything, and must not name a path)."""
    if not _DIGEST.fullmatch(digest):
        return None
    return _folder(workspace, draft_id) / f"{digest}.yaml"


def keep(workspace: Workspace, draft: Draft) -> None:
    """Write the draft's current assessment as a version, unless that state is kept already."""
    digest = content_sha256(draft.assessment)
    folder = _folder(workspace, draft.id)
    path = folder / f"{digest}.yaml"
    if path.is_file() and kept(workspace, draft.id, digest) is not None:
        return
    refuse_links(folder, workspace.root)
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write(path, dump_yaml(draft.assessment), inside=workspace.root)


def has(workspace: Workspace, draft_id: str, digest: str) -> bool:
    """Whether a version file is there (what a page offers; :func:`kept` checks it on use)."""
    path = _path(workspace, draft_id, digest)
    return path is not None and path.is_file() and not path.is_symlink()


def kept(workspace: Workspace, draft_id: str, digest: str) -> dict[str, Any] | None:
    """The assessment kept under ``digest``; None when it is not kept or no longer hashes to
    its name."""
    path = _path(workspace, draft_id, digest)
    if path is None or path.is_symlink() or not path.is_file():
        return None
    try:
        data = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    except (InputError, OSError, UnicodeDecodeError):
        return None
    return data if content_sha256(data) == digest else None


@dataclass(frozen=True)
class Version:
    """A state the draft can go back to: the step that left it, and where that step is."""

    entry: HistoryEntry
    step: int

    @property
    def digest(self) -> str:
        return self.entry.content_sha256

    def describe(self) -> str:
        e = self.entry
        return f"the version left by {e.action.value} of {e.at:%Y-%m-%d %H:%M} by {e.by}"


def restorable(draft: Draft) -> list[Version]:
    """The states since the draft's last start (see the module's note), one per step that
    changed the content, oldest first; the current state is the last."""
    history = draft.history
    start = max((n for n, e in enumerate(history) if e.action in STARTS), default=0)
    versions: list[Version] = []
    for n in range(start, len(history)):
        entry = history[n]
        if not versions or versions[-1].digest != entry.content_sha256:
            versions.append(Version(entry, n))
    return versions


def model_wrote(workspace: Workspace, draft: Draft) -> dict[str, Any] | None:
    """The assessment as the model last wrote it, when a model wrote it and that version is
    kept; None for a draft no model call wrote (a role opened by hand), one rebased since, or
    one saved before versions were kept."""
    entries = [e for e in draft.history if e.action in STARTS]
    if not draft.provenance.calls or not entries or entries[-1].action not in BY_MODEL:
        return None
    return kept(workspace, draft.id, entries[-1].content_sha256)
