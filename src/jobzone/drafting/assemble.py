"""Putting stage answers together into an assessment mapping, and mapping findings back.

Answers are handled as raw mappings (what the model sent, parsed as JSON) so that an answer that
broke its schema still lands in the assessment where the validator can name what is wrong. Where
each answer field goes is read from the models (:mod:`jobzone.drafting.stages` builds the answers
from the assessment's own parts), so the two cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any, get_origin

from jobzone.assessment import Assessment, Reinstatement, RoleDefinition
from jobzone.commentary import Commentary
from jobzone.drafting.grounding import named
from jobzone.drafting.stages import COMMENTARY, PROFILE, PROFILE_GROUPS, ROLE, TASKS, Stage
from jobzone.rubric import DEFAULT_RUBRIC

REINSTATEMENT_PREFIX = "reinstatement_"


def empty_commentary() -> dict[str, Any]:
    """A commentary with every section empty: what a draft holds before the stage has run."""
    empty: dict[str, Any] = {}
    for name, info in Commentary.model_fields.items():
        if get_origin(info.annotation) is list:
            empty[name] = []
        elif info.annotation is str:
            empty[name] = ""
    return empty


def raw_answer(content: str) -> dict[str, Any]:
    """The answer's JSON object, or an empty mapping when it is not one."""
    try:
        data = json.loads(content)
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def slugify(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug[:80].strip("-") or "role"


def _pick(answer: dict[str, Any], keys: Any) -> dict[str, Any]:
    return {key: answer[key] for key in keys if key in answer}


def _date_or_text(value: Any) -> Any:
    """ISO dates become dates (as the assessment file holds them); anything else is kept."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


#: Who added a source the model suggested, as the file records it.
MODEL_SOURCE = "model"


def _source(answer: Any) -> Any:
    """A source the model answered, as the file holds it: dated, and marked as the model's."""
    if not isinstance(answer, dict):
        return answer
    kept = {k: _date_or_text(v) if k == "date" else v for k, v in answer.items() if v is not None}
    return {**kept, "added_by": MODEL_SOURCE}


def _evidence(item: Any) -> Any:
    if not isinstance(item, dict):
        return item
    sources = item.get("sources")
    if isinstance(sources, list):
        item = {**item, "sources": [_source(s) for s in sources]}
    return item


def _profile(answer: dict[str, Any]) -> dict[str, Any]:
    """The profile answer's flat members, put back into the assessment's groups."""
    parts: dict[str, Any] = {}
    for part in PROFILE.owns:
        if part not in PROFILE_GROUPS:
            parts[part] = answer.get(part)
            continue
        group, _ = PROFILE_GROUPS[part]
        members = _pick(answer, group.model_fields)
        if part == "evidence":
            members = {name: _evidence(item) for name, item in members.items()}
        parts[part] = members
    return parts


def _role(answer: dict[str, Any]) -> dict[str, Any]:
    """The role definition, with O*NET's title for the occupation the model chose."""
    role = _pick(answer, RoleDefinition.model_fields)
    if "occupation" in role:
        role["occupation"] = named(role["occupation"])
    return role


def assemble(
    *,
    slug: str,
    title: str,
    assessed_on: dt.date,
    role: dict[str, Any],
    tasks: dict[str, Any],
    profile: dict[str, Any],
    commentary: dict[str, Any] | None,
) -> dict[str, Any]:
    """The assessment file's mapping from the four answers (commentary may not exist yet), its
    keys in the file's order."""
    parts = {
        "rubric": DEFAULT_RUBRIC,
        "slug": slug,
        "title": title,
        "assessed_on": assessed_on,
        "role": _role(role),
        "tasks": tasks.get("tasks"),
        "reinstatement": {
            name: tasks.get(REINSTATEMENT_PREFIX + name) for name in Reinstatement.model_fields
        },
        **_profile(profile),
        "override": None,
        "commentary": commentary if commentary is not None else empty_commentary(),
    }
    return {name: parts[name] for name in Assessment.model_fields if name in parts}


def _answer_paths(stage: Stage) -> tuple[tuple[str, str], ...]:
    """How a path in the assessment maps to a path in the stage's own answer."""
    if stage is ROLE:
        return (("role.", ""),)
    if stage is TASKS:
        return (("reinstatement.", REINSTATEMENT_PREFIX),)
    if stage is PROFILE:
        return tuple((f"{group}.", "") for group in PROFILE_GROUPS)
    return ((f"{COMMENTARY.owns[0]}.", ""),)


def answer_path(stage: Stage, path: str) -> str:
    """``evidence.wage_trends.sources`` -> ``wage_trends.sources`` for the profile stage."""
    for prefix, replacement in _answer_paths(stage):
        if path.startswith(prefix):
            return replacement + path[len(prefix) :]
    return path
