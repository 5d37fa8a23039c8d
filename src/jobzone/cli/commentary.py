"""``jobzone commentary``: new commentary for a canonical role or a draft, through review."""

from __future__ import annotations

from typing import Any

import click

from jobzone.cli.app import (
    fail,
    json_option,
    model_choice,
    model_options,
    print_json,
    workflow,
    workspace_option,
)
from jobzone.errors import EXIT_FINDINGS, ConflictError
from jobzone.identity import author_name
from jobzone.progress import Notice
from jobzone.wording import plural


@click.command("commentary")
@click.argument("target", metavar="SLUG|ID", required=False)
@click.option("--notes", help="What the editor wants from the new text (passed as data).")
@click.option("--stale", is_flag=True, help="Queue a regeneration for every stale role.")
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    metavar="N",
    help="With --stale: regenerations at once (a 429 slows every one down).",
)
@model_options
@json_option
@workspace_option
def commentary_cmd(
    target: str | None,
    notes: str | None,
    stale: bool,
    concurrency: int,
    model: str | None,
    timeout: float | None,
    structured_output: str | None,
    as_json: bool,
) -> None:
    """Write new commentary for a canonical role (SLUG) or a draft in the queue (ID).

    For a role it enters the queue as a commentary draft; approving it replaces the commentary
    only, scores untouched. For a draft it replaces the draft's commentary as its next revision.
    With --stale, every role whose commentary no longer matches its figures is queued, with
    progress; run it again after an interruption and it resumes without duplicating or losing
    work.
    """
    from jobzone.canonical import load_canonical
    from jobzone.figures import stale_roles
    from jobzone.workflow.commentary import regenerate, regenerate_all

    if bool(target) == stale:
        raise click.UsageError("give a SLUG or draft ID, or --stale (not both)")
    wf = workflow(quiet=as_json)
    if stale:
        wf.recover_if_needed()
        targets = [role.slug for role, _ in stale_roles(load_canonical(wf.workspace, wf.notify))]
    else:
        assert target is not None
        targets = [target]
    by = author_name()
    chosen = model_choice(model, timeout, structured_output)
    if stale:
        results, failed = regenerate_all(
            wf, targets, notes=notes, by=by, model=chosen, concurrency=concurrency
        )
    else:
        wf.notify(Notice(f"[1/1] {targets[0]}"))
        results, failed = [regenerate(wf, targets[0], notes=notes, by=by, model=chosen)], []
    if not stale and not results[0].queued:
        # Raised before anything is printed, so that --json prints one object: the error.
        raise ConflictError(
            f"a commentary draft for this version of {results[0].draft.slug} is already "
            f"queued: {results[0].draft.id}"
        )
    rows: list[dict[str, Any]] = [
        {
            "id": r.draft.id,
            "slug": r.draft.slug,
            "kind": r.draft.kind.value,
            "revision": r.draft.revision,
            "queued": r.queued,
            "errors": len(r.draft.findings.errors),
            "warnings": len(r.draft.findings.warnings),
        }
        for r in results
    ]
    if as_json:
        stopped = [{"slug": slug, "error": error.to_dict()} for slug, error in failed]
        print_json({"drafts": rows, **({"stopped": stopped} if stopped else {})})
    else:
        for row in rows:
            state = "queued" if row["queued"] else "already in the queue"
            click.echo(
                f"{row['id']}: {state}, {plural(row['errors'], 'error')}, "
                f"{plural(row['warnings'], 'warning')}"
            )
        for slug, error in failed:
            click.echo(f"{slug}: stopped: {error.message}")
        if stale and not rows and not failed:
            click.echo("no stale commentary")
    if any(row["errors"] for row in rows) or failed:
        fail(EXIT_FINDINGS)
