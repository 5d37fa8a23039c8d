"""``jobzone rebase``: carry a draft's changes onto the role's current canonical version."""

from __future__ import annotations

import click

from jobzone.cli.app import json_option, print_json, reviewer_option, workflow, workspace_option
from jobzone.identity import reviewer_name
from jobzone.wording import plural
from jobzone.workflow import rebase


@click.command("rebase")
@click.argument("draft_id", metavar="ID")
@reviewer_option
@json_option
@workspace_option
def rebase_cmd(draft_id: str, reviewer: str | None, as_json: bool) -> None:
    """Carry a draft's changes onto the role's current version.

    For a revision whose base moved on (approval is refused as a conflict), or a new-role
    draft whose role has since entered the canonical set. What the draft changed is kept, what
    the new version changed is taken, and fields both changed keep the draft's value and are
    listed.
    """
    wf = workflow(quiet=as_json)
    result = rebase.rebase(wf, draft_id, reviewer_name(reviewer))
    if as_json:
        print_json(
            {
                "id": result.draft.id,
                "rebased": result.rebased,
                "onto_version": result.onto,
                "draft_changed": result.ours,
                "canonical_changed": result.theirs,
                "both_changed": result.both,
                "errors": len(result.draft.findings.errors),
                "warnings": len(result.draft.findings.warnings),
            }
        )
        return
    if not result.rebased:
        click.echo(f"{result.draft.id} is already based on the current version (v{result.onto})")
        return
    click.echo(
        f"rebased {result.draft.id} onto v{result.onto}: kept {plural(len(result.ours), 'field')} "
        f"the draft changed, took {plural(len(result.theirs), 'field')} the new version changed"
    )
    for path in result.both:
        click.echo(f"  both changed (the draft's value kept, check it): {path}")
    click.echo(
        f"now {plural(len(result.draft.findings.errors), 'error')}, "
        f"{plural(len(result.draft.findings.warnings), 'warning')}; review with "
        f"`jobzone diff {result.draft.id}`"
    )
