"""A hostile or broken workspace: links planted in it, OS errors, values that cannot be read.

Whatever is in a workspace, a command either works or stops with one line on stderr naming the
file and a rule, exit 2; it changes nothing in the workspace (``tree`` before and after) and
writes nothing outside it (the ``outside`` folder, beside it, stays as it was). Tests run as root,
so the OS errors are simulated on the lowest call that meets them (``os.open``, ``os.write``,
``os.mkdir``, ``tempfile.mkstemp``) for the path in question only; links, and files where
folders belong, are real.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from jobzone.drafting.journal import RunRequest
from jobzone.drafts import Status

from .conftest import EXAMPLE_PATH, RunCli
from .factories import (
    CREATED_AT,
    SEED_SLUG,
    hermetic_env,
    jobzone_argv,
    make_draft,
    read_draft,
    retitle_first_task,
    subprocess_env,
    tree,
)

hermetic = pytest.fixture(autouse=True)(hermetic_env)

EXIT_FINDINGS = 1
EXIT_INPUT = 2
PREFIX = "jobzone: error: "
SEED_TEXT = EXAMPLE_PATH.read_text(encoding="utf-8")
INTENT = "drafts/.approval-intent.json"
INDEX = "drafts/.index.json"
#: An editor that only logs the file it was given, beside itself.
LOGGING_EDITOR = """\
import sys
with open(sys.argv[0] + ".log", "a", encoding="utf-8") as log:
    log.write(sys.argv[1] + "\\n")
"""


@pytest.fixture
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder beside the workspace that no command may change."""
    return tmp_path_factory.mktemp("outside")


@pytest.fixture
def editor_log(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """$EDITOR is a harmless script; the returned log exists once it has been run."""
    script = tmp_path_factory.mktemp("tools") / "editor.py"
    script.write_text(LOGGING_EDITOR, encoding="utf-8")
    monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}")
    return script.with_name("editor.py.log")


def error_line(result: Result, *names: str, rule: str) -> str:
    """The one line on stderr of a command that stopped with exit 2, naming ``names`` and
    ending with ``rule``."""
    assert result.exit_code == EXIT_INPUT, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    [line] = lines
    assert line.startswith(PREFIX), line
    for name in names:
        assert name in line, line
    assert line.endswith(f"[{rule}]"), line
    return line


def lines_naming(text: str, name: str) -> list[str]:
    return [line for line in text.splitlines() if name in line]


def role_text(slug: str, title: str) -> str:
    """The seed role under another slug and title."""
    text = SEED_TEXT.replace(f"slug: {SEED_SLUG}\n", f"slug: {slug}\n", 1)
    return text.replace("title: MLOps Engineer\n", f"title: {title}\n", 1)


def everything(root: Path) -> list[tuple[str, bytes | None]]:
    """Every entry under ``root``, a regular file with its bytes: unlike ``tree``, it also
    shows folders and links (a folder made, or a link left, outside counts as a change)."""
    return [
        (str(p.relative_to(root)), p.read_bytes() if p.is_file() and not p.is_symlink() else None)
        for p in sorted(root.rglob("*"))
    ]


def fail_for(path: Path, code: int) -> OSError:
    return OSError(code, os.strerror(code), str(path))


# --- A. Links in a workspace are never followed ----------------------------------------------


def test_approve_refuses_a_versions_folder_linked_outside_before_writing_anything(
    workspace: Path, run_cli: RunCli, outside: Path
) -> None:
    make_draft(workspace, "rev-1", change=retitle_first_task)
    versions = workspace / "roles" / ".versions"
    versions.mkdir()
    (versions / SEED_SLUG).symlink_to(outside, target_is_directory=True)
    before = tree(workspace)

    result = run_cli("approve", "rev-1", "--reviewer", "alice")

    error_line(result, f"roles/.versions/{SEED_SLUG}", rule="file.symlink")
    assert everything(outside) == []
    assert not (workspace / INTENT).exists()  # refused before the protocol began
    assert read_draft(workspace, "rev-1").status is Status.pending
    assert tree(workspace) == before


