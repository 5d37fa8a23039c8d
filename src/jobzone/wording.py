"""Small helpers for words shown to people."""

from __future__ import annotations

import datetime as dt


def plural(n: int, noun: str, many: str | None = None) -> str:
    """``1 error``, ``2 errors`` (``many`` for irregular plurals: ``1 repair``...)."""
    return f"{n} {noun}" if n == 1 else f"{n} {many or noun + 's'}"


def age(since: dt.datetime, now: dt.datetime | None = None) -> str:
    """How long ago, in the largest whole unit: ``3d``, ``5h``, ``12m``, or ``now``."""
    seconds = ((now or dt.datetime.now(dt.UTC)) - since).total_seconds()
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return "now"
