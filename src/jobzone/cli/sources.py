"""``jobzone verify``: list a draft's sources, or record that an editor checked them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from jobzone.cli.app import (
    json_option,
    print_json,
    reading,
    reviewer_option,
    workflow,
    workspace_option,
)
from jobzone.wording import plural

if TYPE_CHECKING:
    from jobzone.sources import CitedSource
    from jobzone.workflow.sources import VerifyResult


@click.command("verify")
@click.argument("draft_id", metavar="ID")
@click.argument("paths", metavar="[PATH]...", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Verify every source not yet verified.")
@click.option("--list", "listing", is_flag=True, help="List the sources; change nothing.")
@reviewer_option
@json_option
@workspace_option
def verify_cmd(
    draft_id: str,
    paths: tuple[str, ...],
    every: bool,
    listing: bool,
    reviewer: str | None,
    as_json: bool,
) -> None:
    """Record that you checked a draft's sources say what they are cited for.

    PATH names a source as findings do, e.g. evidence.wage_trends.sources[0]; --list shows each
    source's path, who added it and whether it is verified. Each source named (or, with --all,
    each not yet verified) records you as verified_by and today as verified_on; the draft is
    checked again and earlier approvals are withdrawn, as after an edit.
    """
    if listing and (paths or every):
        raise click.UsageError("--list changes nothing; give it no PATH and no --all")
    if paths and every:
        raise click.UsageError("name sources by PATH or pass --all, not both")
    if listing:
        _list(draft_id, as_json)
        return
    from jobzone.identity import reviewer_name
    from jobzone.workflow.sources import verify

    name = reviewer_name(reviewer)
    _verified(verify(workflow(quiet=as_json), draft_id, paths, name, every=every), as_json)


def _as_json(c: CitedSource) -> dict[str, object]:
    return {
        "path": c.path,
        "title": c.source.title,
        "url": c.source.url,
        "added_by": c.added_by,
        "verified": c.verified,
        "verified_by": c.source.verified_by,
        "verified_on": c.source.verified_on,
    }


def _list(draft_id: str, as_json: bool) -> None:
    from jobzone.workflow.sources import draft_sources

    draft, found = draft_sources(reading(quiet=as_json), draft_id)
    if as_json:
        print_json({"id": draft.id, "sources": [_as_json(c) for c in found]})
        return
    for c in found:
        by, on = c.source.verified_by, c.source.verified_on
        state = f"verified by {by} on {on}" if c.verified else "unverified"
        click.echo(f"{c.path}  {state}; added by {c.added_by}")
        click.echo(f"  {c.source.title}")
        click.echo(f"  {c.source.url or 'no URL'}")
    waiting = sum(not c.verified for c in found)
    click.echo(f"{plural(len(found), 'source')}, {waiting} unverified", err=True)


def _verified(result: VerifyResult, as_json: bool) -> None:
    draft = result.draft
    if as_json:
        print_json(
            {
                "id": draft.id,
                "verified": [c.path for c in result.verified],
                "verified_by": result.by,
                "verified_on": result.on,
                "unverified": result.left,
                "approvals_withdrawn": result.withdrawn,
                "errors": len(draft.findings.errors),
                "warnings": len(draft.findings.warnings),
            }
        )
        return
    if not result.verified:
        click.echo(f"every source of {draft.id} is verified already; nothing changed")
        return
    click.echo(
        f"verified {plural(len(result.verified), 'source')} of {draft.id} as {result.by} on "
        f"{result.on}:"
    )
    for c in result.verified:
        click.echo(f"  {c.path}  {c.source.title}")
    withdrawn = (
        f"; {plural(result.withdrawn, 'earlier approval')} withdrawn" if result.withdrawn else ""
    )
    click.echo(
        f"{result.left} unverified left; now {plural(len(draft.findings.errors), 'error')}, "
        f"{plural(len(draft.findings.warnings), 'warning')}{withdrawn}"
    )


@click.command("add-source")
@click.argument("draft_id", metavar="ID")
@click.argument("dimension")
@click.argument("title")
@click.option("--url", default="", help="Where to read it: an https:// or http:// address.")
@click.option("--date", default="", metavar="YYYY-MM-DD", help="Its date, if known.")
@reviewer_option
@json_option
@workspace_option
def add_source_cmd(
    draft_id: str,
    dimension: str,
    title: str,
    url: str,
    date: str,
    reviewer: str | None,
    as_json: bool,
) -> None:
    """Cite one more source for an evidence dimension of a draft.

    DIMENSION is one of job_posting_trends, company_actions, wage_trends, ai_tool_maturity and
    expert_consensus. The source is recorded as added by you and is not yet verified (`jobzone
    verify` records that). The draft is checked again and earlier approvals are withdrawn, as
    after an edit; `jobzone undo` takes it back.
    """
    from jobzone.identity import reviewer_name
    from jobzone.workflow.sources import NewSource, add_source

    name = reviewer_name(reviewer)
    new = NewSource(dimension, title, url, date)
    draft, path = add_source(workflow(quiet=as_json), draft_id, new, name)
    errors, warnings = len(draft.findings.errors), len(draft.findings.warnings)
    if as_json:
        print_json({"id": draft.id, "path": path, "errors": errors, "warnings": warnings})
        return
    click.echo(
        f"added {path} to {draft.id}; now {plural(errors, 'error')}, {plural(warnings, 'warning')}"
    )