def test_edit_refuses_an_edits_folder_linked_outside(
    workspace: Path, run_cli: RunCli, outside: Path, editor_log: Path
) -> None:
    make_draft(workspace, "rev-1", change=retitle_first_task)
    (workspace / "drafts" / ".edits").symlink_to(outside, target_is_directory=True)
    before = tree(workspace)

    result = run_cli("edit", "rev-1", "--reviewer", "carol")

    error_line(result, "drafts/.edits", rule="file.symlink")
    assert not editor_log.exists()
    assert everything(outside) == []
    assert tree(workspace) == before


CHANGES = {
    "approve": ("approve", "rev-1", "--reviewer", "alice"),
    "reject": ("reject", "rev-1", "--reviewer", "alice", "--reason", "out of scope"),
    "request-changes": ("request-changes", "rev-1", "--reviewer", "alice", "--note", "more"),
    "edit": ("edit", "rev-1", "--reviewer", "alice"),
}


@pytest.mark.parametrize("command", CHANGES.values(), ids=CHANGES.keys())
@pytest.mark.parametrize("target_exists", [True, False], ids=["to-a-file", "dangling"])
def test_every_change_refuses_a_lock_linked_outside(
    workspace: Path,
    run_cli: RunCli,
    outside: Path,
    editor_log: Path,
    command: tuple[str, ...],
    target_exists: bool,
) -> None:
    make_draft(workspace, "rev-1", change=retitle_first_task)
    target = outside / "lock"
    if target_exists:
        target.write_bytes(b"someone else's file\n")
    (workspace / ".jobzone.lock").symlink_to(target)
    outside_before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in outside.iterdir()}
    before = tree(workspace)

    result = run_cli(*command)

    error_line(result, ".jobzone.lock", rule="file.symlink")
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in outside.iterdir()}
    assert after == outside_before
    assert not editor_log.exists()
    assert tree(workspace) == before


def test_a_role_file_linked_outside_is_listed_unreadable_and_not_loaded(
    workspace: Path, run_cli: RunCli, outside: Path
) -> None:
    (outside / "smuggled.yaml").write_text(
        role_text("smuggled-engineer", "Smuggled Engineer"), encoding="utf-8"
    )
    link = workspace / "roles" / "smuggled-engineer.yaml"
    link.symlink_to(outside / "smuggled.yaml")
    before = tree(workspace)

    check = run_cli("check")
    roles = run_cli("roles")

    assert check.exit_code == EXIT_FINDINGS, check.output
    [unreadable] = lines_naming(check.stdout, str(link))
    assert unreadable.startswith("FAIL unreadable: ") and unreadable.endswith("[file.symlink]")
    assert check.stdout.splitlines()[0].startswith(f"ok   {SEED_SLUG} ")
    assert check.stdout.splitlines()[-1] == "1 role checked, 1 unreadable"
    assert roles.exit_code == EXIT_INPUT, roles.output
    assert [line.split()[0] for line in roles.stdout.splitlines()] == [SEED_SLUG]
    assert roles.stderr.startswith(f"{PREFIX}unreadable role: {link}: ")
    assert roles.stderr.endswith("[file.symlink]\n") and roles.stderr.count("\n") == 1
    for result in (check, roles):
        assert "Smuggled" not in result.output
    assert tree(workspace) == before


def test_queue_lists_linked_drafts_as_unreadable_and_the_rest(
    workspace: Path, run_cli: RunCli, outside: Path
) -> None:
    drafts = workspace / "drafts"
    make_draft(workspace, "good-1")
    make_draft(workspace, "linked", title="Smuggled Engineer")
    shutil.move(drafts / "linked.yaml", outside / "linked.yaml")
    (drafts / "linked.yaml").symlink_to(outside / "linked.yaml")
    (drafts / "dangling.yaml").symlink_to(outside / "nothing.yaml")
    outside_before = everything(outside)
    before = tree(workspace)

    result = run_cli("queue")

    assert result.exit_code == EXIT_INPUT, result.output
    assert [line.split()[0] for line in result.stdout.splitlines()[1:]] == ["good-1"]
    assert "Smuggled" not in result.output
    for name in ("linked", "dangling"):
        [line] = lines_naming(result.stderr, f"drafts/{name}.yaml")
        assert line.startswith(f"{PREFIX}unreadable draft: ") and line.endswith("[file.symlink]")
    assert everything(outside) == outside_before
    after = tree(workspace)
    after.pop(INDEX, None)  # the queue's cache
    assert after == before


