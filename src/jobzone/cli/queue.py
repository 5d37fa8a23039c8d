"""Reading the queue: queue, show, diff, history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache, partial
from typing import TYPE_CHECKING

import click

from jobzone.cli.app import fail, json_option, print_json, reading, workspace_option
from jobzone.errors import EXIT_INPUT, InputError
from jobzone.states import Kind, Status
from jobzone.wording import age, plural

if TYPE_CHECKING:
    from jobzone.review.queue import Row

STATUSES = ("pending", "changes_requested", "approved", "rejected")


@click.command("queue")
@click.option("--status", type=click.Choice(STATUSES), help="Only drafts with this status.")
@json_option
@workspace_option
def queue_cmd(status: str | None, as_json: bool) -> None:
    """List the drafts, pending first: id, status, kind, aijri, zone, findings, age, title.

    A pending draft that has some but not all of the approvals it needs shows them, as in
    "pending 1/2". Unreadable draft files are listed after the rest (exit 2).
    """
    from jobzone.review.queue import listing

    wf = reading(quiet=as_json)
    found = listing(wf.workspace, status)

    @cache
    def required() -> int:
        """Approvals a draft needs: read only when a row shows them (the settings' model is
        the one pydantic import a plain listing would otherwise pay for)."""
        from jobzone.config import load_config

        return load_config(wf.workspace).approvals_required

    now = dt.datetime.now(dt.UTC)
    if as_json:
        print_json(
            {
                "drafts": [
                    {**r.to_json(), "required": required(), "age": age(r.created_at, now)}
                    for r in found.rows
                ],
                "unreadable": [e.to_dict() for e in found.unreadable],
            }
        )
    else:
        if found.rows:
            lines = [_HEADER, *(_line(r, required, now) for r in found.rows)]
            click.echo("\n".join(lines))  # one write: the queue can be 10,000 lines long
        click.echo(plural(len(found.rows), "draft"), err=True)
    for problem in found.unreadable:
        click.echo(f"jobzone: error: unreadable draft: {problem.message}", err=True)
    if found.unreadable:
        fail(EXIT_INPUT)


_HEADER = f"{'ID':52} {'STATUS':17} {'KIND':10} {'AIJRI':>5} {'ZONE':6} FINDINGS AGE  TITLE"
#: Each status and kind as its column shows it: formatted once, not once a row.
_STATES = {status: f"{status.value.replace('_', ' '):17}" for status in Status}
_KINDS = {kind: f"{kind.value:10}" for kind in Kind}
_NO_FIGURES = f"{'-':>5} {'':6}"


def _line(r: Row, required: Callable[[], int], now: dt.datetime) -> str:
    """A draft's line in the table (``required``: how many approvals a draft needs). Made
    10,000 times for a large queue: the row is unpacked once, and the counts, which take few
    values, are formatted once each."""
    draft_id, _, title, kind, status, aijri, zone, errors, warnings, created_at, _, approvals, _ = r
    state = _STATES[status]
    if status is Status.pending and approvals and approvals < required():
        state = f"{f'pending {approvals}/{required()}':17}"
    figures = f"{aijri:5.1f} {zone:6}" if aijri is not None else _NO_FIGURES
    return (
        f"{draft_id:52} {state} {_KINDS[kind]} {figures} {_findings(errors, warnings)} "
        f"{age(created_at, now):>4}  {title}"
    )


@cache
def _findings(errors: int, warnings: int) -> str:
    return f"{errors:>2}E {warnings:>2}W"


@click.command("show")
@click.argument("draft_id", metavar="ID")
@json_option
@workspace_option
def show_cmd(draft_id: str, as_json: bool) -> None:
    """Show a draft with findings beside their fields, provenance, history and changes.

    ID is a draft's id, a unique start of it, or its role's slug.
    """
    from jobzone.canonical import load_canonical
    from jobzone.drafts import load_draft
    from jobzone.review import showing
    from jobzone.review.targets import resolve_draft

    wf = reading(quiet=as_json)
    draft = load_draft(wf.workspace, resolve_draft(wf.workspace, draft_id))
    changed = showing.changes(wf.workspace, draft, partial(load_canonical, wf.workspace))
    if as_json:
        from jobzone.second_opinion import as_json as second_opinion

        shown = draft.model_dump(mode="json")
        changes = changed.to_dict() if changed else None
        print_json(
            {**shown, "changes": changes, "second_opinion": second_opinion(draft.assessment)}
        )
    else:
        click.echo(showing.show(draft, changed), nl=False)


@click.command("diff")
@click.argument("draft_id", metavar="ID")
@json_option
@workspace_option
def diff_cmd(draft_id: str, as_json: bool) -> None:
    """Show only what a revision or commentary draft changes against the canonical version it is
    based on (commentary side by side, with every reference filled in)."""
    from jobzone.canonical import load_canonical
    from jobzone.drafts import load_draft
    from jobzone.review import showing
    from jobzone.review.targets import resolve_draft

    wf = reading(quiet=as_json)
    draft = load_draft(wf.workspace, resolve_draft(wf.workspace, draft_id))
    changed = showing.changes(wf.workspace, draft, partial(load_canonical, wf.workspace))
    if changed is None:
        raise InputError(
            f"draft {draft.id} is a new role; there is nothing to compare it with",
            rule="diff.revision",
        )
    if as_json:
        print_json({"id": draft.id, "kind": draft.kind.value, **changed.to_dict()})
    else:
        click.echo(changed.text(), nl=False)


@click.command("history")
@click.argument("target", metavar="SLUG|ID")
@json_option
@workspace_option
def history_cmd(target: str, as_json: bool) -> None:
    """Show the append-only history of a canonical role (by slug) or of a draft (by id, a unique
    start of it, or its role's slug when no canonical role has it)."""
    from jobzone.drafts import load_draft
    from jobzone.review.showing import history_lines
    from jobzone.review.targets import resolve_draft
    from jobzone.review.versions import current_role
    from jobzone.workspace import check_name

    wf = reading(quiet=as_json)
    role = current_role(wf.workspace, check_name(target, "slug"))
    if role is not None:
        entries, label = role.history, f"roles/{target}.yaml (version {role.version})"
    else:
        draft = load_draft(wf.workspace, resolve_draft(wf.workspace, target))
        entries, label = draft.history, f"draft {draft.id} ({draft.status.value})"
    if as_json:
        print_json({"target": label, "history": [e.model_dump(mode="json") for e in entries]})
    else:
        click.echo(label)
        for line in history_lines(entries):
            click.echo(f"  {line}")
