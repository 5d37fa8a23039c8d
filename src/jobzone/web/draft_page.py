"""The draft page, ``GET /drafts/{id}``: everything ``jobzone show`` says, laid out for review.

Each finding stands beside the field it is about: the page renders a set of *anchors* (field
paths such as ``role.primary_function``, ``tasks[2].score`` or ``evidence.wage_trends``), and a
finding goes to the nearest anchor at or above its path (``tasks[2].onet_tasks[0]`` to
``tasks[2]``), or to the list at the top when none is shown. Every figure comes from the draft's
stored score, which the workflow's check wrote; the page computes none.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from jobzone.assessment import Assessment, Impact
from jobzone.canonical import CanonicalSet, load_canonical
from jobzone.career import CareerContext, attribution, career_context, without_figures
from jobzone.checking import content_sha256
from jobzone.commentary import Commentary
from jobzone.config import load_config
from jobzone.drafts import Draft, Kind, load_draft
from jobzone.errors import ConfigError, InputError, JobzoneError, NotFoundError
from jobzone.occupations.index import default_index
from jobzone.review.authorship import changed_fields
from jobzone.review.queue import listing
from jobzone.review.showing import annotated, changes, filled, history_lines, provenance_lines
from jobzone.review.targets import resolve_draft
from jobzone.second_opinion import Labels, TaskOpinion, grounded, labels
from jobzone.sources import CitedSource, cited
from jobzone.web.site import page, site_of
from jobzone.wording import plural
from jobzone.workflow import Workflow
from jobzone.workflow.rebase import needs_rebase
from jobzone.workflow.versions import has, model_wrote, restorable

#: The outcomes a decision redirects with (``?done=...``), as the page words them.
DONE = {
    "approved": "Your approval is recorded.",
    "rejected": "The draft is rejected.",
    "changes_requested": "Changes are requested.",
    "edited": "Your edit is saved; the draft was checked and scored again.",
    "unchanged": "Nothing was saved: the text is as it was.",
    "verified": "Your check of the sources is recorded; the draft was checked again.",
    "task_added": "The task is added; the draft was checked and scored again.",
    "task_removed": "The task is removed; the draft was checked and scored again.",
    "task_moved": "The task is moved; the draft was checked and scored again.",
    "restored": "The earlier version is back; the draft was checked and scored again.",
    "source_added": "The source is added; the draft was checked again.",
    "rebased": "The draft now sits on the role's current version, its changes kept; the "
    "history lists any field both changed, to check before approving.",
    "on_current": "The draft already sits on the role's current version: nothing to carry over.",
}
_TASK_FIELDS = ("name", "time_pct", "score", "impact", "rationale")
#: The role definition's prose, each edited in place by a form of its own.
ROLE_TEXT = ("primary_function", "not_this_role", "typical_experience", "seniority_note")
#: A task's prose, edited in place as the role's is.
TASK_TEXT = ("name", "rationale")


@dataclass(frozen=True)
class FindingView:
    severity: str
    code: str
    path: str
    message: str


@dataclass(frozen=True)
class FieldRow:
    """One shown field: its path (the anchor of its findings), label, text and, for a scored
    item, its score."""

    path: str
    label: str
    text: str
    score: int | None = None


@dataclass(frozen=True)
class TaskView:
    index: int
    path: str
    values: dict[str, Any]
    opinion: TaskOpinion | None


@dataclass(frozen=True)
class Message:
    """The outcome or error shown in ``#message``: kind is success, error or conflict."""

    kind: str
    text: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class VersionView:
    """An earlier state the page offers to bring back."""

    digest: str
    label: str


@dataclass(frozen=True)
class DraftView:
    draft: Draft
    assessment: Assessment | None
    placed: dict[str, list[FindingView]]
    tasks: list[TaskView]
    labels: Labels | None
    onet_note: str | None
    definition: list[FieldRow]
    #: The scored groups (protective principles, evidence, barriers), each with its rows.
    groups: list[tuple[str, list[FieldRow]]]
    sources: dict[str, list[CitedSource]]
    commentary: list[tuple[str, list[str]]]
    provenance: list[str]
    history: list[str]
    changes: ChangesView | None
    #: The assessment as YAML with findings marked, for a draft that does not parse.
    raw: str | None
    opened: str
    required: int
    #: The occupation's figures, as the published page shows them; None without an occupation.
    career: CareerContext | None = None
    #: The notices the career figures' data asks for.
    notices: tuple[str, ...] = ()
    #: Earlier states kept on disk, newest first (the first is what undo brings back).
    versions: tuple[VersionView, ...] = ()
    #: Each field a person changed since the model wrote it, with what the model wrote.
    changed: dict[str, str] = field(default_factory=dict)
    #: What the marks of changed fields mean for this draft, or why there are none.
    authorship: str = ""
    #: Whether the role changed since the draft was based on it (approval would be refused).
    stale: bool = False
    role_text: tuple[str, ...] = tuple(f"role.{name}" for name in ROLE_TEXT)
    impacts: tuple[str, ...] = tuple(i.value for i in Impact)

    @property
    def unverified(self) -> int:
        return sum(not c.verified for shown in self.sources.values() for c in shown)

    @property
    def verifiable(self) -> bool:
        """Whether the page offers to verify sources: an open draft that brings its own (a
        commentary draft's are the canonical version's)."""
        return self.draft.status.is_open and self.draft.kind is not Kind.commentary


