"""The canonical set: the approved roles in ``roles/``, loaded and scored once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field

from jobzone.assessment import Assessment
from jobzone.documents import file_sha256, iter_yaml_files, load_model
from jobzone.errors import InputError, UnscorableError
from jobzone.scoring import Score, score
from jobzone.similarity import Profile, SimilarityIndex
from jobzone.slugs import Slug
from jobzone.workspace import Workspace

T = TypeVar("T")


class BaseVersion(BaseModel):
    """A version of a canonical role, as the draft revising it records its base."""

    model_config = ConfigDict(extra="forbid")

    slug: Slug
    sha256: str = Field(description="Hash of the role file's bytes when the draft was started.")
    version: int | None = Field(default=None, description="That file's version number.")


@dataclass(frozen=True)
class CanonicalRole:
    path: Path
    assessment: Assessment
    score: Score

    @property
    def slug(self) -> str:
        return self.assessment.slug

    @property
    def title(self) -> str:
        return self.assessment.title

    @cached_property
    def sha256(self) -> str:
        """The version's file hash: what a revision drafted from it records as its base."""
        return file_sha256(self.path)

    def base_version(self) -> BaseVersion:
        """This version, as a revision drafted from it records its base."""
        return BaseVersion(slug=self.slug, sha256=self.sha256, version=self.assessment.version)

    @cached_property
    def profile(self) -> Profile:
        return profile_of(self.assessment)


def profile_of(assessment: Assessment) -> Profile:
    """What similarity compares a role by: its title and aliases, and its task names."""
    return Profile.of(
        [assessment.title, *assessment.role.aliases], [t.name for t in assessment.tasks]
    )


@dataclass
class _Roles:
    """The loaded roles, shared by every view of one canonical set."""

    by_slug: dict[str, CanonicalRole] = field(default_factory=dict)
    tables: dict[Callable[..., object], object] = field(default_factory=dict)

    @cached_property
    def index(self) -> SimilarityIndex:
        index = SimilarityIndex()
        for slug, role in self.by_slug.items():
            index.add(slug, role.profile)
        return index


@dataclass(frozen=True)
class CanonicalSet:
    """Roles by slug as one role sees them (``excluded`` hides itself), plus unloadable files."""

    shared: _Roles = field(default_factory=_Roles)
    unreadable: tuple[InputError, ...] = ()
    excluded: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls, roles: list[CanonicalRole], unreadable: tuple[InputError, ...] = ()
    ) -> CanonicalSet:
        return cls(shared=_Roles({r.slug: r for r in roles}), unreadable=unreadable)

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
        ranked = self.shared.index.ranked(profile, exclude=self.excluded, limit=limit)
        return [(self.shared.by_slug[slug], sim) for slug, sim in ranked]


def load_role(path: Path, *, inside: Path | None = None) -> CanonicalRole:
    """A role file, parsed and scored. A file that cannot be scored is bad input: a role enters
    the canonical set only once it scores. ``inside``: the workspace, whose links are refused."""
    assessment = load_model(Assessment, path, inside=inside)
    try:
        scored = score(assessment)
    except UnscorableError as exc:
        raise InputError(exc.message, file=str(path), field=exc.field, rule=exc.rule) from None
    return CanonicalRole(path=path, assessment=assessment, score=scored)


def load_canonical(workspace: Workspace) -> CanonicalSet:
    """Every role in ``roles/``; files that fail to load are kept in ``unreadable``, not raised."""
    roles: list[CanonicalRole] = []
    unreadable: list[InputError] = []
    for path in iter_yaml_files(workspace.roles_dir):
        try:
            roles.append(load_role(path, inside=workspace.root))
        except InputError as exc:
            unreadable.append(exc)
    return CanonicalSet.of(roles, tuple(unreadable))
