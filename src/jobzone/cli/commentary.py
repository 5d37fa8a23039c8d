"""``jobzone commentary``: regenerate a canonical role's commentary, through review."""

from __future__ import annotations

import click

from jobzone.canonical import CanonicalRole, CanonicalSet, load_canonical
from jobzone.cli.app import json_option, print_json, workspace
from jobzone.drafting.regenerate import Regeneration, regenerate, stale_roles
from jobzone.drafting.settings import ModelSettings
from jobzone.drafting.usage import PriceTable
from jobzone.errors import EXIT_FINDINGS, ConflictError, NotFoundError
from jobzone.identity import author_name
from jobzone.workspace import Workspace, check_name


@click.command("commentary")
@click.argument("slug", required=False)
@click.option("--notes", help="What the editor wants from the new text (passed as data).")
@click.option("--stale", is_flag=True, help="Queue a regeneration for every stale role.")
@click.option("--model", help="Model name [default: $JOBZONE_MODEL, else gpt-5-mini].")
@json_option
def commentary_cmd(
    slug: str | None, notes: str | None, stale: bool, model: str | None, as_json: bool
) -> None:
    """Draft new commentary for a canonical role; it enters the queue as a commentary revision.

    Scores are never touched: approving the draft replaces the commentary only. With --stale,
    every role whose commentary no longer matches its figures is queued, with progress; run it
    again after an interruption and it resumes without duplicating or losing work.
    """
    if bool(slug) == stale:
        raise click.UsageError("give a SLUG or --stale (not both)")
    ws = workspace()
    canonical = load_canonical(ws)
    if stale:
        targets = [role for role, _ in stale_roles(canonical)]
    else:
        assert slug is not None
        role = canonical.get(check_name(slug))
        if role is None:
            raise NotFoundError(f"{slug} is not in the canonical set", rule="role.exists")
        targets = [role]
    results = _regenerate_all(ws, canonical, targets, notes, model, as_json) if targets else []
    if not stale and not results[0].queued:
        # Raised before anything is printed, so that --json prints one object: the error.
        raise ConflictError(
            f"a commentary draft for this version of {results[0].draft.slug} is already "
            f"queued: {results[0].draft.id}"
        )
    rows = [
        {
            "id": r.draft.id,
            "slug": r.draft.slug,
            "queued": r.queued,
            "errors": len(r.draft.findings.errors),
            "warnings": len(r.draft.findings.warnings),
        }
        for r in results
    ]
    if as_json:
        print_json({"drafts": rows})
    else:
        for row in rows:
            state = "queued" if row["queued"] else "already in the queue"
            click.echo(f"{row['id']}: {state}, {row['errors']} errors, {row['warnings']} warnings")
        if stale and not rows:
            click.echo("no stale commentary")
    if any(row["errors"] for row in rows):
        raise click.exceptions.Exit(EXIT_FINDINGS)


def _regenerate_all(
    ws: Workspace,
    canonical: CanonicalSet,
    targets: list[CanonicalRole],
    notes: str | None,
    model: str | None,
    as_json: bool,
) -> list[Regeneration]:
    settings = ModelSettings.from_env(model)
    prices = PriceTable.load()
    by = author_name()
    results: list[Regeneration] = []
    try:
        for i, role in enumerate(targets, 1):
            if not as_json:
                click.echo(f"[{i}/{len(targets)}] {role.slug}", err=True)
            progress = (lambda _m: None) if as_json else (lambda m: click.echo(f"  {m}", err=True))
            results.append(
                regenerate(
                    ws,
                    canonical,
                    role,
                    notes=notes,
                    settings=settings,
                    prices=prices,
                    by=by,
                    progress=progress,
                )
            )
    except KeyboardInterrupt:
        click.echo(
            "jobzone: interrupted. Run the same command again: finished roles are skipped and "
            "an interrupted one resumes without paying again.",
            err=True,
        )
        raise
    return results
