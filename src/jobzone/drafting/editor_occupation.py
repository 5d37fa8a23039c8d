"""The O*NET occupation an editor chose for a role (a titles file's ``occupation`` column).

The role stage is then given that occupation alone as its candidate, and a draft whose answer
names no occupation of the dataset is assessed against it, as a title O*NET lists is.
"""

from __future__ import annotations

from jobzone.drafting.grounding import brief, listed_occupation
from jobzone.occupations import occupation


def editor_candidate(code: str) -> dict[str, str]:
    """The chosen occupation as the role stage's data lists candidates."""
    found = occupation(code)
    return {
        "code": found.code,
        "title": found.title,
        "matched": "chosen by the editor",
        "description": brief(found.description),
    }


def chosen_occupation(code: str, title: str) -> dict[str, str]:
    """The chosen occupation in the role answer's form: a direct or alternate-title match when
    O*NET lists the title under it, else a proxy whose note the reviewer writes."""
    listed = listed_occupation(title)
    if listed is not None and listed["code"] == code:
        return listed
    return {"code": code, "match": "proxy", "note": ""}
