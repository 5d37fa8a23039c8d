"""Bad input at the command line: one clear message, exit code 2, and nothing written.

Every case of the issue's list goes through ``jobzone score``, ``jobzone render`` and
``jobzone score --json``. The message must name the file, the field (when there is one) and the
rule; the workspace must be byte-for-byte and mtime-for-mtime as it was. ``jobzone validate`` is
the exception for schema problems: those are findings (exit 1), while a file that is not a
document at all (malformed, empty, missing, oversized) is still an input error (exit 2).
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result

from jobzone.workspace import CACHE_DIR

from .conftest import EXAMPLE_PATH, RunCli, write_yaml

_SEED: dict[str, Any] = yaml.safe_load(EXAMPLE_PATH.read_text(encoding="utf-8"))
EXIT_FINDINGS = 1
EXIT_INPUT = 2
PREFIX = "jobzone: error: "


def seed_data() -> dict[str, Any]:
    return copy.deepcopy(_SEED)


# --- The cases ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One bad input: how to make it, and the field and rule its error must name."""

    id: str
    make: Callable[[Path], None]
    field: str | None
    rule: str
    #: True when ``jobzone validate`` reports it as a finding (exit 1) rather than exit 2.
    finding: bool
    #: The path of that finding, when it differs from ``field``.
    finding_path: str | None = None
    #: Text the one message must also contain.
    detail: str | None = None


def _edited(edit: Callable[[dict[str, Any]], None]) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        data = seed_data()
        edit(data)
        write_yaml(path, data)

    return make


def _set_task_score(value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        data["tasks"][3]["score"] = value

    return edit


def _unknown_key(data: dict[str, Any]) -> None:
    data["tasks"][3]["scroe"] = 2


def _time_sum(data: dict[str, Any]) -> None:
    data["tasks"][0]["time_pct"] += 5


def _set_slug(value: str) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        data["slug"] = value

    return edit


_BAD_TITLE = "title: MLOps: Engineer\n"


def _malformed(path: Path) -> None:
    lines = EXAMPLE_PATH.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[_title_line()] = _BAD_TITLE
    path.write_text("".join(lines), encoding="utf-8")


def _title_line() -> int:
    lines = EXAMPLE_PATH.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines) if line.startswith("title:"))


def _empty(path: Path) -> None:
    path.write_text("", encoding="utf-8")


def _oversized(path: Path) -> None:
    # Otherwise a valid assessment: a 10 MB comment is its only problem.
    text = EXAMPLE_PATH.read_text(encoding="utf-8")
    path.write_text(text + "# " + "x" * (10 * 1024 * 1024) + "\n", encoding="utf-8")


def _missing(path: Path) -> None:
    pass


_MALFORMED_COLUMN = _BAD_TITLE.index(": ", len("title: ")) + 1

CASES = [
    Case(
        "malformed-yaml",
        _malformed,
        None,
        "yaml.syntax",
        finding=False,
        detail=f"line {_title_line() + 1}, column {_MALFORMED_COLUMN}",
    ),
    Case("unknown-key", _edited(_unknown_key), "tasks[3].scroe", "field.unknown", finding=True),
    Case("score-word", _edited(_set_task_score("two")), "tasks[3].score", "field.type", True),
    Case("score-fraction", _edited(_set_task_score(2.5)), "tasks[3].score", "field.type", True),
    Case("score-range", _edited(_set_task_score(7)), "tasks[3].score", "field.range", True),
    Case(
        "time-sum",
        _edited(_time_sum),
        "tasks[].time_pct",
        "tasks.time-sum",
        finding=True,
        finding_path="tasks",
        detail="105",
    ),
    Case("slug-dotdot", _edited(_set_slug("../escape")), "slug", "field.pattern", True),
    Case("slug-slash", _edited(_set_slug("roles/other")), "slug", "field.pattern", True),
    Case("missing-file", _missing, None, "file.exists", finding=False),
    Case("empty-file", _empty, None, "file.empty", finding=False),
    Case("ten-megabytes", _oversized, None, "file.size", finding=False),
]

COMMANDS: dict[str, tuple[str, ...]] = {
    "score": ("score",),
    "score-json": ("score", "--json"),
    "render": ("render",),
    "render-html-to-file": ("render", "--format", "html", "--output", "out/page.html"),
}


def _params() -> list[Any]:
    return [
        pytest.param(case, command, id=f"{case.id}-{name}")
        for case in CASES
        for name, command in COMMANDS.items()
    ]


# --- Helpers -------------------------------------------------------------------------------------


Snapshot = dict[str, tuple[bool, int, int]]


def snapshot(root: Path) -> Snapshot:
    """Every path under ``root`` with (is a folder, size, mtime in ns), but for the cache folder
    (what jobzone may rebuild at any time, like the role cache: no record)."""
    out: Snapshot = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [name for name in dirs if name != CACHE_DIR]
        for name in dirs + files:
            path = Path(folder) / name
            st = path.stat()
            out[str(path.relative_to(root))] = (path.is_dir(), st.st_size, st.st_mtime_ns)
    return out


