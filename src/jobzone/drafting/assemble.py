"""Putting stage answers together into an assessment mapping, and mapping findings back.

Answers are handled as raw mappings (what the model sent, parsed as JSON) so that an answer that
broke its schema still lands in the assessment where the validator can name what is wrong.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from jobzone.assessment import Barriers, Evidence, Protective, RoleDefinition
from jobzone.drafting.stages import COMMENTARY, PROFILE, ROLE, TASKS, Stage

#: Field names of the assessment's parts, read from the models so the two cannot drift apart.
PROTECTIVE = tuple(Protective.model_fields)
EVIDENCE = tuple(Evidence.model_fields)
BARRIERS = tuple(Barriers.model_fields)
ROLE_FIELDS = tuple(RoleDefinition.model_fields)
EMPTY_COMMENTARY: dict[str, Any] = {
    "score_vs_reality": "",
    "numbers_dont_capture": [],
    "who_should_worry": "",
    "outlook": "",
    "survival_strategy": [],
    "where_to_look_next": [],
    "timeline": "",
}


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


def _pick(answer: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: answer[key] for key in keys if key in answer}


def _date_or_text(value: Any) -> Any:
    """ISO dates become dates (as the assessment file holds them); anything else is kept."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _evidence(item: Any) -> Any:
    if not isinstance(item, dict):
        return item
    sources = item.get("sources")
    if isinstance(sources, list):
        item = {
            **item,
            "sources": [
                {k: _date_or_text(v) if k == "date" else v for k, v in s.items() if v is not None}
                if isinstance(s, dict)
                else s
                for s in sources
            ],
        }
    return item


def assemble(
    *,
    slug: str,
    assessed_on: dt.date,
    role: dict[str, Any],
    tasks: dict[str, Any],
    profile: dict[str, Any],
    commentary: dict[str, Any] | None,
) -> dict[str, Any]:
    """The assessment file's mapping from the four answers (commentary may not exist yet)."""
    return {
        "rubric": "aijri-v1",
        "slug": slug,
        "title": role.get("title", ""),
        "assessed_on": assessed_on,
        "role": _pick(role, ROLE_FIELDS),
        "protective": _pick(profile, PROTECTIVE),
        "growth": profile.get("growth"),
        "tasks": tasks.get("tasks"),
        "reinstatement": {
            "new_tasks": tasks.get("reinstatement_new_tasks"),
            "rationale": tasks.get("reinstatement_rationale"),
        },
        "evidence": {k: _evidence(profile[k]) for k in EVIDENCE if k in profile},
        "barriers": _pick(profile, BARRIERS),
        "override": None,
        "commentary": commentary if commentary is not None else dict(EMPTY_COMMENTARY),
    }


#: How a path in the assessment maps to a path in a stage's own answer.
_ANSWER_PATHS: dict[str, tuple[tuple[str, str], ...]] = {
    ROLE.name: (("role.", ""),),
    TASKS.name: (
        ("reinstatement.new_tasks", "reinstatement_new_tasks"),
        ("reinstatement.rationale", "reinstatement_rationale"),
    ),
    PROFILE.name: (("protective.", ""), ("evidence.", ""), ("barriers.", "")),
    COMMENTARY.name: (("commentary.", ""),),
}


def answer_path(stage: Stage, path: str) -> str:
    """``evidence.wage_trends.sources`` -> ``wage_trends.sources`` for the profile stage."""
    for prefix, replacement in _ANSWER_PATHS[stage.name]:
        if path.startswith(prefix):
            return replacement + path[len(prefix) :]
    return path
