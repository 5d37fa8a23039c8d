"""Rules on the evidence and its sources."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator

from jobzone.assessment import Evidence, EvidenceItem
from jobzone.sources import vague_title
from jobzone.validation.context import Context, error, field_names, warning
from jobzone.validation.findings import Finding, Severity
from jobzone.validation.registry import rule


def dimensions(evidence: Evidence) -> Iterator[tuple[str, EvidenceItem]]:
    for name in field_names(type(evidence)):
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


@rule("evidence.source-no-url", Severity.warning, "every source should say where to read it")
def source_no_url(ctx: Context) -> Iterator[Finding]:
    for c in ctx.sources:
        if not (c.source.url or "").strip():
            yield warning(
                "evidence.source-no-url",
                f"{c.path}.url",
                f"{c.source.title!r} gives no URL; add the address where it can be read, so an "
                "editor can check that it says what is cited",
            )


@rule(
    "evidence.source-vague",
    Severity.warning,
    "a source's title should name a publisher or publication to look up",
)
def source_vague(ctx: Context) -> Iterator[Finding]:
    for c in ctx.sources:
        if vague_title(c.source.title):
            yield warning(
                "evidence.source-vague",
                f"{c.path}.title",
                f"{c.source.title!r} names no publisher or publication that could be looked up; "
                "name them, as in 'Glassdoor, MLOps Engineer salaries (US)', or replace it with "
                "a source that can be named",
            )


@rule(
    "evidence.source-half-verified",
    Severity.warning,
    "a source's verification records both who checked it and when",
)
def source_half_verified(ctx: Context) -> Iterator[Finding]:
    for c in ctx.sources:
        named = bool((c.source.verified_by or "").strip())
        dated = c.source.verified_on is not None
        if named == dated:
            continue
        half, field = (
            ("who verified it but not when", "verified_on")
            if named
            else ("when it was verified but not by whom", "verified_by")
        )
        yield warning(
            "evidence.source-half-verified",
            f"{c.path}.{field}",
            f"{c.source.title!r} records {half}; record the check with "
            f"`jobzone verify {ctx.subject} {c.path}`, which writes both",
        )