def _parsed(data: dict[str, Any]) -> Assessment | None:
    try:
        return Assessment.model_validate(data)
    except ValueError:
        return None


def _task_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The tasks as the mapping holds them (rendered even when the rest does not parse)."""
    tasks = data.get("tasks")
    return [t for t in tasks if isinstance(t, dict)] if isinstance(tasks, list) else []


def anchors(
    tasks: list[TaskView],
    rows: list[FieldRow],
    sources: dict[str, list[CitedSource]],
    commentary: list[tuple[str, list[str]]],
) -> set[str]:
    """The field paths the page shows, each with the findings about it; built from what is
    shown, so that no finding is placed beside a field the page leaves out."""
    shown = {"", "tasks", "commentary", "evidence"} | {row.path for row in rows}
    for task in tasks:
        shown |= {task.path, *(f"{task.path}.{name}" for name in _TASK_FIELDS)}
    shown |= {c.path for cited_ in sources.values() for c in cited_}
    return shown | {f"commentary.{name}" for name, _ in commentary}


def anchor_of(path: str, shown: set[str]) -> str:
    """The nearest shown field at or above ``path``."""
    while path and path not in shown:
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return path


def place(draft: Draft, shown: set[str]) -> dict[str, list[FindingView]]:
    placed: dict[str, list[FindingView]] = {}
    found = [("error", f) for f in draft.findings.errors]
    found += [("warning", f) for f in draft.findings.warnings]
    for severity, f in found:
        view = FindingView(severity, f.code, f.path, f.message)
        placed.setdefault(anchor_of(f.path, shown), []).append(view)
    return placed


def _labels(assessment: Assessment | None) -> tuple[Labels | None, str | None]:
    """The O*NET second opinion of a grounded assessment, or why it is missing."""
    if assessment is None or not grounded(assessment):
        return None, None
    try:
        return labels(assessment, default_index()), None
    except ConfigError as exc:
        return None, f"The O*NET data cannot be read: {exc.message}"


def _career(
    canonical: Callable[[], CanonicalSet], a: Assessment | None
) -> tuple[CareerContext | None, tuple[str, ...]]:
    """The career context of the role's occupation, looked up now as the published page does;
    the occupation as named, with why, when the data or the canonical set cannot be read."""
    if a is None or a.role.occupation is None:
        return None, ()
    try:
        others = canonical().without(a.slug)
        found = career_context(a, others, default_index())
    except ConfigError as exc:
        return without_figures(a, f"The O*NET data cannot be read: {exc.message}"), ()
    except JobzoneError as exc:
        return without_figures(a, f"The career context cannot be shown: {exc.message}"), ()
    shown = found is not None and bool(found.facts)
    return found, attribution(onet=shown, labels=False, bls=shown)


def _definition(a: Assessment) -> list[FieldRow]:
    role = a.role
    occupation = (
        f"{role.occupation.code} {role.occupation.title} ({role.occupation.match.value})"
        if role.occupation
        else "none named"
    )
    return [
        FieldRow("title", "Title", a.title),
        FieldRow("slug", "Slug", a.slug),
        FieldRow("assessed_on", "Assessed on", str(a.assessed_on)),
        FieldRow("rubric", "Rubric", a.rubric),
        *(
            FieldRow(f"role.{name}", _title(role, name), str(getattr(role, name)))
            for name in ("seniority", "primary_function", "not_this_role", "typical_experience")
        ),
        FieldRow("role.seniority_note", "Seniority note", role.seniority_note),
        FieldRow("role.occupation", "O*NET occupation", occupation),
        FieldRow("reinstatement", "Reinstatement (new tasks)", _reinstatement(a)),
        FieldRow("override", "Assessor override", _override(a)),
    ]


def _reinstatement(a: Assessment) -> str:
    return f"{'yes' if a.reinstatement.new_tasks else 'no'}: {a.reinstatement.rationale}"


def _override(a: Assessment) -> str:
    o = a.override
    return "none" if o is None else f"AIJRI {o.aijri} by {o.by} on {o.on}: {o.justification}"


def _title(model: BaseModel, name: str) -> str:
    return type(model).model_fields[name].title or name.replace("_", " ").capitalize()


def _groups(a: Assessment) -> list[tuple[str, list[FieldRow]]]:
    """Protective principles (with the growth correlation), evidence and barriers."""
    shown = []
    for heading, group, text in (
        ("Protective principles", "protective", "rationale"),
        ("Evidence", "evidence", "text"),
        ("Barriers", "barriers", "rationale"),
    ):
        model = getattr(a, group)
        rows = [
            FieldRow(f"{group}.{name}", _title(model, name), getattr(item, text), item.score)
            for name, item in ((n, getattr(model, n)) for n in type(model).model_fields)
        ]
        shown.append((heading, rows))
    growth = FieldRow("growth", "AI growth correlation", a.growth.rationale, a.growth.score)
    shown[0][1].append(growth)
    return shown


def _commentary(data: dict[str, Any], fill: Callable[[str], str]) -> list[tuple[str, list[str]]]:
    """The commentary's sections, their references filled as the published page fills them."""
    raw = data.get("commentary")
    raw = raw if isinstance(raw, dict) else {}
    sections = []
    for name in Commentary.model_fields:
        value = raw.get(name)
        if name == "written_against" or value is None:
            continue
        items = value if isinstance(value, list) else [value]
        sections.append(
            (
                name,
                [
                    f"{i.get('slug')}: {fill(str(i.get('reason')))}"
                    if isinstance(i, dict)
                    else fill(str(i))
                    for i in items
                ],
            )
        )
    return sections


