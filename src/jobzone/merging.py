"""A three-way merge of assessment content, field by field.

Given the version a draft started from (``base``), the draft (``ours``) and the canonical
version now (``theirs``), every field takes the side that changed it. Mappings merge key by key;
lists merge item by item while all three have the same length (tasks edited in place), and are
one value otherwise (a task added or removed on either side). A field both sides changed, to
different values, keeps the draft's value and is reported, so a person can look at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_ABSENT: Any = object()


@dataclass
class Merge:
    merged: dict[str, Any]
    #: Paths (``tasks[2].score``) the draft changed, the canonical version changed, and both.
    ours: list[str] = field(default_factory=list)
    theirs: list[str] = field(default_factory=list)
    both: list[str] = field(default_factory=list)


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def merge(base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any]) -> Merge:
    result = Merge(merged={})
    result.merged = _merge_mapping(base, ours, theirs, "", result)
    return result


def _merge(base: Any, ours: Any, theirs: Any, path: str, result: Merge) -> Any:
    if ours == theirs:
        return ours
    if all(isinstance(v, dict) for v in (base, ours, theirs)):
        return _merge_mapping(base, ours, theirs, path, result)
    if all(isinstance(v, list) for v in (base, ours, theirs)) and (
        len(base) == len(ours) == len(theirs)
    ):
        return [
            _merge(b, o, t, _join(path, i), result)
            for i, (b, o, t) in enumerate(zip(base, ours, theirs, strict=True))
        ]
    if ours == base:
        result.theirs.append(path)
        return theirs
    if theirs == base:
        result.ours.append(path)
        return ours
    result.both.append(path)
    return ours


def _merge_mapping(
    base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any], path: str, result: Merge
) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for key in [*ours, *(k for k in theirs if k not in ours)]:
        value = _merge(
            base.get(key, _ABSENT),
            ours.get(key, _ABSENT),
            theirs.get(key, _ABSENT),
            _join(path, key),
            result,
        )
        if value is not _ABSENT:
            merged[key] = value
    return merged
