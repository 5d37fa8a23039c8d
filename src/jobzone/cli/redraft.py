"""``jobzone redraft``: the drafting stages again, with the reviewers' notes as guidance."""

from __future__ import annotations

import click

from jobzone.cli.app import json_option, print_json, workspace
from jobzone.drafting.settings import ModelSettings
from jobzone.drafting.usage import PriceTable
from jobzone.errors import EXIT_FINDINGS, BudgetExceededError, ModelCallError
from jobzone.identity import author_name
from jobzone.review import redrafting
from jobzone.workspace import check_name


@click.command("redraft")
@click.argument("draft_id", metavar="ID")
@click.option("--model", help="Model name [default: $JOBZONE_MODEL, else gpt-5-mini].")
@json_option
def redraft_cmd(draft_id: str, model: str | None, as_json: bool) -> None:
    """Re-run the drafting stages with the reviewers' notes; keeps the earlier revision."""
    ws = workspace()
    settings = ModelSettings.from_env(model)
    progress = (lambda _m: None) if as_json else (lambda m: click.echo(f"  {m}", err=True))
    draft_id = check_name(draft_id, "id")
    try:
        draft = redrafting.redraft(
            ws, draft_id, author_name(), settings, PriceTable.load(), progress
        )
    except (BudgetExceededError, ModelCallError, KeyboardInterrupt):
        click.echo(
            f"jobzone: the redraft of {draft_id} stopped; its answers are kept. "
            f"Run `jobzone redraft {draft_id}` again to continue without paying again.",
            err=True,
        )
        raise
    score = draft.score or {}
    if as_json:
        print_json(
            {
                "id": draft.id,
                "revision": draft.revision,
                "status": draft.status.value,
                "aijri": score.get("aijri"),
                "zone": score.get("zone"),
                "findings": draft.findings.model_dump(),
            }
        )
    else:
        click.echo(
            f"redrafted {draft.id}: revision {draft.revision}, "
            f"{score.get('aijri', '-')} {score.get('sub_label', '')}, "
            f"{len(draft.findings.errors)} errors, {len(draft.findings.warnings)} warnings"
        )
    if draft.findings.errors:
        raise click.exceptions.Exit(EXIT_FINDINGS)
