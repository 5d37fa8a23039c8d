"""Career context: what O*NET and the BLS say about the occupation a role is assessed against.

It is looked up whenever a page is rendered and never stored in the assessment: the figures
belong to the dataset jobzone ships, which can be updated under a role that does not change, and
each is dated, so it leaves here as text together with its source and reference period. The
notices the data's licences ask for are kept here too, for every page that shows any of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from jobzone.assessment import Assessment, OccupationMatch
from jobzone.errors import NotFoundError
from jobzone.occupations import lookup
from jobzone.occupations.dataset import (
    PROJECTION_PERIOD,
    TOP_CODE_ANNUAL,
    TOP_CODE_HOURLY,
    WAGE_PERIOD,
)

if TYPE_CHECKING:
    from jobzone.canonical import CanonicalRole, CanonicalSet
    from jobzone.occupations.index import Index

#: The release of O*NET the packaged dataset is built from.
ONET = "O*NET 29.3"
#: O*NET's names for its job zones: how much preparation an occupation needs, not AI risk.
JOB_ZONES = {
    1: "little or no preparation needed",
    2: "some preparation needed",
    3: "medium preparation needed",
    4: "considerable preparation needed",
    5: "extensive preparation needed",
}
#: How the page words each way a role can relate to its occupation.
MATCHES = {
    OccupationMatch.direct: "direct match: the role is this occupation",
    OccupationMatch.alternate_title: "alternate title: O*NET lists the role's title for it",
    OccupationMatch.proxy: "proxy: the nearest occupation, which differs from the role",
}

#: The notice O*NET's CC BY 4.0 licence asks for, as ``occupations/data/README.md`` gives it.
ONET_NOTICE = (
    "This product includes information from the O*NET 29.3 Database by the U.S. Department of "
    "Labor, Employment and Training Administration (USDOL/ETA). Used under the CC BY 4.0 "
    "license. O*NET® is a trademark of USDOL/ETA."
)
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
LABELS_NOTICE = (
    "Task exposure and automation labels: Eloundou, Manning, Mishkin and Rock, "
    '"GPTs are GPTs: An Early Look at the Labor Market Impact Potential of Large Language '
    'Models", copyright (c) 2024 OpenAI, used under the MIT licence.'
)
BLS_NOTICE = (
    "Wages and employment: U.S. Bureau of Labor Statistics, Occupational Employment and Wage "
    f"Statistics, {WAGE_PERIOD}. Projected employment change: BLS Employment Projections, "
    f"{PROJECTION_PERIOD}. Public domain."
)


@dataclass(frozen=True)
class Fact:
    """One figure about the occupation, with where it comes from and the period it describes."""

    label: str
    value: str
    source: str


@dataclass(frozen=True)
class RelatedRole:
    """A canonical role assessed against one of the occupations O*NET relates to this one."""

    slug: str
    title: str
    aijri: str
    sub_label: str
    #: The related occupation, as "29-2061.00 Licensed Practical and ... Nurses".
    occupation: str


@dataclass(frozen=True)
class CareerContext:
    """The occupation a role is assessed against, and its figures as a page shows them."""

    #: "29-1141.00 Registered Nurses".
    occupation: str
    match: str
    #: What differs, for a proxy; "" otherwise.
    note: str
    facts: tuple[Fact, ...]
    related: tuple[RelatedRole, ...]
    #: Why no figures are shown, when the dataset has no such occupation or cannot be read.
    missing: str | None = None


def career_context(
    assessment: Assessment, others: CanonicalSet, index: Index
) -> CareerContext | None:
    """The career context of a role's occupation, or None when the role names none.

    ``others`` is the canonical set without the role itself. The index may raise a ConfigError,
    which the caller turns into :func:`without_figures`.
    """
    chosen = assessment.role.occupation
    if chosen is None:
        return None
    try:
        found = lookup.occupation(chosen.code, index=index)
    except NotFoundError:
        return without_figures(assessment, f"{ONET} has no occupation {chosen.code}.")
    return CareerContext(
        occupation=f"{found.code} {found.title}",
        match=MATCHES[chosen.match],
        note=chosen.note,
        facts=(*_wage_facts(found.wage), _projection_fact(found.projection), _job_zone(found)),
        related=_related_roles(found, others),
    )


def without_figures(assessment: Assessment, why: str) -> CareerContext | None:
    """The occupation as the role names it, and ``why`` in place of the figures."""
    chosen = assessment.role.occupation
    if chosen is None:
        return None
    named = f"{chosen.code} {chosen.title}"
    return CareerContext(named, MATCHES[chosen.match], chosen.note, (), (), missing=why)


def median_wage(wage: lookup.Wage) -> str:
    """The median wage as BLS publishes it: annual where it can, else hourly; a top-coded one
    as the least it can be, since BLS gives no figure above its top code."""
    if wage.median_annual_top_coded:
        return f"at least ${TOP_CODE_ANNUAL:,} a year (BLS top code)"
    if wage.median_annual is not None:
        return f"${wage.median_annual:,} a year"
    if wage.median_hourly_top_coded:
        return f"at least ${TOP_CODE_HOURLY:,.2f} an hour (BLS top code)"
    if wage.median_hourly is not None:
        return f"${wage.median_hourly:,.2f} an hour"
    return "not published"


def _wage_facts(wage: lookup.Wage | None) -> tuple[Fact, ...]:
    if wage is None:
        source = f"BLS OEWS, {WAGE_PERIOD}"
        return (Fact("Median wage and employment", "not published for this occupation", source),)
    group = ", broad group" if wage.group == "broad" else ""
    source = f"BLS OEWS, {wage.period} (SOC {wage.soc_code} {wage.soc_title}{group})"
    employment = f"{wage.employment:,}" if wage.employment is not None else "not published"
    return (Fact("Median wage", median_wage(wage), source), Fact("Employment", employment, source))


def _projection_fact(projection: lookup.Projection | None) -> Fact:
    label = "Projected employment change"
    if projection is None:
        source = f"BLS Employment Projections, {PROJECTION_PERIOD}"
        return Fact(label, "no projection matches this occupation's title", source)
    source = f'BLS Employment Projections, {projection.period}, as "{projection.title}"'
    return Fact(label, f"{projection.change_pct:+.1f}% over {projection.period}", source)


def _job_zone(found: lookup.Occupation) -> Fact:
    label = "O*NET job zone (preparation needed; not the AIJRI zone)"
    if found.job_zone is None:
        return Fact(label, "not given", ONET)
    name = JOB_ZONES.get(found.job_zone, "unknown")
    return Fact(label, f"{found.job_zone} of 5: {name}", ONET)


def _by_code(roles: Iterable[CanonicalRole]) -> dict[str, list[CanonicalRole]]:
    """Canonical roles by the code of their occupation, each code's roles by title."""
    table: dict[str, list[CanonicalRole]] = {}
    for role in sorted(roles, key=lambda r: (r.title, r.slug)):
        if (code := role.occupation_code) is not None:
            table.setdefault(code, []).append(role)
    return table


def _related_roles(found: lookup.Occupation, others: CanonicalSet) -> tuple[RelatedRole, ...]:
    """The canonical roles whose occupation O*NET relates to ``found``, most related first."""
    by_code = others.table(_by_code)
    return tuple(
        RelatedRole(
            slug=role.slug,
            title=role.title,
            aijri=str(role.shown.aijri),
            sub_label=role.shown.sub_label,
            occupation=f"{related.code} {related.title}",
        )
        for related in found.related
        for role in by_code.get(related.code, ())
        if role.slug in others
    )


def attribution(*, onet: bool, labels: bool, bls: bool) -> tuple[str, ...]:
    """The notices owed to the data a page shows."""
    notices = (
        (onet, f"{ONET_NOTICE} Licence: {CC_BY}"),
        (labels, LABELS_NOTICE),
        (bls, BLS_NOTICE),
    )
    return tuple(text for shown, text in notices if shown)
