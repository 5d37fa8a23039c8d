"""The role cache and the queue's index: caches that stay right, and are never a source of truth.

Issue 14: roles are read once and kept by the hash of their bytes in ``.jobzone-cache/``; a hand
edit that keeps the modification time is seen by the next ``check``; a corrupt, truncated or
foreign cache file is rebuilt with a notice; the queue's index is updated by the write that
changes a draft, and a cold rebuild reads only the fields a row shows.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from jobzone.canonical import load_canonical, load_role
from jobzone.drafts import Kind, Status, load_draft
from jobzone.errors import EXIT_FINDINGS
from jobzone.progress import Notice
from jobzone.review import draft_rows, queue
from jobzone.role_cache import APPLICATION_ID, FILE_NAME, RoleCache, Summary, files_stamp
from jobzone.workflow import Workflow
from jobzone.workflow.review import reject
from jobzone.workspace import CACHE_DIR, Workspace

from .conftest import RunCli, write_yaml
from .factories import (
    SEED_SLUG,
    make_draft,
    old_source,
    seed_assessment,
    tasks_sum_95_and_duplicate,
)


def cache_file(workspace: Path) -> Path:
    return workspace / CACHE_DIR / FILE_NAME


def role_file(workspace: Path) -> Path:
    return workspace / "roles" / f"{SEED_SLUG}.yaml"


def checked_aijri(run_cli: RunCli) -> float:
    result = run_cli("check", "--json")
    assert result.exit_code in (0, EXIT_FINDINGS), result.output
    [role] = json.loads(result.stdout)["roles"]
    return float(role["aijri"])


# --- The role cache ------------------------------------------------------------------------------


def test_check_fills_the_cache_and_a_second_check_reads_the_same_report(
    workspace: Path, run_cli: RunCli
) -> None:
    first = run_cli("check", "--json")
    assert cache_file(workspace).is_file()
    second = run_cli("check", "--json")
    assert second.stdout == first.stdout
    assert second.stderr == first.stderr == ""


def test_a_hand_edit_that_keeps_the_modification_time_is_seen_by_the_next_check(
    workspace: Path, run_cli: RunCli
) -> None:
    before = checked_aijri(run_cli)
    path = role_file(workspace)
    info = path.stat()
    text = path.read_text("utf-8")
    # Same size, same modification time: one override figure changed by hand.
    edited = text.replace(
        "override: null",
        "override: {aijri: 12.5, justification: Because of a\n"
        "    reason worth keeping in the record, by: Ada, 'on': 2026-04-26}",
    )
    assert edited != text
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    # Even were the cache to trust this stat, as on a file system whose change time is coarse:
    # check hashes every file, so it sees the new bytes.
    with sqlite3.connect(cache_file(workspace)) as db:
        now = path.stat()
        db.execute(
            "UPDATE files SET size = ?, mtime_ns = ?, ctime_ns = ?, ino = ?",
            (now.st_size, now.st_mtime_ns, now.st_ctime_ns, now.st_ino),
        )
    stale = load_canonical(Workspace(workspace)).get(SEED_SLUG)
    assert stale is not None and float(stale.score.shown_aijri) == before  # stat trusted

    assert checked_aijri(run_cli) == 12.5 != before
    fresh = load_canonical(Workspace(workspace)).get(SEED_SLUG)  # the cache now knows it
    assert fresh is not None and float(fresh.score.shown_aijri) == 12.5


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        ("garbage", "it is unreadable (file is not a database)"),
        ("truncated", "it is unreadable"),
        ("foreign", "it is not jobzone's"),
    ],
)
def test_a_corrupt_truncated_or_foreign_cache_is_rebuilt_with_a_notice(
    workspace: Path, run_cli: RunCli, damage: str, why: str
) -> None:
    good = run_cli("check", "--json").stdout
    path = cache_file(workspace)
    if damage == "garbage":
        path.write_bytes(b"not a database at all\n" * 100)
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])
    else:
        path.unlink()
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE notes(text TEXT)")
            db.execute("INSERT INTO notes VALUES ('someone else''s database')")

    result = run_cli("check", "--json")

    assert result.exit_code == 0, result.output
    assert result.stdout == good
    assert result.stderr.startswith(f"jobzone: rebuilding the role cache {FILE_NAME}: {why}")
    assert "Traceback" not in result.output
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    again = run_cli("check", "--json")
    assert (again.stdout, again.stderr) == (good, "")


def test_a_command_that_changes_a_draft_says_it_rebuilt_the_cache(
    workspace: Path, run_cli: RunCli
) -> None:
    make_draft(workspace, "rev-1")
    run_cli("check", "--json")
    cache_file(workspace).write_bytes(b"not a database at all\n" * 100)

    result = run_cli("approve", "rev-1", "--reviewer", "alice")

    assert result.exit_code == 0, result.output
    assert f"rebuilding the role cache {FILE_NAME}: it is unreadable" in result.stderr
    assert "Traceback" not in result.output


def test_a_cache_made_by_another_version_is_emptied_without_a_notice(workspace: Path) -> None:
    ws = Workspace(workspace)
    load_canonical(ws)
    with sqlite3.connect(cache_file(workspace)) as db:
        db.execute("UPDATE meta SET value = 'another version' WHERE key = 'stamp'")
    heard: list[Notice] = []
    roles = load_canonical(ws, heard.append)
    assert [r.slug for r in roles] == [SEED_SLUG] and heard == []
    assert RoleCache(ws).known_files()  # refilled


def test_the_code_stamp_changes_with_a_file_not_with_bytecode_written_beside_it(
    tmp_path: Path,
) -> None:
    """Running a command writes bytecode, in new ``__pycache__`` folders, which changes their
    parent folders' times: the stamp must not see it, or each command would empty the cache
    that the one before had filled."""
    package = tmp_path / "package"
    (package / "rules").mkdir(parents=True)
    module = package / "rules" / "rule.py"
    module.write_text("A = 1\n", encoding="utf-8")
    before = files_stamp(package)

    (package / "rules" / "__pycache__").mkdir()
    (package / "rules" / "__pycache__" / "rule.cpython-311.pyc").write_bytes(b"\0")
    os.utime(package / "rules", ns=(1, 1))
    assert files_stamp(package) == before

    module.write_text("A = 22\n", encoding="utf-8")
    edited = files_stamp(package)
    (package / "rules" / "new.py").write_text("A = 1\n", encoding="utf-8")
    added = files_stamp(package)
    # Another file of the same size put in its place, its time kept (as `cp -p` does).
    swapped = package / "rules" / "swapped.py"
    swapped.write_text("A = 33\n", encoding="utf-8")
    times = module.stat()
    os.utime(swapped, ns=(times.st_atime_ns, times.st_mtime_ns))
    swapped.replace(module)
    assert len({before, edited, added, files_stamp(package)}) == 4


def test_a_cache_folder_that_is_a_link_is_not_used(
    workspace: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (workspace / CACHE_DIR).symlink_to(elsewhere)
    heard: list[Notice] = []
    roles = load_canonical(Workspace(workspace), heard.append)
    assert [r.slug for r in roles] == [SEED_SLUG]
    assert list(elsewhere.iterdir()) == []
    assert [n.text.split(":")[0] for n in heard] == ["role cache not used"]


@pytest.mark.parametrize("column", [f for f in Summary._fields if f != "sha256"])
def test_a_cached_row_of_the_wrong_types_is_passed_over_and_its_file_read(
    workspace: Path, column: str
) -> None:
    ws = Workspace(workspace)
    load_canonical(ws)
    # Another program's bytes for a text (a number would be stored as text: the column's type
    # converts it), and a text for a number.
    with sqlite3.connect(cache_file(workspace)) as db:
        db.execute(f"UPDATE roles SET {column} = x'3432'")
        db.execute("UPDATE files SET size = 'large'")
    [role] = list(load_canonical(ws))
    assert role.slug == SEED_SLUG and role.title.startswith("MLOps")
    assert role.profile.task_words  # read from the file, not the damaged row
    assert role.occupation_code is None
    assert role.shown == load_role(role.path).shown


@pytest.mark.parametrize("aijri", ["forty", "NaN", "-Infinity", ""])
def test_a_cached_aijri_that_is_not_a_number_is_computed_again(
    workspace: Path, run_cli: RunCli, aijri: str
) -> None:
    first = run_cli("roles", "--json")
    with sqlite3.connect(cache_file(workspace)) as db:
        db.execute("UPDATE roles SET aijri = ?", (aijri,))
    second = run_cli("roles", "--json")
    assert second.exit_code == 0, second.output
    assert json.loads(second.stdout) == json.loads(first.stdout)


def test_a_renamed_role_file_is_known_by_its_bytes_and_not_parsed_again(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jobzone import role_loading

    ws = Workspace(workspace)
    load_canonical(ws)
    role_file(workspace).rename(workspace / "roles" / "renamed.yaml")

    def parse_again(*args: object) -> None:
        raise AssertionError("a file whose bytes the cache knows was parsed again")

    monkeypatch.setattr(role_loading, "_parse_role", parse_again)
    [role] = list(load_canonical(ws))
    assert role.path.name == "renamed.yaml" and role.slug == SEED_SLUG
    assert set(RoleCache(ws).known_files()) == {"renamed.yaml"}


def test_a_role_read_from_the_cache_is_the_role_read_from_its_file(workspace: Path) -> None:
    ws = Workspace(workspace)
    direct = load_role(role_file(workspace), inside=workspace)
    load_canonical(ws)
    [cached] = list(load_canonical(ws))  # from the summary; the assessment from the cache
    assert cached.slug == direct.slug and cached.title == direct.title
    assert cached.profile == direct.profile and cached.aliases == direct.assessment.role.aliases
    assert cached.assessment == direct.assessment
    assert cached.score.shown() == direct.score.shown()
    assert cached.sha256 == direct.sha256
    assert cached.occupation_code is None
    assert cached.summary is not None  # the figures as the cache keeps them, not recomputed:
    kept = (cached.summary.aijri, cached.summary.zone, cached.summary.sub_label)
    assert kept == (str(direct.score.shown_aijri), direct.score.zone, direct.score.sub_label)
    assert cached.shown == direct.shown


def test_a_roles_occupation_is_kept_in_its_summary(workspace: Path) -> None:
    data = seed_assessment()
    data["slug"], data["title"] = "registered-nurse", "Registered Nurse"
    data["role"]["occupation"] = {"code": "29-1141.00", "title": "Nurses", "match": "direct"}
    write_yaml(workspace / "roles" / "registered-nurse.yaml", data)
    ws = Workspace(workspace)
    load_canonical(ws)

    nurse = load_canonical(ws).get("registered-nurse")

    assert nurse is not None and nurse.summary is not None
    assert nurse.occupation_code == nurse.summary.occupation == "29-1141.00"


# --- The queue's index ---------------------------------------------------------------------------


def index_entries(workspace: Path) -> dict[str, list[object]]:
    """The index's rows as a listing reads them: the index, and the rows recorded since."""
    entries = queue._load_index(Workspace(workspace))
    assert isinstance(entries, dict)
    return entries


