"""Running every registered rule over a parsed assessment."""

from __future__ import annotations

from jobzone.assessment import Assessment
from jobzone.canonical import CanonicalSet
from jobzone.rubric import load_rubric
from jobzone.scoring import Score
from jobzone.validation import rules as _rules  # noqa: F401 - registers the rules
from jobzone.validation.context import Context
from jobzone.validation.findings import Report
from jobzone.validation.registry import RULES


def validate(
    assessment: Assessment,
    canonical: CanonicalSet | None = None,
    *,
    scored: Score | None,
    expected_slug: str | None = None,
    subject: str | None = None,
) -> Report:
    """Every finding for a parsed assessment and its score (None when it cannot be scored),
    against the canonical set (itself excluded). ``subject`` names the assessment in advice; by
    default its slug. Raw mappings are checked with :func:`jobzone.checking.check`."""
    others = (canonical if canonical is not None else CanonicalSet()).without(assessment.slug)
    ctx = Context(
        assessment=assessment,
        rubric=load_rubric(assessment.rubric),
        score=scored,
        canonical=others,
        expected_slug=expected_slug,
        subject=subject or assessment.slug,
    )
    report = Report()
    for registered in RULES.values():
        report.findings.extend(registered.check(ctx))
    return report
