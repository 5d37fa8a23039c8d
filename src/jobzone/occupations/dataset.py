"""The occupations dataset packaged with jobzone: where it is, its shape, and reading it.

The dataset is built by :mod:`jobzone.occupations.build` from the raw public files and is read
only to build the search index (:mod:`jobzone.occupations.index`); look-ups go to the index.
"""

from __future__ import annotations

import hashlib
import json
import lzma
from pathlib import Path
from typing import TypedDict, cast

from jobzone.errors import ConfigError

DATA_DIR = Path(__file__).resolve().parent / "data"
DATASET_NAME = "occupations.json.xz"
PROVENANCE_NAME = "PROVENANCE.json"
#: Bumped when the dataset's shape changes.
FORMAT = 1
#: The reference periods of the BLS figures, shown beside them wherever they appear.
WAGE_PERIOD = "May 2021"
PROJECTION_PERIOD = "2020-2030"
#: OEWS publishes no wage above its top code; a top-coded median is at least this (May 2021).
TOP_CODE_ANNUAL = 208_000
TOP_CODE_HOURLY = 100.00


class AlternateTitle(TypedDict):
    title: str
    #: O*NET's short form ("RN" for "Registered Nurse (RN)"), or "".
    short: str
    #: How many of O*NET's title sources list it.
    sources: int


class ReportedTitle(TypedDict):
    title: str
    #: "Y" when O*NET's My Next Move shows it.
    my_next_move: str


class TaskRecord(TypedDict):
    id: int
    text: str
    type: str | None
    human: str | None
    gpt4: str | None
    gpt4_automation: str | None


class RelatedRecord(TypedDict):
    code: str
    tier: str
    rank: int


class WageRecord(TypedDict):
    soc_code: str
    soc_title: str
    #: "detailed", or "broad" when OEWS publishes the occupation only within its broad group.
    group: str
    employment: int | None
    median_annual: int | None
    median_annual_top_coded: bool
    median_hourly: float | None
    median_hourly_top_coded: bool


class ProjectionRecord(TypedDict):
    #: The projections' own title, which matched the occupation's or its SOC occupation's.
    title: str
    change_pct: float


class OccupationRecord(TypedDict):
    code: str
    title: str
    description: str
    job_zone: int | None
    alternate_titles: list[AlternateTitle]
    reported_titles: list[ReportedTitle]
    tasks: list[TaskRecord]
    related: list[RelatedRecord]
    wage: WageRecord | None
    projection: ProjectionRecord | None


class Dataset(TypedDict):
    format: int
    periods: dict[str, str]
    occupations: list[OccupationRecord]


def dataset_path() -> Path:
    return DATA_DIR / DATASET_NAME


def read_bytes(path: Path) -> bytes:
    """The dataset file's bytes, or a ConfigError saying how to rebuild it."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            f"the occupations dataset {path} cannot be read ({exc.strerror or exc}); "
            "reinstall jobzone, or rebuild it with `make occupations-data`"
        ) from exc


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(data: bytes, path: Path) -> Dataset:
    """The dataset in ``data`` (read from ``path``), checked for its format."""
    try:
        dataset = json.loads(lzma.decompress(data))
    except (lzma.LZMAError, ValueError) as exc:
        raise ConfigError(
            f"the occupations dataset {path} is damaged ({exc}); reinstall jobzone, or rebuild "
            "it with `make occupations-data`"
        ) from exc
    if not isinstance(dataset, dict) or dataset.get("format") != FORMAT:
        raise ConfigError(
            f"the occupations dataset {path} is not format {FORMAT}; rebuild it with "
            "`make occupations-data`"
        )
    return cast(Dataset, dataset)
