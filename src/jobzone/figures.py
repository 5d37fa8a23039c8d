"""Resolving commentary references (``{{ aijri }}``, ``{{ role:slug }}``) to shown figures.

One table per scored assessment and canonical set; the renderer fills text with it and the
validator checks references and literal figures against it, so both read the same numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

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
        aijri: Decimal = role.score.shown_aijri
        match ref.role_field:
            case None:
                return f"{role.title} (AIJRI {aijri}, {role.score.sub_label})"
            case "aijri":
                return str(aijri)
            case "zone":
                return role.score.zone
            case "sub_label":
                return role.score.sub_label
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
    s = role.score
    return content_hash([role.title, str(s.shown_aijri), s.zone, s.sub_label])[:16]


def basis_of(commentary: Commentary, score: Score, canonical: CanonicalSet) -> Basis:
    """The fingerprints of the figures ``commentary`` is written against, as of now."""
    roles = {}
    for slug in sorted(referenced_roles(commentary)):
        role = canonical.get(slug)
        if role is not None:
            roles[slug] = role_fingerprint(role)
    return Basis(score=content_hash(shown_figures(score))[:16], roles=roles)


def stale_reasons(commentary: Commentary, score: Score, canonical: CanonicalSet) -> list[str]:
    """Why the commentary no longer matches the figures it was written against (empty: fresh)."""
    recorded = commentary.written_against
    if recorded is None:
        return ["it records no figures it was written against"]
    now = basis_of(commentary, score, canonical)
    reasons = []
    if recorded.score != now.score:
        reasons.append("the role's scores changed since it was written")
    for slug in sorted(set(recorded.roles) | set(now.roles)):
        if recorded.roles.get(slug) != now.roles.get(slug):
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
