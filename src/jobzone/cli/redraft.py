"""``jobzone redraft``: the drafting stages again, with the reviewers' notes as guidance."""

from __future__ import annotations

import click

from jobzone.cli.app import json_option, model_choice, model_options, workflow, workspace_option
from jobzone.cli.drafting import report_queued
from jobzone.identity import author_name
from jobzone.workflow import drafting


@click.command("redraft")
@click.argument("draft_id", metavar="ID")
@model_options
@json_option
@workspace_option
def redraft_cmd(
    draft_id: str,
    model: str | None,
    timeout: float | None,
    structured_output: str | None,
    as_json: bool,
) -> None:
    """Draft again, with the reviewers' notes as guidance; keeps the earlier revision.

    For a draft with changes requested. Run it again after an interruption and it continues
    without paying twice.
    """
    wf = workflow(quiet=as_json)
    chosen = model_choice(model, timeout, structured_output)
    draft = drafting.redraft(wf, draft_id, author_name(), model=chosen)
    report_queued(wf.workspace, draft, as_json)
