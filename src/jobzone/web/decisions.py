"""The POSTs of the draft page: approve, reject, request changes, edit a task or a text in
place, add, remove or move a task, undo a change, add a source, record sources as verified, and
rebase onto the role's current version.

Each handler checks the CSRF token, reads its fields and calls the workflow function the CLI
calls; the decision itself (what is refused and why) is the workflow's. A refusal is shown on
the draft page in ``#message``, with 409 for a conflict and 422 for anything else the reviewer
can fix. Success redirects (303) to the draft page with ``?done=...``, or, for an htmx edit,
answers with the re-checked ``#assessment`` section.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from jobzone.drafts import load_draft
from jobzone.errors import (
    ConflictError,
    FindingsError,
    InputError,
    JobzoneError,
    NotFoundError,
    UnverifiedSourcesError,
)
from jobzone.web.draft_page import DONE, ROLE_TEXT, TASK_TEXT, Message, build, render, resolve
from jobzone.web.security import csrf_valid
from jobzone.web.site import reviewer_of, site_of
from jobzone.workflow import Workflow, review
from jobzone.workflow.editing import apply_edit, restore
from jobzone.workflow.rebase import rebase
from jobzone.workflow.sources import NewSource, add_source, verify

#: A decision: the workflow, the draft's id, the reviewer and the form; returns the outcome to
#: show (a key of DONE) when it is not the handler's usual one, else None.
Decide = Callable[[Workflow, str, str, FormData], str | None]
#: The fields a text edit may name: the role's prose, and a task's name or rationale.
_TEXT_FIELD = re.compile(
    rf"role\.(?:{'|'.join(ROLE_TEXT)})|tasks\[(?P<index>[0-9]{{1,4}})\]\.(?:{'|'.join(TASK_TEXT)})"
)


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _prose(form: FormData, name: str) -> str:
    """A text area's value with the browser's line endings (``\\r\\n``) made plain ``\\n``."""
    return _text(form, name).replace("\r\n", "\n").replace("\r", "\n")


def _refusal(exc: JobzoneError) -> tuple[Message, int]:
    """How the page words a refusal, and its status."""
    text = exc.message + (f". {exc.hint}" if exc.hint else "")
    details: tuple[str, ...] = ()
    if isinstance(exc, FindingsError):
        details = tuple(
            f"{f.severity.value} {f.code} at {f.path}: {f.message}" for f in exc.report.findings
        )
    elif isinstance(exc, UnverifiedSourcesError):
        details = tuple(exc.paths)
    if isinstance(exc, ConflictError):
        return Message("conflict", text, details), 409
    return Message("error", text, details), 422


def _htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


async def _posted(request: Request, act: Decide, done: str) -> Response:
    """Check the token, resolve the draft, act; the page with the refusal, or a redirect."""
    site = site_of(request)
    form = await request.form()
    if not csrf_valid(request, form, site.secret):
        return PlainTextResponse(
            "refused: the form's CSRF token is missing or does not match; reload the page", 403
        )
    wf = site.workflow
    draft_id = await run_in_threadpool(resolve, wf, request.path_params["draft_id"])
    try:
        outcome = await run_in_threadpool(act, wf, draft_id, reviewer_of(request), form)
    except NotFoundError:
        raise
    except JobzoneError as exc:
        message, status = _refusal(exc)
        whole = not _htmx(request)
        view = await run_in_threadpool(lambda: build(wf, draft_id, whole=whole))
        return render(request, view, message, status, partial=not whole)
    done = outcome or done
    if _htmx(request):
        view = await run_in_threadpool(lambda: build(wf, draft_id, whole=False))
        return render(request, view, Message("success", DONE[done]), partial=True)
    return RedirectResponse(f"/drafts/{draft_id}?done={done}", status_code=303)


def _approve(wf: Workflow, draft_id: str, reviewer: str, form: FormData) -> None:
    accept = form.get("accept_warnings") is not None
    review.approve(wf, draft_id, reviewer, _text(form, "note"), accept)


def _reject(wf: Workflow, draft_id: str, reviewer: str, form: FormData) -> None:
    review.reject(wf, draft_id, reviewer, _text(form, "reason"))


def _request_changes(wf: Workflow, draft_id: str, reviewer: str, form: FormData) -> None:
    """The note, and each field comment the form filled in (a field chosen, a comment typed)."""
    paths, texts = form.getlist("comment_field"), form.getlist("comment_text")
    comments = [
        (str(path), str(text))
        for path, text in zip(paths, texts, strict=False)
        if str(path) and str(text).strip()
    ]
    review.request_changes(wf, draft_id, reviewer, _text(form, "note"), comments)


def _whole(form: FormData, name: str, index: int) -> int:
    value = _text(form, name).strip()
    try:
        return int(value)
    except ValueError:
        raise InputError(
            f"{value!r} is not a whole number", field=f"tasks[{index}].{name}", rule="edit.number"
        ) from None


Change = Callable[[dict[str, Any]], str]


def _changed(wf: Workflow, draft_id: str, reviewer: str, form: FormData, change: Change) -> str:
    """``change`` made to a copy of the draft's assessment (it says what it did, a key of
    DONE), applied as ``jobzone edit`` applies a saved file: refused as a conflict when the
    draft changed since the page was opened, and nothing saved when the content is as it was."""
    data = load_draft(wf.workspace, draft_id).assessment
    edited = copy.deepcopy(data)
    done = change(edited)
    if edited == data:
        return "unchanged"
    apply_edit(wf, draft_id, edited, reviewer, opened_sha256=_text(form, "opened"))
    return done


def _tasks(data: dict[str, Any], index: int | None = None) -> list[Any]:
    """The tasks of an assessment mapping (to change in place); a NotFoundError when ``index``
    names no task, an InputError when it names one that is not a mapping."""
    tasks = data.get("tasks")
    if not isinstance(tasks, list):
        raise InputError("the draft's tasks are not a list", field="tasks", rule="edit.task")
    if index is not None:
        if not 0 <= index < len(tasks):
            raise NotFoundError(f"the draft has no task {index}", rule="edit.task")
        if not isinstance(tasks[index], dict):
            raise InputError("this task is not a mapping", field=f"tasks[{index}]")
    return tasks


def _edit_task(index: int) -> Decide:
    """The edit of one task's time share, score and impact."""

    def edit(wf: Workflow, draft_id: str, reviewer: str, form: FormData) -> str:
        values = {
            "time_pct": _whole(form, "time_pct", index),
            "score": _whole(form, "score", index),
            "impact": _text(form, "impact"),
        }

        def change(data: dict[str, Any]) -> str:
            _tasks(data, index)[index].update(values)
            return "edited"

        return _changed(wf, draft_id, reviewer, form, change)

    return edit


