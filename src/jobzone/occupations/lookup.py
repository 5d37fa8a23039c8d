"""One occupation by its O*NET-SOC code, and cheap existence checks for codes and task ids."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass

from jobzone.errors import NotFoundError
from jobzone.occupations.dataset import PROJECTION_PERIOD, WAGE_PERIOD
from jobzone.occupations.index import Index, default_index

#: "29-1141.00"; "29-1141" is taken to mean its ".00" occupation.
CODE = re.compile(r"^\d{2}-\d{4}(\.\d{2})?$")
#: Task types in the order tasks are listed; a task O*NET gives no type comes last.
TASK_ORDER = {"Core": 0, "Supplemental": 1}
TASK_COLUMNS = "id, code, text, type, human, gpt4, gpt4_automation"


@dataclass(frozen=True)
class Task:
    """An O*NET task statement, with the labels of Eloundou et al. where it has them: human and
    GPT-4 exposure (E0 none, E1 direct, E2 through LLM-powered software) and GPT-4's automation
    level (T0 none ... T4 fully automatable)."""

    id: int
    code: str
    text: str
    #: "Core", "Supplemental", or None where O*NET gives no type.
    type: str | None
    human: str | None
    gpt4: str | None
    gpt4_automation: str | None


@dataclass(frozen=True)
class Related:
    code: str
    title: str
    #: O*NET's relatedness tier: "Primary-Short", "Primary-Long" or "Supplemental".
    tier: str
    rank: int


@dataclass(frozen=True)
class Wage:
    """OEWS national figures for the occupation's SOC code (shared by every O*NET-SOC code under
    it), or for its broad group where OEWS publishes only that."""

    soc_code: str
    soc_title: str
    group: str
    employment: int | None
    median_annual: int | None
    #: BLS gives no figure above its top code (dataset.TOP_CODE_ANNUAL and TOP_CODE_HOURLY).
    median_annual_top_coded: bool
    median_hourly: float | None
    median_hourly_top_coded: bool
    period: str = WAGE_PERIOD


@dataclass(frozen=True)
class Projection:
    #: The projections' title that matched the occupation's title or its SOC occupation's title.
    title: str
    change_pct: float
    period: str = PROJECTION_PERIOD


@dataclass(frozen=True)
class Occupation:
    code: str
    title: str
    description: str
    #: O*NET's preparation level 1-5 (not an AIJRI zone).
    job_zone: int | None
    #: Core first, then Supplemental, then untyped; O*NET's order within each.
    tasks: list[Task]
    related: list[Related]
    wage: Wage | None
    projection: Projection | None

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def canonical_code(code: str) -> str:
    """``code`` as O*NET writes it, or a NotFoundError when it cannot be one."""
    text = code.strip()
    if not CODE.match(text):
        raise NotFoundError(
            f"{code!r} is not an O*NET-SOC code (they look like 29-1141.00)",
            field="code",
            rule="occupation.code",
        )
    return text if "." in text else f"{text}.00"


def has_code(code: str, *, index: Index | None = None) -> bool:
    """Whether ``code`` is an O*NET-SOC occupation of the dataset (exact form, "29-1141.00")."""
    index = index or default_index()
    return bool(index.rows("SELECT 1 FROM occupations WHERE code = ?", (code,)))


def task(task_id: int, *, index: Index | None = None) -> Task | None:
    """The O*NET task statement ``task_id`` (with the occupation it belongs to), or None."""
    index = index or default_index()
    rows = index.rows(f"SELECT {TASK_COLUMNS} FROM tasks WHERE id = ?", (task_id,))
    return Task(**dict(rows[0])) if rows else None


def occupation(code: str, *, index: Index | None = None) -> Occupation:
    """The occupation ``code`` with its tasks, related occupations and BLS figures; a
    NotFoundError naming the code when the dataset has no such occupation."""
    index = index or default_index()
    wanted = canonical_code(code)
    rows = index.rows("SELECT * FROM occupations WHERE code = ?", (wanted,))
    if not rows:
        error = NotFoundError(
            f"no occupation {wanted} in O*NET 29.3", field="code", rule="occupation.exists"
        )
        error.hint = "Find codes with `jobzone occupations search TITLE`"
        raise error
    row = rows[0]
    tasks = [
        Task(**dict(r))
        for r in index.rows(
            f"SELECT {TASK_COLUMNS} FROM tasks WHERE code = ? ORDER BY ord", (wanted,)
        )
    ]
    tasks.sort(key=lambda t: TASK_ORDER.get(t.type or "", len(TASK_ORDER)))
    related = [
        Related(r["related_code"], r["title"], r["tier"], r["rank"])
        for r in index.rows(
            "SELECT r.related_code, o.title, r.tier, r.rank FROM related AS r "
            "JOIN occupations AS o ON o.code = r.related_code WHERE r.code = ? ORDER BY r.rank",
            (wanted,),
        )
    ]
    wage = json.loads(row["wage"]) if row["wage"] else None
    projection = json.loads(row["projection"]) if row["projection"] else None
    return Occupation(
        code=wanted,
        title=row["title"],
        description=row["description"],
        job_zone=row["job_zone"],
        tasks=tasks,
        related=related,
        wage=Wage(**wage) if wage else None,
        projection=Projection(**projection) if projection else None,
    )
