"""Two runs of the same evaluation side by side: each metric's difference (B minus A), with a
paired bootstrap confidence interval.

The runs are paired on what both finished: roles by slug, tasks by id (two label runs pair when
they drew the same sample: the same size and seed). The bootstrap draws the paired cases with
replacement ``resamples`` times from ``numpy.random.default_rng(seed)``, recomputes every metric
on each draw for both runs, and takes the central ``level`` share of the differences (percentile
interval). The same runs, seed and resamples always give the same interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from jobzone.errors import InputError
from jobzone.evals.drafts_eval import DraftCase
from jobzone.evals.labels import LabelBatch, LabelItem
from jobzone.evals.runs import EvalKind, EvalRun
from jobzone.evals.summary import DRAFT_METRICS, LABEL_METRICS, Metric, Unit

C = TypeVar("C")
DEFAULT_RESAMPLES = 1000
DEFAULT_LEVEL = 0.95


@dataclass(frozen=True)
class Delta:
    """One metric in both runs, B minus A, and the interval around the difference."""

    key: str
    label: str
    unit: Unit
    a: float | None
    b: float | None
    low: float | None
    high: float | None

    @property
    def delta(self) -> float | None:
        return self.b - self.a if self.a is not None and self.b is not None else None

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "unit": self.unit.value,
            "a": self.a,
            "b": self.b,
            "delta": self.delta,
            "low": self.low,
            "high": self.high,
        }


@dataclass(frozen=True)
class Comparison:
    a: EvalRun
    b: EvalRun
    #: The cases both runs finished, and those only one of them did.
    paired: int
    only_a: int
    only_b: int
    seed: int
    resamples: int
    level: float
    deltas: list[Delta]

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a.id,
            "b": self.b.id,
            "kind": self.a.settings.kind.value,
            "paired": self.paired,
            "only_a": self.only_a,
            "only_b": self.only_b,
            "seed": self.seed,
            "resamples": self.resamples,
            "level": self.level,
            "metrics": [d.to_json() for d in self.deltas],
        }


def finished_drafts(run: EvalRun) -> dict[str, DraftCase]:
    found = {slug: run.result(slug, DraftCase) for slug in run.settings.cases}
    return {slug: case for slug, case in found.items() if case is not None}


def finished_labels(run: EvalRun) -> dict[str, LabelItem]:
    batches = [run.result(case, LabelBatch) for case in run.settings.cases]
    return {str(i.id): i for b in batches if b is not None for i in b.items}


def bootstrap(
    metrics: Sequence[Metric[C]],
    a: Sequence[C],
    b: Sequence[C],
    *,
    seed: int,
    resamples: int,
    level: float,
) -> list[Delta]:
    """Each metric on the paired cases ``a[i]``/``b[i]``, with its interval."""
    import numpy as np

    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(a), size=(resamples, len(a))).tolist()
    tails = [50 * (1 - level), 50 * (1 + level)]
    deltas: list[Delta] = []
    for metric in metrics:
        differences = []
        for draw in draws:
            value_a = metric.compute([a[i] for i in draw])
            value_b = metric.compute([b[i] for i in draw])
            if value_a is not None and value_b is not None:
                differences.append(value_b - value_a)
        low, high = (
            (float(x) for x in np.percentile(differences, tails)) if differences else (None, None)
        )
        deltas.append(
            Delta(
                metric.key,
                metric.label,
                metric.unit,
                metric.compute(a),
                metric.compute(b),
                low,
                high,
            )
        )
    return deltas


def compare(
    a: EvalRun,
    b: EvalRun,
    *,
    seed: int = 0,
    resamples: int = DEFAULT_RESAMPLES,
    level: float = DEFAULT_LEVEL,
) -> Comparison:
    """Run B against run A on the cases both finished."""
    kind = a.settings.kind
    if b.settings.kind is not kind:
        raise InputError(
            f"{a.id} evaluates {kind.value} and {b.id} {b.settings.kind.value}: compare runs of "
            "the same evaluation",
            rule="eval.compare",
        )
    if kind is EvalKind.drafts:
        return _compare(
            a, b, finished_drafts(a), finished_drafts(b), DRAFT_METRICS, seed, resamples, level
        )
    return _compare(
        a, b, finished_labels(a), finished_labels(b), LABEL_METRICS, seed, resamples, level
    )


def _compare(
    a: EvalRun,
    b: EvalRun,
    cases_a: dict[str, C],
    cases_b: dict[str, C],
    metrics: Sequence[Metric[C]],
    seed: int,
    resamples: int,
    level: float,
) -> Comparison:
    shared = sorted(cases_a.keys() & cases_b.keys())
    if not shared:
        what = (
            "role"
            if a.settings.kind is EvalKind.drafts
            else "task (draw both samples with the same --sample and --seed)"
        )
        raise InputError(f"{a.id} and {b.id} share no finished {what}", rule="eval.compare")
    deltas = bootstrap(
        metrics,
        [cases_a[k] for k in shared],
        [cases_b[k] for k in shared],
        seed=seed,
        resamples=resamples,
        level=level,
    )
    return Comparison(
        a=a,
        b=b,
        paired=len(shared),
        only_a=len(cases_a) - len(shared),
        only_b=len(cases_b) - len(shared),
        seed=seed,
        resamples=resamples,
        level=level,
        deltas=deltas,
    )
