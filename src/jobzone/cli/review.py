"""Reviewers' decisions: approve, reject, request-changes."""

from __future__ import annotations

import click

from jobzone.cli.app import json_option, print_json, reviewer_option, workflow, workspace_option
from jobzone.drafts import Draft
from jobzone.identity import reviewer_name
from jobzone.workflow import review


@click.command("approve")
@click.argument("draft_id", metavar="ID")
@reviewer_option
@click.option("--note", help="Why; required with --accept-warnings.")
@click.option("--accept-warnings", is_flag=True, help="Acknowledge the draft's warnings.")
@json_option
@workspace_option
def approve_cmd(
    draft_id: str, reviewer: str | None, note: str | None, accept_warnings: bool, as_json: bool
) -> None:
    """Approve a draft; once approved by enough reviewers it becomes the role's next version.

    ID is a draft's id, a unique start of it, or its role's slug. Refused while the draft has
    errors, while warnings are unacknowledged, and (exit 1, a conflict) when a revision's base
    is no longer the role's current version.
    """
    name = reviewer_name(reviewer)
    result = review.approve(workflow(quiet=as_json), draft_id, name, note, accept_warnings)
    draft = result.draft
    if as_json:
        print_json(
            {
                "id": draft.id,
                "status": draft.status.value,
                "approvals": result.approvals,
                "required": result.required,
                "slug": draft.slug,
                "version": result.promoted_version,
                "unchanged": result.unchanged,
            }
        )
    elif result.unchanged:
        click.echo(
            f"approved {draft.id}: it makes no change to roles/{draft.slug}.yaml, so no new "
            "version was made"
        )
    elif result.promoted_version is None:
        click.echo(
            f"approved {draft.id} ({result.approvals} of {result.required} approvals); it "
            "enters the canonical set at the last one"
        )
    else:
        click.echo(
            f"approved {draft.id}: roles/{draft.slug}.yaml is now version {result.promoted_version}"
        )


def _decided(draft: Draft, as_json: bool, verb: str) -> None:
    if as_json:
        print_json({"id": draft.id, "status": draft.status.value})
    else:
        click.echo(f"{verb} {draft.id}: now {draft.status.value.replace('_', ' ')}")


@click.command("reject")
@click.argument("draft_id", metavar="ID")
@reviewer_option
@click.option("--reason", required=True, help="Why the draft is rejected.")
@json_option
@workspace_option
def reject_cmd(draft_id: str, reviewer: str | None, reason: str, as_json: bool) -> None:
    """Reject a draft; it stays in the queue, closed, with the reason."""
    name = reviewer_name(reviewer)
    _decided(review.reject(workflow(quiet=as_json), draft_id, name, reason), as_json, "rejected")


@click.command("request-changes")
@click.argument("draft_id", metavar="ID")
@reviewer_option
@click.option("--note", required=True, help="What should change; guides `jobzone redraft`.")
@click.option(
    "--on",
    "comments",
    nargs=2,
    multiple=True,
    metavar="FIELD TEXT",
    help="A comment on one field, e.g. --on 'tasks[2].score' 'the evidence says 3'; repeatable.",
)
@json_option
@workspace_option
def request_changes_cmd(
    draft_id: str,
    reviewer: str | None,
    note: str,
    comments: tuple[tuple[str, str], ...],
    as_json: bool,
) -> None:
    """Ask for changes; `jobzone redraft` or `jobzone edit` answer them."""
    name = reviewer_name(reviewer)
    draft = review.request_changes(workflow(quiet=as_json), draft_id, name, note, comments)
    _decided(draft, as_json, "asked for changes to")
