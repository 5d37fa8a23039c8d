"""A checked assessment: parsed, scored and validated once, as one typed value.

Every change to a draft ends with one :func:`check` of its assessment against the canonical set;
the draft then stores the findings and the shown figures it yields. Readers that need the parsed
assessment or its :class:`~jobzone.scoring.Score` take them from the same value rather than
parsing or scoring again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from jobzone.assessment import Assessment
from jobzone.canonical import CanonicalSet
from jobzone.documents import schema_problems
from jobzone.drafts import FindingRecord, Findings
from jobzone.errors import UnscorableError
from jobzone.history import content_hash
from jobzone.scoring import Score, ShownScore, score

if TYPE_CHECKING:
    # Imported by check() alone: show and score only score, and the validator's rules (the
    # claims reader above all) are a large share of a quick command's start-up.
    from jobzone.validation import Report


@dataclass(frozen=True)
class Checked:
    """An assessment mapping with what the scorer and the validator make of it."""

    data: dict[str, Any]
    #: None when the mapping breaks the file format (the report then holds the schema problems).
    assessment: Assessment | None
    #: None when it does not parse or cannot be scored (task time not summing to 100).
    score: Score | None
    report: Report

    @property
    def findings(self) -> Findings:
        """The findings as a draft file stores them."""
        return Findings(
            errors=[FindingRecord(**f.to_dict()) for f in self.report.errors],
            warnings=[FindingRecord(**f.to_dict()) for f in self.report.warnings],
        )

    @property
    def shown(self) -> ShownScore | None:
        return self.score.shown() if self.score is not None else None

    @property
    def content_sha256(self) -> str:
        """The hash history entries record: once approved, equal to the canonical file's."""
        if self.assessment is not None:
            return content_hash(self.assessment.content())
        return content_hash(self.data)


def content_sha256(data: dict[str, Any]) -> str:
    """The hash of an assessment mapping's content, as :attr:`Checked.content_sha256` gives it,
    for a step that does not change the content and so needs no check."""
    try:
        return content_hash(Assessment.model_validate(data).content())
    except ValidationError:
        return content_hash(data)


def score_or_none(assessment: Assessment) -> Score | None:
    """The assessment's score, or None while it cannot be scored."""
    try:
        return score(assessment)
    except UnscorableError:
        return None


def check(
    data: dict[str, Any],
    canonical: CanonicalSet,
    *,
    expected_slug: str | None = None,
    subject: str | None = None,
) -> Checked:
    """Parse, score and validate ``data`` against the canonical set (its own slug excluded).

    ``subject`` is how a finding's advice names the thing checked (a draft's id, a role's slug),
    so that "regenerate it with `jobzone commentary ...`" names something the command accepts.
    """
    from jobzone.validation import Finding, Report, Severity, validate

    try:
        assessment = Assessment.model_validate(data)
    except ValidationError as exc:
        problems = [
            Finding(code=p.code, severity=Severity.error, path=p.path, message=p.message)
            for p in schema_problems(exc)
        ]
        return Checked(data, None, None, Report(findings=problems))
    scored = score_or_none(assessment)
    report = validate(
        assessment, canonical, expected_slug=expected_slug, scored=scored, subject=subject
    )
    return Checked(data, assessment, scored, report)
