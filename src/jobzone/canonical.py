"""The canonical set: the approved roles in ``roles/``, loaded and scored once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from jobzone.assessment import Assessment
from jobzone.documents import iter_yaml_files, load_model
from jobzone.errors import InputError
from jobzone.scoring import Score, score
from jobzone.workspace import Workspace


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


@dataclass
class CanonicalSet:
    """Roles by slug, plus the files that could not be loaded (with why)."""

    roles: dict[str, CanonicalRole] = field(default_factory=dict)
    broken: list[InputError] = field(default_factory=list)

    def __iter__(self) -> Iterator[CanonicalRole]:
        return iter(self.roles.values())

    def __len__(self) -> int:
        return len(self.roles)

    def get(self, slug: str) -> CanonicalRole | None:
        return self.roles.get(slug)

    def without(self, slug: str) -> CanonicalSet:
        """The set as another role sees it: everything but itself."""
        rest = {s: r for s, r in self.roles.items() if s != slug}
        return CanonicalSet(roles=rest, broken=self.broken)


def load_role(path: Path) -> CanonicalRole:
    assessment = load_model(Assessment, path)
    try:
        scored = score(assessment)
    except InputError as exc:
        raise InputError(exc.detail, file=str(path), field=exc.field, rule=exc.rule) from None
    return CanonicalRole(path=path, assessment=assessment, score=scored)


def load_canonical(workspace: Workspace) -> CanonicalSet:
    """Every role in ``roles/``; files that fail to load are kept in ``broken``, not raised."""
    result = CanonicalSet()
    for path in iter_yaml_files(workspace.roles_dir):
        try:
            role = load_role(path)
        except InputError as exc:
            result.broken.append(exc)
            continue
        result.roles[role.slug] = role
    return result
