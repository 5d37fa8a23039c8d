"""Resolving commentary references (``{{ aijri }}``, ``{{ role:slug }}``) to shown figures.

One table per scored assessment and canonical set; the renderer fills text with it and the
validator checks references and literal figures against it, so both read the same numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from jobzone.canonical import CanonicalRole, CanonicalSet
from jobzone.commentary import (
    REFERENCE_RE,
    Basis,
    Commentary,
    Reference,
    parse_reference,
    referenced_roles,
)
from jobzone.history import content_hash
from jobzone.references import shown_figures
from jobzone.scoring import Score


@dataclass(frozen=True)
class UnresolvedReference:
    reference: str
    reason: str


@dataclass(frozen=True)
class FigureTable:
    """What every reference resolves to for one role against one canonical set."""

    figures: dict[str, str]
    canonical: CanonicalSet

    @classmethod
    def build(cls, score: Score, canonical: CanonicalSet) -> FigureTable:
        return cls(figures=shown_figures(score), canonical=canonical)

    def resolve(self, inner: str) -> str | UnresolvedReference:
        ref = parse_reference(inner)
        if ref is None:
            return UnresolvedReference(inner, "not a figure jobzone knows")
        if ref.role_slug is None:
            return self.figures[ref.name]
        return self._role_figure(ref)

    def _role_figure(self, ref: Reference) -> str | UnresolvedReference:
        assert ref.role_slug is not None
        role = self.canonical.get(ref.role_slug)
        if role is None:
            return UnresolvedReference(
                ref.raw, f"role {ref.role_slug!r} is not in the canonical set"
            )
        aijri, zone, sub_label = role.shown
        match ref.role_field:
            case None:
                return f"{role.title} (AIJRI {aijri}, {sub_label})"
            case "aijri":
                return str(aijri)
            case "zone":
                return zone
            case "sub_label":
                return sub_label
            case _:
                return role.title

    def fill(self, text: str) -> str:
        """``text`` with every reference replaced; unresolvable ones are left visible as-is."""

        def substitute(match: re.Match[str]) -> str:
            value = self.resolve(match.group(1))
            return match.group(0) if isinstance(value, UnresolvedReference) else value

        return REFERENCE_RE.sub(substitute, text)


def role_fingerprint(role: CanonicalRole) -> str:
    """What another role's mention in prose depends on: its title and shown score."""
    aijri, zone, sub_label = role.shown
    return content_hash([role.title, str(aijri), zone, sub_label])[:16]


class RoleFingerprints:
    """The fingerprints of a loaded set's roles, each computed when first asked for and kept
    for every view of the set (:meth:`CanonicalSet.table`): checking a set fingerprints the
    roles its commentaries name, and they name the same roles over and over. A view is asked
    only for the roles it holds, so it never serves one it excludes."""

    def __init__(self, roles: Iterable[CanonicalRole]) -> None:
        # Built empty, ``roles`` unread: a set is fingerprinted only as far as commentaries name it.
        self._known: dict[CanonicalRole, str] = {}

    def of(self, role: CanonicalRole) -> str:
        known = self._known.get(role)
        if known is None:
            known = self._known[role] = role_fingerprint(role)
        return known


def role_fingerprints(slugs: Iterable[str], canonical: CanonicalSet) -> dict[str, str]:
    """The fingerprint of each role of ``slugs`` that ``canonical`` holds, by slug in order."""
    fingerprints = canonical.table(RoleFingerprints)
    found = {}
    for slug in sorted(slugs):
        role = canonical.get(slug)
        if role is not None:
            found[slug] = fingerprints.of(role)
    return found


def score_fingerprint(score: Score) -> str:
    """What the commentary's own figures depend on: every figure of the role as shown."""
    return content_hash(shown_figures(score))[:16]


def basis_of(commentary: Commentary, score: Score, canonical: CanonicalSet) -> Basis:
    """The fingerprints of the figures ``commentary`` is written against, as of now."""
    roles = role_fingerprints(referenced_roles(commentary), canonical)
    return Basis(score=score_fingerprint(score), roles=roles)


def stale_reasons(
    commentary: Commentary,
    score: Score,
    canonical: CanonicalSet,
    *,
    named: Iterable[str] | None = None,
) -> list[str]:
    """Why the commentary no longer matches the figures it was written against (empty: fresh).
    ``named``: the roles it names (:func:`referenced_roles`), when the caller has them at hand."""
    recorded = commentary.written_against
    if recorded is None:
        return ["it records no figures it was written against"]
    roles = role_fingerprints(referenced_roles(commentary) if named is None else named, canonical)
    reasons = []
    if recorded.score != score_fingerprint(score):
        reasons.append("the role's scores changed since it was written")
    for slug in sorted(set(recorded.roles) | set(roles)):
        if recorded.roles.get(slug) != roles.get(slug):
            reasons.append(f"{slug} changed or left the canonical set since it was written")
    return reasons


def stale_roles(canonical: CanonicalSet) -> list[tuple[CanonicalRole, list[str]]]:
    """Canonical roles whose commentary no longer matches its figures, with why."""
    found = []
    for role in sorted(canonical, key=lambda r: r.slug):
        reasons = stale_reasons(
            role.assessment.commentary, role.score, canonical.without(role.slug)
        )
        if reasons:
            found.append((role, reasons))
    return found
