"""The workspace: the folder holding ``jobzone.yaml``, ``roles/`` (the canonical set) and
``drafts/`` (the queue).

A workspace is found the way git finds a repository: ``--workspace DIR`` or
``$JOBZONE_WORKSPACE`` names where to start, else the current folder, and the first of it and its
parents that holds ``jobzone.yaml`` is the workspace. A folder with none refuses to be used, so a
command run in the wrong place neither reports an empty set as checked nor pays for a draft.

Every path jobzone reads or writes inside a workspace is built here from a checked slug or id, so
no argument can reach outside it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from jobzone.errors import InputError

WORKSPACE_ENV = "JOBZONE_WORKSPACE"
#: The file that marks a folder as a workspace (and holds its settings).
MARKER = "jobzone.yaml"
CACHE_DIR = ".jobzone-cache"
#: Slugs and ids: lower-case words of letters and digits joined by single hyphens.
NAME_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
NAME_MAX = 80
NAME_RE = re.compile(rf"^{NAME_PATTERN}$")


def check_name(value: str, what: str = "slug") -> str:
    """``value`` if it is a valid slug or id (``[a-z0-9-]``), else an InputError."""
    if len(value) > NAME_MAX or not NAME_RE.match(value):
        raise InputError(
            f"{value!r} is not a valid {what}: use lower-case letters, digits and single hyphens",
            field=what,
            rule=f"{what}.format",
        )
    return value


def suffixed(name: str, suffix: str) -> str:
    """``name`` + ``suffix``, ``name`` cut short so that the whole is a valid id."""
    return name[: NAME_MAX - len(suffix)].rstrip("-") + suffix


@dataclass(frozen=True)
class Workspace:
    root: Path

    @classmethod
    def locate(cls, explicit: str | Path | None = None) -> Workspace:
        """The workspace holding ``explicit`` (else ``$JOBZONE_WORKSPACE``, else the current
        folder): that folder or its nearest parent with a ``jobzone.yaml``."""
        given = explicit or os.environ.get(WORKSPACE_ENV)
        start = Path(given or Path.cwd()).resolve()
        if not start.is_dir():
            raise InputError(
                "the workspace folder does not exist", file=str(start), rule="workspace.exists"
            )
        for folder in (start, *start.parents):
            if (folder / MARKER).is_file():
                return cls(folder)
        hint = (
            f"; {start} has a roles/ folder: run `jobzone init {start}` to make it one"
            if (start / "roles").is_dir()
            else "; create one with `jobzone init DIR`, or point at one with --workspace DIR"
        )
        raise InputError(
            f"not inside a jobzone workspace (no {MARKER} here or in any parent folder){hint}",
            file=str(start),
            rule="workspace.exists",
        )

    @property
    def roles_dir(self) -> Path:
        return self.root / "roles"

    @property
    def drafts_dir(self) -> Path:
        return self.root / "drafts"

    @property
    def config_path(self) -> Path:
        return self.root / MARKER

    @property
    def cache_dir(self) -> Path:
        """What jobzone may rebuild at any time (never a record; not for git)."""
        return self.root / CACHE_DIR

    def role_path(self, slug: str) -> Path:
        return self.roles_dir / f"{check_name(slug)}.yaml"

    def relative(self, path: Path) -> str:
        """``path`` as shown to people: relative to the workspace when it lies inside it."""
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)


#: A file's version, told without reading it (see :func:`stat_key`).
StatKey = tuple[int, int, int, int]


def stat_key(info: os.stat_result) -> StatKey:
    """What tells a file's version without reading it. jobzone replaces files atomically (a new
    inode each time), and any write changes the change time, which no tool sets back: together
    they catch an edit that kept the size and the modification time."""
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
