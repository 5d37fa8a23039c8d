"""The assessment file: one YAML document per role, as strict pydantic models.

Ranges come from rubric v1's data file, so the JSON Schema generated from these models carries the
same bounds the scorer and validator use. Content rules that a draft may break while still being
scorable (duplicate task names, empty rationales, stale sources, ...) belong to the validator, not
here; the models only reject what makes an assessment unscorable.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from jobzone.commentary import Commentary
from jobzone.history import HistoryEntry
from jobzone.rubric import DEFAULT_RUBRIC, load_rubric
from jobzone.slugs import Slug

_R = load_rubric(DEFAULT_RUBRIC)

Text = Annotated[str, Field(description="Prose; must not be empty for the validator to pass.")]


def _iso_day(value: object) -> object:
    """A date written in quotes ('2026-01-01') is the date it spells: YAML reads a quoted date
    as text, and editors quote dates. Anything else is left for the strict check to refuse."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


#: A calendar day, unquoted (YAML's date) or quoted as YYYY-MM-DD.
Day = Annotated[dt.date, BeforeValidator(_iso_day)]


class StrictModel(BaseModel):
    """Base of every file model: unknown keys and coerced types are errors. A field's title is
    how the published page labels it."""

    model_config = ConfigDict(extra="forbid", strict=True)


def _absent(value: object) -> bool:
    """Whether a field added to the format after its first files holds nothing: such a field is
    left out of the file and of the content hash, so files written before it existed keep their
    bytes and their history's hashes."""
    return value is None or value == []


#: An O*NET-SOC occupation code, as O*NET writes it.
OCCUPATION_CODE = "^[0-9]{2}-[0-9]{4}[.][0-9]{2}$"


class OccupationMatch(StrEnum):
    """How the role relates to the O*NET occupation it is assessed against."""

    direct = "direct"
    alternate_title = "alternate-title"
    proxy = "proxy"


class Occupation(StrictModel):
    """The O*NET occupation a role is assessed against."""

    code: Annotated[str, Field(pattern=OCCUPATION_CODE)] = Field(
        description="Its O*NET-SOC code, e.g. 29-1141.00."
    )
    title: str = Field(description="O*NET's title for the code.")
    match: Annotated[OccupationMatch, Field(strict=False)] = Field(
        description="direct: the role is this occupation; alternate-title: O*NET lists the "
        "role's title as one of its titles; proxy: the nearest occupation, which differs."
    )
    note: str = Field(default="", description="For a proxy: what differs from the role.")


class RoleDefinition(StrictModel):
    seniority: str
    primary_function: Text
    not_this_role: Text
    typical_experience: Text
    seniority_note: Text
    aliases: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    occupation: Occupation | None = Field(
        default=None,
        exclude_if=_absent,
        description="The O*NET occupation the role is assessed against.",
    )


class Principle(StrictModel):
    score: int = Field(
        ge=_R.ranges.protective.min,
        le=_R.ranges.protective.max,
        description="0 none .. 3 the principle fully protects the role.",
    )
    rationale: Text


class Protective(StrictModel):
    embodied_physicality: Principle = Field(title="Embodied Physicality")
    deep_interpersonal_connection: Principle = Field(title="Deep Interpersonal Connection")
    goal_setting_moral_judgment: Principle = Field(title="Goal-Setting & Moral Judgment")


class Growth(StrictModel):
    score: int = Field(
        ge=_R.ranges.growth.min,
        le=_R.ranges.growth.max,
        description="-2 AI adoption shrinks demand .. +2 the role grows with AI itself.",
    )
    rationale: Text


class Impact(StrEnum):
    augmentation = "augmentation"
    displacement = "displacement"
    not_involved = "not_involved"


#: An O*NET task statement's id (O*NET's run to five digits; the bound keeps ids integers
#: every reader and SQLite holds exactly).
OnetTaskId = Annotated[int, Field(ge=1, le=99_999_999)]


