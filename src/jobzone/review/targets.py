"""Finding the draft a person means: its whole id, a unique prefix of it, or its role's slug.

Ids like ``dental-hygienist-20261202-063238-2b72`` are long; a reviewer types the start of one, or
the slug when one open draft is about that role. A miss suggests the closest ids and slugs.
"""

from __future__ import annotations

import difflib
import os

from jobzone.errors import InputError, NotFoundError
from jobzone.workspace import NAME_RE, Workspace, check_name

#: How many candidates an ambiguous reference or a miss lists.
SHOWN = 5


def draft_ids(workspace: Workspace) -> list[str]:
    """The ids of the drafts in the queue (names only: nothing is parsed)."""
    if not workspace.drafts_dir.is_dir():
        return []
    with os.scandir(workspace.drafts_dir) as entries:
        names = [e.name[:-5] for e in entries if e.name.endswith(".yaml")]
    return sorted(n for n in names if NAME_RE.match(n))


def resolve_draft(workspace: Workspace, reference: str) -> str:
    """The id of the one draft ``reference`` names, else an error listing the candidates."""
    check_name(reference, "id")
    ids = draft_ids(workspace)
    if reference in ids:
        return reference
    prefixed = [i for i in ids if i.startswith(reference)]
    if len(prefixed) == 1:
        return prefixed[0]
    from jobzone.review.queue import rows

    listed = rows(workspace).rows
    by_slug = [r for r in listed if r.slug == reference]
    open_ones = [r for r in by_slug if r.status.is_open]
    for candidates in (open_ones, by_slug):
        if len(candidates) == 1:
            return candidates[0].id
    ambiguous = sorted({*prefixed, *(r.id for r in by_slug)})
    if ambiguous:
        shown = ", ".join(ambiguous[:SHOWN]) + (", ..." if len(ambiguous) > SHOWN else "")
        raise InputError(
            f"{reference!r} names {len(ambiguous)} drafts ({shown}); type more of the id",
            field="id",
            rule="draft.ambiguous",
        )
    close = difflib.get_close_matches(
        reference, [*ids, *sorted({r.slug for r in listed})], n=3, cutoff=0.6
    )
    hint = f"did you mean {' or '.join(close)}?" if close else "`jobzone queue` lists the drafts"
    raise NotFoundError(
        f"no draft {reference!r} in the queue; {hint}",
        rule="draft.exists",
        suggestions=tuple(close),
    )
