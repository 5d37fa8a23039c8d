"""The occupations dataset and its index: the build script's output (deterministic, with its
provenance and notices), and the cache, rebuilt whenever it is missing, damaged or out of date
(issue 10, point 1)."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from jobzone.occupations import index as index_module
from jobzone.occupations import occupation, search
from jobzone.occupations.build import ONET_ATTRIBUTION, encode, write
from jobzone.occupations.dataset import (
    DATA_DIR,
    DATASET_NAME,
    PROVENANCE_NAME,
    dataset_path,
    decode,
    read_bytes,
)
from jobzone.occupations.index import FILE_NAME, Index

from .conftest import RunCli

MIT = "Permission is hereby granted, free of charge, to any person obtaining a copy"

# --- the build script, on a miniature copy of the raw files -------------------------------------

RAW = {
    "onet-29.3/Occupation Data.txt": [
        "O*NET-SOC Code\tTitle\tDescription",
        "11-1011.00\tChief Executives\tDetermine policies.",
        "29-1141.01\tAcute Care Nurses\tCare for the acutely ill.",
    ],
    "onet-29.3/Task Statements.txt": [
        "O*NET-SOC Code\tTitle\tTask ID\tTask\tTask Type\tIncumbents Responding\tDate\t"
        "Domain Source",
        "11-1011.00\tChief Executives\t8823\tDirect budgets.\tCore\t95.0\t08/2023\tIncumbent",
        "11-1011.00\tChief Executives\t8824\tConfer with boards.\t\tn/a\t08/2023\tAnalyst",
    ],
    "onet-29.3/Alternate Titles.txt": [
        "O*NET-SOC Code\tTitle\tAlternate Title\tShort Title\tSource(s)",
        "11-1011.00\tChief Executives\tCEO (Chief Executive Officer)\tCEO\t02,04,08",
    ],
    "onet-29.3/Sample of Reported Titles.txt": [
        "O*NET-SOC Code\tTitle\tReported Job Title\tShown in My Next Move",
        "29-1141.01\tAcute Care Nurses\tICU Nurse\tY",
    ],
    "onet-29.3/Related Occupations.txt": [
        "O*NET-SOC Code\tTitle\tRelated O*NET-SOC Code\tRelated Title\tRelatedness Tier\tIndex",
        "11-1011.00\tChief Executives\t29-1141.01\tAcute Care Nurses\tSupplemental\t1",
    ],
    "onet-29.3/Job Zones.txt": [
        "O*NET-SOC Code\tTitle\tJob Zone\tDate\tDomain Source",
        "11-1011.00\tChief Executives\t5\t08/2023\tAnalyst",
    ],
    "gpts-are-gpts/full_labelset.tsv": [
        "\tO*NET-SOC Code\tTask ID\tTask\tTask Type\tTitle\thuman_exposure_agg\tgpt4_exposure\t"
        "gpt4_exposure_alt_rubric\tgpt_3_relevant\tgpt4_automation\talpha\tbeta\tgamma\t"
        "automation\thuman_labels",
        "0\t11-1011.00\t8823.0\tDirect budgets.\tCore\tChief Executives\tE0\tE2\tE2\tFalse\tT2\t"
        "0.0\t0.5\t1.0\t0.5\tE0",
        "1\t99-0000.00\t1.0\tGone.\tCore\tGone\tE1\tE1\tE1\tFalse\tT4\t1\t1\t1\t1\tE1",
    ],
    "gpts-are-gpts/LICENSE": [
        "MIT License",
        "",
        "Copyright (c) 2024 OpenAI",
        "",
        MIT,
    ],
    "bls/national_May2021_dl.csv": [
        "\ufeffAREA,OCC_CODE,OCC_TITLE,O_GROUP,TOT_EMP,H_MEDIAN,A_MEDIAN",
        '99,11-1011,Chief Executives,detailed,"200,480",#,#',
        '99,29-1141,Registered Nurses,detailed,"3,047,530",37.31,"77,600"',
    ],
    "bls/occupations_projections_processed.csv": [
        "occupation,pct_emp_change_2020_2030",
        "Chief executives,-5.7",
        "Registered nurses,9.0",
    ],
}


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    for name, lines in RAW.items():
        path = tmp_path / "raw" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path / "raw"


def test_the_build_is_deterministic(raw: Path, tmp_path: Path) -> None:
    write(raw, tmp_path / "a")
    write(raw, tmp_path / "b")
    for name in (DATASET_NAME, PROVENANCE_NAME, "README.md"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_the_build_joins_labels_and_bls_figures_by_code_and_title(
    raw: Path, tmp_path: Path
) -> None:
    write(raw, tmp_path / "out")
    path = tmp_path / "out" / DATASET_NAME
    ceo, nurse = decode(read_bytes(path), path)["occupations"]
    assert [t["gpt4_automation"] for t in ceo["tasks"]] == ["T2", None]
    assert ceo["tasks"][1]["type"] is None
    assert ceo["job_zone"] == 5
    assert ceo["alternate_titles"] == [
        {"title": "CEO (Chief Executive Officer)", "short": "CEO", "sources": 3}
    ]
    assert ceo["wage"] is not None
    # '#': above BLS's top code, so no figure, only the flag.
    assert (ceo["wage"]["median_annual"], ceo["wage"]["median_annual_top_coded"]) == (None, True)
    assert ceo["wage"]["employment"] == 200_480
    assert ceo["projection"] == {"title": "Chief executives", "change_pct": -5.7}
    # A specialty: the figures of its SOC occupation, the projection by that occupation's title.
    assert nurse["wage"] is not None and nurse["wage"]["median_annual"] == 77_600
    assert nurse["projection"] == {"title": "Registered nurses", "change_pct": 9.0}


def test_provenance_records_each_raw_file(raw: Path, tmp_path: Path) -> None:
    record = write(raw, tmp_path / "out")
    labels = record["sources"]["labels"]
    raw_labels = (raw / "gpts-are-gpts/full_labelset.tsv").read_bytes()
    assert labels["sha256"] == hashlib.sha256(raw_labels).hexdigest()
    assert (labels["rows_read"], labels["rows_used"]) == (2, 1)  # one labels no task we have
    assert record["sources"]["wages"]["date"] == "May 2021"
    assert record["sources"]["occupations"]["release"] == "O*NET 29.3 Database"
    written = (tmp_path / "out" / DATASET_NAME).read_bytes()
    assert record["dataset"]["sha256"] == hashlib.sha256(written).hexdigest()


def test_the_data_readme_carries_the_attribution_and_the_mit_notice(
    raw: Path, tmp_path: Path
) -> None:
    write(raw, tmp_path / "out")
    readme = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert ONET_ATTRIBUTION in readme
    assert "Copyright (c) 2024 OpenAI" in readme and MIT in readme


def test_the_packaged_dataset_is_the_one_its_provenance_describes() -> None:
    record = json.loads((DATA_DIR / PROVENANCE_NAME).read_text(encoding="utf-8"))
    assert record["dataset"]["sha256"] == hashlib.sha256(read_bytes(dataset_path())).hexdigest()
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    assert ONET_ATTRIBUTION in readme and MIT in readme
    assert dataset_path().stat().st_size < 3 * 2**20


# --- the index cache (of the miniature dataset, which builds in milliseconds) -------------------


@pytest.fixture
def mini(raw: Path, tmp_path: Path) -> Path:
    """The dataset built from the miniature raw files."""
    write(raw, tmp_path / "mini")
    return tmp_path / "mini" / DATASET_NAME


def test_a_damaged_cache_file_is_rebuilt(mini: Path, tmp_path: Path) -> None:
    Index.open(tmp_path, mini).close()
    (tmp_path / FILE_NAME).write_bytes(b"not a database at all" * 100)
    index = Index.open(tmp_path, mini)
    assert search("CEO", 1, index=index)[0].code == "11-1011.00"
    with sqlite3.connect(tmp_path / FILE_NAME) as db:
        assert db.execute("SELECT count(*) FROM occupations").fetchone()[0] == 2


def test_a_cache_damaged_while_open_is_rebuilt_and_the_query_answered(
    mini: Path, tmp_path: Path
) -> None:
    index = Index.open(tmp_path, mini)
    with (tmp_path / FILE_NAME).open("r+b") as f:  # the same file, overwritten in place
        f.write(b"garbage" * 4096)
    assert occupation("11-1011.00", index=index).title == "Chief Executives"
    assert (tmp_path / FILE_NAME).read_bytes().startswith(b"SQLite format 3\0")


def test_a_damaged_cache_is_rebuilt_for_the_cli_too(
    run_cli: RunCli, occupations_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    search("nurse", 1)  # the session's index exists
    shutil.copy(occupations_cache / FILE_NAME, tmp_path / FILE_NAME)
    monkeypatch.setenv("JOBZONE_CACHE_DIR", str(tmp_path))
    (tmp_path / FILE_NAME).write_bytes(b"\0" * 5000)
    result = run_cli("occupations", "search", "Payroll Clerk", "--limit", "1")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("43-3051.00")


def test_a_changed_dataset_rebuilds_the_index(mini: Path, tmp_path: Path) -> None:
    dataset = decode(read_bytes(mini), mini)
    dataset["occupations"][0]["title"] = "Chief Executives (revised)"
    changed = tmp_path / "changed.json.xz"
    changed.write_bytes(encode(dict(dataset)))
    cache = tmp_path / "cache"
    assert occupation("11-1011.00", index=Index.open(cache, mini)).title == "Chief Executives"
    revised = occupation("11-1011.00", index=Index.open(cache, changed))
    assert revised.title == "Chief Executives (revised)"
    assert occupation("11-1011.00", index=Index.open(cache, mini)).title == "Chief Executives"


def test_a_build_that_fails_half_way_leaves_the_index_in_use_alone(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    Index.open(cache, mini).close()
    before = (cache / FILE_NAME).read_bytes()

    def killed(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(index_module, "_fill", killed)
    with pytest.raises(KeyboardInterrupt):
        index_module.build(cache / FILE_NAME, mini)
    assert (cache / FILE_NAME).read_bytes() == before
    assert [p.name for p in cache.iterdir()] == [FILE_NAME]


def test_a_cache_folder_that_cannot_be_made_leaves_the_index_in_memory_saying_why(
    mini: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    index = Index.open(blocker / "cache", mini)
    assert index.unwritable is not None and "JOBZONE_CACHE_DIR" in index.unwritable
    assert index.rows("SELECT count(*) FROM occupations")[0][0] > 0
    assert not (blocker / "cache").exists()


def test_a_written_index_says_nothing_of_memory(mini: Path, tmp_path: Path) -> None:
    assert Index.open(tmp_path / "cache", mini).unwritable is None


def test_the_cache_folder_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOBZONE_CACHE_DIR", str(tmp_path / "explicit"))
    assert index_module.cache_dir() == tmp_path / "explicit"
    monkeypatch.delenv("JOBZONE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert index_module.cache_dir() == tmp_path / "xdg" / "jobzone"
