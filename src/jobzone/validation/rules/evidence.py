"""Rules on the evidence and its sources."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator

from jobzone.assessment import Evidence, EvidenceItem
from jobzone.validation.context import Context, error, warning
from jobzone.validation.findings import Finding, Severity
from jobzone.validation.registry import rule


def dimensions(evidence: Evidence) -> Iterator[tuple[str, EvidenceItem]]:
    for name in type(evidence).model_fields:
        yield name, getattr(evidence, name)


@rule("evidence.no-source", Severity.error, "every evidence dimension needs a source")
def no_source(ctx: Context) -> Iterator[Finding]:
    for name, item in dimensions(ctx.assessment.evidence):
        if not item.sources:
            yield error(
                "evidence.no-source",
                f"evidence.{name}.sources",
                "no source backs this evidence; cite at least one",
            )


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier, clamped to the end of a shorter month."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last_day))


@rule("evidence.stale-source", Severity.warning, "evidence sources should be recent")
def stale_source(ctx: Context) -> Iterator[Finding]:
    limit = ctx.rubric.limits.source_max_age_months
    cutoff = months_before(ctx.assessment.assessed_on, limit)
    for name, item in dimensions(ctx.assessment.evidence):
        for i, source in enumerate(item.sources):
            if source.date is not None and source.date < cutoff:
                yield warning(
                    "evidence.stale-source",
                    f"evidence.{name}.sources[{i}].date",
                    f"{source.title!r} is dated {source.date}, more than {limit} months before "
                    f"the assessment ({ctx.assessment.assessed_on}); find a newer source or "
                    "confirm it still holds",
                )
