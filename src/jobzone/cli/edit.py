"""``jobzone edit``: a reviewer edits a draft, or a canonical role as a new revision, in $EDITOR."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import click

from jobzone.cli.app import (
    fail,
    json_option,
    print_json,
    reviewer_option,
    workflow,
    workspace_option,
)
from jobzone.errors import EXIT_FINDINGS, ConfigError, InputError
from jobzone.identity import reviewer_name
from jobzone.wording import plural
from jobzone.workflow.editing import Choice, EditOutcome, EditResult, edit_in_editor


def editor_command() -> list[str]:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise ConfigError("set $EDITOR (or $VISUAL) to the editor jobzone should open")
    return shlex.split(editor)


def run_editor(path: Path) -> int:
    """Open ``path`` in the editor; its exit status."""
    command = editor_command()
    try:
        return subprocess.run([*command, str(path)], check=False).returncode
    except OSError as exc:
        raise ConfigError(f"could not start the editor {command[0]!r}: {exc.strerror}") from None


def choose(problem: InputError) -> Choice:
    """Ask what to do with text that cannot be used; set it aside when nobody can answer."""
    click.echo(f"jobzone: the edited file cannot be used: {problem.message}", err=True)
    if not sys.stdin.isatty():
        return Choice.set_aside
    answer = click.prompt(
        "[r]eopen it, or [s]et it aside", type=click.Choice(["r", "s"]), default="r", err=True
    )
    return Choice.reopen if answer == "r" else Choice.set_aside


@click.command("edit")
@click.argument("reference", metavar="ID|SLUG")
@reviewer_option
@json_option
@workspace_option
def edit_cmd(reference: str, reviewer: str | None, as_json: bool) -> None:
    """Edit a draft, or a canonical role as a new revision, in $EDITOR; on save it is re-validated
    and re-scored.

    ID|SLUG is an open draft's id; else a canonical role's slug, whose saved change is queued as
    a revision draft (refused while a revision of the role is open); else a draft by the start
    of its id or its role's slug. Text that no longer parses is shown with the error and
    reopened or set aside in drafts/.set-aside/; quitting the editor with an error (vim's :cq)
    discards the change. Exit 1 when the edit was set aside or discarded, left errors or was
    refused as a conflict.
    """
    name = reviewer_name(reviewer)
    result = edit_in_editor(workflow(quiet=as_json), reference, name, run_editor, choose)
    draft = result.draft
    if as_json:
        print_json(
            {
                "id": draft.id if draft else None,
                "role": result.role,
                "outcome": result.outcome.value,
                "kept": str(result.kept) if result.kept else None,
                "errors": len(draft.findings.errors) if draft else None,
                "warnings": len(draft.findings.warnings) if draft else None,
            }
        )
    else:
        click.echo(_said(result))
    failed = result.outcome in (EditOutcome.set_aside, EditOutcome.discarded)
    if failed or (result.outcome is EditOutcome.changed and draft and draft.findings.errors):
        fail(EXIT_FINDINGS)


def _said(result: EditResult) -> str:
    """What became of the edit, in a line."""
    draft, outcome = result.draft, result.outcome
    left = "draft unchanged" if result.role is None else "nothing queued"
    if outcome is EditOutcome.set_aside:
        return f"set aside, {left}: {result.kept}"
    if outcome is EditOutcome.discarded:
        kept = f"; the edited text is kept in {result.kept}" if result.kept else ""
        return f"the editor exited with an error: change discarded, {left}{kept}"
    if outcome is EditOutcome.unchanged:
        return "no changes" if result.role is None else "no changes; nothing queued"
    assert draft is not None  # a change always leaves a draft
    findings = (
        f"{plural(len(draft.findings.errors), 'error')}, "
        f"{plural(len(draft.findings.warnings), 'warning')}"
    )
    if result.role is None:
        return f"edited {draft.id}: {findings}"
    base = f" v{draft.base.version}" if draft.base else ""
    return f"queued {draft.id}, a revision of {result.role}{base} for review: {findings}"


@click.command("undo")
@click.argument("draft_id", metavar="ID")
@click.option(
    "--to",
    "digest",
    metavar="HASH",
    help="Bring back this earlier state instead: a step's hash as `jobzone history` shows it.",
)
@reviewer_option
@json_option
@workspace_option
def undo_cmd(draft_id: str, digest: str | None, reviewer: str | None, as_json: bool) -> None:
    """Undo the latest change to an open draft, or bring back any earlier state of it.

    Every saved state of a draft is kept in drafts/.versions/, so an edit, an added source or a
    verification can be taken back. Undoing twice brings the change back. Only states since the
    draft was last drafted or rebased can be brought back. The step is recorded in the history;
    the draft is checked again and earlier approvals are withdrawn, as after an edit.
    """
    from jobzone.checking import content_sha256
    from jobzone.drafts import load_draft
    from jobzone.review.targets import resolve_draft
    from jobzone.workflow.editing import restore

    wf = workflow(quiet=as_json)
    found = resolve_draft(wf.workspace, draft_id)
    opened = content_sha256(load_draft(wf.workspace, found).assessment)
    name = reviewer_name(reviewer)
    draft, version = restore(wf, found, name, opened_sha256=opened, digest=digest)
    errors, warnings = len(draft.findings.errors), len(draft.findings.warnings)
    if as_json:
        print_json(
            {
                "id": draft.id,
                "restored": version.digest,
                "errors": errors,
                "warnings": warnings,
                "aijri": draft.score.aijri if draft.score else None,
            }
        )
    else:
        click.echo(
            f"{draft.id}: brought back {version.describe()}; "
            f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"
        )
    if errors:
        fail(EXIT_FINDINGS)
