"""The canonical set: the approved roles in ``roles/``, loaded and scored once."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Protocol, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field

from jobzone.assessment import Assessment
from jobzone.documents import file_sha256, load_model
from jobzone.errors import InputError, UnscorableError
from jobzone.progress import Notify, ignore
from jobzone.scoring import Score, score
from jobzone.similarity import Profile, SimilarityIndex, words_of
from jobzone.slugs import Slug
from jobzone.workspace import Workspace

if TYPE_CHECKING:
    from jobzone.role_cache import Summary

T = TypeVar("T")


class Shown(NamedTuple):
    """A role's figures as every page shows them: all that naming it from elsewhere needs."""

    aijri: Decimal
    zone: str
    sub_label: str


class BaseVersion(BaseModel):
    """A version of a canonical role, as the draft revising it records its base."""

    model_config = ConfigDict(extra="forbid")

    slug: Slug
    sha256: str = Field(description="Hash of the role file's bytes when the draft was started.")
    version: int | None = Field(default=None, description="That file's version number.")


class CanonicalRole:
    """A role of the canonical set.

    Built from a parsed assessment and its score, or, when loaded through the role cache
    (:mod:`jobzone.role_loading`), from its summary: what loading a set of thousands needs of
    each role (slug, title, aliases, the words it is compared by, its occupation's code and shown
    figures) is then at hand, and its assessment is read from the cache when asked for (the
    latest 128 are kept). Its score, small and asked for by every rule that compares roles, is
    kept once known.
    """

    def __init__(
        self,
        path: Path | str,
        assessment: Assessment | None = None,
        score: Score | None = None,
        *,
        summary: Summary | None = None,
        store: RoleStore | None = None,
    ) -> None:
        whole = assessment is not None and score is not None
        if not whole and (summary is None or store is None):
            raise TypeError("a CanonicalRole needs its assessment and score, or a summary")
        self._path = path
        self._assessment = assessment
        self._score = score
        self._summary = summary
        self._store = store

    def __repr__(self) -> str:
        return f"CanonicalRole({self.path.name})"

    @property
    def path(self) -> Path:
        """The role's file. Given as text by a bulk load, made a Path when first asked for:
        making 20,000 Paths is a tenth of a second that a command rarely needs."""
        if isinstance(self._path, str):
            self._path = Path(self._path)
        return self._path

    @property
    def assessment(self) -> Assessment:
        if self._assessment is not None:
            return self._assessment
        assert self._store is not None and self._summary is not None
        return self._store.load(self.path, self._summary.sha256)

    @property
    def score(self) -> Score:
        if self._score is None:
            self._score = score(self.assessment)
        return self._score

    @property
    def summary(self) -> Summary | None:
        """What the role cache keeps at hand of this role, when it was loaded through it."""
        return self._summary

    @property
    def slug(self) -> str:
        return self._summary.slug if self._summary else self.assessment.slug

    @property
    def title(self) -> str:
        return self._summary.title if self._summary else self.assessment.title

    @cached_property
    def aliases(self) -> list[str]:
        if self._summary is None:
            return self.assessment.role.aliases
        return [str(alias) for alias in json.loads(self._summary.aliases)]

    @cached_property
    def shown(self) -> Shown:
        """Its figures as shown: from its summary when it was loaded by one (listing a set, or
        naming a role elsewhere, then reads and scores no assessment). A cached AIJRI that is
        not a finite number (the cache was tampered with) is computed again."""
        if (summary := self._summary) is not None:
            with contextlib.suppress(InvalidOperation):
                if (aijri := Decimal(summary.aijri)).is_finite():
                    return Shown(aijri, summary.zone, summary.sub_label)
        scored = self.score
        return Shown(scored.shown_aijri, scored.zone, scored.sub_label)

    @property
    def occupation_code(self) -> str | None:
        """The code of the O*NET occupation the role names, if any: from its summary when it
        was loaded by one (finding a set's roles by occupation then reads no assessment)."""
        if self._summary is not None:
            return self._summary.occupation or None
        chosen = self.assessment.role.occupation
        return chosen.code if chosen is not None else None

    @cached_property
    def sha256(self) -> str:
        """The version's file hash: what a revision drafted from it records as its base."""
        return self._summary.sha256 if self._summary else file_sha256(self.path)

    def base_version(self) -> BaseVersion:
        """This version, as a revision drafted from it records its base."""
        return BaseVersion(slug=self.slug, sha256=self.sha256, version=self.assessment.version)

    @cached_property
    def profile(self) -> Profile:
        summary = self._summary
        if summary is None:
            return profile_of(self.assessment)
        return Profile(words_of(summary.title_words), words_of(summary.task_words))

    def index_into(self, index: SimilarityIndex) -> None:
        """Add this role to a similarity index: from its summary, its task words as text."""
        summary = self._summary
        if summary is None:
            index.add(self.slug, self.profile)
        else:
            index.add_words(self.slug, words_of(summary.title_words), summary.task_words)


class RoleStore(Protocol):
    """Where a role loaded by its summary reads its assessment."""

    def load(self, path: Path, sha256: str) -> Assessment: ...


def profile_of(assessment: Assessment) -> Profile:
    """What similarity compares a role by: its title and aliases, and its task names."""
    return Profile.of(
        [assessment.title, *assessment.role.aliases], [t.name for t in assessment.tasks]
    )


#: The hashes of the roles whose title has any of some words (the role cache's look-up), or None
#: where that cannot be told for every role.
Titled = Callable[[frozenset[str]], "set[str] | None"]


