"""The O*NET occupation an editor chose for a role (a titles file's ``occupation`` column).

The role stage is then given that occupation alone as its candidate, and a draft whose answer
names no occupation of the dataset is assessed against it, as a title O*NET lists is.
"""

from __future__ import annotations

from jobzone.drafting.grounding import DESCRIPTION_CHARS
from jobzone.occupations import known_title, occupation


def editor_candidate(code: str) -> dict[str, str]:
    """The chosen occupation as the role stage's data lists candidates."""
    found = occupation(code)
    description = found.description
    if len(description) > DESCRIPTION_CHARS:
        description = description[:DESCRIPTION_CHARS].rsplit(" ", 1)[0] + " ..."
    return {
        "code": found.code,
        "title": found.title,
        "matched": "chosen by the editor",
        "description": description,
    }


def chosen_occupation(code: str, title: str) -> dict[str, str]:
    """The chosen occupation in the role answer's form: a direct or alternate-title match when
    O*NET lists the title under it, else a proxy whose note the reviewer writes."""
    listed = known_title(title)
    if listed is not None and listed.code == code:
        kind = "direct" if listed.field == "title" else "alternate-title"
        return {"code": code, "match": kind, "note": ""}
    return {"code": code, "match": "proxy", "note": ""}