def _add_task(wf: Workflow, draft_id: str, reviewer: str, form: FormData) -> str:
    """A new task appended after the last; the shares are left as they are, so the check says
    whether they still sum to 100."""

    def change(data: dict[str, Any]) -> str:
        tasks = _tasks(data)
        index = len(tasks)
        task = {
            "name": _text(form, "name").strip(),
            "time_pct": _whole(form, "time_pct", index),
            "score": _whole(form, "score", index),
            "impact": _text(form, "impact"),
            "rationale": _prose(form, "rationale").strip(),
        }
        tasks.append(task)
        return "task_added"

    return _changed(wf, draft_id, reviewer, form, change)


def _remove_task(index: int) -> Decide:
    def remove(wf: Workflow, draft_id: str, reviewer: str, form: FormData) -> str:
        def change(data: dict[str, Any]) -> str:
            del _tasks(data, index)[index]
            return "task_removed"

        return _changed(wf, draft_id, reviewer, form, change)

    return remove


def _move_task(index: int) -> Decide:
    """Task ``index`` swapped with the one above (``to=up``) or below (``to=down``)."""

    def move(wf: Workflow, draft_id: str, reviewer: str, form: FormData) -> str:
        to = _text(form, "to")
        if to not in ("up", "down"):
            raise InputError(
                f"{to!r} is not a direction; a task moves up or down",
                field=f"tasks[{index}]",
                rule="edit.move",
            )

        def change(data: dict[str, Any]) -> str:
            tasks = _tasks(data, index)
            other = index - 1 if to == "up" else index + 1
            if not 0 <= other < len(tasks):
                where = "first" if to == "up" else "last"
                raise InputError(
                    f"task {index} is already the {where}; it cannot move {to}",
                    field=f"tasks[{index}]",
                    rule="edit.move",
                )
            tasks[index], tasks[other] = tasks[other], tasks[index]
            return "task_moved"

        return _changed(wf, draft_id, reviewer, form, change)

    return move


