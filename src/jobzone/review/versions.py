"""Canonical versions: ``roles/<slug>.yaml`` is the current one; every version is also kept in
``roles/.versions/<slug>/v<N>.yaml`` and never changed after it is written (only the workflow
writes them)."""

from __future__ import annotations

from pathlib import Path

from jobzone.assessment import Assessment
from jobzone.documents import load_model
from jobzone.workspace import Workspace

VERSIONS_DIR = ".versions"


def version_path(workspace: Workspace, slug: str, version: int) -> Path:
    return workspace.roles_dir / VERSIONS_DIR / slug / f"v{version}.yaml"


def current_role(workspace: Workspace, slug: str) -> Assessment | None:
    """The canonical version of ``slug`` as its file holds it, or None when there is none."""
    path = workspace.role_path(slug)
    if not path.exists() and not path.is_symlink():
        return None
    return load_model(Assessment, path, inside=workspace.root)


def kept_version(workspace: Workspace, slug: str, version: int) -> Assessment | None:
    """A kept version of a role, or None when it is not kept."""
    path = version_path(workspace, slug, version)
    if not path.exists() and not path.is_symlink():
        return None
    return load_model(Assessment, path, inside=workspace.root)
