"""Whether a commentary still matches the figures it was written against."""

from __future__ import annotations

from collections.abc import Iterator

from jobzone.figures import stale_reasons
from jobzone.validation.context import Context, warning
from jobzone.validation.findings import Finding, Severity
from jobzone.validation.registry import rule


@rule(
    "commentary.stale",
    Severity.warning,
    "the commentary was written against figures that have since changed; regenerate it",
)
def stale(ctx: Context) -> Iterator[Finding]:
    if ctx.score is None:
        return
    reasons = stale_reasons(
        ctx.assessment.commentary, ctx.score, ctx.canonical, named=ctx.referenced_roles
    )
    if reasons:
        yield warning(
            "commentary.stale",
            "commentary.written_against",
            "the commentary may be stale: "
            + "; ".join(reasons)
            + f". Regenerate it with `jobzone commentary {ctx.subject}`",
        )
