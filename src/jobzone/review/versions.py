"""Canonical versions: ``roles/<slug>.yaml`` is the current one; every version is also kept in
``roles/.versions/<slug>/v<N>.yaml`` and never changed after it is written."""

from __future__ import annotations

from pathlib import Path

from jobzone.assessment import Assessment
from jobzone.documents import atomic_write, dump_model, load_model
from jobzone.workspace import Workspace

VERSIONS_DIR = ".versions"
VERSION_SCHEMA_DIR = "../../../schemas"


def version_path(workspace: Workspace, slug: str, version: int) -> Path:
    return workspace.roles_dir / VERSIONS_DIR / slug / f"v{version}.yaml"


def current_role(workspace: Workspace, slug: str) -> Assessment | None:
    path = workspace.role_path(slug)
    return load_model(Assessment, path) if path.is_file() else None


def keep_version(workspace: Workspace, role: Assessment) -> Path:
    """Write ``role`` as its numbered version, unless that version is already kept."""
    path = version_path(workspace, role.slug, role.version)
    if not path.exists():
        atomic_write(path, dump_model(role, "assessment", VERSION_SCHEMA_DIR))
    return path


def kept_versions(workspace: Workspace, slug: str) -> list[int]:
    folder = workspace.roles_dir / VERSIONS_DIR / slug
    if not folder.is_dir():
        return []
    return sorted(int(p.stem[1:]) for p in folder.glob("v*.yaml") if p.stem[1:].isdigit())
