"""Running every registered rule over an assessment or a raw document."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from jobzone.assessment import Assessment
from jobzone.canonical import CanonicalSet
from jobzone.documents import schema_problems
from jobzone.errors import InputError
from jobzone.rubric import load_rubric
from jobzone.scoring import Score, score
from jobzone.validation import rules as _rules  # noqa: F401 - registers the rules
from jobzone.validation.context import Context
from jobzone.validation.findings import Finding, Report, Severity
from jobzone.validation.registry import RULES


def validate(
    assessment: Assessment,
    canonical: CanonicalSet | None = None,
    *,
    expected_slug: str | None = None,
    scored: Score | None = None,
) -> Report:
    """Every finding for a parsed assessment, against the canonical set (itself excluded).

    ``scored`` saves re-scoring an assessment whose score the caller already has."""
    others = (canonical if canonical is not None else CanonicalSet()).without(assessment.slug)
    if scored is None:
        try:
            scored = score(assessment)
        except InputError:
            scored = None
    ctx = Context(
        assessment=assessment,
        rubric=load_rubric(assessment.rubric),
        score=scored,
        canonical=others,
        expected_slug=expected_slug,
    )
    report = Report()
    for registered in RULES.values():
        report.findings.extend(registered.check(ctx))
    return report


def validate_document(
    data: Any,
    canonical: CanonicalSet | None = None,
    *,
    expected_slug: str | None = None,
) -> Report:
    """Findings for a raw mapping: schema problems if it does not parse, else every rule."""
    try:
        assessment = Assessment.model_validate(data)
    except ValidationError as exc:
        return Report(
            findings=[
                Finding(code=p.code, severity=Severity.error, path=p.path, message=p.message)
                for p in schema_problems(exc)
            ]
        )
    return validate(assessment, canonical, expected_slug=expected_slug)
