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


#: What the index holds of each draft, in order: its file's stat key, then the row.
STORED = [
    "size",
    "mtime_ns",
    "ctime_ns",
    "inode",
    "slug",
    "title",
    "kind",
    "status",
    "aijri",
    "zone",
    "errors",
    "warnings",
    "created_at",
    "revision",
    "approvers",
]


def stored(workspace: Path, draft_id: str) -> dict[str, Any]:
    """The index's row of ``draft_id``, by field name."""
    return dict(zip(STORED, index_of(workspace)["rows"][draft_id], strict=True))


def write_index(workspace: Path, index: dict[str, Any]) -> None:
    (workspace / "drafts" / ".index.json").write_text(json.dumps(index), encoding="utf-8")


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
    shown = {d["id"]: d for d in listed(run_cli)}
    index = index_of(mixed)
    assert index["version"] == queue.INDEX_VERSION
    assert sorted(index["rows"]) == sorted(p.stem for p in (mixed / "drafts").glob("*.yaml"))
    row = stored(mixed, "pending-mid")
    info = (mixed / "drafts" / "pending-mid.yaml").lstat()
    assert [row["size"], row["mtime_ns"], row["ctime_ns"], row["inode"]] == [
        info.st_size,
        info.st_mtime_ns,
        info.st_ctime_ns,
        info.st_ino,
    ]
    assert {name: row[name] for name in STORED[4:]} == {
        name: shown["pending-mid"][name] for name in STORED[4:]
    }

    # A row served from the index is not re-read from its file: prove it with a doctored row.
    index["rows"]["approved-1"][STORED.index("title")] = "FROM THE INDEX"
    write_index(mixed, index)

    rows = {d["id"]: d for d in listed(run_cli)}
    assert rows["approved-1"]["title"] == "FROM THE INDEX"


def test_cold_and_warm_listings_print_the_same(mixed: Path, run_cli: RunCli) -> None:
    make_draft(mixed, "approved-2", status=Status.approved, created_at=CREATED_AT + DAY)
    for args in [(), ("--json",), ("--status", "pending"), ("--status", "approved", "--json")]:
        (mixed / "drafts" / ".index.json").unlink(missing_ok=True)
        cold = run_cli("queue", *args)
        warm = run_cli("queue", *args)
        assert cold.exit_code == warm.exit_code == 0
        assert (cold.stdout, cold.stderr) == (warm.stdout, warm.stderr)


def test_an_index_of_the_earlier_format_is_rebuilt(mixed: Path, run_cli: RunCli) -> None:
    """Version 3 kept a JSON object per draft file, naming every field."""
    expected = listed(run_cli)
    earlier = {
        "version": 3,
        "entries": {
            f"{d['id']}.yaml": {"key": [0, 0, 0, 0], "row": {"title": "FROM THE OLD INDEX"}}
            for d in expected
        },
    }
    write_index(mixed, earlier)

    assert listed(run_cli) == expected
    assert index_of(mixed)["version"] == queue.INDEX_VERSION


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
    assert stored(mixed, "pending-new")["status"] == "changes_requested"


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
    assert "rejected-old" not in index_of(mixed)["rows"]
    assert "brand-new" in index_of(mixed)["rows"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\x00\xff garbage",
        '{"version": VERSION, "rows": {',
        '{"version": 99, "rows": {}}',
        "[]",
        '{"version": VERSION, "rows": []}',
        '{"version": VERSION, "rows": {"approved-1": "not a row"}}',
        '{"version": VERSION, "rows": {"approved-1": []}}',
        '{"version": VERSION, "rows": {"approved-1": {"key": [1, 2, 3, 4], "row": []}}}',
        '{"version": VERSION, "rows": {"approved-1": null}}',
    ],
    ids=[
        "empty",
        "binary",
        "truncated",
        "other-version",
        "list",
        "rows-list",
        "row-string",
        "row-empty",
        "row-object",
        "row-null",
    ],
)
def test_a_corrupt_index_is_rebuilt(mixed: Path, run_cli: RunCli, text: str) -> None:
    expected = listed(run_cli)
    text = text.replace("VERSION", str(queue.INDEX_VERSION))
    (mixed / "drafts" / ".index.json").write_text(text, encoding="utf-8", errors="surrogateescape")

    assert listed(run_cli) == expected
    assert sorted(index_of(mixed)["rows"]) == sorted(d["id"] for d in expected)


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
        ("approvers", ["Ada", 1]),
        ("approvers", "Ada"),
        ("inode", "1"),
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
    row = index["rows"]["approved-1"]
    if value is ...:
        del row[STORED.index(field)]
    elif field == "surplus":
        row.append(value)
    else:
        row[STORED.index(field)] = value
    write_index(mixed, index)

    assert listed(run_cli) == expected
    assert stored(mixed, "approved-1")["title"] == "MLOps Engineer"


def test_a_row_whose_file_changed_is_read_again(mixed: Path, run_cli: RunCli) -> None:
    listed(run_cli)
    index = index_of(mixed)
    index["rows"]["approved-1"][STORED.index("title")] = "STALE"
    index["rows"]["approved-1"][STORED.index("size")] += 1
    write_index(mixed, index)

    assert {d["id"]: d["title"] for d in listed(run_cli)}["approved-1"] == "MLOps Engineer"


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
