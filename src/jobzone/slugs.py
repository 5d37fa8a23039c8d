"""The slug or id as a model field: validated where it is read, so no path is ever built from an
unchecked one."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from jobzone.workspace import NAME_MAX, NAME_PATTERN

Slug = Annotated[
    str, StringConstraints(pattern=rf"^{NAME_PATTERN}$", min_length=1, max_length=NAME_MAX)
]
