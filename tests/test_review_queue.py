"""``jobzone queue``: order, filter, JSON fields, and the index in ``drafts/.index.json``."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from jobzone.drafts import Kind, Status
from jobzone.review import queue
from jobzone.workspace import Workspace

from .conftest import RunCli
from .factories import (
    CREATED_AT,
    hermetic_env,
    make_draft,
    old_source,
    read_draft,
    tasks_sum_95_and_duplicate,
    write_draft,
)

hermetic = pytest.fixture(autouse=True)(hermetic_env)

DAY = dt.timedelta(days=1)
FIELDS = {
    "id",
    "slug",
    "required",
    "title",
    "kind",
    "status",
    "aijri",
    "zone",
    "errors",
    "warnings",
    "created_at",
    "revision",
    "approvals",
    "approvers",
    "age",
}


def listed(run_cli: RunCli, *args: str) -> list[dict[str, Any]]:
    result = run_cli("queue", "--json", *args)
    assert result.exit_code == 0, result.output
    drafts: list[dict[str, Any]] = json.loads(result.stdout)["drafts"]
    return drafts


def index_of(workspace: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((workspace / "drafts" / ".index.json").read_text("utf-8"))
    return data


@pytest.fixture
def mixed(workspace: Path) -> Path:
    """Drafts of every status, created on different days, written in a scrambled order."""
    make_draft(workspace, "rejected-old", status=Status.rejected, created_at=CREATED_AT)
    make_draft(workspace, "pending-new", created_at=CREATED_AT + 3 * DAY)
    make_draft(workspace, "approved-1", status=Status.approved, created_at=CREATED_AT + DAY)
    make_draft(workspace, "changes-1", status=Status.changes_requested, created_at=CREATED_AT - DAY)
    make_draft(
        workspace,
        "pending-old",
        kind=Kind.new,
        change=tasks_sum_95_and_duplicate,
        created_at=CREATED_AT + DAY,
    )
    make_draft(workspace, "pending-mid", change=old_source, created_at=CREATED_AT + 2 * DAY)
    return workspace


def test_pending_first_then_oldest_first(mixed: Path, run_cli: RunCli) -> None:
    ids = [d["id"] for d in listed(run_cli)]

    assert ids == [
        "pending-old",
        "pending-mid",
        "pending-new",
        "changes-1",
        "approved-1",
        "rejected-old",
    ]


@pytest.mark.parametrize(
    ("status", "ids"),
    [
        ("pending", ["pending-old", "pending-mid", "pending-new"]),
        ("changes_requested", ["changes-1"]),
        ("approved", ["approved-1"]),
        ("rejected", ["rejected-old"]),
    ],
)
def test_status_filters(mixed: Path, run_cli: RunCli, status: str, ids: list[str]) -> None:
    assert [d["id"] for d in listed(run_cli, "--status", status)] == ids


def test_an_unknown_status_is_a_usage_error(mixed: Path, run_cli: RunCli) -> None:
    result = run_cli("queue", "--status", "open")

    assert result.exit_code == 2
    with pytest.raises(Exception, match="unknown status"):
        queue.listing(Workspace(mixed), "open")


def test_json_rows_have_every_field(mixed: Path, run_cli: RunCli) -> None:
    rows = {d["id"]: d for d in listed(run_cli)}

    assert all(set(row) == FIELDS for row in rows.values())
    bad = rows["pending-old"]
    assert (bad["kind"], bad["status"], bad["aijri"], bad["zone"]) == (
        "new",
        "pending",
        None,
        None,
    )
    assert (bad["errors"], bad["warnings"]) == (2, 0)
    warned = rows["pending-mid"]
    assert (warned["kind"], warned["aijri"], warned["zone"]) == ("revision", 42.6, "Yellow")
    assert (warned["errors"], warned["warnings"], warned["revision"]) == (0, 1, 1)
    assert warned["title"] == "MLOps Engineer"
    assert warned["created_at"] == "2026-05-03T09:30:00Z"
    assert re.fullmatch(r"\d+[dhm]|now", warned["age"])


def test_the_table_has_one_line_per_draft(mixed: Path, run_cli: RunCli) -> None:
    result = run_cli("queue")

    assert result.exit_code == 0
    header, *lines = result.stdout.splitlines()
    assert header.split()[:4] == ["ID", "STATUS", "KIND", "AIJRI"]
    assert len(lines) == 6
    first = lines[0].split()
    assert first[:4] == ["pending-old", "pending", "new", "-"]
    assert first[4:6] == ["2E", "0W"]
    assert lines[0].endswith("ML Platform Engineer")
    mid = lines[1].split()
    assert mid[:7] == ["pending-mid", "pending", "revision", "42.6", "Yellow", "0E", "1W"]
    assert result.stderr == "6 drafts\n"


def test_an_empty_queue(workspace: Path, run_cli: RunCli) -> None:
    assert listed(run_cli) == []


# -- the index ----------------------------------------------------------------------------------


def test_the_index_is_written_and_then_used(mixed: Path, run_cli: RunCli) -> None:
    listed(run_cli)
    index = index_of(mixed)
    assert index["version"] == queue.INDEX_VERSION
    assert sorted(index["entries"]) == sorted(p.name for p in (mixed / "drafts").glob("*.yaml"))

    # A row served from the index is not re-read from its file: prove it with a doctored row.
    index["entries"]["approved-1.yaml"]["row"]["title"] = "FROM THE INDEX"
    (mixed / "drafts" / ".index.json").write_text(json.dumps(index), encoding="utf-8")

    rows = {d["id"]: d for d in listed(run_cli)}
    assert rows["approved-1"]["title"] == "FROM THE INDEX"


def test_a_changed_draft_file_refreshes_its_row(mixed: Path, run_cli: RunCli) -> None:
    listed(run_cli)
    draft = read_draft(mixed, "pending-new")
    draft.status = Status.changes_requested
    draft.title = "Retitled"
    write_draft(mixed, draft)

    rows = {d["id"]: d for d in listed(run_cli)}

    assert (rows["pending-new"]["status"], rows["pending-new"]["title"]) == (
        "changes_requested",
        "Retitled",
    )
    assert index_of(mixed)["entries"]["pending-new.yaml"]["row"]["status"] == "changes_requested"


def test_a_rewrite_of_the_same_size_and_time_is_still_seen(mixed: Path, run_cli: RunCli) -> None:
    """File times can be coarser than two quick saves: "approved" and "rejected" are the same
    length, so only the file's identity tells the two versions apart."""
    path = mixed / "drafts" / "approved-1.yaml"
    listed(run_cli)
    before = path.stat()
    draft = read_draft(mixed, "approved-1")
    draft.status = Status.rejected
    write_draft(mixed, draft)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size

    rows = {d["id"]: d for d in listed(run_cli)}

    assert rows["approved-1"]["status"] == "rejected"


