"""Making a folder a workspace: ``jobzone init``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from jobzone.documents import atomic_write
from jobzone.errors import InputError
from jobzone.workspace import MARKER

CONFIG_TEXT = """\
# This folder is a jobzone workspace: roles/ holds the canonical set, drafts/ the review queue.
# Distinct reviewers who must approve a draft before it enters the canonical set:
approvals_required: 1
# Whether approval waits until a person has verified every evidence source (`jobzone verify`):
require_verified_sources: false
"""
#: Files jobzone keeps beside its records that are not records: git should not track them.
IGNORED = (
    ".jobzone.lock",
    ".jobzone-cache/",
    "drafts/.index.json",
    "drafts/.index.log",
    "drafts/.edits/",
)


@dataclass(frozen=True)
class Setup:
    root: Path
    #: What was created, relative to the root; empty when the folder was a workspace already.
    created: list[str] = field(default_factory=list)


def init(folder: Path) -> Setup:
    """Make ``folder`` (created if needed) a workspace; a workspace already is left as it is."""
    from jobzone.schemas import SCHEMAS, schema_text

    root = folder.resolve()
    if root.exists() and not root.is_dir():
        raise InputError("not a folder", file=str(root), rule="workspace.folder")
    if (root / MARKER).exists():
        return Setup(root)
    created: list[str] = []
    try:
        for name in ("roles", "drafts"):
            if not (root / name).is_dir():
                (root / name).mkdir(parents=True)
                created.append(f"{name}/")
    except OSError as exc:
        raise InputError(f"cannot create it: {exc.strerror}", file=str(root)) from None
    for stem in SCHEMAS:
        path = root / "schemas" / f"{stem}.schema.json"
        if not path.exists():
            atomic_write(path, schema_text(stem), inside=root)
            created.append(f"schemas/{stem}.schema.json")
    ignore = root / ".gitignore"
    foreign = ignore.is_symlink() or (ignore.exists() and not ignore.is_file())
    present = ignore.read_text("utf-8").splitlines() if ignore.is_file() and not foreign else []
    missing = [line for line in IGNORED if line not in present]
    if missing and not foreign:  # a linked or special .gitignore is the owner's to edit
        atomic_write(ignore, "".join(f"{line}\n" for line in [*present, *missing]), inside=root)
        created.append(".gitignore")
    # The marker last: a folder is a workspace only once everything else is in place.
    atomic_write(root / MARKER, CONFIG_TEXT, inside=root)
    created.append(MARKER)
    return Setup(root, created)
