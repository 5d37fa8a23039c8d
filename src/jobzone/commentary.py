"""Commentary: the assessor's prose, with figures written as references, never as numbers.

A section refers to a computed figure as ``{{ aijri }}``, ``{{ distance.green }}`` or
``{{ split.displacement }}``, and to another canonical role as ``{{ role:devops-engineer }}`` (its
title, aijri and zone) or ``{{ role:devops-engineer.aijri }}``. The renderer fills these in from the
scorer and the canonical set at render time, so a score edit can never leave a stale number behind;
the validator rejects references it cannot resolve and literal figures that disagree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

from jobzone.references import FIGURES, ROLE_FIELDS
from jobzone.slugs import Slug
from jobzone.workspace import NAME_PATTERN

REFERENCE_RE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_ROLE_REF_RE = re.compile(rf"^role:({NAME_PATTERN})(?:\.({'|'.join(ROLE_FIELDS)}))?$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class LookNext(_Strict):
    """A canonical role worth considering next, and why."""

    slug: Slug
    reason: str


class Basis(_Strict):
    """The figures a commentary was written against, as fingerprints.

    ``score`` fingerprints the role's own shown figures; ``roles`` those of each canonical role
    the text names. When either changes, the commentary is stale and should be regenerated.
    """

    score: str
    roles: dict[str, str] = Field(default_factory=dict)


class Commentary(_Strict):
    """The commentary sections of the methodology."""

    score_vs_reality: str = Field(description="Does the score match what the role feels like?")
    numbers_dont_capture: list[str] = Field(description="Points the figures miss, one per item.")
    who_should_worry: str = Field(description="Who within the role is more or less exposed.")
    outlook: str = Field(description="What this means: the role in a few years.")
    survival_strategy: list[str] = Field(description="Concrete moves, one per item.")
    where_to_look_next: list[LookNext] = Field(
        default_factory=list, description="Roles of the canonical set only."
    )
    timeline: str = Field(description="When the change is expected.")
    written_against: Basis | None = Field(
        default=None, description="Set by jobzone when the commentary is (re)generated."
    )


@dataclass(frozen=True)
class Reference:
    """One ``{{ ... }}`` in a text: either a figure of this role or a canonical role's."""

    raw: str
    name: str
    role_slug: str | None = None
    role_field: str | None = None

    @property
    def is_role(self) -> bool:
        return self.role_slug is not None


@lru_cache(maxsize=8192)
def parse_reference(inner: str) -> Reference | None:
    """The reference written as ``{{ inner }}``, or None when it is not one jobzone knows.
    Remembered (a Reference is immutable): a set's texts name the same figures and roles over
    and over, and the validator, the claim reader and the renderer each parse them."""
    if inner in FIGURES:
        return Reference(raw=inner, name=inner)
    match = _ROLE_REF_RE.match(inner)
    if match:
        return Reference(
            raw=inner, name="role", role_slug=match.group(1), role_field=match.group(2)
        )
    return None


def sections(commentary: Commentary) -> Iterator[tuple[str, str]]:
    """Every prose part of a commentary with its path, e.g. ``commentary.survival_strategy[1]``."""
    yield "commentary.score_vs_reality", commentary.score_vs_reality
    for i, point in enumerate(commentary.numbers_dont_capture):
        yield f"commentary.numbers_dont_capture[{i}]", point
    yield "commentary.who_should_worry", commentary.who_should_worry
    yield "commentary.outlook", commentary.outlook
    for i, point in enumerate(commentary.survival_strategy):
        yield f"commentary.survival_strategy[{i}]", point
    for i, item in enumerate(commentary.where_to_look_next):
        yield f"commentary.where_to_look_next[{i}].reason", item.reason
    yield "commentary.timeline", commentary.timeline


def written_references(text: str) -> tuple[tuple[str, Reference | None], ...]:
    """Each ``{{ ... }}`` of ``text`` as written, with the reference it is (None: not one jobzone
    knows), in order. A text without ``{{`` has none, and most prose is such a text."""
    if "{{" not in text:
        return ()
    return tuple((m.group(0), parse_reference(m.group(1))) for m in REFERENCE_RE.finditer(text))


def referenced_roles(commentary: Commentary) -> set[str]:
    """Slugs of the canonical roles the commentary names, by reference or under look-next."""
    found = (ref for _, text in sections(commentary) for _, ref in written_references(text))
    return roles_named(commentary.where_to_look_next, found)


def roles_named(look_next: Iterable[LookNext], references: Iterable[Reference | None]) -> set[str]:
    """Slugs of the roles named under look-next or by ``references`` (None: an unknown one)."""
    slugs = {item.slug for item in look_next}
    slugs.update(
        ref.role_slug for ref in references if ref is not None and ref.role_slug is not None
    )
    return slugs
