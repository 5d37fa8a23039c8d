"""``jobzone eval drafts`` end to end, replayed from cassettes: two canonical roles drafted from
their titles, aligned, measured and reported; a run stopped by its budget, then resumed.

The workspace holds the drafting snapshot's MLOps Engineer and the commentary tests' DevOps
Engineer. The cassettes were recorded against tests/fake_openai.py, which answers any title but
its own with the Site Reliability Engineer's canned tasks and profile (and these two titles with
their canned commentary), so every drafted figure below is the SRE's: aijri 48.5, Green.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from jobzone.evals.runs import EVALS_DIR

from .drafting_support import TESTS, DraftingEnv, stage_of

DEVOPS = TESTS / "data" / "commentary" / "roles" / "devops-engineer.yaml"
SLUGS = ["devops-engineer", "mlops-engineer"]


@pytest.fixture
def env(drafting_env: DraftingEnv) -> DraftingEnv:
    shutil.copy(DEVOPS, drafting_env.root / "roles" / DEVOPS.name)
    return drafting_env


def only_run(env: DraftingEnv) -> Path:
    (run,) = sorted((env.root / EVALS_DIR).iterdir())
    return run


def data_of(body: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(body["messages"][1]["content"])
    return data


@pytest.mark.vcr
def test_two_roles_are_drafted_aligned_measured_and_reported(env: DraftingEnv) -> None:
    result = env.cli("eval", "drafts", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert [case["slug"] for case in out["cases"]] == SLUGS
    assert env.http_requests() == 8  # four stages each, no repair

    # Each role is drafted from its title with itself left out of the calibration: the other
    # role is its only neighbour, and the one its commentary may name.
    for body in env.bodies():
        data = data_of(body)
        title = data.get("title")
        own = "devops-engineer" if title == "DevOps Engineer" else "mlops-engineer"
        named = [r["slug"] for r in data.get("calibration", data.get("canonical_roles", []))]
        assert own not in named, stage_of(body)
        assert named, stage_of(body)

    devops, mlops = out["cases"]
    # Approved: DevOps 26.3 Yellow, MLOps 42.6 Yellow; drafted (the SRE's answers): 48.5 Green.
    assert (devops["approved"]["aijri"], devops["drafted"]["aijri"]) == (26.3, 48.5)
    assert (mlops["approved"]["aijri"], mlops["drafted"]["aijri"]) == (42.6, 48.5)
    assert devops["aijri_error"] == pytest.approx(22.2)  # 48.5 - 26.3
    assert mlops["aijri_error"] == pytest.approx(5.9)  # 48.5 - 42.6
    assert devops["zone_agrees"] is False and mlops["zone_agrees"] is False

    # DevOps: two of its six tasks align with the SRE's, by name. Stems {infra, as, code, cloud,
    # provi} against {infra, as, code, provi}: 4 of 5; {monit, alert, deplo, troub} against
    # {obser, monit, alert, tunin}: 2 of 6. The others share under a fifth of their stems.
    pairs = [(p["approved"], p["drafted"], p["by"], p["similarity"]) for p in devops["tasks"]]
    assert pairs == [
        (
            "Infrastructure as code & cloud provisioning",
            "Infrastructure as code & provisioning",
            "name",
            0.8,
        ),
        (
            "Monitoring, alerting & deployment troubleshooting",
            "Observability, monitoring & alert tuning",
            "name",
            0.3333,
        ),
    ]
    assert devops["time_overlap"] == pytest.approx(0.30)  # min(20, 15) + min(15, 15) = 30 of 100
    assert (devops["aligned_tasks"], devops["approved_tasks"]) == (2, 6)
    assert (mlops["aligned_tasks"], mlops["approved_tasks"]) == (0, 7)

    metrics = {m["key"]: m["value"] for m in out["metrics"]}
    assert metrics["aijri_error"] == pytest.approx(14.05)  # (22.2 + 5.9) / 2
    assert metrics["zone"] == 0.0
    assert metrics["tasks_aligned"] == pytest.approx(2 / 13)  # 2 of 6 + 7 approved tasks
    assert metrics["time_overlap"] == pytest.approx(0.15)  # (0.30 + 0) / 2
    assert metrics["task_exact"] == 1.0  # 4 against 4, 3 against 3
    assert metrics["calls"] == 4.0 and metrics["repairs"] == 0.0

    # Saved: the settings, and each case's request, calls, answers, draft and metrics.
    run = only_run(env)
    settings = json.loads((run / "run.json").read_text("utf-8"))
    assert settings["kind"] == "drafts" and settings["cases"] == SLUGS
    assert set(settings["prompt_versions"]) >= {"role", "tasks", "profile", "commentary"}
    for slug in SLUGS:
        case = run / "cases" / slug
        assert len(list((case / "calls").glob("*.json"))) == 4
        saved = json.loads((case / "result.json").read_text("utf-8"))
        assert saved["draft"]["slug"] == slug and saved["comparison"] is not None
    assert json.loads((run / "summary.json").read_text("utf-8"))["metrics"] == out["metrics"]

    page = (run / "report.html").read_text("utf-8")
    assert page.count("<svg") == 2  # the error chart and the zone matrix
    assert "devops-engineer" in page and "22.2 points" in page
    assert "<script" not in page and "src=" not in page and "href=" not in page


@pytest.mark.vcr("test_two_roles_are_drafted_aligned_measured_and_reported.yaml")
def test_a_run_stopped_by_its_budget_resumes_without_paying_twice(env: DraftingEnv) -> None:
    stopped = env.cli("eval", "drafts", "--budget-tokens", "5000", "--json")
    assert stopped.exit_code == 1, stopped.output
    error = json.loads(stopped.stdout)
    assert error["error"] == "BudgetExceededError"
    run_id = only_run(env).name
    assert f"jobzone eval drafts --resume {run_id}" in stopped.stderr
    asked = env.http_requests()
    assert asked == 1  # the first role's role stage; the next call would pass 5,000 tokens

    resumed = env.cli("eval", "drafts", "--resume", run_id, "--json")
    assert resumed.exit_code == 0, resumed.output
    assert env.http_requests() == 8  # nothing asked twice
    out = json.loads(resumed.stdout)
    assert out["run"]["id"] == run_id
    assert [c["aijri_error"] for c in out["cases"]] == [pytest.approx(22.2), pytest.approx(5.9)]


def test_an_unknown_role_is_refused_before_any_call(run_cli: Any) -> None:
    result = run_cli("eval", "drafts", "no-such-role", "--json")
    assert result.exit_code == 2
    error = json.loads(result.stdout)
    assert "not in the canonical set: no-such-role" in error["message"]


def test_a_role_file_that_cannot_be_read_is_said_not_skipped_silently(
    run_cli: Any, workspace: Path
) -> None:
    (workspace / "roles" / "broken-role.yaml").write_text("title: [unclosed\n", "utf-8")
    result = run_cli("eval", "drafts", "no-such-role")
    assert result.exit_code == 2
    assert "not evaluated, the role file cannot be read" in result.stderr
    assert "broken-role.yaml" in result.stderr
