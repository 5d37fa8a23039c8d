"""Who is acting: recorded with every draft, edit and review decision."""

from __future__ import annotations

import getpass
import os
import subprocess

from jobzone.errors import ConfigError

REVIEWER_ENV = "JOBZONE_REVIEWER"


def git_user_name() -> str | None:
    try:
        done = subprocess.run(
            ["git", "config", "user.name"], capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


def reviewer_name(explicit: str | None = None) -> str:
    """``--reviewer``, else $JOBZONE_REVIEWER, else git's user.name; none is an error."""
    name = (explicit or os.environ.get(REVIEWER_ENV) or git_user_name() or "").strip()
    if not name:
        raise ConfigError(
            "no reviewer name: pass --reviewer NAME, set JOBZONE_REVIEWER, or set git's user.name"
        )
    return name


def author_name() -> str:
    """Who ran a command that does not need a reviewer: as a reviewer, else the login name."""
    try:
        return reviewer_name()
    except ConfigError:
        return getpass.getuser()