@dataclass
class _Roles:
    """The loaded roles, shared by every view of one canonical set."""

    by_slug: dict[str, CanonicalRole] = field(default_factory=dict)
    tables: dict[Callable[..., object], object] = field(default_factory=dict)
    #: Set where every role was loaded from the role cache, which then answers which roles share
    #: a title word with a look-up: a command that looks up a few roles (approve, draft, the
    #: review page) indexes only those, not all 20,000.
    titled: Titled | None = None
    #: Roles indexed by such look-ups so far: once they add up to half the set, the whole set is
    #: indexed instead (a check looks up every role).
    _indexed: int = 0

    @cached_property
    def index(self) -> SimilarityIndex:
        index = SimilarityIndex()
        for role in self.by_slug.values():
            role.index_into(index)
        return index

    @cached_property
    def _by_hash(self) -> dict[str, CanonicalRole] | None:
        """Every role by its file's hash, or None unless each was loaded by its summary."""
        by_hash = {}
        for role in self.by_slug.values():
            if role.summary is None:
                return None
            by_hash[role.summary.sha256] = role
        return by_hash

    def ranked(
        self, profile: Profile, exclude: frozenset[str], limit: int
    ) -> list[tuple[str, float]]:
        """:meth:`SimilarityIndex.ranked` over every role."""
        few = None
        if "index" not in self.__dict__ and self._indexed < len(self.by_slug) // 2:
            few = self._sharing_a_title_word(profile.title_words)
        return (few or self.index).ranked(profile, exclude=exclude, limit=limit)

    def _sharing_a_title_word(self, words: frozenset[str]) -> SimilarityIndex | None:
        """An index of the roles whose title shares a word with ``words``, or None where the role
        cache cannot tell which. A look-up ranks no other role (it compares only candidates
        sharing a title word) and sees these exactly as the whole index would, so it ranks
        them alike."""
        if self.titled is None or (by_hash := self._by_hash) is None:
            return None
        found = self.titled(words)
        if found is None:
            return None
        index = SimilarityIndex()
        for sha in found:
            role = by_hash.get(sha)  # a role of the set (by_hash is made from by_slug), or none
            if role is not None:
                role.index_into(index)
        self._indexed += len(found) + 1
        return index


@dataclass(frozen=True)
class CanonicalSet:
    """Roles by slug as one role sees them (``excluded`` hides itself), plus unloadable files."""

    shared: _Roles = field(default_factory=_Roles)
    unreadable: tuple[InputError, ...] = ()
    excluded: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls,
        roles: list[CanonicalRole],
        unreadable: tuple[InputError, ...] = (),
        *,
        titled: Titled | None = None,
    ) -> CanonicalSet:
        """The set of ``roles``; ``titled``: the role cache's look-up of the roles sharing a title
        word, where it knows every one of them."""
        shared = _Roles({r.slug: r for r in roles}, titled=titled)
        return cls(shared=shared, unreadable=unreadable)

    def __iter__(self) -> Iterator[CanonicalRole]:
        return (r for s, r in self.shared.by_slug.items() if s not in self.excluded)

    def __len__(self) -> int:
        by_slug = self.shared.by_slug
        return len(by_slug) - sum(1 for slug in self.excluded if slug in by_slug)

    def __contains__(self, slug: object) -> bool:
        return isinstance(slug, str) and self.get(slug) is not None

    def get(self, slug: str) -> CanonicalRole | None:
        return None if slug in self.excluded else self.shared.by_slug.get(slug)

    def table(self, build: Callable[[Iterable[CanonicalRole]], T]) -> T:
        """``build(all loaded roles)``, computed once per loaded set and shared by its views.

        For look-up tables a rule needs on every role of a large set (names, indexes)."""
        tables = self.shared.tables
        if build not in tables:
            tables[build] = build(self.shared.by_slug.values())
        return cast(T, tables[build])

    def without(self, slug: str) -> CanonicalSet:
        """The set as another role sees it: everything but itself (no copy is made)."""
        return CanonicalSet(self.shared, self.unreadable, self.excluded | {slug})

    def most_similar(self, profile: Profile, limit: int = 3) -> list[tuple[CanonicalRole, float]]:
        """The roles most like ``profile``, most similar first, with their similarity."""
        ranked = self.shared.ranked(profile, self.excluded, limit)
        return [(self.shared.by_slug[slug], sim) for slug, sim in ranked]


def load_role(path: Path, *, inside: Path | None = None) -> CanonicalRole:
    """A role file, parsed and scored. A file that cannot be scored is bad input: a role enters
    the canonical set only once it scores. ``inside``: the workspace, whose links are refused."""
    assessment = load_model(Assessment, path, inside=inside)
    return CanonicalRole(path=path, assessment=assessment, score=role_score(assessment, path))


def role_score(assessment: Assessment, path: Path) -> Score:
    """The score of a role read from ``path``: one that cannot be scored is bad input there."""
    try:
        return score(assessment)
    except UnscorableError as exc:
        raise InputError(exc.message, file=str(path), field=exc.field, rule=exc.rule) from None


def load_canonical(
    workspace: Workspace, notify: Notify = ignore, *, verify: bool = False
) -> CanonicalSet:
    """Every role in ``roles/``; files that fail to load are kept in ``unreadable``, not raised.

    Read through the role cache (:mod:`jobzone.role_loading`): ``verify`` hashes every file
    rather than trust an unchanged ``stat``; ``notify`` hears of a cache that had to be rebuilt.
    """
    from jobzone.role_loading import load_set

    return load_set(workspace, notify, verify=verify)
