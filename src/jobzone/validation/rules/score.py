"""Rules on the scored result as a whole, and on the file it came from."""

from __future__ import annotations

from collections.abc import Iterator

from jobzone.references import signed
from jobzone.scoring import round_half_up
from jobzone.validation.context import Context, error, warning
from jobzone.validation.findings import Finding, Severity
from jobzone.validation.registry import rule


@rule("slug.filename", Severity.error, "a role file's name must be its slug")
def slug_filename(ctx: Context) -> Iterator[Finding]:
    expected = ctx.expected_slug
    if expected is not None and expected != ctx.assessment.slug:
        yield error(
            "slug.filename",
            "slug",
            f"the slug is {ctx.assessment.slug!r} but the file is named {expected}.yaml; "
            "rename the file or fix the slug",
        )


@rule("score.clamped", Severity.warning, "the formula aijri went past its maximum")
def clamped(ctx: Context) -> Iterator[Finding]:
    score = ctx.score
    if score is not None and score.clamped:
        unclamped = round_half_up(score.unclamped_aijri, ctx.rubric.display.aijri_decimals)
        yield warning(
            "score.clamped",
            "barriers",
            f"the formula gives {unclamped}, clamped to "
            f"{score.shown_formula_aijri}; strong evidence, barriers and growth together "
            "overshoot the scale, so check that each is as high as claimed",
        )


@rule("quick-screen.divergent", Severity.warning, "the zone should be near the quick screen's")
def quick_screen_divergent(ctx: Context) -> Iterator[Finding]:
    score = ctx.score
    if score is None:
        return
    limit = ctx.rubric.limits.quick_screen_max_bands
    bands = abs(ctx.rubric.zone_index(score.zone) - ctx.rubric.zone_index(score.quick_screen_zone))
    if bands > limit:
        yield warning(
            "quick-screen.divergent",
            "commentary.score_vs_reality",
            f"the quick screen (protective {score.protective_total} + growth "
            f"{signed(score.growth)} = {score.quick_screen_total}) says {score.quick_screen}, "
            f"but the role lands in {score.zone}, {bands} bands away; recheck the protective "
            "and growth scores, and explain the gap in the score-vs-reality commentary",
        )
