"""Reading and writing YAML documents: bad input refused with one clear error, faithful writing.

Each way a file can be unusable must raise one InputError that names the file, the field (when
there is one) and a stable rule code. Writing must round-trip exactly, keep the model's key order
and long text as block scalars, and replace a file atomically.
"""

from __future__ import annotations

import contextlib
import copy
import errno
import os
import signal
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from jobzone import documents
from jobzone.assessment import Assessment
from jobzone.checking import content_hash
from jobzone.documents import (
    atomic_write,
    dump_model,
    load_model,
    parse_model,
    parse_yaml,
    read_yaml,
    refuse_links,
)
from jobzone.errors import InputError, NotFoundError

from .conftest import EXAMPLE_PATH, REPO, write_yaml

_SEED: dict[str, Any] = yaml.safe_load(EXAMPLE_PATH.read_text(encoding="utf-8"))
SEED_MODEL = Assessment.model_validate(copy.deepcopy(_SEED))
HEADER = "# yaml-language-server: $schema="
MIB = 1024 * 1024


def seed_data() -> dict[str, Any]:
    return copy.deepcopy(_SEED)


def load_error(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        load_model(Assessment, path)
    return info.value


# --- Files that cannot be documents --------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    err = load_error(path)
    assert isinstance(err, NotFoundError)
    assert (err.file, err.rule) == (str(path), "file.exists")
    assert str(path) in err.message
    assert not path.exists()


@pytest.mark.parametrize("text", ["", "\n", "   \n\t\n"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text(text, encoding="utf-8")
    err = load_error(path)
    assert (err.file, err.rule) == (str(path), "file.empty")
    assert str(path) in err.message


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    # A valid assessment padded with a 10 MB comment: only its size is wrong.
    path = tmp_path / "huge.yaml"
    text = EXAMPLE_PATH.read_text(encoding="utf-8") + "# " + "x" * (10 * MIB) + "\n"
    path.write_text(text, encoding="utf-8")
    err = load_error(path)
    assert (err.file, err.rule) == (str(path), "file.size")
    assert str(path) in err.message
    assert "10.0 MiB" in err.message


def test_file_just_under_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    text = EXAMPLE_PATH.read_text(encoding="utf-8")
    pad = MIB - len(text.encode("utf-8")) - 3
    path.write_text(text + "#" + "x" * pad + "\n", encoding="utf-8")
    assert path.stat().st_size <= MIB
    assert load_model(Assessment, path) == SEED_MODEL


def test_malformed_yaml_names_line_and_column(tmp_path: Path) -> None:
    lines = EXAMPLE_PATH.read_text(encoding="utf-8").splitlines(keepends=True)
    title_line = next(i for i, line in enumerate(lines) if line.startswith("title:"))
    bad = "title: MLOps: Engineer\n"  # a second ': ' inside a plain scalar
    lines[title_line] = bad
    path = tmp_path / "broken.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    err = load_error(path)
    assert (err.file, err.rule) == (str(path), "yaml.syntax")
    column = bad.index(": ", len("title: ")) + 1
    assert f"line {title_line + 1}, column {column}" in err.message


def test_unclosed_flow_sequence_is_malformed(tmp_path: Path) -> None:
    path = tmp_path / "unclosed.yaml"
    path.write_text("rubric: aijri-v1\nslug: [never closed\ntitle: x\n", encoding="utf-8")
    err = load_error(path)
    assert err.rule == "yaml.syntax"
    assert "line " in err.message and "column " in err.message


@pytest.mark.parametrize(("text", "found"), [("- a\n- b\n", "list"), ("just text\n", "str")])
def test_document_must_be_a_mapping(tmp_path: Path, text: str, found: str) -> None:
    path = tmp_path / "notamap.yaml"
    path.write_text(text, encoding="utf-8")
    err = load_error(path)
    assert err.rule == "yaml.mapping"
    assert found in err.message


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: Caf\xe9 manager\n".encode("latin-1"))
    err = load_error(path)
    assert (err.file, err.rule) == (str(path), "file.encoding")


def test_a_folder_is_not_a_document(tmp_path: Path) -> None:
    folder = tmp_path / "looks-like.yaml"
    folder.mkdir()
    assert load_error(folder).rule == "file.regular"


class StillBlockedError(Exception):
    """Not an OSError (as TimeoutError is), so the code under test cannot mistake it for one."""


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Interrupt the block if it takes longer than ``seconds`` (a blocked system call, say)."""

    def expire(signum: int, frame: object) -> None:
        raise StillBlockedError(f"still blocked after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with deadline(2):
        err = load_error(fifo)
    assert (err.file, err.rule) == (str(fifo), "file.regular")


@pytest.mark.parametrize(
    "code",
    [errno.EACCES, errno.EISDIR, errno.ELOOP, errno.EIO, errno.EMFILE],
    ids=errno.errorcode.get,
)
def test_a_file_that_cannot_be_opened_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    path = write_yaml(tmp_path / "role.yaml", {"a": 1})
    real_open = os.open

    def failing_open(target: Any, *args: Any, **kwargs: Any) -> int:
        if Path(target) == path:
            raise OSError(code, os.strerror(code))
        return real_open(target, *args, **kwargs)

    monkeypatch.setattr(os, "open", failing_open)
    with pytest.raises(InputError) as info:
        read_yaml(path)
    err = info.value
    assert (err.file, err.rule) == (str(path), "file.readable")
    assert err.detail == f"cannot read: {os.strerror(code)}"


def test_a_read_error_midway_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_yaml(tmp_path / "role.yaml", {"a": 1})

    def failing_read(fd: int, size: int) -> bytes:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "read", failing_read)
    with pytest.raises(InputError) as info:
        read_yaml(path)
    err = info.value
    assert (err.file, err.rule) == (str(path), "file.readable")
    assert err.detail == "cannot read: Input/output error"


# --- Documents that break the model ---------------------------------------------------------------


def schema_error(data: dict[str, Any]) -> InputError:
    with pytest.raises(InputError) as info:
        parse_model(Assessment, data, "roles/some-file.yaml")
    err = info.value
    assert err.file == "roles/some-file.yaml"
    assert err.message.startswith(f"roles/some-file.yaml: {err.field}: ")
    assert err.message.endswith(f"[{err.rule}]")
    return err


def test_unknown_key_names_its_path() -> None:
    data = seed_data()
    data["tasks"][3]["scroe"] = 2
    err = schema_error(data)
    assert (err.field, err.rule) == ("tasks[3].scroe", "field.unknown")


def test_unknown_top_level_key() -> None:
    data = seed_data()
    data["summary"] = "not a field"
    err = schema_error(data)
    assert (err.field, err.rule) == ("summary", "field.unknown")


@pytest.mark.parametrize("bad", ["two", 2.5, "3", True, None, [3]])
def test_wrong_type_for_a_score(bad: Any) -> None:
    data = seed_data()
    data["tasks"][3]["score"] = bad
    err = schema_error(data)
    assert (err.field, err.rule) == ("tasks[3].score", "field.type")
    assert repr(bad) in err.message


@pytest.mark.parametrize(
    ("part", "key", "value", "field"),
    [
        ("tasks", 3, 7, "tasks[3].score"),
        ("tasks", 0, 0, "tasks[0].score"),
        ("growth", None, 3, "growth.score"),
        ("evidence", "wage_trends", -3, "evidence.wage_trends.score"),
        ("barriers", "cultural_ethical", 3, "barriers.cultural_ethical.score"),
        ("protective", "embodied_physicality", 4, "protective.embodied_physicality.score"),
    ],
)
def test_out_of_range_score(part: str, key: Any, value: int, field: str) -> None:
    data = seed_data()
    target = data[part] if key is None else data[part][key]
    target["score"] = value
    err = schema_error(data)
    assert (err.field, err.rule) == (field, "field.range")
    assert f"(got {value})" in err.message


@pytest.mark.parametrize("slug", ["../etc/passwd", "a/b", "..", "mlops..engineer", "Upper", ""])
def test_slug_pattern(slug: str) -> None:
    data = seed_data()
    data["slug"] = slug
    err = schema_error(data)
    assert err.field == "slug"
    assert err.rule in ("field.pattern", "field.length")
    if "/" in slug or ".." in slug:
        assert err.rule == "field.pattern"


def test_several_problems_are_one_message_that_counts_the_rest() -> None:
    data = seed_data()
    data["tasks"][3]["score"] = 7
    data["growth"]["score"] = "up"
    err = schema_error(data)
    assert "(and 1 more problems)" in err.message
    assert err.message.count("[") == 1


def test_task_count_rule() -> None:
    data = seed_data()
    data["tasks"] = data["tasks"][:3]
    err = schema_error(data)
    assert (err.field, err.rule) == ("tasks", "tasks.count")


# --- Writing -------------------------------------------------------------------------------------


def test_seed_round_trips_through_dump_model() -> None:
    text = dump_model(SEED_MODEL, "assessment")
    assert parse_model(Assessment, parse_yaml(text, "x.yaml"), "x.yaml") == SEED_MODEL


def test_seed_round_trips_through_a_file(tmp_path: Path) -> None:
    path = tmp_path / "roles" / "mlops-engineer.yaml"
    atomic_write(path, dump_model(SEED_MODEL, "assessment"))
    assert load_model(Assessment, path) == SEED_MODEL
    # Writing what was read gives the same bytes: a no-op edit makes no diff.
    again = dump_model(load_model(Assessment, path), "assessment")
    assert again == path.read_text(encoding="utf-8")


def test_dump_begins_with_the_schema_line() -> None:
    text = dump_model(SEED_MODEL, "assessment")
    first, rest = text.split("\n", 1)
    assert first.startswith(HEADER)
    assert first == f"{HEADER}../schemas/assessment.schema.json"
    # The path is relative to roles/ and drafts/, and names the committed schema.
    target = first.removeprefix(HEADER)
    assert (REPO / "roles" / target).resolve() == REPO / "schemas" / "assessment.schema.json"
    assert (REPO / "schemas" / "assessment.schema.json").is_file()
    assert not rest.startswith("#")


def _assert_model_order(model: BaseModel, loaded: Any, where: str) -> None:
    """Keys in the model's order; fields a model leaves out of its dump when empty (a history
    entry's ``acknowledged``) are absent."""
    assert isinstance(loaded, dict), where
    written = [
        name
        for name, info in type(model).model_fields.items()
        if name in loaded or info.exclude_if is None
    ]
    assert list(loaded) == written, where
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            _assert_model_order(value, loaded[name], f"{where}.{name}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    _assert_model_order(item, loaded[name][i], f"{where}.{name}[{i}]")


def test_dump_keeps_the_model_key_order() -> None:
    data = seed_data()
    # Shuffle the input order: the dump follows the model, not the input.
    data = dict(reversed(list(data.items())))
    data["tasks"] = [dict(reversed(list(t.items()))) for t in data["tasks"]]
    model = Assessment.model_validate(data)
    loaded = yaml.safe_load(dump_model(model, "assessment"))
    _assert_model_order(model, loaded, "(document)")
    assert list(loaded)[:3] == ["rubric", "slug", "title"]


def _scalars(node: yaml.Node) -> list[yaml.ScalarNode]:
    if isinstance(node, yaml.ScalarNode):
        return [node]
    if isinstance(node, yaml.MappingNode):
        return [s for key, value in node.value for s in _scalars(key) + _scalars(value)]
    if isinstance(node, yaml.SequenceNode):
        return [s for item in node.value for s in _scalars(item)]
    return []


def test_long_text_is_written_as_block_scalars() -> None:
    text = dump_model(SEED_MODEL, "assessment")
    node = yaml.compose(text)
    assert node is not None
    scalars = _scalars(node)
    long_ones = [s for s in scalars if len(s.value) > 100]
    assert long_ones, "the seed has long prose"
    for s in long_ones:
        assert s.style == "|", s.value[:40]
    short_ones = [s for s in scalars if len(s.value) < 40 and "\n" not in s.value]
    assert all(s.style != "|" for s in short_ones)
    # A reviewer's diff of one sentence touches one line: prose is not folded.
    assert "  primary_function: |" in text


def test_multiline_text_keeps_its_lines() -> None:
    data = seed_data()
    data["growth"]["rationale"] = "First line.\nSecond line.\n\nAfter a blank line."
    text = dump_model(Assessment.model_validate(data), "assessment")
    assert "  rationale: |" in text
    assert "\n    Second line.\n\n    After a blank line." in text


_RATIONALE_EXAMPLES = [
    "",
    " ",
    "\n",
    "  leading spaces",
    "trailing spaces   ",
    "line one\n  indented line two\n",
    "ends with two newlines\n\n",
    "# looks like a comment",
    "key: value",
    "- looks like a list item",
    "'single' and \"double\" quotes",
    "unicode: żółć 東京 ✓ 🙂",
    "tab\there",
    "null",
    "yes",
    "2026-04-26",
    "{{ aijri }}",
    "x" * 200 + " ",
    " " + "word " * 30,
    "\u2028 line separator",
    "carriage\r\nreturn",
    "control \x07 and \x1b",
]


def _with_rationale(text: str) -> Assessment:
    data = seed_data()
    data["tasks"][0]["rationale"] = text
    data["commentary"]["numbers_dont_capture"][0] = text
    return Assessment.model_validate(data)


def _round_trip(model: Assessment, folder: Path) -> Assessment:
    path = folder / "round-trip.yaml"
    atomic_write(path, dump_model(model, "assessment"))
    return load_model(Assessment, path)


@pytest.mark.parametrize("text", _RATIONALE_EXAMPLES)
def test_tricky_rationale_round_trips(tmp_path: Path, text: str) -> None:
    back = _round_trip(_with_rationale(text), tmp_path)
    assert back.tasks[0].rationale == text
    assert back.commentary.numbers_dont_capture[0] == text


@settings(max_examples=150, deadline=None)
@given(text=st.text())
@example(text="a" * 80 + "\n  b ")
@example(text="\n\nleading newlines")
def test_any_rationale_round_trips(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    folder = tmp_path_factory.mktemp("rt", numbered=True)
    for variant in (text, text + " padding to force a block scalar " * 3):
        back = _round_trip(_with_rationale(variant), folder)
        assert back.tasks[0].rationale == variant
        assert back.commentary.numbers_dont_capture[0] == variant


# --- Atomic writes -------------------------------------------------------------------------------


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_atomic_write_creates_and_replaces_without_leftovers(tmp_path: Path) -> None:
    target = tmp_path / "drafts" / "new.yaml"
    atomic_write(target, "first: 1\n")
    assert target.read_text(encoding="utf-8") == "first: 1\n"
    atomic_write(target, "second: 2\n")
    assert target.read_text(encoding="utf-8") == "second: 2\n"
    assert _listing(target.parent) == ["new.yaml"]


def write_error(target: Path, text: str = "new: content\n" * 1000) -> InputError:
    with pytest.raises(InputError) as info:
        atomic_write(target, text)
    err = info.value
    assert (err.file, err.rule) == (str(target), "file.writable")
    assert err.message.startswith(f"{target}: cannot ")
    return err


def oserror(code: int) -> OSError:
    return OSError(code, os.strerror(code))


def test_atomic_write_keeps_the_old_file_when_fsync_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "role.yaml"
    target.write_text("old: content\n", encoding="utf-8")
    before = _listing(tmp_path)

    def failing_fsync(fd: int) -> None:
        raise oserror(errno.EIO)

    monkeypatch.setattr(os, "fsync", failing_fsync)
    assert write_error(target).detail == "cannot write: Input/output error"
    assert target.read_text(encoding="utf-8") == "old: content\n"
    assert _listing(tmp_path) == before


def test_atomic_write_keeps_the_old_file_when_the_disk_fills_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "role.yaml"
    target.write_text("old: content\n", encoding="utf-8")
    real_write = os.write

    def filling_write(fd: int, data: bytes) -> int:
        """Write the first half, then find the disk full."""
        if len(data) > 1000:
            return real_write(fd, data[: len(data) // 2])
        raise oserror(errno.ENOSPC)

    monkeypatch.setattr(os, "write", filling_write)
    assert write_error(target).detail == "cannot write: No space left on device"
    assert target.read_text(encoding="utf-8") == "old: content\n"
    assert _listing(tmp_path) == ["role.yaml"]


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES, errno.EDQUOT], ids=errno.errorcode.get)
def test_atomic_write_in_a_folder_that_refuses_new_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    target = tmp_path / "role.yaml"
    target.write_text("old: content\n", encoding="utf-8")

    def refusing_mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        raise oserror(code)

    monkeypatch.setattr(tempfile, "mkstemp", refusing_mkstemp)
    assert write_error(target).detail == f"cannot write: {os.strerror(code)}"
    assert target.read_text(encoding="utf-8") == "old: content\n"


def test_atomic_write_where_a_folder_should_be_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "drafts").write_text("not a folder\n", encoding="utf-8")
    err = write_error(tmp_path / "drafts" / "new.yaml")
    assert err.detail == f"cannot create the folder {tmp_path / 'drafts'}: File exists"
    err = write_error(tmp_path / "drafts" / ".runs" / "new.yaml")
    assert (
        err.detail == f"cannot create the folder {tmp_path / 'drafts' / '.runs'}: Not a directory"
    )
    assert _listing(tmp_path) == ["drafts"]


def test_atomic_write_onto_a_folder_leaves_it_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "role.yaml"
    (target / "inside").mkdir(parents=True)
    err = write_error(target)
    assert err.detail in ("cannot write: Is a directory", "cannot write: Directory not empty")
    assert _listing(tmp_path) == ["role.yaml"]
    assert _listing(target) == ["inside"]


def test_atomic_write_interrupted_before_replace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "role.yaml"
    write_yaml(target, {"old": "content"})

    def interrupted(self: Path, other: Any) -> Path:
        raise KeyboardInterrupt

    monkeypatch.setattr(Path, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, "new: content\n")
    assert read_yaml(target) == {"old": "content"}
    assert _listing(tmp_path) == ["role.yaml"]


def test_atomic_write_gives_files_the_usual_mode_not_a_private_one(tmp_path: Path) -> None:
    target = tmp_path / "role.yaml"
    atomic_write(target, "a: 1\n")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask


# --- Symbolic links ------------------------------------------------------------------------------

FILE_LINK = (
    "is a symbolic link; jobzone does not follow links inside a workspace "
    "(replace it with the file itself)"
)


def folder_link(folder: Path) -> str:
    return (
        f"folder {folder} is a symbolic link; jobzone does not follow links inside a workspace "
        "(replace it with the folder itself)"
    )


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """A workspace root, resolved as jobzone resolves it, with a ``roles/`` folder; and beside it
    (in ``elsewhere/``) a file and a folder that links could point at."""
    root = (tmp_path / "ws").resolve()
    (root / "roles").mkdir(parents=True)
    (tmp_path / "elsewhere" / "roles").mkdir(parents=True)
    write_yaml(tmp_path / "elsewhere" / "secret.yaml", {"secret": 1})
    write_yaml(tmp_path / "elsewhere" / "roles" / "x.yaml", {"elsewhere": 1})
    return root


def link_error(call: Any, *args: Any, **kwargs: Any) -> InputError:
    with pytest.raises(InputError) as info:
        call(*args, **kwargs)
    assert info.value.rule == "file.symlink"
    return info.value


def test_reading_refuses_a_linked_file_inside_a_workspace(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    link = ws / "roles" / "x.yaml"
    link.symlink_to(ws.parent / "elsewhere" / "secret.yaml")
    assert read_yaml(link) == {"secret": 1}  # without a workspace, as before
    err = link_error(read_yaml, link, inside=ws)
    assert (err.file, err.detail) == (str(link), FILE_LINK)
    err = link_error(load_model, Assessment, link, inside=ws)
    assert (err.file, err.detail) == (str(link), FILE_LINK)
    monkeypatch.chdir(ws)
    err = link_error(read_yaml, Path("roles/x.yaml"), inside=ws)
    assert (err.file, err.detail) == ("roles/x.yaml", FILE_LINK)


def test_reading_refuses_a_dangling_link_as_a_link(ws: Path) -> None:
    link = ws / "roles" / "x.yaml"
    link.symlink_to(ws / "roles" / "gone.yaml")
    assert link_error(read_yaml, link, inside=ws).detail == FILE_LINK


def test_reading_refuses_a_path_through_a_linked_folder(ws: Path) -> None:
    (ws / "roles").rmdir()
    (ws / "roles").symlink_to(ws.parent / "elsewhere" / "roles")
    path = ws / "roles" / "x.yaml"
    assert read_yaml(path) == {"elsewhere": 1}
    err = link_error(read_yaml, path, inside=ws)
    assert (err.file, err.detail) == (str(path), folder_link(ws / "roles"))


def test_reading_opens_the_file_without_following_a_link(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A link made between the check and the open is still not followed.
    link = ws / "roles" / "x.yaml"
    link.symlink_to(ws.parent / "elsewhere" / "secret.yaml")
    monkeypatch.setattr(documents, "refuse_links", lambda path, inside: None)
    assert link_error(read_yaml, link, inside=ws).detail == FILE_LINK


@pytest.mark.parametrize("where", ["../elsewhere/secret.yaml", "roles/../../elsewhere/secret.yaml"])
def test_paths_outside_the_workspace_are_refused(ws: Path, where: str) -> None:
    path = ws / where
    for call, args in ((read_yaml, (path,)), (atomic_write, (path, "a: 2\n"))):
        err = link_error(call, *args, inside=ws)
        assert (err.file, err.detail) == (
            str(path),
            f"is outside the workspace {ws}; jobzone reads and writes only inside it",
        )
    assert read_yaml(ws.parent / "elsewhere" / "secret.yaml") == {"secret": 1}


def test_writing_refuses_to_replace_a_link_inside_a_workspace(ws: Path) -> None:
    secret = ws.parent / "elsewhere" / "secret.yaml"
    link = ws / "roles" / "x.yaml"
    link.symlink_to(secret)
    err = link_error(atomic_write, link, "a: 2\n", inside=ws)
    assert (err.file, err.detail) == (str(link), FILE_LINK)
    assert link.is_symlink()
    assert read_yaml(secret) == {"secret": 1}
    assert _listing(ws / "roles") == ["x.yaml"]


def test_writing_refuses_a_path_through_a_linked_folder(ws: Path) -> None:
    (ws / "drafts").symlink_to(ws.parent / "elsewhere")
    path = ws / "drafts" / ".runs" / "new.yaml"
    err = link_error(atomic_write, path, "a: 2\n", inside=ws)
    assert (err.file, err.detail) == (str(path), folder_link(ws / "drafts"))
    assert _listing(ws.parent / "elsewhere") == ["roles", "secret.yaml"]


def test_writing_inside_a_workspace_creates_missing_folders(ws: Path) -> None:
    path = ws / "drafts" / ".runs" / "r1" / "request.json"
    atomic_write(path, "{}\n", inside=ws)
    assert path.read_text(encoding="utf-8") == "{}\n"
    assert not (ws / "drafts").is_symlink()


def test_writing_without_a_workspace_replaces_a_link_not_its_target(tmp_path: Path) -> None:
    target = write_yaml(tmp_path / "target.yaml", {"old": 1})
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    atomic_write(link, "new: 2\n")
    assert not link.is_symlink()
    assert read_yaml(link) == {"new": 2}
    assert read_yaml(target) == {"old": 1}


def test_refuse_links_checks_each_existing_part_only(ws: Path) -> None:
    refuse_links(ws, ws)
    refuse_links(ws / "roles" / "x.yaml", ws)
    refuse_links(ws / "drafts" / ".edits" / "x.yaml", ws)  # none of it exists yet
    (ws / "drafts").symlink_to(ws / "roles", target_is_directory=True)
    err = link_error(refuse_links, ws / "drafts" / ".lock", ws)
    assert (err.file, err.detail) == (str(ws / "drafts" / ".lock"), folder_link(ws / "drafts"))
    assert link_error(refuse_links, ws / "drafts", ws).detail == FILE_LINK


def test_the_frozen_example_is_the_repository_roles_first_version() -> None:
    """The tests' example role is roles/mlops-engineer.yaml as it was approved at version 1:
    the first history entry of the repository's role records that content."""
    frozen = Assessment.model_validate(yaml.safe_load(EXAMPLE_PATH.read_text(encoding="utf-8")))
    live = Assessment.model_validate(
        yaml.safe_load((REPO / "roles" / "mlops-engineer.yaml").read_text(encoding="utf-8"))
    )
    assert frozen.version == 1
    assert live.history[0].content_sha256 == content_hash(frozen.content())
