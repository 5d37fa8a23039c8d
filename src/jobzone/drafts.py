"""The review queue's files: one draft per YAML file in ``drafts/``, with findings and provenance.

A draft holds its assessment as a plain mapping rather than a parsed model, because a draft may
be kept with schema findings that a reviewer still has to fix.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, WithJsonSchema

from jobzone.assessment import Assessment
from jobzone.canonical import BaseVersion, CanonicalSet
from jobzone.documents import atomic_write, dump_model, load_model
from jobzone.drafting.records import CallRecord
from jobzone.drafting.usage import Usage
from jobzone.errors import InputError, NotFoundError
from jobzone.history import HistoryEntry, content_hash, extend
from jobzone.scoring import score
from jobzone.validation import validate_document
from jobzone.workspace import Slug, Workspace, check_name


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Kind(StrEnum):
    new = "new"
    revision = "revision"
    commentary = "commentary"


class Status(StrEnum):
    pending = "pending"
    changes_requested = "changes_requested"
    approved = "approved"
    rejected = "rejected"


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


class Approval(_Strict):
    reviewer: str
    at: dt.datetime
    note: str | None
    accepted_warnings: list[str] = Field(default_factory=list)


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
    score: dict[str, Any] | None
    provenance: Provenance
    approvals: list[Approval] = Field(default_factory=list)
    history: list[HistoryEntry]


def findings_of(assessment: dict[str, Any], canonical: CanonicalSet) -> Findings:
    """What the validator makes of a draft's assessment now."""
    report = validate_document(assessment, canonical)
    return Findings(
        errors=[FindingRecord(**f.to_dict()) for f in report.errors],
        warnings=[FindingRecord(**f.to_dict()) for f in report.warnings],
    )


def shown_score(assessment: dict[str, Any]) -> dict[str, Any] | None:
    """The scorer's figures for a draft's assessment, or None while it cannot be scored."""
    try:
        return score(Assessment.model_validate(assessment)).to_dict()
    except (ValidationError, InputError):
        return None


def assessment_hash(assessment: dict[str, Any]) -> str:
    """The content hash of a draft's assessment, equal to the canonical file's once approved."""
    try:
        return content_hash(Assessment.model_validate(assessment).content())
    except ValidationError:
        return content_hash(assessment)


def draft_path(workspace: Workspace, draft_id: str) -> Path:
    return workspace.drafts_dir / f"{check_name(draft_id, 'id')}.yaml"


def save_draft(workspace: Workspace, draft: Draft) -> None:
    """Write a draft; refused (a conflict) if it would rewrite the history already on disk."""
    path = draft_path(workspace, draft.id)
    if path.exists():
        extend(load_model(Draft, path).history, draft.history, f"draft {draft.id}")
    atomic_write(path, dump_model(draft, "draft"))


def load_draft(workspace: Workspace, draft_id: str) -> Draft:
    path = draft_path(workspace, draft_id)
    if not path.exists():
        raise NotFoundError(
            f"no draft {draft_id!r} in the queue", file=str(path), rule="draft.exists"
        )
    draft = load_model(Draft, path)
    if draft.id != path.stem:
        raise InputError(
            f"the draft's id {draft.id!r} is not its file name",
            file=str(path),
            field="id",
            rule="draft.id",
        )
    return draft
