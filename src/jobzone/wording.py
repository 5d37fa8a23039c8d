"""Small helpers for words shown to people."""

from __future__ import annotations


def plural(n: int, noun: str, many: str | None = None) -> str:
    """``1 error``, ``2 errors`` (``many`` for irregular plurals: ``1 repair``...)."""
    return f"{n} {noun}" if n == 1 else f"{n} {many or noun + 's'}"
