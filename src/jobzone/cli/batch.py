"""``jobzone batch status``: where each set drafted with ``draft --from`` stands, batches too."""

from __future__ import annotations

from typing import Any

import click

from jobzone.cli.app import json_option, print_json, reading, workspace_option


@click.group("batch")
@workspace_option
def batch_group() -> None:
    """Show where the sets drafted with `jobzone draft --from` stand, with their batches."""


@batch_group.command("status")
@json_option
@workspace_option
def status_cmd(as_json: bool) -> None:
    """List each set: its file, its lines' runs (queued, stopped), and its batches (id, status,
    requests done and failed), with the command that finishes it."""
    from jobzone.drafting.batch_journal import BatchJournal
    from jobzone.drafting.journal import Journal
    from jobzone.drafting.set_journal import SetJournal
    from jobzone.drafts import draft_path

    wf = reading(quiet=as_json)
    workspace = wf.workspace
    sets: list[dict[str, Any]] = []
    for journal in SetJournal.every(workspace):
        record = journal.record
        queued = [run for run in record.lines.values() if draft_path(workspace, run).exists()]
        open_runs = [
            run
            for run in record.lines.values()
            if run not in queued and Journal.folder(workspace, run).is_dir()
        ]
        batches = BatchJournal(journal.root / "batches", workspace.root).records()
        sets.append(
            {
                "set": record.key,
                "file": record.file,
                "model": record.model,
                "created_at": record.created_at.isoformat(),
                "runs": len(record.lines),
                "queued": len(queued),
                "unfinished": len(open_runs),
                "batches": [
                    {
                        "number": b.number,
                        "kind": b.kind.value,
                        "batch_id": b.batch_id,
                        "status": b.status,
                        "requests": len(b.custom_ids),
                        "counts": b.counts,
                        "file": b.file,
                    }
                    for b in batches
                ],
                "next": f"jobzone draft --from {record.file}" if open_runs else None,
            }
        )
    if as_json:
        print_json({"sets": sets})
        return
    if not sets:
        click.echo("no sets: `jobzone draft --from FILE` drafts one")
    for item in sets:
        click.echo(
            f"set {item['set']}  {item['file']}  ({item['model']}, {item['created_at'][:16]}): "
            f"{item['runs']} runs, {item['queued']} queued, {item['unfinished']} unfinished"
        )
        for b in item["batches"]:
            counts = b["counts"]
            done = (
                f", {counts.get('completed', 0)} of {counts.get('total', 0)} done"
                + (f", {counts['failed']} failed" if counts.get("failed") else "")
                if counts
                else ""
            )
            where = b["batch_id"] or b["file"] or "-"
            click.echo(
                f"  batch {b['number']:>3}  {b['kind']:6} {where}  {b['status']}, "
                f"{b['requests']} requests{done}"
            )
        if item["next"]:
            click.echo(f"  next: `{item['next']}` (with the options it was started with)")
