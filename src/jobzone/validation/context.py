"""What a rule sees: the assessment, its score, the canonical set and the rubric."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from jobzone.assessment import Assessment
from jobzone.canonical import CanonicalSet
from jobzone.commentary import sections
from jobzone.errors import NotFoundError
from jobzone.occupations import Occupation, occupation
from jobzone.occupations.crosscheck import SecondOpinion, second_opinions
from jobzone.rubric import Rubric
from jobzone.scoring import Score
from jobzone.validation.claims import Claim, ClaimReader
from jobzone.validation.findings import Finding, Severity


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
        """Per task, what the labels of the O*NET tasks it cites suggest (None: cites none)."""
        return second_opinions(self.assessment)

    @cached_property
    def literal_claims(self) -> list[tuple[str, Claim]]:
        """Every literal figure claim in the commentary with its section's path, read once for
        the two rules that judge them."""
        if self.score is None:
            return []
        reader = ClaimReader(self.assessment, self.score, self.rubric, self.canonical)
        return [
            (path, claim)
            for path, text in sections(self.assessment.commentary)
            for claim in reader.claims(text)
        ]


def error(code: str, path: str, message: str) -> Finding:
    return Finding(code=code, severity=Severity.error, path=path, message=message)


def warning(code: str, path: str, message: str) -> Finding:
    return Finding(code=code, severity=Severity.warning, path=path, message=message)
