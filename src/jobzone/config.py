"""The workspace's own settings, from an optional ``jobzone.yaml`` beside ``roles/``."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from jobzone.documents import load_model
from jobzone.workspace import Workspace

CONFIG_NAME = "jobzone.yaml"


class WorkspaceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approvals_required: int = Field(
        default=1, ge=1, description="Approvals from distinct reviewers before a draft enters."
    )


def load_config(workspace: Workspace) -> WorkspaceConfig:
    path = workspace.root / CONFIG_NAME
    return load_model(WorkspaceConfig, path) if path.is_file() else WorkspaceConfig()
