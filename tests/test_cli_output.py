"""What the commands print: drafts previewed like roles (defect 14) and the output details of
defect 22 (JSON for usage errors and diff, score's modifiers and distances, one word for
unreadable files, counts in words, the queue's header and partial approvals, commentary side by
side)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jobzone.review.showing import SectionChange, side_by_side

from .conftest import RunCli
from .factories import (
    hermetic_env,
    make_draft,
    old_source,
    retitle_first_task,
    tasks_sum_95_and_duplicate,
)

hermetic = pytest.fixture(autouse=True)(hermetic_env)


# -- a draft previewed as it would be published (defect 14) --------------------------------------


@pytest.mark.parametrize("name", ["rev-1", "rev", "drafts/rev-1.yaml"])
def test_render_takes_a_draft_by_id_prefix_or_file(
    workspace: Path, run_cli: RunCli, name: str
) -> None:
    make_draft(workspace, "rev-1", change=retitle_first_task)

    result = run_cli("render", name)

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# MLOps Engineer\n")
    assert "ML pipeline design and architecture" in result.stdout  # the draft's, not the role's


def test_validate_takes_a_draft_and_names_it(workspace: Path, run_cli: RunCli) -> None:
    make_draft(workspace, "bad", change=tasks_sum_95_and_duplicate)

    result = run_cli("validate", "bad")

    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "draft bad: 2 errors, 0 warnings"
    assert "tasks.time-sum" in result.stdout


def test_render_of_an_unscorable_draft_is_an_input_error(workspace: Path, run_cli: RunCli) -> None:
    make_draft(workspace, "bad", change=tasks_sum_95_and_duplicate)

    result = run_cli("render", "bad")

    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert "draft bad" in line and "[tasks.time-sum]" in line


def test_score_takes_a_draft(workspace: Path, run_cli: RunCli) -> None:
    make_draft(workspace, "rev-1", change=retitle_first_task)
    assert json.loads(run_cli("score", "rev-1", "--json").stdout)["aijri"] == 42.6


# -- output details (defect 22) -------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["queue", "--status", "nonsense", "--json"],
        ["approve", "--json"],
        ["score", "--no-such-option", "--json"],
        ["no-such-command", "--json"],
    ],
    ids=["bad-choice", "missing-argument", "unknown-option", "unknown-command"],
)
def test_usage_errors_honour_json(run_cli: RunCli, args: list[str]) -> None:
    result = run_cli(*args)

    assert result.exit_code == 2
    error = json.loads(result.stdout)
    assert error["error"] == "UsageError" and error["message"]
    assert "Usage:" in result.stderr  # and the person still gets click's own help


def test_diff_has_json(workspace: Path, run_cli: RunCli) -> None:
    make_draft(workspace, "rev-1", change=retitle_first_task)

    result = run_cli("diff", "rev-1", "--json")

    assert result.exit_code == 0, result.output
    diff = json.loads(result.stdout)
    assert (diff["id"], diff["kind"], diff["note"]) == ("rev-1", "revision", None)
    assert "+- name: ML pipeline design and architecture" in diff["unified"]


def test_score_text_shows_the_modifiers_and_the_distances(run_cli: RunCli) -> None:
    out = run_cli("score", "mlops-engineer").stdout

    assert "modifiers       evidence 1.20   barrier 1.02   growth 1.05" in out
    assert "distance        to Green 5.4   to Yellow 17.6 points" in out


def test_one_word_for_unreadable_files_in_every_json_output(
    workspace: Path, run_cli: RunCli
) -> None:
    (workspace / "roles" / "broken.yaml").write_text("slug: [\n", encoding="utf-8")
    (workspace / "drafts" / "broken.yaml").write_text("id: [\n", encoding="utf-8")

    for command in ("roles", "check", "queue"):
        output = json.loads(run_cli(command, "--json").stdout)
        assert "broken" not in output, command
        [problem] = output["unreadable"]
        assert problem["file"].endswith("broken.yaml"), command


def test_counts_are_said_in_words(workspace: Path, run_cli: RunCli) -> None:
    make_draft(workspace, "warned", change=lambda a: (old_source(a), retitle_first_task(a)))

    assert run_cli("queue").stderr == "1 draft\n"
    assert "1 role checked" in run_cli("check").stdout
    assert "0 errors, 1 warning" in run_cli("validate", "warned").stdout


def test_the_queue_has_a_header_and_shows_partial_approvals(
    workspace: Path, run_cli: RunCli
) -> None:
    (workspace / "jobzone.yaml").write_text("approvals_required: 2\n", encoding="utf-8")
    make_draft(workspace, "rev-1", change=retitle_first_task)
    assert run_cli("approve", "rev-1", "--reviewer", "alice").exit_code == 0

    header, row = run_cli("queue").stdout.splitlines()

    assert header.split()[:6] == ["ID", "STATUS", "KIND", "AIJRI", "ZONE", "FINDINGS"]
    assert row.split()[:3] == ["rev-1", "pending", "1/2"]
    assert json.loads(run_cli("queue", "--json").stdout)["drafts"][0]["required"] == 2


def test_the_commentary_side_by_side_never_breaks_a_reference_across_lines() -> None:
    long = "Compared with {{ role:an-unknown-role-with-a-long-slug.sub_label }} " * 3
    change = SectionChange("outlook", "short", long)

    text = side_by_side((change,), "before", "after")

    right = [line.split(" | ", 1)[1] for line in text.splitlines()[2:]]
    for line in right:
        assert line.count("{{") == line.count("}}"), line
