"""The review queue's commands: queue, show, diff, approve, reject, request-changes, redraft,
edit, history."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable

import click

from jobzone.cli.app import json_option, print_json, workspace
from jobzone.drafts import Draft, Status, draft_path, load_draft
from jobzone.errors import EXIT_INPUT, InputError
from jobzone.identity import reviewer_name
from jobzone.locking import workspace_lock
from jobzone.review import decisions, editing, queue, showing
from jobzone.review.promotion import approve, needs_recovery, recover
from jobzone.review.versions import current_role
from jobzone.workspace import Workspace, check_name

reviewer_option = click.option(
    "--reviewer",
    metavar="NAME",
    help="Your name [default: $JOBZONE_REVIEWER, else git's user.name].",
)


def _recovered(ws: Workspace) -> None:
    """Finish or undo an approval a crash interrupted, before anything reads the queue; only
    then is the lock taken, so reading never waits behind a writer for nothing."""
    if not needs_recovery(ws):
        return
    with workspace_lock(ws):
        said = recover(ws)
    if said:
        click.echo(f"jobzone: {said}", err=True)


def _age(created: dt.datetime) -> str:
    seconds = (dt.datetime.now(dt.UTC) - created).total_seconds()
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return "now"


@click.command("queue")
@click.option(
    "--status",
    type=click.Choice([s.value for s in Status]),
    help="Only drafts with this status.",
)
@json_option
def queue_cmd(status: str | None, as_json: bool) -> None:
    """List the drafts, pending first: id, title, kind, status, aijri, zone, findings, age."""
    ws = workspace()
    _recovered(ws)
    found = queue.listing(ws, status)
    if as_json:
        print_json(
            {
                "drafts": [
                    {**r.model_dump(mode="json"), "age": _age(r.created_at)} for r in found.rows
                ],
                "unreadable": [e.to_dict() for e in found.unreadable],
            }
        )
    else:
        lines = [
            f"{r.id:52} {r.status:17} {r.kind:10} "
            + (f"{r.aijri:5.1f} {r.zone:6}" if r.aijri is not None else "    -        ")
            + f" {r.errors}E {r.warnings}W {_age(r.created_at):>4}  {r.title}"
            for r in found.rows
        ]
        if lines:
            click.echo("\n".join(lines))  # one write: the queue can be 10,000 lines long
        click.echo(f"{len(found.rows)} drafts", err=True)
    for problem in found.unreadable:
        click.echo(f"jobzone: error: unreadable draft: {problem.message}", err=True)
    if found.unreadable:
        raise click.exceptions.Exit(EXIT_INPUT)


def _load(ws: Workspace, draft_id: str) -> Draft:
    return load_draft(ws, check_name(draft_id, "id"))


@click.command("show")
@click.argument("draft_id", metavar="ID")
@json_option
def show_cmd(draft_id: str, as_json: bool) -> None:
    """Show a draft with findings beside their fields, provenance, history and changes."""
    ws = workspace()
    _recovered(ws)
    draft = _load(ws, draft_id)
    if as_json:
        print_json({**draft.model_dump(mode="json"), "changes": showing.changes(ws, draft)})
    else:
        click.echo(showing.show(ws, draft), nl=False)


@click.command("diff")
@click.argument("draft_id", metavar="ID")
def diff_cmd(draft_id: str) -> None:
    """Show only what a revision changes against the canonical version it is based on."""
    ws = workspace()
    _recovered(ws)
    draft = _load(ws, draft_id)
    text = showing.changes(ws, draft)
    if text is None:
        raise InputError(
            f"draft {draft.id} is a new role; there is nothing to compare it with",
            rule="diff.revision",
        )
    click.echo(text, nl=False)


def _decide(action: Callable[[Workspace], Draft], as_json: bool, verb: str) -> None:
    ws = workspace()
    with workspace_lock(ws):
        recover(ws)
        draft = action(ws)
    if as_json:
        print_json({"id": draft.id, "status": draft.status.value})
    else:
        click.echo(f"{verb} {draft.id}: now {draft.status.value}")


@click.command("approve")
@click.argument("draft_id", metavar="ID")
@reviewer_option
@click.option("--note", help="Why; required with --accept-warnings.")
@click.option("--accept-warnings", is_flag=True, help="Acknowledge the draft's warnings.")
@json_option
def approve_cmd(
    draft_id: str, reviewer: str | None, note: str | None, accept_warnings: bool, as_json: bool
) -> None:
    """Approve a draft; once approved by enough reviewers it becomes the role's next version.

    Refused while the draft has errors, while warnings are unacknowledged, and (exit 1, a
    conflict) when a revision's base is no longer the role's current version.
    """
    ws = workspace()
    name = reviewer_name(reviewer)
    with workspace_lock(ws):
        recover(ws)
        result = approve(ws, check_name(draft_id, "id"), name, note, accept_warnings)
    payload = {
        "id": result.draft.id,
        "status": result.draft.status.value,
        "approvals": result.approvals,
        "required": result.required,
        "slug": result.draft.slug,
        "version": result.promoted_version,
    }
    if as_json:
        print_json(payload)
    elif result.promoted_version is None:
        click.echo(
            f"approved {result.draft.id} ({result.approvals} of {result.required} "
            "approvals); it enters the canonical set at the last one"
        )
    else:
        click.echo(
            f"approved {result.draft.id}: roles/{result.draft.slug}.yaml is now "
            f"version {result.promoted_version}"
        )


@click.command("reject")
@click.argument("draft_id", metavar="ID")
@reviewer_option
@click.option("--reason", required=True, help="Why the draft is rejected.")
@json_option
def reject_cmd(draft_id: str, reviewer: str | None, reason: str, as_json: bool) -> None:
    """Reject a draft; it stays in the queue, closed, with the reason."""
    name = reviewer_name(reviewer)
    _decide(
        lambda ws: decisions.reject(ws, check_name(draft_id, "id"), name, reason),
        as_json,
        "rejected",
    )


@click.command("request-changes")
@click.argument("draft_id", metavar="ID")
@reviewer_option
@click.option("--note", required=True, help="What should change; guides `jobzone redraft`.")
@json_option
def request_changes_cmd(draft_id: str, reviewer: str | None, note: str, as_json: bool) -> None:
    """Ask for changes; `jobzone redraft` or `jobzone edit` answer them."""
    name = reviewer_name(reviewer)
    _decide(
        lambda ws: decisions.request_changes(ws, check_name(draft_id, "id"), name, note),
        as_json,
        "asked for changes to",
    )


def _choose(error: InputError) -> str:
    click.echo(f"jobzone: the edited file does not parse: {error.message}", err=True)
    if not sys.stdin.isatty():
        return "set-aside"
    answer = click.prompt(
        "[r]eopen it, or [s]et it aside", type=click.Choice(["r", "s"]), default="r", err=True
    )
    return "reopen" if answer == "r" else "set-aside"


@click.command("edit")
@click.argument("draft_id", metavar="ID")
@reviewer_option
def edit_cmd(draft_id: str, reviewer: str | None) -> None:
    """Edit a draft's assessment in $EDITOR; on save it is re-validated and re-scored."""
    ws = workspace()
    name = reviewer_name(reviewer)
    result = editing.edit(ws, check_name(draft_id, "id"), name, _choose)
    if result.set_aside is not None:
        click.echo(f"set aside, draft unchanged: {result.set_aside}")
    elif not result.changed:
        click.echo("no changes")
    elif result.draft is not None:
        d = result.draft
        click.echo(
            f"edited {d.id}: {len(d.findings.errors)} errors, {len(d.findings.warnings)} warnings"
        )


@click.command("history")
@click.argument("target", metavar="SLUG|ID")
@json_option
def history_cmd(target: str, as_json: bool) -> None:
    """Show the append-only history of a canonical role or of a draft."""
    ws = workspace()
    _recovered(ws)
    name = check_name(target, "slug")
    role = current_role(ws, name)
    if role is not None:
        entries, label = role.history, f"roles/{name}.yaml (version {role.version})"
    elif draft_path(ws, name).exists():
        draft = load_draft(ws, name)
        entries, label = draft.history, f"draft {name} ({draft.status.value})"
    else:
        raise InputError(f"no canonical role or draft named {name!r}", rule="history.target")
    if as_json:
        print_json({"target": label, "history": [e.model_dump(mode="json") for e in entries]})
    else:
        click.echo(label)
        for line in showing.history_lines(entries):
            click.echo(f"  {line}")