def _edit_text(wf: Workflow, draft_id: str, reviewer: str, form: FormData) -> str:
    """One text of the draft (``field``, e.g. ``role.primary_function`` or
    ``tasks[2].rationale``) set to ``value``, with the line ends a browser sends made plain."""
    field = _text(form, "field")
    match = _TEXT_FIELD.fullmatch(field)
    if match is None:
        raise InputError(
            "not a text the page edits; it edits the role's primary function, what the role is "
            "not, typical experience and seniority note, and each task's name and rationale",
            field=field or "field",
            rule="edit.field",
        )
    value = _prose(form, "value")

    def change(data: dict[str, Any]) -> str:
        if match["index"] is None:
            holder, where = data.get("role"), "role"
        else:
            index = int(match["index"])
            holder, where = _tasks(data, index)[index], f"tasks[{index}]"
        if not isinstance(holder, dict):
            raise InputError(f"{where} is not a mapping", field=where)
        holder[field.rsplit(".", 1)[1]] = value
        return "edited"

    return _changed(wf, draft_id, reviewer, form, change)


def _restore(wf: Workflow, draft_id: str, reviewer: str, form: FormData) -> str:
    """The state before the latest change (an undo), or the earlier one ``version`` names."""
    digest = _text(form, "version") or None
    restore(wf, draft_id, reviewer, opened_sha256=_text(form, "opened"), digest=digest)
    return "restored"


def _rebase(wf: Workflow, draft_id: str, reviewer: str, form: FormData) -> str:
    """The draft carried onto the role's current version, as ``jobzone rebase`` carries it."""
    return "rebased" if rebase(wf, draft_id, reviewer).rebased else "on_current"


def _add_source(wf: Workflow, draft_id: str, reviewer: str, form: FormData) -> str:
    fields = ("dimension", "title", "url", "date")
    add_source(wf, draft_id, NewSource(*(_text(form, name) for name in fields)), reviewer)
    return "source_added"


def _verify_sources(wf: Workflow, draft_id: str, reviewer: str, form: FormData) -> str:
    """The sources at ``path`` (one or more), or with ``all=yes`` every one not yet verified,
    recorded as checked by the reviewer today, as ``jobzone verify`` records them."""
    every = _text(form, "all") == "yes"
    paths = [] if every else [str(p) for p in form.getlist("path")]
    verify(wf, draft_id, paths, reviewer, every=every, opened_sha256=_text(form, "opened"))
    return "verified"


def _handler(act: Decide, done: str) -> Callable[[Request], Awaitable[Response]]:
    async def handle(request: Request) -> Response:
        return await _posted(request, act, done)

    return handle


approve = _handler(_approve, "approved")
reject = _handler(_reject, "rejected")
request_changes = _handler(_request_changes, "changes_requested")


async def edit_task(request: Request) -> Response:
    return await _posted(request, _edit_task(request.path_params["index"]), "edited")


async def add_task(request: Request) -> Response:
    return await _posted(request, _add_task, "task_added")


async def remove_task(request: Request) -> Response:
    return await _posted(request, _remove_task(request.path_params["index"]), "task_removed")


async def move_task(request: Request) -> Response:
    return await _posted(request, _move_task(request.path_params["index"]), "task_moved")


edit_text = _handler(_edit_text, "edited")
verify_sources = _handler(_verify_sources, "verified")
restore_version = _handler(_restore, "restored")
add_source_to = _handler(_add_source, "source_added")
rebase_draft = _handler(_rebase, "rebased")
