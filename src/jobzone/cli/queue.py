"""Reading the queue: queue, show, diff, history."""

from __future__ import annotations

from functools import cache, partial

import click

from jobzone.cli.app import fail, json_option, print_json, reading, workspace_option
from jobzone.errors import EXIT_INPUT, InputError
from jobzone.wording import age, plural

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
    from jobzone.states import Status

    wf = reading(quiet=as_json)
    found = listing(wf.workspace, status)

    @cache
    def required() -> int:
        """Approvals a draft needs: read only when a row shows them (the settings' model is
        the one pydantic import a plain listing would otherwise pay for)."""
        from jobzone.config import load_config

        return load_config(wf.workspace).approvals_required

    if as_json:
        print_json(
            {
                "drafts": [
                    {**r.to_json(), "required": required(), "age": age(r.created_at)}
                    for r in found.rows
                ],
                "unreadable": [e.to_dict() for e in found.unreadable],
            }
        )
    else:
        header = f"{'ID':52} {'STATUS':17} {'KIND':10} {'AIJRI':>5} {'ZONE':6} FINDINGS AGE  TITLE"
        lines = [header] if found.rows else []
        for r in found.rows:
            state = r.status.value.replace("_", " ")
            if r.status is Status.pending and r.approvals and r.approvals < required():
                state = f"pending {r.approvals}/{required()}"
            figures = f"{r.aijri:5.1f} {r.zone:6}" if r.aijri is not None else f"{'-':>5} {'':6}"
            lines.append(
                f"{r.id:52} {state:17} {r.kind.value:10} {figures} {r.errors:>2}E {r.warnings:>2}W "
                f"{age(r.created_at):>4}  {r.title}"
            )
        if lines:
            click.echo("\n".join(lines))  # one write: the queue can be 10,000 lines long
        click.echo(plural(len(found.rows), "draft"), err=True)
    for problem in found.unreadable:
        click.echo(f"jobzone: error: unreadable draft: {problem.message}", err=True)
    if found.unreadable:
        fail(EXIT_INPUT)


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
