"""Rules on text: prose that must say something, and names that must stay on one line."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel

from jobzone.assessment import Assessment
from jobzone.validation.context import Context, error, field_names
from jobzone.validation.findings import Finding, Severity
from jobzone.validation.registry import rule

#: The role definition's prose fields; seniority, aliases and tags are labels, not prose.
ROLE_PROSE = ("primary_function", "not_this_role", "typical_experience", "seniority_note")
#: Commentary lists that need at least one point.
REQUIRED_LISTS = ("numbers_dont_capture", "survival_strategy")
#: Every character ``str.splitlines`` breaks a line at.
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def _rationales(group: BaseModel, prefix: str) -> Iterator[tuple[str, str]]:
    """``(path, rationale)`` of each member of a group such as ``protective`` or ``barriers``."""
    for name in field_names(type(group)):
        yield f"{prefix}.{name}.rationale", getattr(group, name).rationale


def prose(assessment: Assessment) -> Iterator[tuple[str, str]]:
    """Every text outside the commentary that must say something, with its path."""
    for name in ROLE_PROSE:
        yield f"role.{name}", getattr(assessment.role, name)
    yield from _rationales(assessment.protective, "protective")
    yield "growth.rationale", assessment.growth.rationale
    for i, task in enumerate(assessment.tasks):
        yield f"tasks[{i}].name", task.name
        yield f"tasks[{i}].rationale", task.rationale
    yield "reinstatement.rationale", assessment.reinstatement.rationale
    for name in field_names(type(assessment.evidence)):
        yield f"evidence.{name}.text", getattr(assessment.evidence, name).text
    yield from _rationales(assessment.barriers, "barriers")


def names(assessment: Assessment) -> Iterator[tuple[str, str]]:
    """Every title, name and label, with its path: text that is shown on one line."""
    yield "title", assessment.title
    yield "role.seniority", assessment.role.seniority
    for i, alias in enumerate(assessment.role.aliases):
        yield f"role.aliases[{i}]", alias
    for i, tag in enumerate(assessment.role.tags):
        yield f"role.tags[{i}]", tag
    for i, task in enumerate(assessment.tasks):
        yield f"tasks[{i}].name", task.name
    for name in field_names(type(assessment.evidence)):
        for i, source in enumerate(getattr(assessment.evidence, name).sources):
            yield f"evidence.{name}.sources[{i}].title", source.title
    if assessment.override is not None:
        yield "override.by", assessment.override.by


def unwritten(ctx: Context) -> bool:
    """Whether the commentary was never written: every section empty (drafting stopped before
    it, or it was left for later)."""
    return not ctx.assessment.commentary.where_to_look_next and all(
        not section.text.strip() for section in ctx.sections
    )


@rule("text.empty", Severity.error, "rationales, evidence and commentary must not be empty")
def empty_text(ctx: Context) -> Iterator[Finding]:
    for path, text in prose(ctx.assessment):
        if not text.strip():
            yield error("text.empty", path, "this text is empty; write what it should say")
    if unwritten(ctx):
        # One finding, not one per section: nothing was written, so nothing in it is wrong.
        yield error(
            "text.empty",
            "commentary",
            "the commentary has not been written yet; once the scores can be computed, draft "
            f"it with `jobzone commentary {ctx.subject}` or write it with "
            f"`jobzone edit {ctx.subject}`",
        )
        return
    for section in ctx.sections:
        if not section.text.strip():
            yield error("text.empty", section.path, "this text is empty; write what it should say")
    for name in REQUIRED_LISTS:
        if not getattr(ctx.assessment.commentary, name):
            yield error(
                "text.empty",
                f"commentary.{name}",
                "this list has no points; add at least one",
            )


@rule("text.single-line", Severity.error, "titles, names, aliases and labels fit on one line")
def single_line(ctx: Context) -> Iterator[Finding]:
    for path, text in names(ctx.assessment):
        if not LINE_BREAKS.isdisjoint(text):
            yield error(
                "text.single-line",
                path,
                "this name runs over several lines; keep it on one line (put explanations in "
                "the rationale)",
            )