@dataclass(frozen=True)
class DiffRow:
    """One row of the side-by-side diff: the canonical line, the draft's, and how they differ
    (``equal``, ``replace``, ``delete`` or ``insert``, as difflib names it)."""

    kind: str
    before: str
    after: str


#: Unchanged lines kept around each change; longer unchanged runs are folded.
DIFF_CONTEXT = 3


def side_by_side_rows(before: Sequence[str], after: Sequence[str]) -> list[DiffRow | None]:
    """The two texts side by side, changes with their context; None marks folded lines. No
    rows when the texts are the same."""
    rows: list[DiffRow | None] = []
    matcher = difflib.SequenceMatcher(a=list(before), b=list(after), autojunk=False)
    if all(tag == "equal" for tag, *_ in matcher.get_opcodes()):
        return rows
    shown_to = 0
    for group in matcher.get_grouped_opcodes(DIFF_CONTEXT):
        if group[0][1] > shown_to:
            rows.append(None)
        shown_to = group[-1][2]
        for tag, i1, i2, j1, j2 in group:
            old, new = before[i1:i2], after[j1:j2]
            for n in range(max(len(old), len(new))):
                rows.append(
                    DiffRow(
                        tag,
                        old[n].rstrip("\n") if n < len(old) else "",
                        new[n].rstrip("\n") if n < len(new) else "",
                    )
                )
    if shown_to < len(before):
        rows.append(None)
    return rows


@dataclass(frozen=True)
class ChangesView:
    #: The changes as text (a commentary draft's sections, a note, or why they cannot be shown).
    text: str
    #: For a revision, the content side by side; empty when there is no line to compare.
    rows: list[DiffRow | None]


def _changes(
    wf: Workflow, draft: Draft, canonical: Callable[[], CanonicalSet]
) -> ChangesView | None:
    try:
        found = changes(wf.workspace, draft, canonical)
    except JobzoneError as exc:
        return ChangesView(f"the changes cannot be shown: {exc.message}", [])
    if found is None:
        return None
    rows = side_by_side_rows(found.before, found.after) if found.before or found.after else []
    if not rows:
        return ChangesView(found.text(), [])
    return ChangesView(f"note: {found.note}" if found.note else "", rows)


def _neighbours(wf: Workflow, draft_id: str) -> tuple[str | None, str | None]:
    """The drafts waiting for review before and after this one, in the queue's order (for ``j``
    and ``k``). A draft that no longer waits (just approved, say) is followed by the first that
    still does."""
    ids = [row.id for row in listing(wf.workspace).rows if row.status.is_open]
    if draft_id not in ids:
        return None, ids[0] if ids else None
    at = ids.index(draft_id)
    return (ids[at - 1] if at > 0 else None), (ids[at + 1] if at + 1 < len(ids) else None)


def _versions(wf: Workflow, draft: Draft) -> tuple[VersionView, ...]:
    """The earlier states of an open draft that are kept, newest first."""
    if not draft.status.is_open:
        return ()
    earlier = restorable(draft)[:-1]
    return tuple(
        VersionView(v.digest, v.describe())
        for v in reversed(earlier)
        if has(wf.workspace, draft.id, v.digest)
    )


