"""The main job: ``jobzone draft TITLE`` asks a model for a draft and queues it for review."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Any

import click

from jobzone.canonical import load_canonical
from jobzone.cli.app import json_option, print_json, workspace
from jobzone.drafting.assemble import slugify
from jobzone.drafting.budget import Budget
from jobzone.drafting.journal import Journal, RunRequest
from jobzone.drafting.pipeline import DraftRun, check_title, revision_base
from jobzone.drafting.settings import ModelSettings
from jobzone.drafting.usage import PriceTable, Usage
from jobzone.drafts import Draft, draft_path, save_draft
from jobzone.errors import (
    EXIT_FINDINGS,
    BudgetExceededError,
    ConflictError,
    InputError,
    ModelCallError,
)
from jobzone.identity import author_name
from jobzone.locking import workspace_lock
from jobzone.workspace import Workspace


def new_run_id(title: str, now: dt.datetime) -> str:
    return f"{slugify(title)[:48].strip('-')}-{now:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


@click.command("draft")
@click.argument("title", required=False)
@click.option("--notes", help="Guidance for the model about the role (passed as data).")
@click.option("--model", help="Model name [default: $JOBZONE_MODEL, else gpt-5-mini].")
@click.option("--temperature", type=click.FloatRange(0, 2), help="Sampling temperature.")
@click.option(
    "--max-repairs",
    type=click.IntRange(0, 10),
    default=2,
    show_default=True,
    help="Times a stage is asked again when the validator rejects its answer.",
)
@click.option(
    "--budget-tokens",
    type=click.IntRange(1),
    metavar="N",
    help="Stop cleanly before a call that could take the draft past N tokens.",
)
@click.option(
    "--date",
    "assessed_on",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Assessment date, YYYY-MM-DD [default: today].",
)
@click.option(
    "--prices",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Price table (YAML) for cost estimates [default: $JOBZONE_PRICES, else built-in].",
)
@click.option("--resume", metavar="ID", help="Continue an interrupted run without paying again.")
@json_option
def draft_cmd(
    title: str | None,
    notes: str | None,
    model: str | None,
    temperature: float | None,
    max_repairs: int,
    budget_tokens: int | None,
    assessed_on: dt.datetime | None,
    prices: Path | None,
    resume: str | None,
    as_json: bool,
) -> None:
    """Draft a new role (or a revision of a canonical one) from a job title.

    Needs OPENAI_API_KEY and/or OPENAI_BASE_URL. Prints the draft's id, score, zone, findings,
    calls, tokens and estimated cost; exits 1 when the draft was queued with errors or the run
    stopped (budget, refusal, failed call), 2 on bad input or configuration.
    """
    ws = workspace()
    price_table = PriceTable.load(prices)
    if resume:
        journal = _reopen(ws, resume)
        settings = ModelSettings.from_env(journal.request.model, journal.request.temperature)
        canonical = load_canonical(ws)
    else:
        if title is None:
            raise click.UsageError("give a TITLE, or --resume ID")
        checked = check_title(title)
        settings = ModelSettings.from_env(model, temperature)
        canonical = load_canonical(ws)
        request = _request(checked, notes, settings, max_repairs, assessed_on)
        journal = Journal.create(
            ws, request.model_copy(update={"base": revision_base(canonical, checked)})
        )
    used = sum((c.usage for c in journal.calls()), Usage()).total_tokens
    progress = (lambda _m: None) if as_json else (lambda m: click.echo(f"  {m}", err=True))
    click.echo(f"drafting run {journal.request.id}", err=True)
    run = DraftRun(
        workspace_canonical=canonical,
        journal=journal,
        settings=settings,
        prices=price_table,
        budget=Budget(budget_tokens, used=used),
        progress=progress,
    )
    try:
        draft = run.execute()
    except (BudgetExceededError, ModelCallError, KeyboardInterrupt):
        click.echo(
            f"jobzone: run {journal.request.id} stopped; its answers are kept. "
            f"Resume with: jobzone draft --resume {journal.request.id}",
            err=True,
        )
        raise
    with workspace_lock(ws):
        if draft_path(ws, draft.id).exists():
            raise ConflictError(f"draft {draft.id} was queued by another process meanwhile")
        save_draft(ws, draft)
        journal.finish("drafted", draft.id)
    summary = _summary(ws, draft)
    if as_json:
        print_json(summary)
    else:
        click.echo(_format(summary))
    if draft.findings.errors:
        raise click.exceptions.Exit(EXIT_FINDINGS)


def _request(
    title: str,
    notes: str | None,
    settings: ModelSettings,
    max_repairs: int,
    assessed_on: dt.datetime | None,
) -> RunRequest:
    now = dt.datetime.now(dt.UTC)
    return RunRequest(
        id=new_run_id(title, now),
        title=title,
        notes=notes,
        model=settings.model,
        temperature=settings.temperature,
        max_repairs=max_repairs,
        assessed_on=assessed_on.date() if assessed_on else now.date(),
        created_at=now,
        by=author_name(),
    )


def _reopen(ws: Workspace, run_id: str) -> Journal:
    journal = Journal.open(ws, run_id)
    finished = journal.finished()
    if finished is not None:
        raise ConflictError(
            f"run {run_id} already ended ({finished['outcome']}); nothing to resume"
        )
    if draft_path(ws, run_id).exists():
        raise InputError(f"draft {run_id} is already in the queue", rule="run.finished")
    return journal


def _summary(ws: Workspace, draft: Draft) -> dict[str, Any]:
    p = draft.provenance
    score = draft.score or {}
    return {
        "id": draft.id,
        "path": str(draft_path(ws, draft.id).relative_to(ws.root)),
        "kind": draft.kind.value,
        "base": draft.base.model_dump() if draft.base else None,
        "status": draft.status.value,
        "title": draft.title,
        "slug": draft.slug,
        "aijri": score.get("aijri"),
        "zone": score.get("zone"),
        "sub_label": score.get("sub_label"),
        "findings": draft.findings.model_dump(),
        "calls": len(p.calls),
        "repairs": len(p.repairs),
        "usage": {**p.usage.model_dump(), "total_tokens": p.usage.total_tokens},
        "cost_usd": p.cost_usd,
        "model": p.model,
        "endpoint_host": p.endpoint_host,
    }


def _format(s: dict[str, Any]) -> str:
    kind = f"revision of {s['base']['slug']}" if s["base"] else "new role"
    score = f"{s['aijri']}  {s['sub_label']}" if s["aijri"] is not None else "not scorable yet"
    errors, warnings = s["findings"]["errors"], s["findings"]["warnings"]
    usage = s["usage"]
    cost = f"${s['cost_usd']:.4f}" if s["cost_usd"] is not None else "unknown (no price)"
    lines = [
        f"draft     {s['id']}  ({kind}, {s['status']})",
        f"file      {s['path']}",
        f"score     {score}",
        f"findings  {len(errors)} errors, {len(warnings)} warnings",
        *(f"  error   {f['code']} {f['path']}: {f['message']}" for f in errors),
        *(f"  warning {f['code']} {f['path']}: {f['message']}" for f in warnings),
        f"calls     {s['calls']} ({s['repairs']} repairs) to {s['model']} at {s['endpoint_host']}",
        f"tokens    {usage['prompt_tokens']:,} prompt ({usage['cached_tokens']:,} cached), "
        f"{usage['completion_tokens']:,} completion",
        f"cost      {cost}",
    ]
    return "\n".join(lines)
