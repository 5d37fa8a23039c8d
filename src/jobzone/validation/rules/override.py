"""Rules on an assessor's override of the formula score."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from jobzone.validation.context import Context, error, warning
from jobzone.validation.findings import Finding, Severity
from jobzone.validation.registry import rule

SENTENCE_ENDS = (".", "!", "?")
#: Closing marks allowed after a sentence's final stop, as in ``... (see above).)``.
CLOSERS = ")]\"'\u2019\u201d"


def justification_problem(text: str, min_words: int) -> str | None:
    """Why a justification is not at least a sentence, or None when it is one."""
    words = len(text.split())
    if words < min_words:
        return f"the justification has {words} words; at least {min_words} are needed"
    if not text.rstrip().rstrip(CLOSERS).endswith(SENTENCE_ENDS):
        return "the justification does not end as a sentence does (with . ! or ?)"
    return None


@rule("override.justification", Severity.error, "an override needs a sentence of justification")
def justification(ctx: Context) -> Iterator[Finding]:
    override = ctx.assessment.override
    if override is None:
        return
    problem = justification_problem(
        override.justification, ctx.rubric.limits.override_justification_min_words
    )
    if problem:
        yield error(
            "override.justification",
            "override.justification",
            f"{problem}; say in at least a full sentence why the formula score is wrong",
        )


@rule("override.large-shift", Severity.warning, "an override should stay near the formula")
def large_shift(ctx: Context) -> Iterator[Finding]:
    score = ctx.score
    if score is None or not score.overridden:
        return
    limit = Decimal(str(ctx.rubric.limits.override_max_shift))
    shift = abs(score.shown_aijri - score.shown_formula_aijri)
    if shift > limit:
        yield warning(
            "override.large-shift",
            "override.aijri",
            f"the override {score.shown_aijri} is {shift} points from the formula's "
            f"{score.shown_formula_aijri}, more than {limit}; check the task, evidence and "
            "barrier scores before overriding this far",
        )


@rule("override.zone-jump", Severity.warning, "an override should not jump zones")
def zone_jump(ctx: Context) -> Iterator[Finding]:
    score = ctx.score
    if score is None or not score.overridden:
        return
    limit = ctx.rubric.limits.override_max_zone_bands
    bands = abs(ctx.rubric.zone_index(score.zone) - ctx.rubric.zone_index(score.formula_zone))
    if bands > limit:
        yield warning(
            "override.zone-jump",
            "override.aijri",
            f"the override moves the role from {score.formula_zone} to {score.zone}, "
            f"{bands} bands where at most {limit} is expected; rescore the parts that "
            "disagree instead of overriding",
        )
