"""``jobzone runs``: every run a workspace keeps is listed with how to continue it, and the
ones that queued nothing can be pruned once idle (issue 9, point 7)."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from jobzone.drafting.model import Call
from jobzone.errors import ModelCallError
from jobzone.workflow.run_folders import PRUNED_LOG, list_runs
from jobzone.workspace import Workspace

from .conftest import RunCli
from .models import ScriptedModel

TITLE = "Site Reliability Engineer"
CHATTER = "Tell me a joke about the weather"


def fails_at_tasks(call: Call) -> None:
    if call.stage.name == "tasks":
        raise ModelCallError("the endpoint answered HTTP 503: overloaded.", stage="tasks")


def runs_dir(workspace: Path) -> Path:
    return workspace / "drafts" / ".runs"


def age_run(workspace: Path, run_id: str, days: float) -> None:
    """Make every file of a run look ``days`` old."""
    when = (dt.datetime.now(dt.UTC) - dt.timedelta(days=days)).timestamp()
    folder = runs_dir(workspace) / run_id
    for root, _dirs, files in os.walk(folder):
        for name in files:
            os.utime(Path(root) / name, (when, when))
    os.utime(folder, (when, when))


@pytest.fixture
def three_runs(workspace: Path, run_cli: RunCli) -> dict[str, str]:
    """A queued run, a stopped one and one refused as no job title: their ids by state."""
    assert run_cli("draft", TITLE, model=ScriptedModel()).exit_code == 0
    assert run_cli("draft", TITLE, model=ScriptedModel(before=fails_at_tasks)).exit_code == 1
    assert run_cli("draft", CHATTER, model=ScriptedModel()).exit_code == 2
    listed = json.loads(run_cli("runs", "--json").stdout)["runs"]
    return {r["state"]: r["id"] for r in listed}


def test_runs_lists_each_run_with_its_state_cost_and_next_step(
    run_cli: RunCli, three_runs: dict[str, str]
) -> None:
    assert sorted(three_runs) == ["not-a-title", "queued", "stopped"]
    result = run_cli("runs", "--json")
    assert result.exit_code == 0
    runs = {r["state"]: r for r in json.loads(result.stdout)["runs"]}
    stopped = runs["stopped"]
    assert stopped["reason"] == "tasks stage: the endpoint answered HTTP 503: overloaded"
    assert stopped["resume"] == f"jobzone draft --resume {stopped['id']}"
    assert stopped["calls"] == 2  # the role's answer, and the profile's beside the failed tasks
    assert stopped["prompt_tokens"] > 0
    assert runs["queued"]["resume"] is None
    assert runs["not-a-title"]["resume"] is None
    assert "instruction" in runs["not-a-title"]["reason"]

    text = run_cli("runs")
    assert text.exit_code == 0
    assert f"continue with `jobzone draft --resume {stopped['id']}`" in text.stdout
    assert "3 runs, 1 stopped" in text.stderr


def test_a_stopped_run_listed_is_one_that_continues(
    run_cli: RunCli, three_runs: dict[str, str]
) -> None:
    resumed = run_cli("draft", "--resume", three_runs["stopped"], model=ScriptedModel())
    assert resumed.exit_code == 0, resumed.output
    states = sorted(r["state"] for r in json.loads(run_cli("runs", "--json").stdout)["runs"])
    assert states == ["not-a-title", "queued", "queued"]


def test_prune_removes_only_idle_runs_that_queued_nothing_and_logs_them(
    workspace: Path, run_cli: RunCli, three_runs: dict[str, str]
) -> None:
    for run_id in three_runs.values():
        age_run(workspace, run_id, 20)

    result = run_cli("runs", "--prune", "--yes", "--reviewer", "Ada", "--json")

    assert result.exit_code == 0, result.output
    pruned = sorted(r["state"] for r in json.loads(result.stdout)["pruned"])
    assert pruned == ["not-a-title", "stopped"]
    assert sorted(p.name for p in runs_dir(workspace).iterdir()) == sorted(
        [three_runs["queued"], PRUNED_LOG]
    )
    log = [json.loads(line) for line in (runs_dir(workspace) / PRUNED_LOG).read_text().splitlines()]
    assert sorted(entry["id"] for entry in log) == sorted(
        [three_runs["stopped"], three_runs["not-a-title"]]
    )
    assert {entry["pruned_by"] for entry in log} == {"Ada"}


def test_prune_leaves_runs_idle_for_less_than_the_age(
    workspace: Path, run_cli: RunCli, three_runs: dict[str, str]
) -> None:
    age_run(workspace, three_runs["stopped"], 3)
    age_run(workspace, three_runs["not-a-title"], 10)

    result = run_cli("runs", "--prune", "--older-than", "5", "--yes", "--reviewer", "Ada")

    assert result.exit_code == 0, result.output
    left = {r.state for r in list_runs(Workspace(workspace)).runs}
    assert left == {"queued", "stopped"}


def test_prune_asks_first_and_a_dry_run_removes_nothing(
    workspace: Path, run_cli: RunCli, three_runs: dict[str, str]
) -> None:
    for run_id in three_runs.values():
        age_run(workspace, run_id, 20)
    before = sorted(p.name for p in runs_dir(workspace).iterdir())

    dry = run_cli("runs", "--prune", "--dry-run")
    unconfirmed = run_cli("runs", "--prune")  # no terminal to ask on

    assert dry.exit_code == 0 and "would remove 2 runs" in dry.stderr
    assert unconfirmed.exit_code == 2 and "--yes" in unconfirmed.stderr
    assert sorted(p.name for p in runs_dir(workspace).iterdir()) == before


def test_continuing_a_run_marks_it_active_so_a_prune_keeps_it(
    workspace: Path, run_cli: RunCli, three_runs: dict[str, str]
) -> None:
    stopped = three_runs["stopped"]
    age_run(workspace, stopped, 20)
    # The run is continued (planned under the lock) and fails again at once.
    again = run_cli("draft", "--resume", stopped, model=ScriptedModel(before=fails_at_tasks))
    assert again.exit_code == 1

    run_cli("runs", "--prune", "--yes", "--reviewer", "Ada")

    assert (runs_dir(workspace) / stopped).is_dir()


def test_a_prune_killed_half_way_is_finished_by_the_next(
    workspace: Path, run_cli: RunCli, three_runs: dict[str, str]
) -> None:
    # What a prune leaves when killed between hiding a run and deleting it.
    stopped = runs_dir(workspace) / three_runs["stopped"]
    half = runs_dir(workspace) / f".pruning-{stopped.name}"
    stopped.rename(half)
    assert {r["state"] for r in json.loads(run_cli("runs", "--json").stdout)["runs"]} == {
        "queued",
        "not-a-title",
    }

    assert run_cli("runs", "--prune", "--yes", "--reviewer", "Ada").exit_code == 0

    assert not half.exists()


def test_a_run_folder_that_is_a_link_is_reported_and_never_pruned(
    workspace: Path,
    run_cli: RunCli,
    three_runs: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "keep.txt").write_text("not jobzone's")
    link = runs_dir(workspace) / "linked-run"
    link.symlink_to(elsewhere, target_is_directory=True)
    age_run(workspace, three_runs["stopped"], 20)

    listed = run_cli("runs")
    pruned = run_cli("runs", "--prune", "--yes", "--reviewer", "Ada")

    assert listed.exit_code == 2 and "symbolic link" in listed.stderr
    assert pruned.exit_code == 2
    assert (elsewhere / "keep.txt").read_text() == "not jobzone's"
    assert link.is_symlink()


def test_a_commentary_run_is_continued_by_its_role(workspace: Path, run_cli: RunCli) -> None:
    def fails(call: Call) -> None:
        raise ModelCallError("the endpoint went away", stage=call.stage.name)

    slug = next((workspace / "roles").glob("*.yaml")).stem
    assert run_cli("commentary", slug, model=ScriptedModel(before=fails)).exit_code == 1

    (run,) = json.loads(run_cli("runs", "--json").stdout)["runs"]
    assert (run["purpose"], run["resume"]) == ("commentary", f"jobzone commentary {slug}")


def test_a_run_whose_end_was_not_recorded_but_whose_draft_was_saved_is_kept(
    workspace: Path, run_cli: RunCli, three_runs: dict[str, str]
) -> None:
    """A crash between saving a draft and recording its run's end: the run is the draft's
    record, listed as queued and never pruned."""
    queued = three_runs["queued"]
    (runs_dir(workspace) / queued / "finished.json").unlink()
    age_run(workspace, queued, 20)

    listed = {r["id"]: r for r in json.loads(run_cli("runs", "--json").stdout)["runs"]}
    run_cli("runs", "--prune", "--yes", "--reviewer", "Ada")

    assert listed[queued]["state"] == "queued" and listed[queued]["resume"] is None
    assert (runs_dir(workspace) / queued).is_dir()


def test_a_folder_whose_start_was_interrupted_is_noted_and_pruned_once_idle(
    workspace: Path, run_cli: RunCli, three_runs: dict[str, str]
) -> None:
    empty = runs_dir(workspace) / "registered-nurse-20261101-000000-abcd"
    empty.mkdir()
    when = (dt.datetime.now(dt.UTC) - dt.timedelta(days=30)).timestamp()
    os.utime(empty, (when, when))

    listed = run_cli("runs")
    run_cli("runs", "--prune", "--yes", "--reviewer", "Ada")

    assert listed.exit_code == 0
    assert "1 run folder with no request" in listed.stderr
    assert not empty.exists()


def test_a_request_written_without_a_time_zone_is_listed(
    workspace: Path, run_cli: RunCli, three_runs: dict[str, str]
) -> None:
    request = runs_dir(workspace) / three_runs["stopped"] / "request.json"
    data = json.loads(request.read_text())
    data["created_at"] = "2026-11-01T10:00:00"
    request.write_text(json.dumps(data))

    assert run_cli("runs").exit_code == 0


@pytest.mark.parametrize("option", [["--yes"], ["--dry-run"], ["--older-than", "3"]])
def test_prune_options_without_prune_are_a_usage_error(run_cli: RunCli, option: list[str]) -> None:
    result = run_cli("runs", *option)
    assert result.exit_code == 2 and "goes with --prune" in result.stderr
