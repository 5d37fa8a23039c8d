"""``jobzone show`` and ``jobzone diff``: findings beside their fields, provenance, changes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jobzone.drafts import Kind

from .conftest import RunCli
from .factories import (
    COST_USD,
    MODEL,
    hermetic_env,
    make_draft,
    old_source,
    retitle_first_task,
    tasks_sum_95_and_duplicate,
    tree,
    write_draft,
)

hermetic = pytest.fixture(autouse=True)(hermetic_env)


def note_at(lines: list[str], code: str) -> int:
    [index] = [i for i, line in enumerate(lines) if "# !!" in line and code in line]
    return index


def test_each_finding_sits_directly_above_its_field(workspace: Path, run_cli: RunCli) -> None:
    make_draft(workspace, "bad", change=tasks_sum_95_and_duplicate)

    result = run_cli("show", "bad")

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    # The sum is a finding about the task list as a whole: above `tasks:`.
    at = note_at(lines, "tasks.time-sum")
    assert lines[at].startswith("# !! error tasks.time-sum (tasks): ")
    assert "sum to 95" in lines[at]
    assert lines[at + 1] == "tasks:"
    # The duplicate is about the second task's name: above that task's `- name:` line.
    at = note_at(lines, "tasks.duplicate-name")
    assert "(tasks[1].name)" in lines[at]
    assert lines[at + 1] == "- name: ML pipeline design & architecture"
    names_before = [line for line in lines[:at] if line.startswith("- name:")]
    assert len(names_before) == 1  # so the line below is the second task
    assert "score - (not scorable yet); 2 errors, 0 warnings" in result.stdout


def test_a_nested_field_finding_keeps_the_fields_indent(workspace: Path, run_cli: RunCli) -> None:
    make_draft(workspace, "warned", change=old_source)

    lines = run_cli("show", "warned").stdout.splitlines()

    at = note_at(lines, "evidence.stale-source")
    assert lines[at].startswith(
        "      # !! warning evidence.stale-source (evidence.job_posting_trends.sources[0].date): "
    )
    assert lines[at + 1] == "      date: 2019-01-08"
    assert "- title: LinkedIn Jobs on the Rise" in "\n".join(lines[at - 2 : at])
    assert lines.index("  job_posting_trends:") < at < lines.index("  company_actions:")


def test_show_gives_provenance_history_and_the_changes_of_a_revision(
    workspace: Path, run_cli: RunCli
) -> None:
    make_draft(workspace, "rev-1", change=retitle_first_task)

    out = run_cli("show", "rev-1").stdout

    assert out.startswith("draft rev-1: MLOps Engineer\n")
    assert "kind revision of mlops-engineer; status pending; revision 1" in out
    assert "score 42.6 Yellow (Urgent); 0 errors, 0 warnings" in out
    assert not [line for line in out.splitlines() if line.lstrip().startswith("# !!")]
    provenance = out.split("== provenance ==\n", 1)[1]
    assert f"model      {MODEL} at api.example.test" in provenance
    assert "calls      2 (1 failed or rejected attempt), 0 repairs" in provenance
    assert f"cost ${COST_USD:.4f}" in provenance
    assert "drafted                drafting bot" in out.split("== history ==", 1)[1]
    changes = out.split("== changes against the canonical version ==\n", 1)[1]
    assert "-- name: ML pipeline design & architecture\n" in changes
    assert "+- name: ML pipeline design and architecture\n" in changes


@pytest.mark.parametrize(
    ("temperature", "mode", "shown"),
    [
        (None, None, "(temperature the server default)"),
        (0.2, "json_object", "(temperature 0.2; json_object structured output)"),
    ],
)
def test_provenance_words_the_temperature_and_the_structured_output_mode(
    workspace: Path, run_cli: RunCli, temperature: float | None, mode: str | None, shown: str
) -> None:
    draft = make_draft(workspace, "rev-1", save=False)
    draft.provenance.temperature = temperature
    draft.provenance.structured_output = mode
    write_draft(workspace, draft)

    model_line = run_cli("show", "rev-1").stdout.split("== provenance ==\n", 1)[1].splitlines()[0]

    assert model_line == f"model      {MODEL} at api.example.test {shown}"
    assert "None" not in model_line


def test_show_json_has_the_draft_and_its_changes(workspace: Path, run_cli: RunCli) -> None:
    make_draft(workspace, "rev-1", change=old_source)

    data = json.loads(run_cli("show", "rev-1", "--json").stdout)

    assert data["id"] == "rev-1"
    assert [w["path"] for w in data["findings"]["warnings"]] == [
        "evidence.job_posting_trends.sources[0].date"
    ]
    assert data["provenance"]["cost_usd"] == COST_USD
    assert "+      date: '2019-01-08'" in data["changes"]["unified"]


def test_a_new_role_has_no_changes_section(workspace: Path, run_cli: RunCli) -> None:
    make_draft(workspace, "new-1", kind=Kind.new)

    out = run_cli("show", "new-1").stdout

    assert "kind new; status pending" in out
    assert "== changes" not in out


def test_diff_shows_only_the_changed_lines(workspace: Path, run_cli: RunCli) -> None:
    make_draft(workspace, "rev-1", change=retitle_first_task)

    result = run_cli("diff", "rev-1")

    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "--- roles/mlops-engineer.yaml (v1)"
    assert lines[1] == "+++ draft rev-1"
    changed = [
        line for line in lines[2:] if line[:1] in "+-" and not line.startswith(("---", "+++"))
    ]
    assert changed == [
        "-- name: ML pipeline design & architecture",
        "+- name: ML pipeline design and architecture",
    ]
    assert "provenance" not in result.stdout


def test_diff_of_an_unchanged_revision_says_so(workspace: Path, run_cli: RunCli) -> None:
    make_draft(workspace, "same")

    result = run_cli("diff", "same")

    assert (result.exit_code, result.stdout) == (0, "no changes against the canonical version\n")


def test_diff_refuses_a_new_role(workspace: Path, run_cli: RunCli) -> None:
    make_draft(workspace, "new-1", kind=Kind.new)

    result = run_cli("diff", "new-1")

    assert result.exit_code == 2
    assert "is a new role; there is nothing to compare it with" in result.stderr
    assert result.stdout == ""


# -- ids and slugs never leave the workspace ------------------------------------------------------

BAD_NAMES = ["../x", "../../etc", "x/../y", "/etc/passwd", "UPPER", "a_b", "-x", "x-", "a..b"]
COMMANDS = [
    ["show"],
    ["diff"],
    ["history"],
    ["approve", "--reviewer", "alice"],
    ["reject", "--reviewer", "alice", "--reason", "r"],
    ["request-changes", "--reviewer", "alice", "--note", "n"],
    ["edit", "--reviewer", "alice"],
]


@pytest.fixture
def nested(tmp_path: Path) -> Path:
    """A workspace two levels below tmp_path, with valid draft files planted where a path
    traversal would find them: ``<ws>/x.yaml``, ``<outer>/etc.yaml`` and ``<ws>/drafts/y.yaml``."""
    outer = tmp_path / "outer"
    ws = outer / "ws"
    (ws / "roles").mkdir(parents=True)
    (ws / "drafts").mkdir()
    seed = Path(__file__).resolve().parent / "data" / "example" / "mlops-engineer.yaml"
    (ws / "roles" / "mlops-engineer.yaml").write_bytes(seed.read_bytes())
    make_draft(ws, "x", change=retitle_first_task)
    text = (ws / "drafts" / "x.yaml").read_bytes()
    (ws / "x.yaml").write_bytes(text)
    (outer / "etc.yaml").write_bytes(text)
    (ws / "drafts" / "y.yaml").write_bytes(text)
    return ws


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_bad_ids_are_refused_and_touch_nothing(
    nested: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    monkeypatch.setenv("EDITOR", "false")
    outer = nested.parent
    before = tree(outer.parent)

    for name in BAD_NAMES:
        result = run_cli("--workspace", str(nested), *command, "--", name)
        assert result.exit_code == 2, (command, name, result.output)
        assert "is not a valid" in result.stderr, (command, name)
        assert result.stdout == ""

    assert tree(outer.parent) == before


def _senior(assessment: dict[str, Any]) -> None:
    assessment["role"]["seniority"] = "Senior"


def _rename_third_task(assessment: dict[str, Any]) -> None:
    assessment["tasks"][2]["name"] = "Model monitoring and retraining"


def test_a_superseded_base_is_diffed_as_it_was_and_flagged(
    workspace: Path, run_cli: RunCli
) -> None:
    make_draft(workspace, "from-v1", change=_senior)
    make_draft(workspace, "rev-a", change=retitle_first_task)
    assert run_cli("approve", "rev-a", "--reviewer", "alice").exit_code == 0  # v2
    # The factory starts from the seed, so drafts "of v2" repeat rev-a's change.
    make_draft(workspace, "from-v2", change=lambda a: (retitle_first_task(a), _senior(a)))
    make_draft(workspace, "rev-c", change=lambda a: (retitle_first_task(a), _rename_third_task(a)))
    assert run_cli("approve", "rev-c", "--reviewer", "alice").exit_code == 0  # v3

    found = run_cli("diff", "from-v2").stdout.splitlines()

    assert found[0] == (
        "note: this draft is based on v2 of mlops-engineer, which is no longer current "
        "(now v3); rebase it (`jobzone rebase from-v2`) before approving"
    )
    assert found[1] == "--- roles/mlops-engineer.yaml (v2)"
    changed = [line for line in found[3:] if line[:1] in "+-"]
    assert changed == ["-  seniority: Mid-level", "+  seniority: Senior"]

    older = run_cli("diff", "from-v1").stdout.splitlines()
    assert older[0].startswith("note: this draft is based on v1 of mlops-engineer")
    assert older[1] == "--- roles/mlops-engineer.yaml (v1)"
    assert [line for line in older[3:] if line[:1] in "+-"] == changed
    assert (
        "== changes against the canonical version ==\nnote: " in run_cli("show", "from-v2").stdout
    )


def test_a_base_that_cannot_be_found_is_flagged(workspace: Path, run_cli: RunCli) -> None:
    make_draft(workspace, "rev-1", change=_senior)
    role_file = workspace / "roles" / "mlops-engineer.yaml"
    role_file.write_text(role_file.read_text("utf-8") + "# hand edit\n", encoding="utf-8")

    found = run_cli("diff", "rev-1").stdout.splitlines()

    assert found[0] == (
        "note: the version of mlops-engineer this draft is based on is no longer current and "
        "is not among the kept versions; the changes shown are against the current v1"
    )
    assert found[1] == "--- roles/mlops-engineer.yaml (v1)"
