"""``jobzone eval compare``: metric deltas between two saved runs, with a seeded, reproducible
paired bootstrap."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from jobzone.evals.compare import compare
from jobzone.evals.drafts_eval import DraftCase
from jobzone.evals.labels import LabelBatch, LabelItem
from jobzone.evals.runs import EvalKind, EvalRun, EvalSettings
from jobzone.workspace import Workspace

from .conftest import RunCli
from .test_eval_metrics import _case, _changed, _comparison

LEVELS = ["T0", "T1", "T2", "T3", "T4"]


def labels_run(root: Path, run_id: str, scores: list[int], ids: list[int] | None = None) -> EvalRun:
    """A finished labels run: one batch, task i at level T(i mod 5), rated ``scores[i]``."""
    ids = ids or list(range(1, len(scores) + 1))
    settings = EvalSettings(
        id=run_id,
        kind=EvalKind.labels,
        created_at=dt.datetime(2026, 11, 21, tzinfo=dt.UTC),
        by="test",
        model=run_id,
        endpoint_host="model.invalid",
        temperature=None,
        prompt_versions={"labels": "0"},
        rubric="aijri-v1",
        max_repairs=2,
        cases=["batch-001"],
        sample=len(scores),
        seed=0,
        task_ids=ids,
        batch_size=len(scores),
    )
    run = EvalRun.create(Workspace(root), settings)
    items = [
        LabelItem(
            id=i,
            code="11-1011.00",
            occupation="Chief Executives",
            text=f"Task {i}.",
            human="E0",
            gpt4="E0",
            gpt4_automation=LEVELS[n % 5],
            score=s,
            exposure="E0",
        )
        for n, (i, s) in enumerate(zip(ids, scores, strict=True))
    ]
    run.save_result(
        "batch-001",
        LabelBatch(items=items, calls=1, repairs=0, prompt_tokens=1, completion_tokens=1),
    )
    return run


#: Twenty tasks: levels T0..T4 four times over, rated exactly (A) or with four off by one (B).
EXACT = [n % 5 + 1 for n in range(20)]
FOUR_OFF = [min(5, s + 1) if n in (0, 1, 2, 3) else s for n, s in enumerate(EXACT)]


def by_key(comparison: Any) -> dict[str, Any]:
    return {d.key: d for d in comparison.deltas}


def test_identical_runs_differ_by_nothing(workspace: Path) -> None:
    a = labels_run(workspace, "run-a", EXACT)
    b = labels_run(workspace, "run-b", EXACT)
    deltas = by_key(compare(a, b, resamples=200))
    assert deltas["t_exact"].delta == 0.0
    assert (deltas["t_exact"].low, deltas["t_exact"].high) == (0.0, 0.0)


def test_deltas_are_b_minus_a_and_the_bootstrap_is_reproducible(workspace: Path) -> None:
    a = labels_run(workspace, "run-a", EXACT)
    b = labels_run(workspace, "run-b", FOUR_OFF)
    first = compare(a, b, seed=11, resamples=300)
    exact = by_key(first)["t_exact"]
    # A rates all 20 exactly; B 16 of 20 (four one too high): 0.8 - 1.0 = -0.2.
    assert (exact.a, exact.b) == (1.0, 0.8)
    assert exact.delta == pytest.approx(-0.2)
    assert exact.low is not None and exact.high is not None
    assert exact.low <= -0.2 <= exact.high <= 0.0
    assert by_key(first)["t_within_one"].delta == 0.0  # every miss is by one
    assert first.deltas == compare(a, b, seed=11, resamples=300).deltas
    other = by_key(compare(a, b, seed=12, resamples=300))["t_exact"]
    assert (other.low, other.high) != (exact.low, exact.high)


def test_only_shared_cases_are_paired(workspace: Path) -> None:
    a = labels_run(workspace, "run-a", EXACT[:10], ids=list(range(1, 11)))
    b = labels_run(workspace, "run-b", EXACT[:10], ids=list(range(6, 16)))
    compared = compare(a, b, resamples=100)
    assert (compared.paired, compared.only_a, compared.only_b) == (5, 5, 5)


def test_the_command_prints_deltas_and_refuses_unlike_runs(
    workspace: Path, run_cli: RunCli
) -> None:
    labels_run(workspace, "run-a", EXACT)
    labels_run(workspace, "run-b", FOUR_OFF)
    result = run_cli("eval", "compare", "run-a", "run-b", "--resamples", "200", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert (out["a"], out["b"], out["paired"], out["seed"]) == ("run-a", "run-b", 20, 0)
    exact = next(m for m in out["metrics"] if m["key"] == "t_exact")
    assert exact["delta"] == pytest.approx(-0.2)

    text = run_cli("eval", "compare", "run-a", "run-b", "--resamples", "200")
    line = next(x for x in text.stdout.splitlines() if "T-level: exact" in x)
    assert "100.0%" in line and "80.0%" in line and "-20.0 pp" in line

    labels_run(workspace, "run-c", EXACT[:5], ids=[101, 102, 103, 104, 105])
    unshared = run_cli("eval", "compare", "run-a", "run-c")
    assert unshared.exit_code == 2
    assert "share no finished task" in unshared.stderr
    missing = run_cli("eval", "compare", "run-a", "no-such-run")
    assert missing.exit_code == 2
    assert "no evaluation run 'no-such-run'" in missing.stderr


def drafts_run(root: Path, run_id: str, cases: dict[str, DraftCase]) -> EvalRun:
    settings = EvalSettings(
        id=run_id,
        kind=EvalKind.drafts,
        created_at=dt.datetime(2026, 11, 21, tzinfo=dt.UTC),
        by="test",
        model=run_id,
        endpoint_host="model.invalid",
        temperature=None,
        prompt_versions={"role": "0"},
        rubric="aijri-v1",
        max_repairs=2,
        cases=list(cases),
    )
    run = EvalRun.create(Workspace(root), settings)
    for slug, case in cases.items():
        run.save_result(slug, case)
    return run


def test_draft_runs_pair_roles_by_slug(workspace: Path, example_data: dict[str, Any]) -> None:
    same = _case(_comparison(example_data, example_data))
    changed = _case(_comparison(_changed(example_data), example_data))
    a = drafts_run(workspace, "run-a", {"one": same, "two": same})
    b = drafts_run(workspace, "run-b", {"two": changed, "three": same})
    compared = compare(a, b, resamples=100)
    assert (compared.paired, compared.only_a, compared.only_b) == (1, 1, 1)
    error = by_key(compared)["aijri_error"]
    assert (error.a, error.b) == (0.0, pytest.approx(9.8))  # role "two": itself, then 42.6 - 32.8
    assert error.low == error.high == pytest.approx(9.8)  # one pair: every resample is the same
