"""Occupations proposed for roles that have none yet, for an editor to confirm.

Each role is searched by its title and by each alias (:func:`jobzone.occupations.search`). An
occupation takes its best score over those names, an alias's score counting
:data:`ALIAS_WEIGHT` of a title's, since the title is the name the role is published under.
The kind of match a candidate implies comes from what the name is to O*NET: the occupation's own
title (direct), one of its alternate or reported titles (alternate-title), or neither, when only
some of the name's words or the description matched (proxy). Nothing is written: the editor
adds the chosen occupation to the role with ``jobzone edit``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from jobzone.assessment import Assessment, Occupation, OccupationMatch
from jobzone.errors import NotFoundError
from jobzone.occupations.index import Index, default_index
from jobzone.occupations.normalise import normalise, words
from jobzone.occupations.ranking import Match, search

#: An alias's score as a share of the title's: a tie goes to what the title found.
ALIAS_WEIGHT = 0.9
#: The name kinds of the index that make a name one of the occupation's titles.
LISTED_AS = {
    "title": OccupationMatch.direct,
    "alternate": OccupationMatch.alternate_title,
    "reported": OccupationMatch.alternate_title,
}


@dataclass(frozen=True)
class Candidate:
    """An occupation for a role, the kind of match it implies, and which name found it."""

    found: Match
    match: OccupationMatch
    #: The role's name that found it: its title or one of its aliases.
    name: str
    by_alias: bool
    score: float

    def to_json(self) -> dict[str, object]:
        return {
            **self.found.to_json(),
            "score": round(self.score, 4),
            "match": self.match.value,
            "searched_field": "alias" if self.by_alias else "title",
            "searched_text": self.name,
        }


@dataclass(frozen=True)
class Suggestion:
    """The candidates for a role without an occupation, best first (the first is proposed)."""

    slug: str
    title: str
    candidates: list[Candidate]

    def to_json(self) -> dict[str, object]:
        return {
            "slug": self.slug,
            "title": self.title,
            "candidates": [c.to_json() for c in self.candidates],
        }


@dataclass(frozen=True)
class Assessed:
    """A role that has its occupation already."""

    slug: str
    title: str
    occupation: Occupation

    def to_json(self) -> dict[str, object]:
        return {
            "slug": self.slug,
            "title": self.title,
            "occupation": self.occupation.model_dump(mode="json"),
        }


@dataclass(frozen=True)
class Suggestions:
    suggestions: list[Suggestion]
    assessed: list[Assessed]


def suggest(
    roles: Iterable[Assessment],
    slugs: Sequence[str] = (),
    limit: int = 5,
    *,
    index: Index | None = None,
) -> Suggestions:
    """Candidates for every role without an occupation, in slug order; the roles named by
    ``slugs`` only, when given (a NotFoundError names a slug that is not among ``roles``)."""
    index = index or default_index()
    chosen = _chosen(roles, slugs)
    return Suggestions(
        suggestions=[
            Suggestion(a.slug, a.title, candidates(a, limit, index=index))
            for a in chosen
            if a.role.occupation is None
        ],
        assessed=[
            Assessed(a.slug, a.title, a.role.occupation)
            for a in chosen
            if a.role.occupation is not None
        ],
    )


def _chosen(roles: Iterable[Assessment], slugs: Sequence[str]) -> list[Assessment]:
    by_slug = {a.slug: a for a in roles}
    missing = [s for s in dict.fromkeys(slugs) if s not in by_slug]
    if missing:
        raise NotFoundError(
            f"no canonical role {', '.join(map(repr, missing))}; `jobzone roles` lists them",
            field="slug",
            rule="role.exists",
        )
    return [by_slug[s] for s in sorted(set(slugs) or by_slug)]


def candidates(assessment: Assessment, limit: int, *, index: Index) -> list[Candidate]:
    """The occupations found for the role's title and aliases, each once, best first."""
    best: dict[str, Candidate] = {}
    names = [assessment.title, *assessment.role.aliases]
    for position, name in enumerate(names):
        if not words(name):
            continue
        weight = ALIAS_WEIGHT if position else 1.0
        listed = _listed(name, index)
        for found in search(name, limit, index=index):
            kind = listed.get(found.code, OccupationMatch.proxy)
            candidate = Candidate(found, kind, name, position > 0, found.score * weight)
            if found.code not in best or candidate.score > best[found.code].score:
                best[found.code] = candidate
    # Stable: equal scores keep the order the title's (then each alias's) search gave them.
    return sorted(best.values(), key=lambda c: -c.score)[:limit]


def _listed(name: str, index: Index) -> dict[str, OccupationMatch]:
    """The occupations that have ``name`` (case, punctuation and plurals aside) among their
    titles, and the match that makes: direct for O*NET's own title."""
    rows = index.rows(
        "SELECT code, kind FROM names WHERE form = ? AND kind != 'description' "
        "ORDER BY kind = 'title' DESC",
        (normalise(name),),
    )
    listed: dict[str, OccupationMatch] = {}
    for row in rows:
        listed.setdefault(row["code"], LISTED_AS[row["kind"]])
    return listed
