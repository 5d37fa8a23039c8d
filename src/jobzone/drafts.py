"""The review queue's files: one draft per YAML file in ``drafts/``, with findings and provenance.

A draft holds its assessment as a plain mapping rather than a parsed model, because a draft may
be kept with schema findings that a reviewer still has to fix; :mod:`jobzone.checking` turns it
into a typed, scored and validated value. Only :mod:`jobzone.workflow` writes drafts.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator

from jobzone.calls import CallRecord, Usage
from jobzone.canonical import BaseVersion
from jobzone.documents import load_model
from jobzone.errors import InputError, NotFoundError
from jobzone.history import Acknowledgement, HistoryEntry
from jobzone.scoring import ShownScore
from jobzone.slugs import Slug
from jobzone.states import Kind as Kind
from jobzone.states import Status as Status
from jobzone.workspace import Workspace, check_name


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FindingRecord(_Strict):
    code: str
    path: str
    message: str


class Findings(_Strict):
    errors: list[FindingRecord] = Field(default_factory=list)
    warnings: list[FindingRecord] = Field(default_factory=list)


class Repair(_Strict):
    stage: str
    round: int
    findings: list[str] = Field(description="code at path, for each finding repaired")


class Provenance(_Strict):
    model: str
    endpoint_host: str
    temperature: float | None
    prompt_versions: dict[str, str]
    rubric: str
    calls: list[CallRecord]
    repairs: list[Repair]
    usage: Usage
    cost_usd: float | None
    prices: str
    #: The model's wording of the title when it differs from the editor's, which is kept.
    suggested_title: str | None = Field(default=None, exclude_if=lambda value: value is None)
    #: How answers were held to their schema: json_schema, tools or json_object.
    structured_output: str | None = Field(default=None, exclude_if=lambda value: value is None)


class Approval(_Strict):
    reviewer: str
    at: dt.datetime
    note: str | None
    accepted_warnings: list[Acknowledgement] = Field(default_factory=list)

    @field_validator("accepted_warnings", mode="before")
    @classmethod
    def _earlier_format(cls, value: Any) -> Any:
        """Approvals written before acknowledgements kept the finding say ``"code at path"``:
        read as an acknowledgement of no message, which no finding of today matches."""
        if not isinstance(value, list):
            return value
        return [
            dict(zip(("code", "path"), item.split(" at ", 1), strict=True), message="")
            if isinstance(item, str) and " at " in item
            else item
            for item in value
        ]


class Draft(_Strict):
    id: Slug
    kind: Kind
    status: Status
    revision: int = Field(default=1, ge=1, description="Redrafts make the next revision.")
    title: str
    slug: Slug
    base: BaseVersion | None
    created_at: dt.datetime
    #: Editors validate it against the assessment schema; the model keeps it a plain mapping.
    assessment: Annotated[
        dict[str, Any],
        WithJsonSchema(
            {
                "type": "object",
                "description": "The drafted assessment, in the format of roles/<slug>.yaml.",
            }
        ),
    ]
    findings: Findings
    score: ShownScore | None
    provenance: Provenance
    approvals: list[Approval] = Field(default_factory=list)
    history: list[HistoryEntry]


class RowFields(BaseModel):
    """The fields of a draft that its row in the queue shows: a draft file read no further."""

    model_config = ConfigDict(extra="forbid")

    id: Slug
    kind: Kind
    status: Status
    revision: int = Field(default=1, ge=1)
    title: str
    slug: Slug
    created_at: dt.datetime
    findings: Findings
    score: ShownScore | None
    approvals: list[Approval] = Field(default_factory=list)


def draft_path(workspace: Workspace, draft_id: str) -> Path:
    return workspace.drafts_dir / f"{check_name(draft_id, 'id')}.yaml"


def load_draft(workspace: Workspace, draft_id: str) -> Draft:
    path = draft_path(workspace, draft_id)
    if not path.exists() and not path.is_symlink():
        raise NotFoundError(
            f"no draft {draft_id!r} in the queue", file=str(path), rule="draft.exists"
        )
    draft = load_model(Draft, path, inside=workspace.root)
    if draft.id != path.stem:
        raise InputError(
            f"the draft's id {draft.id!r} is not its file name",
            file=str(path),
            field="id",
            rule="draft.id",
        )
    return draft
