"""``jobzone draft TITLE``: ask a model for a draft and queue it for review."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from jobzone.drafts import Draft
from jobzone.errors import EXIT_FINDINGS
from jobzone.identity import author_name
from jobzone.wording import plural
from jobzone.workflow import drafting
from jobzone.workflow.runs import DraftOptions
from jobzone.workspace import Workspace

if TYPE_CHECKING:
    from jobzone.workflow import Workflow


@click.command("draft")
@click.argument("title", required=False)
@click.option("--notes", help="Guidance for the model about the role (passed as data).")
@model_options
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
@click.option(
    "--force-title",
    is_flag=True,
    help="Draft the title even if it does not look like a job title or the model says so.",
)
@click.option("--resume", metavar="ID", help="Continue an interrupted run without paying again.")
@click.option(
    "--from",
    "titles",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Draft every title of FILE (one a line, or CSV with title, notes, occupation).",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=8,
    show_default=True,
    metavar="N",
    help="With --from: drafts at once (a 429 slows every one down).",
)
@click.option(
    "--force", is_flag=True, help="With --from: draft titles already canonical or pending too."
)
@click.option("--batch", is_flag=True, help="With --from: through the endpoint's Batch API.")
@click.option(
    "--batch-export",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="With --from: write the next round's requests to FILE (OpenAI batch JSONL) and stop.",
)
@click.option(
    "--batch-import",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    metavar="FILE",
    help="With --from: take a round's results from FILE (batch output JSONL) and go on.",
)
@json_option
@workspace_option
def draft_cmd(
    title: str | None,
    notes: str | None,
    model: str | None,
    timeout: float | None,
    structured_output: str | None,
    temperature: float | None,
    max_repairs: int,
    budget_tokens: int | None,
    assessed_on: dt.datetime | None,
    prices: Path | None,
    force_title: bool,
    resume: str | None,
    titles: Path | None,
    concurrency: int,
    force: bool,
    batch: bool,
    batch_export: Path | None,
    batch_import: Path | None,
    as_json: bool,
) -> None:
    """Draft a new role (or a revision of a canonical one) from a job title.

    With --from FILE, draft every title of the file at once: concurrently, through the Batch API
    (--batch), or through batch files for a server of one's own (--batch-export/--batch-import);
    run the same command again to finish an interrupted set without paying twice.

    Needs OPENAI_API_KEY and/or OPENAI_BASE_URL. Prints the draft's id, score, zone, findings,
    calls, tokens and estimated cost; exits 1 when the draft was queued with errors or the run
    stopped (budget, refusal, failed call), 2 on bad input or configuration.
    """
    wf = workflow(quiet=as_json)
    chosen = model_choice(model, timeout, structured_output, temperature)
    offline = batch_export is not None or batch_import is not None
    if titles is None and (batch or offline or force):
        raise click.UsageError("--batch, --batch-export, --batch-import and --force need --from")
    if titles is not None:
        if title is not None or resume:
            raise click.UsageError("give a TITLE, --resume ID or --from FILE, not several")
        if batch and offline:
            raise click.UsageError("--batch goes to the endpoint; --batch-export/-import to files")
        options = DraftOptions(chosen, max_repairs, budget_tokens, prices, force_title)
        run_draft_set(
            wf,
            titles,
            options,
            assessed_on=assessed_on.date() if assessed_on else None,
            concurrency=concurrency,
            force=force,
            batch=batch,
            export=batch_export,
            imported=batch_import,
            as_json=as_json,
        )
        return
    if resume:
        if title is not None:
            raise click.UsageError("give a TITLE or --resume ID, not both")
        draft = drafting.resume(
            wf, resume, budget_tokens=budget_tokens, prices=prices, model=chosen
        )
    elif title is None:
        raise click.UsageError("give a TITLE, --resume ID or --from FILE")
    else:
        options = DraftOptions(chosen, max_repairs, budget_tokens, prices, force_title)
        when = assessed_on.date() if assessed_on else None
        draft = drafting.draft(
            wf, title, notes=notes, by=author_name(), assessed_on=when, options=options
        )
    report_queued(wf.workspace, draft, as_json)


def report_queued(workspace: Workspace, draft: Draft, as_json: bool) -> None:
    """Print what ``draft`` and ``redraft`` queued; exit 1 when it has errors."""
    summary = draft_summary(workspace.relative(workspace.drafts_dir), draft)
    if as_json:
        print_json(summary)
    else:
        click.echo(format_summary(summary))
    if draft.findings.errors:
        fail(EXIT_FINDINGS)


def draft_summary(folder: str, draft: Draft) -> dict[str, Any]:
    """What ``draft`` and ``redraft`` print about a queued draft."""
    p = draft.provenance
    score = draft.score
    return {
        "id": draft.id,
        "path": f"{folder}/{draft.id}.yaml",
        "kind": draft.kind.value,
        "base": draft.base.model_dump() if draft.base else None,
        "status": draft.status.value,
        "revision": draft.revision,
        "title": draft.title,
        "slug": draft.slug,
        "aijri": score.aijri if score else None,
        "zone": score.zone if score else None,
        "sub_label": score.sub_label if score else None,
        "findings": draft.findings.model_dump(),
        "calls": len(p.calls),
        "repairs": len(p.repairs),
        "usage": {**p.usage.model_dump(), "total_tokens": p.usage.total_tokens},
        "cost_usd": p.cost_usd,
        "model": p.model,
        "endpoint_host": p.endpoint_host,
    }


def format_summary(s: dict[str, Any]) -> str:
    kind = f"revision of {s['base']['slug']}" if s["base"] else "new role"
    score = f"{s['aijri']}  {s['sub_label']}" if s["aijri"] is not None else "not scorable yet"
    errors, warnings = s["findings"]["errors"], s["findings"]["warnings"]
    usage = s["usage"]
    cost = f"${s['cost_usd']:.4f}" if s["cost_usd"] is not None else "unknown (no price)"
    lines = [
        f"draft     {s['id']}  ({kind}, {s['status']}, revision {s['revision']})",
        f"file      {s['path']}",
        f"score     {score}",
        f"findings  {plural(len(errors), 'error')}, {plural(len(warnings), 'warning')}",
        *(f"  error   {f['code']} {f['path']}: {f['message']}" for f in errors),
        *(f"  warning {f['code']} {f['path']}: {f['message']}" for f in warnings),
        f"calls     {s['calls']} ({plural(s['repairs'], 'repair')}) to {s['model']} at "
        f"{s['endpoint_host']}",
        f"tokens    {usage['prompt_tokens']:,} prompt ({usage['cached_tokens']:,} cached), "
        f"{usage['completion_tokens']:,} completion",
        f"cost      {cost}",
    ]
    if errors:
        lines.append(
            f"next      fix it with `jobzone edit {s['id']}`, or ask for changes and "
            f"`jobzone redraft {s['id']}`"
        )
    return "\n".join(lines)


# -- a set (--from FILE) ---------------------------------------------------------------------------


def run_draft_set(
    wf: Workflow,
    titles: Path,
    options: DraftOptions,
    *,
    assessed_on: dt.date | None,
    concurrency: int,
    force: bool,
    batch: bool,
    export: Path | None,
    imported: Path | None,
    as_json: bool,
) -> None:
    """Draft a titles file and print the set's table; exit 1 when a line was refused, a run
    stopped or a draft has errors (0 after a round exported cleanly, when nothing else is
    wrong)."""
    from jobzone.workflow.draft_set import Engine, SetRequest, State, draft_set

    engine = Engine.batch if batch else Engine.files if export or imported else Engine.live
    request = SetRequest(
        titles,
        author_name(),
        options,
        assessed_on,
        concurrency,
        force,
        engine,
        export,
        imported,
    )
    again = ["jobzone", "draft", "--from", str(titles)]
    if options.max_repairs != 2:
        again += ["--max-repairs", str(options.max_repairs)]
    if options.force_title:
        again.append("--force-title")
    if options.model.name:
        again += ["--model", options.model.name]
    report = draft_set(wf, request, " ".join(again))
    rows = [line.to_json() for line in report.lines]
    if as_json:
        print_json(
            {
                "set": report.key,
                "file": report.file,
                "lines": rows,
                "tokens": report.tokens,
                "cost_usd": report.cost_usd,
                "rounds": report.rounds,
                "next": report.next_step,
            }
        )
    else:
        click.echo(format_set(report))
    failed = {State.refused, State.stopped, State.not_a_title, State.not_started}
    if report.with_errors or any(line.state in failed for line in report.lines):
        fail(EXIT_FINDINGS)


def format_set(report: Any) -> str:
    """The set's table: a row per line of the file, then the totals and what to do next."""
    lines = [f"{'LINE':>4}  {'STATE':14} {'AIJRI':>5} {'ERR':>3}  {'TOKENS':>7}  TITLE / DRAFT"]
    for line in report.lines:
        aijri = f"{line.aijri:.1f}" if line.aijri is not None else "-"
        errors = str(line.errors) if line.errors is not None else "-"
        tokens = f"{line.tokens:,}" if line.tokens else "-"
        what = line.draft or line.detail or ""
        lines.append(
            f"{line.line:>4}  {line.state.value:14} {aijri:>5} {errors:>3}  {tokens:>7}  "
            f"{line.title}" + (f"  ({what})" if what else "")
        )
    cost = (
        f"estimated ${report.cost_usd:.4f}"
        if report.cost_usd is not None
        else "cost unknown: no price for this model"
    )
    counts: dict[str, int] = {}
    for line in report.lines:
        counts[line.state.value] = counts.get(line.state.value, 0) + 1
    summary = ", ".join(f"{n} {state}" for state, n in counts.items())
    lines.append(f"set       {report.key} from {report.file}: {summary}")
    rounds = f"; {plural(report.rounds, 'batch round')}" if report.rounds else ""
    lines.append(f"tokens    {report.tokens:,} ({cost}){rounds}")
    if report.next_step:
        lines.append(f"next      {report.next_step}")
    elif report.unfinished:
        lines.append(
            "next      run the same command again to finish the set; nothing is paid twice"
        )
    return "\n".join(lines)