def test_resume_refuses_a_run_folder_linked_outside_before_any_call(
    workspace: Path, run_cli: RunCli, outside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_id = "data-engineer-20260501-093000-abcd"
    request = RunRequest(
        id=run_id,
        title="Data Engineer",
        notes=None,
        model="gpt-test-mini",
        temperature=None,
        max_repairs=2,
        assessed_on=dt.date(2026, 5, 1),
        created_at=CREATED_AT,
        by="tester",
    )
    (outside / "run").mkdir()
    (outside / "run" / "request.json").write_text(request.model_dump_json(), encoding="utf-8")
    (workspace / "drafts" / ".runs").mkdir()
    (workspace / "drafts" / ".runs" / run_id).symlink_to(outside / "run")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    connections: list[Any] = []

    def connect(sock: socket.socket, address: Any) -> None:
        connections.append(address)
        raise ConnectionRefusedError(errno.ECONNREFUSED, "refused by the test")

    monkeypatch.setattr(socket.socket, "connect", connect)
    outside_before = everything(outside)
    before = tree(workspace)

    result = run_cli("draft", "--resume", run_id)

    error_line(result, f"drafts/.runs/{run_id}", rule="file.symlink")
    assert connections == []
    assert everything(outside) == outside_before
    assert tree(workspace) == before


@pytest.mark.parametrize("kind", ["dangling-link", "folder"])
def test_approve_reports_a_role_file_that_is_not_a_file(
    workspace: Path, run_cli: RunCli, outside: Path, kind: str
) -> None:
    make_draft(workspace, "rev-1", change=retitle_first_task)
    role = workspace / "roles" / f"{SEED_SLUG}.yaml"
    role.unlink()
    if kind == "folder":
        role.mkdir()
    else:
        role.symlink_to(outside / "gone.yaml")
    before = tree(workspace)

    result = run_cli("approve", "rev-1", "--reviewer", "alice")

    rule = "file.regular" if kind == "folder" else "file.symlink"
    error_line(result, f"roles/{SEED_SLUG}.yaml", rule=rule)
    assert read_draft(workspace, "rev-1").status is Status.pending
    assert everything(outside) == []
    assert tree(workspace) == before


def test_queue_does_not_read_its_cache_through_a_link(
    workspace: Path, run_cli: RunCli, outside: Path
) -> None:
    make_draft(workspace, "good-1")
    assert run_cli("queue").exit_code == 0  # writes the cache
    index = workspace / INDEX
    cache = json.loads(index.read_text("utf-8"))
    row = cache["rows"]["good-1"]
    row[row.index("MLOps Engineer")] = "Smuggled Engineer"
    (outside / "index.json").write_text(json.dumps(cache), encoding="utf-8")
    index.unlink()
    index.symlink_to(outside / "index.json")
    outside_before = everything(outside)

    result = run_cli("queue")

    assert result.exit_code == 0, result.output
    [row] = result.stdout.splitlines()[1:]
    assert row.startswith("good-1 ") and row.endswith("  MLOps Engineer")
    assert everything(outside) == outside_before


@pytest.mark.parametrize("writer", [False, True], ids=["alone", "held-open-by-a-writer"])
def test_queue_is_not_held_up_by_a_fifo_in_place_of_its_cache(
    workspace: Path, writer: bool
) -> None:
    make_draft(workspace, "good-1")
    index = workspace / INDEX
    os.mkfifo(index)
    held = os.open(index, os.O_RDWR) if writer else None  # a writer that never writes

    try:
        result = subprocess.run(
            jobzone_argv(workspace, "queue"),
            env=subprocess_env(),
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    finally:
        if held is not None:
            os.close(held)

    assert result.returncode == 0, result.stderr
    assert [line.split()[0] for line in result.stdout.splitlines()[1:]] == ["good-1"]
    assert index.is_file()  # the cache is rebuilt as a regular file


# --- B. OS errors: one line, exit 2, nothing changed -------------------------------------------


def deny_open(monkeypatch: pytest.MonkeyPatch, path: Path, code: int) -> None:
    """``os.open`` of ``path`` fails with ``code``; every other file opens as usual."""
    real_open = os.open

    def fake_open(file: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if os.fspath(file) == str(path):
            raise fail_for(path, code)
        return real_open(file, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)


def test_an_unreadable_role_is_listed_and_the_others_still_are(
    workspace: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = workspace / "roles" / "locked-engineer.yaml"
    locked.write_text(role_text("locked-engineer", "Locked Engineer"), encoding="utf-8")
    deny_open(monkeypatch, locked, errno.EACCES)
    before = tree(workspace)

    check = run_cli("check")
    roles = run_cli("roles")

    assert check.exit_code == EXIT_FINDINGS, check.output
    assert check.stdout.splitlines()[0].startswith(f"ok   {SEED_SLUG} ")
    [unreadable] = lines_naming(check.stdout, str(locked))
    assert unreadable.endswith(": cannot read: Permission denied [file.readable]")
    assert roles.exit_code == EXIT_INPUT, roles.output
    assert [line.split()[0] for line in roles.stdout.splitlines()] == [SEED_SLUG]
    assert roles.stderr == (
        f"{PREFIX}unreadable role: {locked}: cannot read: Permission denied [file.readable]\n"
    )
    assert tree(workspace) == before


def test_render_output_under_a_regular_file_is_one_error(
    workspace: Path, run_cli: RunCli, outside: Path
) -> None:
    (outside / "blocker").write_text("a file, not a folder\n", encoding="utf-8")
    output = outside / "blocker" / "page.md"
    outside_before = everything(outside)
    before = tree(workspace)

    result = run_cli("render", SEED_SLUG, "--output", str(output))

    error_line(result, str(output), rule="file.writable")
    assert result.stdout == ""
    assert everything(outside) == outside_before
    assert tree(workspace) == before


@pytest.mark.parametrize("failing", ["mkdir", "mkstemp"])
def test_render_output_into_a_folder_that_cannot_be_made_is_one_error(
    workspace: Path,
    run_cli: RunCli,
    outside: Path,
    monkeypatch: pytest.MonkeyPatch,
    failing: str,
) -> None:
    output = outside / "site" / "roles" / "page.md"
    if failing == "mkdir":
        real_mkdir = os.mkdir

        def mkdir(path: Any, *args: Any, **kwargs: Any) -> None:
            if Path(path).is_relative_to(outside):
                raise fail_for(Path(path), errno.EACCES)
            real_mkdir(path, *args, **kwargs)

        monkeypatch.setattr(os, "mkdir", mkdir)
    else:
        output.parent.mkdir(parents=True)
        real_mkstemp = tempfile.mkstemp

        def mkstemp(*args: Any, dir: Any = None, **kwargs: Any) -> tuple[int, str]:
            if dir is not None and Path(dir).is_relative_to(outside):
                raise fail_for(Path(dir), errno.EROFS)
            return real_mkstemp(*args, dir=dir, **kwargs)

        monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    outside_before = everything(outside)
    before = tree(workspace)

    result = run_cli("render", SEED_SLUG, "--output", str(output))

    line = error_line(result, str(output), rule="file.writable")
    assert os.strerror(errno.EACCES if failing == "mkdir" else errno.EROFS) in line
    assert everything(outside) == outside_before
    assert tree(workspace) == before


def fill_disk(monkeypatch: pytest.MonkeyPatch, folder: Path, name: str) -> None:
    """``os.write`` fails with ENOSPC for the temporary file that replaces ``folder/.../name``
    (named ``.NAME.*`` by atomic_write); every other write goes through."""
    real_write = os.write

    def write(fd: int, data: Any) -> int:
        target = Path(f"/proc/self/fd/{fd}").readlink()
        if target.is_relative_to(folder) and target.name.startswith(f".{name}."):
            raise fail_for(target, errno.ENOSPC)
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to name a file")
@pytest.mark.parametrize(
    ("name", "left_intent"),
    [(".approval-intent.json", False), ("v2.yaml", True), (f"{SEED_SLUG}.yaml", True)],
    ids=["writing-the-intent", "keeping-the-version", "replacing-the-role"],
)
def test_a_full_disk_while_approving_leaves_the_workspace_consistent(
    workspace: Path,
    run_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    left_intent: bool,
) -> None:
    make_draft(workspace, "rev-1", change=retitle_first_task)
    role = workspace / "roles" / f"{SEED_SLUG}.yaml"
    before = tree(workspace)

    with monkeypatch.context() as patch:
        fill_disk(patch, workspace, name)
        result = run_cli("approve", "rev-1", "--reviewer", "alice")
    line = error_line(result, name, rule="file.writable")
    assert "No space left on device" in line
    assert (workspace / INTENT).exists() is left_intent
    queue = run_cli("queue")

    assert queue.exit_code == 0, queue.output
    rolled_back = "jobzone: rolled back the interrupted approval of rev-1\n"
    assert queue.stderr.startswith(rolled_back) is left_intent
    assert not (workspace / INTENT).exists()
    assert read_draft(workspace, "rev-1").status is Status.pending
    assert role.read_bytes() == before[f"roles/{SEED_SLUG}.yaml"]
    after = tree(workspace)
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    # The current version kept before the failure stays kept; the queue's cache is written.
    assert changed <= {INDEX, f"roles/.versions/{SEED_SLUG}/v1.yaml"}
    # And the approval goes through once there is room again.
    assert run_cli("approve", "rev-1", "--reviewer", "alice").exit_code == 0


READ_ONLY = {
    "approve": (("approve", "rev-1", "--reviewer", "alice"), INTENT),
    # The first file a rejection writes: the draft's state before it, kept as a version.
    "reject": (("reject", "rev-1", "--reviewer", "alice", "--reason", "no"), "drafts/.versions/"),
}


@pytest.mark.parametrize("command", READ_ONLY, ids=READ_ONLY.keys())
@pytest.mark.parametrize("failing", ["lock", "temporary-file"])
def test_a_read_only_workspace_refuses_changes_in_one_line(
    workspace: Path,
    run_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    failing: str,
) -> None:
    make_draft(workspace, "rev-1", change=retitle_first_task)
    args, written = READ_ONLY[command]
    if failing == "lock":
        deny_open(monkeypatch, workspace / ".jobzone.lock", errno.EROFS)
        written = ".jobzone.lock"
    else:
        real_mkstemp = tempfile.mkstemp

        def mkstemp(*args: Any, dir: Any = None, **kwargs: Any) -> tuple[int, str]:
            if dir is not None and Path(dir).is_relative_to(workspace):
                raise fail_for(Path(dir), errno.EROFS)
            return real_mkstemp(*args, dir=dir, **kwargs)

        monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    before = tree(workspace)

    result = run_cli(*args)

    line = error_line(result, str(workspace / written), rule="file.writable")
    assert "Read-only file system" in line
    assert tree(workspace) == before


# --- C. Values that cannot be read -------------------------------------------------------------


def test_score_names_the_line_of_an_impossible_date(workspace: Path, run_cli: RunCli) -> None:
    path = workspace / "roles" / "bad-date.yaml"
    text = role_text("bad-date", "Bad Date")
    bad = text.replace("assessed_on: 2026-04-26\n", "assessed_on: 2026-02-30\n")
    path.write_text(bad, encoding="utf-8")
    line_number = text.splitlines().index("assessed_on: 2026-04-26") + 1
    before = tree(workspace)

    for target in ("bad-date", "roles/bad-date.yaml"):
        result = run_cli("score", target)
        line = error_line(result, "roles/bad-date.yaml", "assessed_on", rule="yaml.value")
        assert f"line {line_number}: cannot read '2026-02-30' as a date" in line
    assert tree(workspace) == before


def test_one_draft_with_an_impossible_date_does_not_hide_the_queue(
    workspace: Path, run_cli: RunCli
) -> None:
    make_draft(workspace, "good-1")
    make_draft(workspace, "good-2", created_at=CREATED_AT + dt.timedelta(hours=1))
    make_draft(workspace, "bad-date")
    path = workspace / "drafts" / "bad-date.yaml"
    lines = path.read_text("utf-8").splitlines(keepends=True)
    [at] = [i for i, line in enumerate(lines) if line.startswith("created_at: ")]
    lines[at] = "created_at: 2026-02-30 09:30:00+00:00\n"
    path.write_text("".join(lines), encoding="utf-8")

    result = run_cli("queue")

    assert result.exit_code == EXIT_INPUT, result.output
    assert [line.split()[0] for line in result.stdout.splitlines()[1:]] == ["good-1", "good-2"]
    [problem] = lines_naming(result.stderr, str(path))
    assert problem.startswith(f"{PREFIX}unreadable draft: ")
    assert f"created_at: line {at + 1}: cannot read" in problem
    assert problem.endswith("[yaml.value]")


def test_validate_refuses_a_score_of_five_thousand_digits(workspace: Path, run_cli: RunCli) -> None:
    lines = SEED_TEXT.splitlines(keepends=True)
    first_score = next(i for i, line in enumerate(lines) if line.startswith("  score: 2"))
    lines[first_score] = f"  score: {'9' * 5000}\n"
    path = workspace / "drafts" / "huge.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    before = tree(workspace)

    result = run_cli("validate", "drafts/huge.yaml")

    line = error_line(result, "drafts/huge.yaml", "tasks[0].score", rule="yaml.value")
    assert f"line {first_score + 1}: cannot read" in line
    assert "(it has 5000 digits; the limit is " in line
    assert len(line) < 300
    assert tree(workspace) == before


#: Nine levels of nine aliases each: 9**9 strings once expanded, from 324 bytes.
BILLION_LAUGHS = "a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n" + "".join(
    f"{name}: &{name} [{','.join([f'*{before}'] * 9)}]\n"
    for before, name in zip("abcdefgh", "bcdefghi", strict=True)
)


def test_a_billion_laughs_role_is_listed_unreadable_at_once(
    workspace: Path, run_cli: RunCli
) -> None:
    laughs = workspace / "roles" / "laughs.yaml"
    laughs.write_text(BILLION_LAUGHS, encoding="utf-8")
    assert len(BILLION_LAUGHS) < 400

    for command, code in (("check", EXIT_FINDINGS), ("roles", EXIT_INPUT)):
        start = time.perf_counter()
        result = run_cli(command)
        assert time.perf_counter() - start < 2.0
        assert result.exit_code == code, result.output
        [line] = lines_naming(result.output, str(laughs))
        assert "line 1, column 4: anchors and aliases" in line
        assert line.endswith("[yaml.alias]")
        assert SEED_SLUG in result.stdout


def test_score_names_both_lines_of_a_repeated_growth_key(workspace: Path, run_cli: RunCli) -> None:
    lines = SEED_TEXT.splitlines(keepends=True)
    first = lines.index("growth:\n")
    block = lines[first : first + 4]
    at_tasks = lines.index("tasks:\n")
    repeated = [*lines[:at_tasks], *block, *lines[at_tasks:]]
    path = workspace / "roles" / "repeated.yaml"
    path.write_text("".join(repeated), encoding="utf-8")

    result = run_cli("score", "roles/repeated.yaml")

    line = error_line(result, "roles/repeated.yaml", rule="yaml.duplicate-key")
    assert f"line {at_tasks + 1}: key 'growth' appears twice (first at line {first + 1})" in line
