"""The workspace's own settings, from the ``jobzone.yaml`` that marks a folder as a workspace."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from jobzone.documents import load_model
from jobzone.errors import InputError
from jobzone.workspace import Workspace


class WorkspaceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approvals_required: int = Field(
        default=1, ge=1, description="Approvals from distinct reviewers before a draft enters."
    )
    require_verified_sources: bool = Field(
        default=False,
        description="Refuse to approve a draft until a person has verified every evidence "
        "source (`jobzone verify`).",
    )


def load_config(workspace: Workspace) -> WorkspaceConfig:
    """The settings; an empty ``jobzone.yaml`` (a bare marker) means the defaults."""
    try:
        return load_model(WorkspaceConfig, workspace.config_path, inside=workspace.root)
    except InputError as exc:
        if exc.rule == "file.empty":
            return WorkspaceConfig()
        raise
