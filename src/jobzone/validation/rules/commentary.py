"""Rules on the commentary: its references, its literal figures and the roles it compares with."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from jobzone.canonical import profile_of
from jobzone.commentary import REFERENCE_RE
from jobzone.references import FIGURES
from jobzone.validation.context import Context, error, warning
from jobzone.validation.findings import Finding, Severity
from jobzone.validation.registry import rule


@rule("commentary.unknown-reference", Severity.error, "every {{ ... }} must name a known figure")
def unknown_reference(ctx: Context) -> Iterator[Finding]:
    known = ", ".join(FIGURES)
    for section in ctx.sections:
        for written, ref in section.references:
            if ref is None:
                yield error(
                    "commentary.unknown-reference",
                    section.path,
                    f"{written} is not a figure jobzone knows; use one of {known}, "
                    "or role:<slug> with an optional .aijri, .zone, .sub_label or .title",
                )
        if unpaired_braces(section.text):
            yield error(
                "commentary.unknown-reference",
                section.path,
                "a reference is not closed or not opened: write each as {{ name }}",
            )


def unpaired_braces(text: str) -> bool:
    """Whether ``text`` has a ``{{`` or ``}}`` outside its references. Without either anywhere
    (most prose) there is nothing to take out and look for."""
    if "{{" not in text and "}}" not in text:
        return False
    rest = REFERENCE_RE.sub("", text)
    return "{{" in rest or "}}" in rest


def _role_problem(ctx: Context, slug: str) -> str | None:
    """Why ``slug`` cannot be referred to, or None when it is a canonical role."""
    if slug == ctx.assessment.slug:
        return f"{slug!r} is this role itself; refer to its own figures as {{{{ aijri }}}} etc."
    if slug not in ctx.canonical:
        return f"{slug!r} is not in the canonical set; name an approved role, or drop it"
    return None


@rule(
    "commentary.role-not-canonical",
    Severity.error,
    "roles the commentary refers to must be in the canonical set",
)
def role_not_canonical(ctx: Context) -> Iterator[Finding]:
    for section in ctx.sections:
        for written, ref in section.references:
            problem = _role_problem(ctx, ref.role_slug) if ref and ref.role_slug else None
            if problem:
                yield error("commentary.role-not-canonical", section.path, f"{written}: {problem}")
    for i, item in enumerate(ctx.assessment.commentary.where_to_look_next):
        problem = _role_problem(ctx, item.slug)
        if problem:
            yield error(
                "commentary.role-not-canonical",
                f"commentary.where_to_look_next[{i}].slug",
                problem,
            )


@rule(
    "commentary.figure-mismatch",
    Severity.error,
    "a figure written in the commentary must match the score or the canonical set",
)
def figure_mismatch(ctx: Context) -> Iterator[Finding]:
    for path, claim in ctx.literal_claims:
        if claim.agreeing is None:
            meant = claim.figures[0]
            yield error(
                "commentary.figure-mismatch",
                path,
                f'"{claim.phrase}" gives {claim.written}, but {meant.what} is {meant.shown}; '
                f"write {meant.reference} instead, so the text follows the score",
            )


@rule(
    "commentary.literal-figure",
    Severity.warning,
    "figures in the commentary should be references, not typed numbers",
)
def literal_figure(ctx: Context) -> Iterator[Finding]:
    for path, claim in ctx.literal_claims:
        agreeing = claim.agreeing
        if agreeing is not None:
            yield warning(
                "commentary.literal-figure",
                path,
                f'"{claim.phrase}" types {agreeing.what} ({claim.written}) as a literal; '
                f"write {agreeing.reference} instead, so it cannot go stale",
            )


@rule(
    "similar-role.uncompared",
    Severity.warning,
    "a far-off score from the most similar canonical role needs a comparison",
)
def similar_role_uncompared(ctx: Context) -> Iterator[Finding]:
    if ctx.score is None:
        return
    limits = ctx.rubric.limits
    a = ctx.assessment
    nearest = ctx.canonical.most_similar(profile_of(a), limit=1)
    if not nearest or nearest[0][1] < limits.similar_role_min_similarity:
        return
    role, similarity = nearest[0]
    gap = abs(ctx.score.shown_aijri - role.score.shown_aijri)
    if gap <= Decimal(str(limits.similar_role_max_gap)):
        return
    if role.slug in ctx.referenced_roles:
        return
    yield warning(
        "similar-role.uncompared",
        "commentary",
        f"the most similar canonical role, {role.title} ({role.slug}, similarity "
        f"{similarity:.2f}), scores {role.score.shown_aijri}, {gap} points from "
        f"this role's {ctx.score.shown_aijri}; explain the gap in the commentary, referring to "
        f"it as {{{{ role:{role.slug} }}}}",
    )
