"""The workspace: the folder holding ``roles/`` (the canonical set) and ``drafts/`` (the queue).

Every path jobzone reads or writes inside a workspace is built here from a checked slug or id, so
no argument can reach outside it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import StringConstraints

from jobzone.errors import InputError

WORKSPACE_ENV = "JOBZONE_WORKSPACE"
#: Slugs and ids: lower-case words of letters and digits joined by single hyphens.
NAME_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
NAME_MAX = 80
NAME_RE = re.compile(rf"^{NAME_PATTERN}$")
#: A slug or id as a model field: validated where it is read, so no path can be built from
#: an unchecked one.
Slug = Annotated[
    str, StringConstraints(pattern=rf"^{NAME_PATTERN}$", min_length=1, max_length=NAME_MAX)
]


def check_name(value: str, what: str = "slug") -> str:
    """``value`` if it is a valid slug or id (``[a-z0-9-]``), else an InputError."""
    if len(value) > NAME_MAX or not NAME_RE.match(value):
        raise InputError(
            f"{value!r} is not a valid {what}: use lower-case letters, digits and single hyphens",
            field=what,
            rule=f"{what}.format",
        )
    return value


@dataclass(frozen=True)
class Workspace:
    root: Path

    @classmethod
    def locate(cls, explicit: str | Path | None = None) -> Workspace:
        """``--workspace``, else ``$JOBZONE_WORKSPACE``, else the current directory."""
        chosen = explicit or os.environ.get(WORKSPACE_ENV) or Path.cwd()
        root = Path(chosen).resolve()
        if not root.is_dir():
            raise InputError(
                "workspace folder does not exist", file=str(root), rule="workspace.exists"
            )
        return cls(root)

    @property
    def roles_dir(self) -> Path:
        return self.root / "roles"

    @property
    def drafts_dir(self) -> Path:
        return self.root / "drafts"

    def role_path(self, slug: str) -> Path:
        return self.roles_dir / f"{check_name(slug)}.yaml"