def test_added_and_removed_drafts_show_up(mixed: Path, run_cli: RunCli) -> None:
    listed(run_cli)
    (mixed / "drafts" / "rejected-old.yaml").unlink()
    make_draft(mixed, "brand-new", created_at=CREATED_AT - 5 * DAY)

    ids = [d["id"] for d in listed(run_cli)]

    assert ids[0] == "brand-new"
    assert "rejected-old" not in ids
    assert "rejected-old.yaml" not in index_of(mixed)["entries"]
    assert "brand-new.yaml" in index_of(mixed)["entries"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\x00\xff garbage",
        '{"version": 1, "entries": {',
        '{"version": 99, "entries": {}}',
        "[]",
        '{"version": 1, "entries": []}',
        '{"version": 1, "entries": {"approved-1.yaml": "not an entry"}}',
        '{"version": 1, "entries": {"approved-1.yaml": {"row": {}}}}',
        '{"version": 1, "entries": {"approved-1.yaml": ["key", "row"]}}',
        '{"version": 1, "entries": {"approved-1.yaml": {"key": null, "row": null}}}',
    ],
    ids=[
        "empty",
        "binary",
        "truncated",
        "other-version",
        "list",
        "entries-list",
        "entry-string",
        "entry-no-key",
        "entry-list",
        "entry-nulls",
    ],
)
def test_a_corrupt_index_is_rebuilt(mixed: Path, run_cli: RunCli, text: str) -> None:
    expected = listed(run_cli)
    (mixed / "drafts" / ".index.json").write_text(text, encoding="utf-8", errors="surrogateescape")

    assert listed(run_cli) == expected
    assert sorted(index_of(mixed)["entries"]) == sorted(f"{d['id']}.yaml" for d in expected)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", "bogus"),
        ("kind", 3),
        ("errors", "2"),
        ("warnings", True),
        ("aijri", "high"),
        ("created_at", "yesterday"),
        ("title", None),
        ("surplus", 1),
        ("title", ...),  # missing
    ],
)
def test_a_doctored_row_with_a_matching_key_is_not_trusted_blindly(
    mixed: Path, run_cli: RunCli, field: str, value: object
) -> None:
    """A row that does not fit (a value of the wrong kind, a field too many or missing) is read
    again from its draft, not crashed on or shown."""
    expected = listed(run_cli)
    index = index_of(mixed)
    row = index["entries"]["approved-1.yaml"]["row"]
    if value is ...:
        del row[field]
    else:
        row[field] = value
    (mixed / "drafts" / ".index.json").write_text(json.dumps(index), encoding="utf-8")

    assert listed(run_cli) == expected


def test_other_files_in_drafts_are_not_drafts(mixed: Path, run_cli: RunCli) -> None:
    drafts = mixed / "drafts"
    (drafts / "README.txt").write_text("notes", encoding="utf-8")
    (drafts / ".x.yaml.abc.jobzone-tmp").write_text("half", encoding="utf-8")
    (drafts / "Not_A_Draft.yaml").write_text("x: 1\n", encoding="utf-8")
    for folder in (".edits", ".set-aside", ".revisions", ".runs"):
        (drafts / folder).mkdir()
        (drafts / folder / "stray.yaml").write_text("x: [", encoding="utf-8")

    assert len(listed(run_cli)) == 6


def test_an_unreadable_draft_is_named(mixed: Path, run_cli: RunCli) -> None:
    (mixed / "drafts" / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")

    result = run_cli("queue")

    assert result.exit_code == 2
    assert "broken.yaml" in result.stderr
    # The rest of the queue still lists, in text and in JSON.
    listed = [line.split()[0] for line in result.stdout.splitlines()[1:]]
    assert listed and "broken" not in listed
    as_json = run_cli("queue", "--json")
    assert as_json.exit_code == 2
    data = json.loads(as_json.stdout)
    assert [d["id"] for d in data["drafts"]] == listed
    assert data["unreadable"][0]["file"].endswith("broken.yaml")
