"""Agreement statistics: pure functions of paired ratings, the same for every evaluation.

Each takes the two raters' values in the same order and returns a share (0..1), a kappa or a
mean, or None when the statistic is undefined (no pairs; a kappa whose raters both used one and
the same category, where chance explains everything). Quadratic-weighted kappa is
scikit-learn's: Cohen's kappa with disagreement weighted by the squared distance between
categories, so that 1 against 5 counts sixteen times 1 against 2.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from jobzone.errors import InputError


def _paired(a: Sequence[object], b: Sequence[object]) -> int:
    if len(a) != len(b):
        raise InputError(f"paired ratings of different lengths ({len(a)} and {len(b)})")
    return len(a)


def share(hits: int, total: int) -> float | None:
    """``hits`` of ``total``, or None when there is nothing to count."""
    return hits / total if total else None


def exact_agreement(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """The share of pairs where both raters gave the same value."""
    total = _paired(a, b)
    return share(sum(x == y for x, y in zip(a, b, strict=True)), total)


def within_one(a: Sequence[int], b: Sequence[int]) -> float | None:
    """The share of pairs at most one point apart."""
    total = _paired(a, b)
    return share(sum(abs(x - y) <= 1 for x, y in zip(a, b, strict=True)), total)


def quadratic_kappa(a: Sequence[int], b: Sequence[int], labels: Sequence[int]) -> float | None:
    """Cohen's kappa with quadratic weights over the categories ``labels``; None when undefined."""
    if _paired(a, b) == 0 or len(set(a) | set(b)) < 2:
        return None
    from sklearn.metrics import cohen_kappa_score

    return float(cohen_kappa_score(a, b, labels=list(labels), weights="quadratic"))


def mean(values: Sequence[float]) -> float | None:
    """The arithmetic mean, or None of nothing."""
    return sum(values) / len(values) if values else None