def indexed_status(workspace: Path, draft_id: str) -> Status:
    row = queue.Row.from_stored(draft_id, index_entries(workspace)[draft_id])
    assert row is not None
    return row.status


def test_a_change_to_a_draft_updates_its_row_in_the_same_write(workspace: Path) -> None:
    ws = Workspace(workspace)
    make_draft(workspace, "d-1")
    queue.listing(ws)  # the index exists
    reject(Workflow(ws), "d-1", "Ada Editor", "not a role we cover")
    assert indexed_status(workspace, "d-1") is Status.rejected
    path = workspace / "drafts" / "d-1.yaml"
    stat = path.lstat()
    key = index_entries(workspace)["d-1"][: queue.KEY_LENGTH]
    assert key == [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


@pytest.mark.parametrize(
    "made",
    [
        {},
        {"kind": Kind.new, "change": tasks_sum_95_and_duplicate},
        {"change": old_source, "status": Status.changes_requested},
    ],
)
def test_a_row_read_from_the_fields_it_shows_is_the_row_of_the_whole_draft(
    workspace: Path, made: dict[str, object]
) -> None:
    ws = Workspace(workspace)
    make_draft(workspace, "d-1", **made)  # type: ignore[arg-type]
    whole = queue.Row.of(load_draft(ws, "d-1"))
    assert draft_rows.read_row(ws, "d-1") == whole
    text = (workspace / "drafts" / "d-1.yaml").read_text("utf-8")
    assert draft_rows.fast_row(text, "d-1") == whole


def test_a_draft_broken_where_its_row_looks_is_read_whole_for_the_message(
    workspace: Path,
) -> None:
    ws = Workspace(workspace)
    make_draft(workspace, "d-1")
    path = workspace / "drafts" / "d-1.yaml"
    path.write_text(path.read_text("utf-8").replace("status: pending", "status: maybe"), "utf-8")
    listed = queue.listing(ws)
    [problem] = listed.unreadable
    assert problem.field == "status" and problem.file == str(path)


def test_links_named_yaml_are_unreadable_roles_even_dangling_and_folders_are_none(
    workspace: Path,
) -> None:
    roles = workspace / "roles"
    (roles / "a-link.yaml").symlink_to(role_file(workspace))
    (roles / "b-dangling.yaml").symlink_to(roles / "missing.yaml")
    (roles / "c-folder-link.yaml").symlink_to(roles, target_is_directory=True)
    (roles / "d-folder.yaml").mkdir()
    (roles / "e-other.yml").write_text("slug: x\n", encoding="utf-8")
    loaded = load_canonical(Workspace(workspace))
    assert [r.slug for r in loaded] == [SEED_SLUG]
    assert [(Path(str(e.file)).name, e.rule) for e in loaded.unreadable] == [
        ("a-link.yaml", "file.symlink"),
        ("b-dangling.yaml", "file.symlink"),
        ("c-folder-link.yaml", "file.symlink"),
    ]


def test_a_saved_draft_appends_its_row_and_the_next_listing_folds_it_in(workspace: Path) -> None:
    """Recording a row costs one appended line, whatever the queue's size; the next listing
    writes the index with it and empties the log, reading no draft file."""
    ws = Workspace(workspace)
    make_draft(workspace, "d-1")
    make_draft(workspace, "d-2")
    queue.listing(ws)
    index = workspace / "drafts" / queue.INDEX_NAME
    before = index.read_bytes()
    reject(Workflow(ws), "d-1", "Ada Editor", "not a role we cover")
    assert index.read_bytes() == before  # not rewritten by the save
    log = (workspace / "drafts" / queue.LOG_NAME).read_text("utf-8").splitlines()
    assert [json.loads(line)[0] for line in log] == ["d-1"]

    def no_file_read(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a draft file was read")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(draft_rows, "_read_text", no_file_read)
        patch.setattr(draft_rows, "read_row", no_file_read)
        listed = {row.id: row.status for row in queue.listing(ws).rows}
    assert listed == {"d-1": Status.rejected, "d-2": Status.pending}
    assert not (workspace / "drafts" / queue.LOG_NAME).exists()
    assert indexed_status(workspace, "d-1") is Status.rejected


def test_a_log_line_cut_short_by_a_crash_is_passed_over(workspace: Path) -> None:
    ws = Workspace(workspace)
    make_draft(workspace, "d-1")
    queue.listing(ws)
    reject(Workflow(ws), "d-1", "Ada Editor", "not a role we cover")
    log = workspace / "drafts" / queue.LOG_NAME
    log.write_text(log.read_text("utf-8") + '["d-1", [1,', "utf-8")
    listed = {row.id: row.status for row in queue.listing(ws).rows}
    assert listed == {"d-1": Status.rejected}
