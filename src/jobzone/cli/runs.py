"""``jobzone runs``: the drafting runs a workspace keeps, how to continue them, pruning."""

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING

import click

from jobzone.cli.app import (
    fail,
    json_option,
    print_json,
    reading,
    reviewer_option,
    workflow,
    workspace_option,
)
from jobzone.errors import EXIT_INPUT
from jobzone.wording import age, plural

if TYPE_CHECKING:
    from jobzone.workflow.run_folders import RunSummary

DEFAULT_DAYS = 14


def _rows(runs: list[RunSummary]) -> list[str]:
    header = f"{'ID':56} {'STATE':11} {'PURPOSE':10} {'CALLS':>5} {'FAILED':>6} {'TOKENS':>9} IDLE"
    lines = [header]
    for r in runs:
        tokens = f"{r.usage.total_tokens:,}" + ("~" if r.estimated else " ")
        lines.append(
            f"{r.id:56} {r.state:11} {r.purpose:10} {r.calls:>5} {r.failed_calls:>6} "
            f"{tokens:>9} {age(r.last_activity):>4}"
        )
    return lines


def _explained(runs: list[RunSummary]) -> list[str]:
    """A line per run that did not queue a draft: why, and what to do."""
    lines = []
    for r in runs:
        if r.resume:
            why = f"stopped: {r.reason}" if r.reason else "stopped"
            lines.append(f"{r.id}: {why}; continue with `{r.resume}`")
        elif r.prunable:
            lines.append(f"{r.id}: {r.state}: {r.reason or 'no reason recorded'}")
    return lines


@click.command("runs")
@click.option(
    "--prune",
    is_flag=True,
    help="Remove the runs that queued nothing (stopped, or not a job title) and have been idle "
    "for longer than --older-than; asks first unless --yes.",
)
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(min=1),
    default=DEFAULT_DAYS,
    show_default=True,
    metavar="DAYS",
    help="With --prune: only runs idle for more than this many days.",
)
@click.option("--dry-run", is_flag=True, help="With --prune: list what would go; remove nothing.")
@click.option("--yes", "-y", is_flag=True, help="With --prune: do not ask for confirmation.")
@reviewer_option
@json_option
@workspace_option
def runs_cmd(
    prune: bool, days: int, dry_run: bool, yes: bool, reviewer: str | None, as_json: bool
) -> None:
    """List the drafting runs the workspace keeps, and how to continue the ones that stopped.

    Every run keeps its journal (each call, answer and cut-off text) in drafts/.runs/. A run
    that queued a draft is that draft's record and is always kept. A run that stopped (a failed
    call, the budget, Ctrl-C) can be continued with the command shown; with --prune, those
    idle for longer than --older-than days, and runs refused as no job title, are removed,
    each logged in drafts/.runs/pruned.jsonl. Tokens marked ~ include estimates for calls
    that were cut off. Exit 2 when a folder there is not a readable run.
    """
    from jobzone.workflow.run_folders import list_runs

    ctx = click.get_current_context()
    given = [
        option
        for name, option in (("days", "--older-than"), ("dry_run", "--dry-run"), ("yes", "--yes"))
        if ctx.get_parameter_source(name) is not click.core.ParameterSource.DEFAULT
    ]
    if given and not prune:
        raise click.UsageError(f"{given[0]} goes with --prune")
    wf = reading(quiet=as_json)
    listing = list_runs(wf.workspace)
    if prune:
        _prune(listing.runs, days, dry_run=dry_run, yes=yes, reviewer=reviewer, as_json=as_json)
    elif as_json:
        print_json(
            {
                "runs": [r.to_json() for r in listing.runs],
                "unreadable": [e.to_dict() for e in listing.unreadable],
            }
        )
    else:
        if listing.runs:
            click.echo("\n".join([*_rows(listing.runs), "", *_explained(listing.runs)]).rstrip())
        stopped = sum(r.resume is not None for r in listing.runs)
        click.echo(f"{plural(len(listing.runs), 'run')}, {stopped} stopped", err=True)
        if listing.incomplete:
            click.echo(
                f"{plural(len(listing.incomplete), 'run folder')} with no request (a start "
                "interrupted before anything was asked); --prune removes them once idle",
                err=True,
            )
    for problem in listing.unreadable:
        click.echo(f"jobzone: error: unreadable run: {problem.message}", err=True)
    if listing.unreadable:
        fail(EXIT_INPUT)


def _prune(
    runs: list[RunSummary],
    days: int,
    *,
    dry_run: bool,
    yes: bool,
    reviewer: str | None,
    as_json: bool,
) -> None:
    from jobzone.identity import reviewer_name
    from jobzone.workflow.run_folders import RunListing, due_for_pruning, prune

    older_than = dt.timedelta(days=days)
    due = due_for_pruning(RunListing(runs, []), older_than)
    idle = f"idle for over {plural(days, 'day')}"
    if dry_run:
        if as_json:
            print_json({"pruned": [], "would_prune": [r.to_json() for r in due]})
        else:
            click.echo("\n".join(_rows(due)) if due else "", nl=bool(due))
            click.echo(f"would remove {plural(len(due), 'run')} {idle}", err=True)
        return
    if due and not yes:
        if as_json or not sys.stdin.isatty():
            raise click.UsageError("--prune asks before removing runs; pass --yes to skip that")
        click.echo("\n".join(_rows(due)))
        if not click.confirm(f"Remove these {plural(len(due), 'run')}?", err=True):
            click.echo("nothing removed", err=True)
            return
    # Run even with nothing due: it finishes what an interrupted prune left half-removed.
    by = reviewer_name(reviewer) if due else ""
    pruned = prune(workflow(quiet=as_json), older_than, by, only={r.id for r in due})
    if as_json:
        print_json({"pruned": [r.to_json() for r in pruned], "would_prune": []})
    elif pruned:
        click.echo(
            f"removed {plural(len(pruned), 'run')} {idle}; logged in drafts/.runs/pruned.jsonl"
        )
    else:
        click.echo(f"nothing to prune: no run that queued nothing is {idle}", err=True)