def _authorship(wf: Workflow, draft: Draft) -> tuple[dict[str, str], str]:
    """The fields a person changed since the model wrote them, and what the marks mean."""
    if not draft.provenance.calls:
        return {}, "Written by hand: no model wrote this draft, so no field is marked."
    model = model_wrote(wf.workspace, draft)
    if model is None:
        return {}, (
            "What the model wrote is not kept for this draft (it was saved before versions were "
            "kept, or rebased since), so fields people changed are not marked."
        )
    changed = changed_fields(model, draft.assessment)
    if not changed:
        return changed, "Every field is as the model wrote it."
    return changed, (
        f"{plural(len(changed), 'field')} changed by a person since the model wrote the draft, "
        "each marked 'changed by a person' with what the model wrote."
    )


def build(wf: Workflow, draft_id: str, *, whole: bool = True) -> DraftView:
    """Everything the page shows of a draft; a NotFoundError when there is no such draft.
    Without ``whole``, only what the ``#assessment`` section shows (an htmx answer to an edit):
    the diff against the canonical version and the career context are left out."""
    wf.recover_if_needed()
    draft = load_draft(wf.workspace, draft_id)
    data = draft.assessment
    # The canonical set, read once, and only if some part of the page needs it.
    canonical = cache(lambda: load_canonical(wf.workspace, wf.notify))
    assessment = _parsed(data)
    found, note = _labels(assessment)
    opinions = found.tasks if found is not None else ()
    tasks = [
        TaskView(i, f"tasks[{i}]", t, opinions[i] if i < len(opinions) else None)
        for i, t in enumerate(_task_rows(data))
    ]
    definition = _definition(assessment) if assessment is not None else []
    groups = _groups(assessment) if assessment is not None else []
    sources: dict[str, list[CitedSource]] = {}
    for source in cited(assessment) if assessment is not None else ():
        sources.setdefault(source.dimension, []).append(source)
    commentary = (
        _commentary(data, filled(assessment, canonical())) if assessment is not None else []
    )
    rows = definition + [row for _, group in groups for row in group]
    every = [("error", f) for f in draft.findings.errors]
    every += [("warning", f) for f in draft.findings.warnings]
    career, notices = _career(canonical, assessment) if whole else (None, ())
    changed, authorship = _authorship(wf, draft)
    return DraftView(
        draft=draft,
        assessment=assessment,
        placed=place(draft, anchors(tasks, rows, sources, commentary)),
        tasks=tasks,
        labels=found,
        onet_note=note,
        definition=definition,
        groups=groups,
        sources=sources,
        commentary=commentary,
        provenance=provenance_lines(draft),
        history=history_lines(draft.history),
        changes=_changes(wf, draft, canonical) if whole else None,
        raw=annotated(data, every) if assessment is None else None,
        opened=content_sha256(data),
        required=load_config(wf.workspace).approvals_required,
        career=career,
        notices=notices,
        versions=_versions(wf, draft),
        changed=changed,
        authorship=authorship,
        stale=needs_rebase(wf, draft),
    )


def resolve(wf: Workflow, reference: str) -> str:
    """The draft id a URL names, checked as the CLI checks one; NotFoundError for anything
    that names no single draft (a malformed id or an ambiguous start included)."""
    try:
        return resolve_draft(wf.workspace, reference)
    except NotFoundError:
        raise
    except InputError as exc:
        raise NotFoundError(exc.detail, rule=exc.rule) from None


def render(
    request: Request,
    view: DraftView,
    message: Message | None = None,
    status: int = 200,
    *,
    partial: bool = False,
) -> Response:
    """The page, or (``partial``, for htmx) only its ``#assessment`` section."""
    template = "assessment.html.j2" if partial else "draft.html.j2"
    return page(request, template, status, view=view, message=message)


def done_message(request: Request) -> Message | None:
    done = request.query_params.get("done", "")
    return Message("success", DONE[done]) if done in DONE else None


async def show(request: Request) -> Response:
    """The page of a draft; a unique start of its id or its role's slug redirects to it."""
    wf = site_of(request).workflow
    reference = request.path_params["draft_id"]
    draft_id = await run_in_threadpool(resolve, wf, reference)
    if draft_id != reference:
        return RedirectResponse(f"/drafts/{draft_id}", status_code=303)
    view = await run_in_threadpool(build, wf, draft_id)
    return render(request, view, done_message(request))


async def neighbour(request: Request) -> Response:
    """``/drafts/ID/next`` and ``/previous``: the draft waiting before or after this one (the
    queue when there is none). Looked up only when asked, so a draft's page never lists the
    queue."""
    wf = site_of(request).workflow
    draft_id = await run_in_threadpool(resolve, wf, request.path_params["draft_id"])
    previous, following = await run_in_threadpool(_neighbours, wf, draft_id)
    target = following if request.url.path.endswith("/next") else previous
    return RedirectResponse(f"/drafts/{target}" if target else "/", status_code=303)
