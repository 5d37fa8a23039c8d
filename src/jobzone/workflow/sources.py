"""Verifying a draft's sources: an editor records having checked that each says what is cited.

A verification is content (``verified_by`` and ``verified_on`` on the source, shown on the
published page), so recording one changes the draft as an edit does: it is checked again, its
earlier approvals are withdrawn and it is pending again. A workspace may require every source
verified before approval (``require_verified_sources``); :func:`refuse_unverified` is that check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from jobzone.assessment import Assessment, Evidence
from jobzone.checking import content_sha256
from jobzone.drafts import Draft, Kind, load_draft
from jobzone.errors import ConflictError, InputError, UnverifiedSourcesError
from jobzone.history import Action, now
from jobzone.review.targets import resolve_draft
from jobzone.sources import CitedSource, cited, unverified
from jobzone.wording import plural
from jobzone.workflow import Workflow


@dataclass(frozen=True)
class VerifyResult:
    draft: Draft
    #: The sources recorded as verified now, in the order given; empty when there was none left.
    verified: list[CitedSource]
    by: str
    on: dt.date
    #: Sources of the draft still unverified.
    left: int
    withdrawn: int


def parsed(draft: Draft) -> Assessment:
    """The draft's assessment; an InputError when it breaks the file format, since its sources
    cannot be told apart then."""
    try:
        return Assessment.model_validate(draft.assessment)
    except ValidationError:
        raise InputError(
            f"draft {draft.id} does not follow the assessment format, so its sources cannot be "
            f"read; fix its errors with `jobzone edit {draft.id}` first",
            field="assessment",
            rule="verify.format",
        ) from None


def draft_sources(wf: Workflow, reference: str) -> tuple[Draft, list[CitedSource]]:
    """A draft and its sources, for reading (any status)."""
    draft = load_draft(wf.workspace, resolve_draft(wf.workspace, reference))
    return draft, list(cited(parsed(draft)))


def verify(
    wf: Workflow,
    reference: str,
    paths: Sequence[str],
    by: str,
    *,
    every: bool = False,
    opened_sha256: str | None = None,
) -> VerifyResult:
    """Record that ``by`` checked the sources at ``paths`` today (``every``: each one not yet
    verified). Naming a verified source records the new check over the old one.

    ``opened_sha256``: the content the reviewer was shown (a page); if the draft changed since,
    a path may name another source than the one checked, so it is refused as a conflict."""
    on = now().date()
    with wf.session() as s:
        draft = s.open_draft(resolve_draft(wf.workspace, reference), "verifying sources")
        if opened_sha256 is not None and content_sha256(draft.assessment) != opened_sha256:
            raise ConflictError(f"draft {draft.id} changed since this page was opened")
        if draft.kind is Kind.commentary:
            raise InputError(
                f"draft {draft.id} replaces only the commentary; its sources are those of the "
                f"canonical version and are verified in a revision of {draft.slug}",
                rule="verify.kind",
            )
        assessment = parsed(draft)
        chosen = unverified(assessment) if every else _named(draft, assessment, paths)
        if not chosen:
            return VerifyResult(draft, [], by, on, 0, 0)
        for c in chosen:
            source = draft.assessment["evidence"][c.dimension]["sources"][c.index]
            source.update(verified_by=by, verified_on=on)
        withdrawn = len(draft.approvals)
        note = f"verified {', '.join(c.path for c in chosen)}"
        checked = s.change_content(draft, Action.sources_verified, by, lambda _: note)
        assert checked.assessment is not None  # only two fields of valid sources were set
        left = len(unverified(checked.assessment))
        return VerifyResult(draft, chosen, by, on, left, withdrawn)


@dataclass(frozen=True)
class NewSource:
    """A source an editor adds to one evidence dimension, as typed into a form or a command."""

    dimension: str
    title: str
    url: str = ""
    date: str = ""


def add_source(wf: Workflow, reference: str, new: NewSource, by: str) -> tuple[Draft, str]:
    """Cite one more source for an evidence dimension, recorded as added by ``by``: checked
    again, earlier approvals withdrawn, as after an edit. Returns the draft and the new
    source's path."""
    with wf.session() as s:
        draft = s.open_draft(resolve_draft(wf.workspace, reference), "adding a source")
        if draft.kind is Kind.commentary:
            raise InputError(
                f"draft {draft.id} replaces only the commentary; a source is added in a "
                f"revision of {draft.slug}",
                rule="source.kind",
            )
        parsed(draft)
        field = f"evidence.{new.dimension}"
        if new.dimension not in Evidence.model_fields:
            raise InputError(
                f"not an evidence dimension; the dimensions are {', '.join(Evidence.model_fields)}",
                field=field,
                rule="source.dimension",
            )
        sources = draft.assessment["evidence"][new.dimension]["sources"]
        path = f"{field}.sources[{len(sources)}]"
        source = _source(new, by, path)
        sources.append(source)
        s.change_content(draft, Action.edited, by, lambda _: f"added {path} ({source['title']!r})")
        return draft, path


def _source(new: NewSource, by: str, path: str) -> dict[str, object]:
    """The source as the file holds it; an InputError naming the field that cannot be used."""
    title, url, date = " ".join(new.title.split()), new.url.strip(), new.date.strip()
    if not title:
        raise InputError("a source needs a title", field=f"{path}.title", rule="source.title")
    if url and not url.lower().startswith(("https://", "http://")):
        raise InputError(
            "a source's address starts with https:// or http://",
            field=f"{path}.url",
            rule="source.url",
        )
    source: dict[str, object] = {"title": title, "added_by": by}
    if url:
        source["url"] = url
    if date:
        try:
            source["date"] = dt.date.fromisoformat(date)
        except ValueError:
            raise InputError(
                f"{date!r} is not a date; write it YYYY-MM-DD",
                field=f"{path}.date",
                rule="source.date",
            ) from None
    return source


def _named(draft: Draft, assessment: Assessment, paths: Sequence[str]) -> list[CitedSource]:
    """The sources at ``paths``, each once; an InputError naming a path that is not one."""
    if not paths:
        raise InputError(
            f"name the sources of draft {draft.id} to verify by their paths, or pass --all; "
            f"`jobzone verify {draft.id} --list` lists them",
            rule="verify.path",
        )
    by_path = {c.path: c for c in cited(assessment)}
    for path in paths:
        if path not in by_path:
            raise InputError(
                f"not a source of draft {draft.id}; source paths look like "
                f"evidence.wage_trends.sources[0] (`jobzone verify {draft.id} --list` lists "
                "them)",
                field=path,
                rule="verify.path",
            )
    return [by_path[path] for path in dict.fromkeys(paths)]


def refuse_unverified(draft: Draft, assessment: Assessment) -> None:
    """Refuse, for a workspace that requires verified sources, a draft with any unverified
    source. A commentary draft is let through: it brings no source (the canonical version's
    stay as they are)."""
    waiting = [] if draft.kind is Kind.commentary else unverified(assessment)
    if not waiting:
        return
    listed = "; ".join(f"{c.path} ({c.source.title!r})" for c in waiting)
    raise UnverifiedSourcesError(
        f"draft {draft.id} has {plural(len(waiting), 'unverified source')}, and this workspace "
        f"requires every source verified before approval: {listed}. Check each one says what "
        f"is cited, then record it with `jobzone verify {draft.id} PATH ...` (or --all)",
        paths=[c.path for c in waiting],
    )
