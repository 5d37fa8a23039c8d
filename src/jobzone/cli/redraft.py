"""``jobzone redraft``: the drafting stages again, with the reviewers' notes as guidance."""

from __future__ import annotations

import click

from jobzone.cli.app import fail, json_option, print_json, workflow, workspace_option
from jobzone.cli.drafting import draft_summary, format_summary
from jobzone.errors import EXIT_FINDINGS
from jobzone.identity import author_name
from jobzone.workflow import drafting


@click.command("redraft")
@click.argument("draft_id", metavar="ID")
@click.option("--model", help="Model name [default: $JOBZONE_MODEL, else gpt-5-mini].")
@json_option
@workspace_option
def redraft_cmd(draft_id: str, model: str | None, as_json: bool) -> None:
    """Draft again, with the reviewers' notes as guidance; keeps the earlier revision.

    For a draft with changes requested. Run it again after an interruption and it continues
    without paying twice.
    """
    wf = workflow(quiet=as_json)
    draft = drafting.redraft(wf, draft_id, author_name(), model_name=model)
    summary = draft_summary(wf.workspace.relative(wf.workspace.drafts_dir), draft)
    if as_json:
        print_json(summary)
    else:
        click.echo(format_summary(summary))
    if draft.findings.errors:
        fail(EXIT_FINDINGS)
