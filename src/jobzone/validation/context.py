"""What a rule sees: the assessment, its score, the canonical set and the rubric."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property
from typing import NamedTuple

from pydantic import BaseModel

from jobzone.assessment import Assessment
from jobzone.canonical import CanonicalSet
from jobzone.commentary import Reference, roles_named, written_references
from jobzone.commentary import sections as commentary_sections
from jobzone.errors import NotFoundError
from jobzone.occupations import Occupation, occupation
from jobzone.occupations.crosscheck import SecondOpinion, second_opinions
from jobzone.rubric import Rubric
from jobzone.scoring import Score
from jobzone.sources import CitedSource, cited
from jobzone.validation.claims import Claim, ClaimReader
from jobzone.validation.findings import Finding, Severity


class Section(NamedTuple):
    """A prose part of the commentary: its path (``commentary.outlook``), its text, and each
    ``{{ ... }}`` written in it with what it refers to, found once for the rules that judge them."""

    path: str
    text: str
    references: tuple[tuple[str, Reference | None], ...]


@dataclass(frozen=True)
class Context:
    assessment: Assessment
    rubric: Rubric
    #: None when the assessment cannot be scored (its task shares do not sum to 100).
    score: Score | None
    #: The canonical set as this role sees it (itself excluded).
    canonical: CanonicalSet
    #: How advice names the assessment checked: its slug, or the id of the draft holding it.
    subject: str
    #: The slug the file name implies, when the assessment was read from a role file.
    expected_slug: str | None = None

    @cached_property
    def occupation(self) -> Occupation | None:
        """O*NET's occupation for the role's code; None without a code or for an unknown one."""
        chosen = self.assessment.role.occupation
        if chosen is None:
            return None
        try:
            return occupation(chosen.code)
        except NotFoundError:
            return None

    @cached_property
    def second_opinions(self) -> list[SecondOpinion | None]:
        """Per task, what the labels of the O*NET tasks it cites suggest (None: cites none).
        When no task cites one, the O*NET index is not even opened: most roles cite none."""
        tasks = self.assessment.tasks
        if not any(task.onet_tasks for task in tasks):
            return [None] * len(tasks)
        return second_opinions(self.assessment)

    @cached_property
    def sections(self) -> tuple[Section, ...]:
        """The commentary's prose parts in order, listed once for the rules that read them."""
        return tuple(
            Section(path, text, written_references(text))
            for path, text in commentary_sections(self.assessment.commentary)
        )

    @cached_property
    def referenced_roles(self) -> frozenset[str]:
        """Slugs of the roles the commentary names (:func:`jobzone.commentary.referenced_roles`),
        from the references the sections found."""
        found = (ref for section in self.sections for _, ref in section.references)
        return frozenset(roles_named(self.assessment.commentary.where_to_look_next, found))

    @cached_property
    def sources(self) -> tuple[CitedSource, ...]:
        """Every source of the evidence with its path, listed once for the rules on sources."""
        return tuple(cited(self.assessment))

    @cached_property
    def literal_claims(self) -> list[tuple[str, Claim]]:
        """Every literal figure claim in the commentary with its section's path, read once for
        the two rules that judge them."""
        if self.score is None:
            return []
        reader = ClaimReader(self.assessment, self.score, self.rubric, self.canonical)
        return [
            (section.path, claim)
            for section in self.sections
            for claim in reader.claims(section.text)
        ]


@cache
def field_names(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of a model class, in order. Rules walk the same few groups (the evidence, the
    barriers) of every role, and pydantic's ``model_fields`` costs more than the walk."""
    return tuple(model.model_fields)


def error(code: str, path: str, message: str) -> Finding:
    return Finding(code=code, severity=Severity.error, path=path, message=message)


def warning(code: str, path: str, message: str) -> Finding:
    return Finding(code=code, severity=Severity.warning, path=path, message=message)
