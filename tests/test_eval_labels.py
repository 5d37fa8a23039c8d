"""``jobzone eval labels`` end to end, replayed from a cassette: a stratified sample of 30 O*NET
tasks rated in three calls (the first repaired once), measured against the published labels.

The cassette was recorded against tests/eval_support.py's ``LabelsFake``, whose ratings follow a
fixed rule from each task's labels, so every figure below is worked out by hand from the table in
:data:`SAMPLE`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from jobzone.cli import cli

from .eval_support import LabelsEnv, labels_environment

ARGS = ("eval", "labels", "--sample", "30", "--seed", "7")
#: The sample (seed 7) as recorded: id, people's exposure, GPT-4's exposure, GPT-4's level, then
#: the fake's score and exposure label.
SAMPLE = [
    (977, "E0", "E2", "T1", 2, "E2"),
    (1487, "E2", "E2", "T1", 2, "E2"),
    (1604, "E0", "E2", "T1", 3, "E2"),
    (1717, "E1", "E2", "T3", 4, "E2"),
    (1889, "E2", "E1", "T3", 4, "E1"),
    (2241, "E1", "E1", "T1", 1, "E1"),
    (2324, "E0", "E0", "T1", 3, "E0"),
    (2479, "E2", "E1", "T3", 4, "E1"),
    (3088, "E0", "E0", "T0", 2, "E0"),
    (3660, "E2", "E2", "T2", 4, "E1"),
    (4471, "E0", "E0", "T0", 1, "E0"),
    (4969, "E0", "E0", "T0", 1, "E0"),
    (6143, "E1", "E1", "T2", 3, "E1"),
    (6167, "E0", "E0", "T1", 2, "E0"),
    (6592, "E2", "E2", "T2", 4, "E2"),
    (8309, "E0", "E0", "T0", 1, "E0"),
    (9809, "E2", "E1", "T3", 4, "E1"),
    (11312, "E2", "E2", "T1", 3, "E2"),
    (12178, "E0", "E0", "T0", 1, "E0"),
    (13127, "E0", "E0", "T0", 1, "E0"),
    (13666, "E0", "E0", "T0", 1, "E0"),
    (14753, "E1", "E1", "T3", 4, "E1"),
    (15450, "E0", "E2", "T1", 2, "E1"),
    (17719, "E0", "E1", "T1", 2, "E1"),
    (18339, "E2", "E2", "T2", 3, "E2"),
    (18654, "E0", "E2", "T3", 4, "E2"),
    (19012, "E2", "E2", "T3", 5, "E2"),
    (19377, "E0", "E0", "T0", 1, "E0"),
    (21190, "E0", "E2", "T2", 3, "E1"),
    (22080, "E2", "E1", "T1", 3, "E1"),
]


@pytest.fixture
def labels_env(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    record_mode: str,
) -> Iterator[LabelsEnv]:
    with labels_environment(request, tmp_path, monkeypatch, record_mode) as env:
        yield env


def run(env: LabelsEnv, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--workspace", str(env.root), *args], catch_exceptions=False)


def only_run(env: LabelsEnv) -> Path:
    (folder,) = sorted((env.root / "evals").iterdir())
    return folder


@pytest.mark.vcr
def test_thirty_tasks_rated_against_hand_computation(labels_env: LabelsEnv) -> None:
    result = run(labels_env, *ARGS, "--json")
    assert result.exit_code == 0, result.output
    out: dict[str, Any] = json.loads(result.stdout)
    rows = [
        (i["id"], i["human"], i["gpt4"], i["gpt4_automation"], i["score"], i["exposure"])
        for i in out["cases"]
    ]
    assert rows == SAMPLE
    assert labels_env.cassette.play_count == 4  # three batches of 10; the first repaired once
    folder = only_run(labels_env)
    assert len(list((folder / "cases" / "batch-001" / "calls").glob("*.json"))) == 2

    metrics = {m["key"]: m for m in out["metrics"]}
    # GPT-4's levels as scores (T0 1 ... T4 5) against the model's: nine tasks are one apart
    # (1604, 2241, 2324, 3088, 3660, 6592, 11312, 19012, 22080), none further.
    assert metrics["t_exact"]["value"] == pytest.approx(21 / 30)
    assert metrics["t_within_one"]["value"] == 1.0
    # Kappa. Model scores 1:8, 2:6, 3:7, 4:8, 5:1; GPT-4's 1:8, 2:10, 3:5, 4:7.
    # Observed weighted disagreement: nine pairs one apart = 9.
    # Expected, sum_i m_i sum_j g_j (i - j)^2 / 30, where sum_j g_j (i - j)^2 is
    #   i=1: 10*1 + 5*4 + 7*9 = 93;  i=2: 8*1 + 5*1 + 7*4 = 41;  i=3: 8*4 + 10*1 + 7*1 = 49;
    #   i=4: 8*9 + 10*4 + 5*1 = 117;  i=5: 8*16 + 10*9 + 5*4 + 7*1 = 245;
    #   (8*93 + 6*41 + 7*49 + 8*117 + 1*245) / 30 = 2514 / 30 = 83.8. Kappa 1 - 9/83.8.
    assert metrics["t_kappa"]["value"] == pytest.approx(1 - 9 / 83.8)
    # Exposure: the model agrees with people on 18 tasks (all but 977, 1604, 1717, 1889, 2479,
    # 3660, 9809, 15450, 17719, 18654, 21190, 22080); GPT-4 on 19 (3660 too).
    assert metrics["exposure"]["value"] == pytest.approx(18 / 30)
    assert metrics["sample_gpt4_exposure"]["value"] == pytest.approx(19 / 30)
    assert metrics["rated"]["value"] == 1.0
    assert [
        metrics[k]["published"] for k in ("t_exact", "t_within_one", "t_kappa", "exposure")
    ] == [
        0.65,
        0.96,
        0.78,
        0.656,
    ]

    page = (folder / "report.html").read_text("utf-8")
    assert page.count("<svg") == 2  # the scores' and the exposure labels' matrices
    assert "65.6%" in page


@pytest.mark.vcr("test_thirty_tasks_rated_against_hand_computation.yaml")
def test_the_table_prints_the_published_figures_beside(labels_env: LabelsEnv) -> None:
    result = run(labels_env, *ARGS)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any(line.split()[-2:] == ["70.0%", "65.0%"] for line in lines if "exact" in line)
    kappa = next(line for line in lines if "T-level: quadratic-weighted kappa" in line)
    assert kappa.split()[-2:] == ["0.89", "0.78"]


@pytest.mark.vcr("test_thirty_tasks_rated_against_hand_computation.yaml")
def test_a_run_stopped_by_its_budget_resumes(labels_env: LabelsEnv) -> None:
    stopped = run(labels_env, *ARGS, "--budget-tokens", "1000")
    assert stopped.exit_code == 1
    run_id = only_run(labels_env).name
    assert f"jobzone eval labels --resume {run_id}" in stopped.stderr
    assert labels_env.cassette.play_count == 0  # the first call could pass 1,000 tokens

    resumed = run(labels_env, "eval", "labels", "--resume", run_id, "--json")
    assert resumed.exit_code == 0, resumed.output
    items = json.loads(resumed.stdout)["cases"]
    assert [i["id"] for i in items] == [row[0] for row in SAMPLE]
    assert labels_env.cassette.play_count == 4
