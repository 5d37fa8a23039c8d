"""What a draft is grounded in: the O*NET occupations found for its title, and the task
statements of the occupation the role stage chose.

Both are retrieved by code, deterministically, and reach the model as data (never as
instructions). The occupation's title in the assessment is O*NET's, looked up here from the code
the model chose: the model picks, the data names.
"""

from __future__ import annotations

from typing import Any

from jobzone.errors import NotFoundError
from jobzone.occupations import Occupation, known_title, occupation, search
from jobzone.occupations.lookup import CODE

#: Candidate occupations found for the title alone, and at most this many more for the title
#: with the editor's notes (which can name a specialty the title leaves open).
CANDIDATES = 6
FROM_NOTES = 2
#: Characters of an occupation's description given with each candidate.
DESCRIPTION_CHARS = 300


def brief(text: str) -> str:
    """An occupation's description cut to :data:`DESCRIPTION_CHARS` at a word."""
    if len(text) <= DESCRIPTION_CHARS:
        return text
    return text[:DESCRIPTION_CHARS].rsplit(" ", 1)[0] + " ..."


def candidates(title: str, notes: str | None) -> list[dict[str, str]]:
    """The occupations the role may be assessed against, best first, each with what matched."""
    found = search(title, limit=CANDIDATES)
    if notes and notes.strip():
        known = {m.code for m in found}
        more = [m for m in search(f"{title} {notes}", limit=CANDIDATES) if m.code not in known]
        found += more[:FROM_NOTES]
    return [
        {
            "code": m.code,
            "title": m.title,
            "matched": f"{m.field}: {m.matched}",
            "description": brief(occupation(m.code).description),
        }
        for m in found
    ]


def listed_occupation(title: str) -> dict[str, str] | None:
    """The occupation O*NET lists ``title`` under, as its title or an alternate title, in the
    role answer's form: what the draft is assessed against when the model chose none."""
    match = known_title(title)
    if match is None:
        return None
    kind = "direct" if match.field == "title" else "alternate-title"
    return {"code": match.code, "match": kind, "note": ""}


def _known(code: Any) -> Occupation | None:
    """The occupation ``code`` names, or None when it is not one the dataset has."""
    if not isinstance(code, str) or not CODE.match(code) or "." not in code:
        return None
    try:
        return occupation(code)
    except NotFoundError:
        return None


def is_occupation(code: Any) -> bool:
    """Whether ``code`` is an occupation of the dataset."""
    return _known(code) is not None


def occupation_tasks(code: Any) -> list[dict[str, Any]]:
    """The task statements of the occupation ``code`` (Core first), or none for an unknown code."""
    found = _known(code)
    if found is None:
        return []
    return [{"id": t.id, "statement": t.text, "type": t.type or ""} for t in found.tasks]


def named(answer: Any) -> Any:
    """The role answer's occupation as the file holds it: O*NET's title for the chosen code
    (empty when the dataset has no such code, for the validator to name), in the file's order."""
    if not isinstance(answer, dict):
        return answer
    found = _known(answer.get("code"))
    title = found.title if found is not None else ""
    filed = {"code": answer.get("code"), "title": title, **_without(answer, "code", "title")}
    return {key: value for key, value in filed.items() if value is not None}


def _without(answer: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: value for key, value in answer.items() if key not in keys}