def one_error_line(result: Result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(PREFIX), lines[0]
    return lines[0]


def assert_names(message: str, file: str | None, case: Case) -> None:
    if file is not None:
        assert file in message
    if case.field is not None:
        assert case.field in message
    assert f"[{case.rule}]" in message
    if case.detail is not None:
        assert case.detail in message


def prepare(workspace: Path, case: Case) -> str:
    target = f"drafts/{case.id}.yaml"
    case.make(workspace / target)
    return target


# --- score, render, score --json -----------------------------------------------------------------


@pytest.mark.parametrize(("case", "command"), _params())
def test_bad_input_is_one_clear_error_and_writes_nothing(
    run_cli: RunCli, workspace: Path, case: Case, command: tuple[str, ...]
) -> None:
    target = prepare(workspace, case)
    before = snapshot(workspace)
    result = run_cli(*command, target)
    assert result.exit_code == EXIT_INPUT, result.output
    line = one_error_line(result)
    assert_names(line, target, case)
    if "--json" in command:
        error = json.loads(result.stdout)
        assert error["file"] == target
        assert error["field"] == case.field
        assert error["rule"] == case.rule
        assert error["error"] in ("InputError", "NotFoundError")
        assert isinstance(error["message"], str) and error["message"]
    else:
        assert result.stdout == ""
    assert snapshot(workspace) == before
    assert not (workspace / "out").exists()


# --- validate -------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", [c for c in CASES if not c.finding], ids=lambda c: c.id)
@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_validate_refuses_what_is_not_a_document(
    run_cli: RunCli, workspace: Path, case: Case, as_json: bool
) -> None:
    target = prepare(workspace, case)
    before = snapshot(workspace)
    result = run_cli("validate", target, *(["--json"] if as_json else []))
    assert result.exit_code == EXIT_INPUT, result.output
    assert_names(one_error_line(result), target, case)
    if as_json:
        error = json.loads(result.stdout)
        assert (error["file"], error["rule"]) == (target, case.rule)
    assert snapshot(workspace) == before


@pytest.mark.parametrize("case", [c for c in CASES if c.finding], ids=lambda c: c.id)
def test_validate_reports_schema_problems_as_findings(
    run_cli: RunCli, workspace: Path, case: Case
) -> None:
    target = prepare(workspace, case)
    before = snapshot(workspace)
    path = case.finding_path or case.field

    result = run_cli("validate", target, "--json")
    assert result.exit_code == EXIT_FINDINGS, result.output
    report = json.loads(result.stdout)
    assert {"code": case.rule, "path": path} in [
        {"code": e["code"], "path": e["path"]} for e in report["errors"]
    ]

    result = run_cli("validate", target)
    assert result.exit_code == EXIT_FINDINGS, result.output
    assert any(case.rule in line and f"{path}:" in line for line in result.stdout.splitlines())
    assert f"{target}: " in result.stdout
    assert snapshot(workspace) == before


# --- A slug given on the command line -------------------------------------------------------------


@pytest.mark.parametrize("slug", ["mlops..engineer", "MLOps-Engineer", "mlops-", "a" * 81])
@pytest.mark.parametrize("command", ["score", "render"])
def test_bad_slug_argument(run_cli: RunCli, workspace: Path, slug: str, command: str) -> None:
    before = snapshot(workspace)
    result = run_cli(command, slug)
    assert result.exit_code == EXIT_INPUT, result.output
    line = one_error_line(result)
    assert "slug" in line
    assert "[slug.format]" in line
    assert result.stdout == ""
    assert snapshot(workspace) == before


def test_bad_slug_argument_json(run_cli: RunCli) -> None:
    result = run_cli("score", "mlops..engineer", "--json")
    assert result.exit_code == EXIT_INPUT
    error = json.loads(result.stdout)
    assert (error["field"], error["rule"]) == ("slug", "slug.format")


@pytest.mark.parametrize("target", ["../mlops-engineer", "roles/../../outside", "roles/nope"])
@pytest.mark.parametrize("command", ["score", "render"])
def test_slug_with_a_slash_is_a_path_that_must_exist(
    run_cli: RunCli, workspace: Path, target: str, command: str
) -> None:
    before = snapshot(workspace)
    result = run_cli(command, target)
    assert result.exit_code == EXIT_INPUT, result.output
    line = one_error_line(result)
    assert target in line
    assert "[file.exists]" in line
    assert snapshot(workspace) == before


@pytest.mark.parametrize("command", ["score", "render"])
def test_dotdot_alone_is_not_a_document(run_cli: RunCli, workspace: Path, command: str) -> None:
    before = snapshot(workspace)
    result = run_cli(command, "..")
    assert result.exit_code == EXIT_INPUT, result.output
    assert "[file.regular]" in one_error_line(result)
    assert snapshot(workspace) == before


def test_unknown_slug_names_the_role_file(run_cli: RunCli, workspace: Path) -> None:
    result = run_cli("score", "no-such-role")
    assert result.exit_code == EXIT_INPUT
    line = one_error_line(result)
    assert str(workspace / "roles" / "no-such-role.yaml") in line
    assert "no canonical role 'no-such-role' and no draft by that name" in line
    assert "[target.exists]" in line


def test_a_good_file_next_to_bad_ones_still_scores(run_cli: RunCli, workspace: Path) -> None:
    # The refusals above are about the file given, not the workspace around it.
    for case in CASES:
        prepare(workspace, case)
    result = run_cli("score", "roles/mlops-engineer.yaml", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["aijri"] == 42.6


def test_a_quoted_date_is_the_date_it_spells(run_cli: RunCli, workspace: Path) -> None:
    """Issue 9, point 7: editors quote dates; YAML then reads text, which is still a date."""
    role = workspace / "roles" / "mlops-engineer.yaml"
    text = role.read_text("utf-8").replace("assessed_on: 2026-04-26", "assessed_on: '2026-04-26'")
    role.write_text(text, encoding="utf-8")

    assert run_cli("score", "mlops-engineer").exit_code == 0
    bad = text.replace("assessed_on: '2026-04-26'", "assessed_on: '2026-04-31'")
    role.write_text(bad, encoding="utf-8")
    refused = run_cli("score", "mlops-engineer")
    assert refused.exit_code == 2 and "assessed_on" in refused.stderr
