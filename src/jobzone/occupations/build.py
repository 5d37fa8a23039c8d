"""Build the packaged occupations dataset from the raw public files.

    python -m jobzone.occupations.build SOURCE     # SOURCE: the raw data folder (see below)

SOURCE holds the unmodified downloads: ``onet-29.3/`` (O*NET 29.3), ``gpts-are-gpts/`` (the task
exposure labels of Eloundou et al.) and ``bls/`` (OEWS May 2021 and the 2020-2030 projections);
``make occupations-data`` passes ``../shared/data``. The script writes, into
``src/jobzone/occupations/data/``:

- ``occupations.json.xz``: one JSON document (see :mod:`jobzone.occupations.dataset`);
- ``PROVENANCE.json``: for each raw file its release, date, SHA-256 and row counts;
- ``README.md``: what the data is, and the attribution and licence notices its sources require.

The output depends on the input alone (sorted keys, no timestamps, xz with fixed settings), so
running it twice gives the same bytes and a rebuild from unchanged files shows no diff.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import lzma
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jobzone.occupations.dataset import (
    DATA_DIR,
    DATASET_NAME,
    FORMAT,
    PROJECTION_PERIOD,
    PROVENANCE_NAME,
    WAGE_PERIOD,
)

ONET = "onet-29.3"
GPTS = "gpts-are-gpts"
BLS = "bls"

#: The attribution O*NET's CC BY 4.0 licence asks for, word for word.
ONET_ATTRIBUTION = (
    "This product includes information from the O*NET 29.3 Database by the U.S. Department of "
    "Labor, Employment and Training Administration (USDOL/ETA). Used under the CC BY 4.0 license. "
    "O*NET® is a trademark of USDOL/ETA."
)


@dataclass(frozen=True)
class Source:
    """A raw file and what is known of its release (recorded in PROVENANCE.json)."""

    path: str
    release: str
    #: The release date for O*NET; the reference period for the BLS figures.
    date: str
    licence: str


SOURCES = {
    "occupations": Source(
        f"{ONET}/Occupation Data.txt", "O*NET 29.3 Database", "May 2025", "CC BY 4.0"
    ),
    "tasks": Source(f"{ONET}/Task Statements.txt", "O*NET 29.3 Database", "May 2025", "CC BY 4.0"),
    "alternate": Source(
        f"{ONET}/Alternate Titles.txt", "O*NET 29.3 Database", "May 2025", "CC BY 4.0"
    ),
    "reported": Source(
        f"{ONET}/Sample of Reported Titles.txt", "O*NET 29.3 Database", "May 2025", "CC BY 4.0"
    ),
    "related": Source(
        f"{ONET}/Related Occupations.txt", "O*NET 29.3 Database", "May 2025", "CC BY 4.0"
    ),
    "zones": Source(f"{ONET}/Job Zones.txt", "O*NET 29.3 Database", "May 2025", "CC BY 4.0"),
    "labels": Source(
        f"{GPTS}/full_labelset.tsv",
        "GPTs are GPTs (Eloundou, Manning, Mishkin, Rock), full label set",
        "2024",
        "MIT",
    ),
    "wages": Source(
        f"{BLS}/national_May2021_dl.csv",
        "BLS Occupational Employment and Wage Statistics, national",
        WAGE_PERIOD,
        "public domain",
    ),
    "projections": Source(
        f"{BLS}/occupations_projections_processed.csv",
        "BLS Employment Projections, percent change by occupation",
        PROJECTION_PERIOD,
        "public domain",
    ),
}


class Counted:
    """Rows read from a source, counted for the provenance file."""

    def __init__(self) -> None:
        self.read: dict[str, int] = defaultdict(int)
        self.used: dict[str, int] = defaultdict(int)


def _tsv(path: Path, counted: Counted, key: str) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            counted.read[key] += 1
            yield row


def _csv(path: Path, counted: Counted, key: str) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            counted.read[key] += 1
            yield row


def _number(text: str) -> float | None:
    """A BLS figure, or None for its markers (``*`` not available, ``#`` top-coded, ...)."""
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def _title_key(title: str) -> str:
    return " ".join(title.lower().split())


def _wages(source: Path, counted: Counted) -> dict[str, dict[str, Any]]:
    """OEWS national rows by SOC code (detailed and broad groups)."""
    wages: dict[str, dict[str, Any]] = {}
    for row in _csv(source / SOURCES["wages"].path, counted, "wages"):
        if row["O_GROUP"] not in ("detailed", "broad"):
            continue
        employment = _number(row["TOT_EMP"])
        annual = _number(row["A_MEDIAN"])
        hourly = _number(row["H_MEDIAN"])
        wages[row["OCC_CODE"]] = {
            "soc_code": row["OCC_CODE"],
            "soc_title": row["OCC_TITLE"],
            "group": row["O_GROUP"],
            "employment": None if employment is None else int(employment),
            "median_annual": None if annual is None else int(annual),
            "median_annual_top_coded": row["A_MEDIAN"].strip() == "#",
            "median_hourly": hourly,
            "median_hourly_top_coded": row["H_MEDIAN"].strip() == "#",
        }
    return wages


def _wage_for(code: str, wages: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """The OEWS row of an O*NET-SOC code: its SOC detailed occupation, else its broad group
    (OEWS publishes some occupations only as a broad group)."""
    soc = code[:7]
    return wages.get(soc) or wages.get(soc[:-1] + "0")


def build(source: Path) -> tuple[dict[str, Any], Counted]:
    """The dataset as a JSON-ready mapping, and the rows read and used from each source."""
    counted = Counted()
    occupations: dict[str, dict[str, Any]] = {}
    for row in _tsv(source / SOURCES["occupations"].path, counted, "occupations"):
        code = row["O*NET-SOC Code"]
        occupations[code] = {
            "code": code,
            "title": row["Title"],
            "description": row["Description"],
            "job_zone": None,
            "alternate_titles": [],
            "reported_titles": [],
            "tasks": [],
            "related": [],
            "wage": None,
            "projection": None,
        }
        counted.used["occupations"] += 1

    def known(code: str, key: str) -> dict[str, Any] | None:
        occupation = occupations.get(code)
        if occupation is not None:
            counted.used[key] += 1
        return occupation

    for row in _tsv(source / SOURCES["zones"].path, counted, "zones"):
        if (occ := known(row["O*NET-SOC Code"], "zones")) is not None:
            occ["job_zone"] = int(row["Job Zone"])
    for row in _tsv(source / SOURCES["alternate"].path, counted, "alternate"):
        if (occ := known(row["O*NET-SOC Code"], "alternate")) is not None:
            sources = len([s for s in row["Source(s)"].split(",") if s.strip()])
            occ["alternate_titles"].append(
                {"title": row["Alternate Title"], "short": row["Short Title"], "sources": sources}
            )
    for row in _tsv(source / SOURCES["reported"].path, counted, "reported"):
        if (occ := known(row["O*NET-SOC Code"], "reported")) is not None:
            occ["reported_titles"].append(
                {"title": row["Reported Job Title"], "my_next_move": row["Shown in My Next Move"]}
            )
    for row in _tsv(source / SOURCES["related"].path, counted, "related"):
        if (occ := known(row["O*NET-SOC Code"], "related")) is not None:
            occ["related"].append(
                {
                    "code": row["Related O*NET-SOC Code"],
                    "tier": row["Relatedness Tier"],
                    "rank": int(row["Index"]),
                }
            )

    labels: dict[int, dict[str, str | None]] = {}
    for row in _tsv(source / SOURCES["labels"].path, counted, "labels"):
        labels[int(float(row["Task ID"]))] = {
            "human": row["human_exposure_agg"] or None,
            "gpt4": row["gpt4_exposure"] or None,
            "gpt4_automation": row["gpt4_automation"] or None,
        }
    for row in _tsv(source / SOURCES["tasks"].path, counted, "tasks"):
        if (occ := known(row["O*NET-SOC Code"], "tasks")) is not None:
            task_id = int(row["Task ID"])
            label = labels.get(task_id, {})
            counted.used["labels"] += task_id in labels
            occ["tasks"].append(
                {
                    "id": task_id,
                    "text": row["Task"],
                    "type": row["Task Type"] or None,
                    "human": label.get("human"),
                    "gpt4": label.get("gpt4"),
                    "gpt4_automation": label.get("gpt4_automation"),
                }
            )

    wages = _wages(source, counted)
    projections = {
        _title_key(row["occupation"]): (
            row["occupation"].strip(),
            _number(row["pct_emp_change_2020_2030"]),
        )
        for row in _csv(source / SOURCES["projections"].path, counted, "projections")
    }
    for occ in occupations.values():
        wage = _wage_for(occ["code"], wages)
        if wage is not None:
            occ["wage"] = wage
            counted.used["wages"] += 1
        # Projections are published by title: the O*NET title, else its SOC occupation's title.
        for title in (occ["title"], wage["soc_title"] if wage else None):
            found = projections.get(_title_key(title)) if title else None
            if found is not None and found[1] is not None:
                occ["projection"] = {"title": found[0], "change_pct": found[1]}
                counted.used["projections"] += 1
                break

    dataset = {
        "format": FORMAT,
        "periods": {"wage": WAGE_PERIOD, "projection": PROJECTION_PERIOD},
        "occupations": [occupations[code] for code in sorted(occupations)],
    }
    return dataset, counted


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def encode(dataset: dict[str, Any]) -> bytes:
    """The dataset's bytes: canonical JSON, xz-compressed with fixed settings."""
    text = json.dumps(dataset, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return lzma.compress(text.encode("utf-8"), preset=9 | lzma.PRESET_EXTREME)


def provenance(source: Path, counted: Counted, data: bytes) -> dict[str, Any]:
    return {
        "dataset": {
            "file": DATASET_NAME,
            "sha256": hashlib.sha256(data).hexdigest(),
            "built_by": "python -m jobzone.occupations.build",
        },
        "sources": {
            key: {
                "file": s.path,
                "release": s.release,
                "date": s.date,
                "licence": s.licence,
                "sha256": _sha256(source / s.path),
                "rows_read": counted.read[key],
                "rows_used": counted.used[key],
            }
            for key, s in SOURCES.items()
        },
    }


def notice(source: Path) -> str:
    """The data folder's README: what it holds, and the notices its licences require."""
    mit = (source / GPTS / "LICENSE").read_text(encoding="utf-8").strip()
    return f"""\
# Occupational data shipped with jobzone

Generated by `python -m jobzone.occupations.build` (`make occupations-data`) from unmodified
public files; do not edit by hand. `{DATASET_NAME}` is one xz-compressed JSON document: every
O*NET-SOC occupation with its description, job zone, alternate and reported titles, task
statements (each with the exposure labels of Eloundou et al. where labelled), related
occupations, its OEWS wage and employment ({WAGE_PERIOD}) and its projected employment change
({PROJECTION_PERIOD}, where its title matches the projections' title). `{PROVENANCE_NAME}` gives
each raw file's release, date, SHA-256 and row counts. jobzone builds its search index from it
on first use, into its cache folder.

## O*NET 29.3 (CC BY 4.0)

{ONET_ATTRIBUTION}

Licence: https://creativecommons.org/licenses/by/4.0/ . The O*NET files were reshaped (joined by
occupation code, columns selected); their text is unchanged.

## GPTs are GPTs task labels (MIT)

Task-level exposure labels (`human`, `gpt4`, `gpt4_automation`) from Eloundou, Manning, Mishkin
and Rock, "GPTs are GPTs: An Early Look at the Labor Market Impact Potential of Large Language
Models", distributed under this licence:

```
{mit}
```

## U.S. Bureau of Labor Statistics (public domain)

Occupational Employment and Wage Statistics, national, {WAGE_PERIOD}; Employment Projections,
{PROJECTION_PERIOD}. Both figures are dated: show their reference period beside them.
"""


def write(source: Path, target: Path = DATA_DIR) -> dict[str, Any]:
    """Build from ``source`` into ``target``; returns the provenance written."""
    dataset, counted = build(source)
    data = encode(dataset)
    target.mkdir(parents=True, exist_ok=True)
    (target / DATASET_NAME).write_bytes(data)
    record = provenance(source, counted, data)
    (target / PROVENANCE_NAME).write_text(
        json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (target / "README.md").write_text(notice(source), encoding="utf-8")
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="the folder of raw files")
    parser.add_argument("--output", type=Path, default=DATA_DIR, help="default: %(default)s")
    args = parser.parse_args(argv)
    missing = [s.path for s in SOURCES.values() if not (args.source / s.path).is_file()]
    if missing:
        print(f"missing in {args.source}: {', '.join(missing)}", file=sys.stderr)
        return 2
    record = write(args.source, args.output)
    size = (args.output / DATASET_NAME).stat().st_size
    print(
        f"wrote {args.output / DATASET_NAME} ({size:,} bytes, sha256 {record['dataset']['sha256']})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
