"""Which fields of a draft a person changed since the model wrote it.

A reviewer reads a model's draft differently from an editor's correction of it, so the review
page marks every field that differs from the model's own version. Fields are compared where the
page shows them: the role's texts, each task's fields, each scored item (score and text) and each
commentary section. A task is matched to the model's by its name, else by its place, so that
moving a task marks nothing and renaming one marks only its name.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

#: The value recorded for a field the model did not write at all (an added task).
ADDED = ""
_SCORED = ("protective", "evidence", "barriers")


def changed_fields(model: dict[str, Any], now: dict[str, Any]) -> dict[str, str]:
    """Each path of ``now`` a person changed, with what the model wrote there as text
    (:data:`ADDED` for a task the model did not write)."""
    found = dict(_role(model, now))
    found.update(_tasks(_list(model, "tasks"), _list(now, "tasks")))
    for group in _SCORED:
        found.update(_items(group, _map(model, group), _map(now, group)))
    found.update(_items("", {"growth": model.get("growth")}, {"growth": now.get("growth")}))
    found.update(_sections(_map(model, "commentary"), _map(now, "commentary")))
    return found


def _map(data: Any, key: str) -> dict[str, Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    return "(none)" if value is None else str(value)


def _role(model: dict[str, Any], now: dict[str, Any]) -> Iterator[tuple[str, str]]:
    before, after = _map(model, "role"), _map(now, "role")
    for name, value in after.items():
        if before.get(name) != value:
            yield f"role.{name}", _text(before.get(name))


def _counterparts(model: list[Any], now: list[Any]) -> list[Any]:
    """For each task now, the model's task it stands for: the one of the same name, else the
    one in its place when no other task claimed that one by name; None for an added task."""
    named = {t.get("name"): t for t in model if isinstance(t, dict)}
    claimed = {id(named[t["name"]]) for t in now if isinstance(t, dict) and t.get("name") in named}
    found = []
    for i, task in enumerate(now):
        by_name = named.get(task.get("name")) if isinstance(task, dict) else None
        in_place = model[i] if i < len(model) and id(model[i]) not in claimed else None
        found.append(by_name if by_name is not None else in_place)
    return found


def _tasks(model: list[Any], now: list[Any]) -> Iterator[tuple[str, str]]:
    for i, (task, was) in enumerate(zip(now, _counterparts(model, now), strict=True)):
        if not isinstance(task, dict):
            continue
        if not isinstance(was, dict):
            yield f"tasks[{i}]", ADDED
            continue
        for name, value in task.items():
            if was.get(name) != value:
                yield f"tasks[{i}].{name}", _text(was.get(name))


def _items(group: str, model: dict[str, Any], now: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """A scored item (score with its text or rationale) differs when either part does; its
    sources carry their own ``added_by``, so they do not count here."""
    prefix = f"{group}." if group else ""
    for name, item in now.items():
        was = model.get(name)
        if not isinstance(item, dict) or not isinstance(was, dict):
            if item != was:
                yield prefix + name, _text(was)
            continue
        parts = [k for k in item if k != "sources"]
        if any(item.get(k) != was.get(k) for k in parts):
            yield prefix + name, "; ".join(f"{k}: {_text(was.get(k))}" for k in parts)


def _sections(model: dict[str, Any], now: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for name, value in now.items():
        if name != "written_against" and model.get(name) != value:
            yield f"commentary.{name}", _text(model.get(name))
