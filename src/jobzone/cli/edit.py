"""``jobzone edit``: a reviewer edits a draft's assessment in $EDITOR."""

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
from jobzone.workflow.editing import Choice, EditOutcome, edit_in_editor


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
@click.argument("draft_id", metavar="ID")
@reviewer_option
@json_option
@workspace_option
def edit_cmd(draft_id: str, reviewer: str | None, as_json: bool) -> None:
    """Edit a draft's assessment in $EDITOR; on save it is re-validated and re-scored.

    Text that no longer parses is shown with the error and reopened or set aside in
    drafts/.set-aside/; quitting the editor with an error (vim's :cq) discards the change.
    Exit 1 when the edit was set aside or discarded, or leaves errors.
    """
    name = reviewer_name(reviewer)
    result = edit_in_editor(workflow(quiet=as_json), draft_id, name, run_editor, choose)
    draft = result.draft
    errors = len(draft.findings.errors)
    if as_json:
        print_json(
            {
                "id": draft.id,
                "outcome": result.outcome.value,
                "kept": str(result.kept) if result.kept else None,
                "errors": errors,
                "warnings": len(draft.findings.warnings),
            }
        )
    elif result.outcome is EditOutcome.set_aside:
        click.echo(f"set aside, draft unchanged: {result.kept}")
    elif result.outcome is EditOutcome.discarded:
        kept = f"; the edited text is kept in {result.kept}" if result.kept else ""
        click.echo(f"the editor exited with an error: change discarded, draft unchanged{kept}")
    elif result.outcome is EditOutcome.unchanged:
        click.echo("no changes")
    else:
        click.echo(
            f"edited {draft.id}: {plural(errors, 'error')}, "
            f"{plural(len(draft.findings.warnings), 'warning')}"
        )
    failed = result.outcome in (EditOutcome.set_aside, EditOutcome.discarded)
    if failed or (result.outcome is EditOutcome.changed and errors):
        fail(EXIT_FINDINGS)
