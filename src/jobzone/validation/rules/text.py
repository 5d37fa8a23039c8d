"""Prose that must not be empty: rationales, evidence, the role definition, commentary."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel

from jobzone.assessment import Assessment
from jobzone.commentary import sections
from jobzone.validation.context import Context, error
from jobzone.validation.findings import Finding, Severity
from jobzone.validation.registry import rule

#: The role definition's prose fields; seniority, aliases and tags are labels, not prose.
ROLE_PROSE = ("primary_function", "not_this_role", "typical_experience", "seniority_note")
#: Commentary lists that need at least one point.
REQUIRED_LISTS = ("numbers_dont_capture", "survival_strategy")


def _rationales(group: BaseModel, prefix: str) -> Iterator[tuple[str, str]]:
    """``(path, rationale)`` of each member of a group such as ``protective`` or ``barriers``."""
    for name in type(group).model_fields:
        yield f"{prefix}.{name}.rationale", getattr(group, name).rationale


def prose(assessment: Assessment) -> Iterator[tuple[str, str]]:
    """Every text that must say something, with its path."""
    for name in ROLE_PROSE:
        yield f"role.{name}", getattr(assessment.role, name)
    yield from _rationales(assessment.protective, "protective")
    yield "growth.rationale", assessment.growth.rationale
    for i, task in enumerate(assessment.tasks):
        yield f"tasks[{i}].name", task.name
        yield f"tasks[{i}].rationale", task.rationale
    yield "reinstatement.rationale", assessment.reinstatement.rationale
    for name in type(assessment.evidence).model_fields:
        yield f"evidence.{name}.text", getattr(assessment.evidence, name).text
    yield from _rationales(assessment.barriers, "barriers")
    yield from sections(assessment.commentary)


@rule("text.empty", Severity.error, "rationales, evidence and commentary must not be empty")
def empty_text(ctx: Context) -> Iterator[Finding]:
    for path, text in prose(ctx.assessment):
        if not text.strip():
            yield error("text.empty", path, "this text is empty; write what it should say")
    for name in REQUIRED_LISTS:
        if not getattr(ctx.assessment.commentary, name):
            yield error(
                "text.empty",
                f"commentary.{name}",
                "this list has no points; add at least one",
            )