class Task(StrictModel):
    name: str = Field(description="A short name, unique within the role, on one line.")
    time_pct: int = Field(
        ge=_R.ranges.task_time_pct.min,
        le=_R.ranges.task_time_pct.max,
        description="Share of working time, whole percent; the shares sum to 100.",
    )
    score: int = Field(
        ge=_R.ranges.task_score.min,
        le=_R.ranges.task_score.max,
        description="1 irreducibly human .. 5 an AI agent does it end to end today.",
    )
    # Strict mode would refuse the plain strings YAML gives for an enum; this field alone is lax.
    impact: Annotated[Impact, Field(strict=False)]
    rationale: Text
    onet_tasks: list[OnetTaskId] = Field(
        default_factory=list,
        exclude_if=_absent,
        description="The ids of the O*NET task statements this task covers; none for work "
        "O*NET does not list.",
    )


class Reinstatement(StrictModel):
    new_tasks: bool
    rationale: Text


class Source(StrictModel):
    title: str = Field(description="The publication or report, named so it can be found.")
    url: str | None = Field(default=None, description="Where to read it, if online.")
    date: Day | None = Field(default=None, description="Its date, YYYY-MM-DD, if known.")
    added_by: str | None = Field(
        default=None,
        exclude_if=_absent,
        description="Who added it: 'model' for a model's suggestion, else the editor's name. "
        "A source without one predates the field and counts as the model's.",
    )
    verified_by: str | None = Field(
        default=None, exclude_if=_absent, description="Who checked that it says what is cited."
    )
    verified_on: Day | None = Field(
        default=None, exclude_if=_absent, description="When it was checked, YYYY-MM-DD."
    )

    @property
    def verified(self) -> bool:
        """Whether a named person recorded checking it, and when (a blank name is no one)."""
        return bool((self.verified_by or "").strip()) and self.verified_on is not None


class EvidenceItem(StrictModel):
    score: int = Field(
        ge=_R.ranges.evidence.min,
        le=_R.ranges.evidence.max,
        description="-2 the evidence threatens the role .. +2 it protects it.",
    )
    text: Text
    sources: list[Source]


class Evidence(StrictModel):
    job_posting_trends: EvidenceItem = Field(title="Job Posting Trends")
    company_actions: EvidenceItem = Field(title="Company Actions")
    wage_trends: EvidenceItem = Field(title="Wage Trends")
    ai_tool_maturity: EvidenceItem = Field(title="AI Tool Maturity")
    expert_consensus: EvidenceItem = Field(title="Expert Consensus")


class Barrier(StrictModel):
    score: int = Field(
        ge=_R.ranges.barrier.min,
        le=_R.ranges.barrier.max,
        description="0 no barrier .. 2 a strong barrier to AI doing the work.",
    )
    rationale: Text


class Barriers(StrictModel):
    regulatory_licensing: Barrier = Field(title="Regulatory/Licensing")
    physical_presence: Barrier = Field(title="Physical Presence")
    union_collective_bargaining: Barrier = Field(title="Union/Collective Bargaining")
    liability_accountability: Barrier = Field(title="Liability/Accountability")
    cultural_ethical: Barrier = Field(title="Cultural/Ethical")


class Override(StrictModel):
    aijri: float = Field(
        ge=_R.ranges.override_aijri.min, le=_R.ranges.override_aijri.max, strict=False
    )
    justification: Text
    by: str
    on: Day


class Assessment(StrictModel):
    """A whole assessment of one role, as stored in ``roles/<slug>.yaml``."""

    rubric: Literal["aijri-v1"]
    slug: Slug
    title: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    assessed_on: Day
    role: RoleDefinition
    protective: Protective
    growth: Growth
    tasks: list[Task] = Field(min_length=_R.tasks.min_count, max_length=_R.tasks.max_count)
    reinstatement: Reinstatement
    evidence: Evidence
    barriers: Barriers
    override: Override | None = None
    commentary: Commentary
    #: Set when the role enters the canonical set: its version there and how it got there.
    version: int = Field(default=1, ge=1)
    history: list[HistoryEntry] = Field(default_factory=list)

    def content(self) -> dict[str, object]:
        """The assessment without its canonical bookkeeping: what history hashes cover."""
        return self.model_dump(mode="json", exclude={"version", "history"})
