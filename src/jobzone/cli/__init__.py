"""The ``jobzone`` command line: a thin entry that loads each command from its own module.

Commands are imported only when one runs, and ``jobzone --help`` lists them from the table below
without importing any, so no command pays for another's imports (the openai SDK above all).
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from jobzone import __version__
from jobzone.cli.app import EXIT_INTERRUPTED, print_json, report_error, wants_json, workspace_option
from jobzone.errors import JobzoneError

#: Command name -> ("module:attribute" of its click command, its one-line help), in the order
#: help lists them. A test checks each line against the command's own help.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("jobzone.cli.init:init_cmd", "Make a folder a jobzone workspace."),
    "draft": ("jobzone.cli.drafting:draft_cmd", "Draft a role from a job title with a model."),
    "queue": ("jobzone.cli.queue:queue_cmd", "List the drafts, pending first."),
    "show": ("jobzone.cli.queue:show_cmd", "Show a draft: findings, provenance, history, changes."),
    "diff": ("jobzone.cli.queue:diff_cmd", "Show what a draft changes against its canonical base."),
    "approve": ("jobzone.cli.review:approve_cmd", "Approve a draft into the canonical set."),
    "reject": ("jobzone.cli.review:reject_cmd", "Reject a draft, with a reason."),
    "request-changes": (
        "jobzone.cli.review:request_changes_cmd",
        "Ask for changes to a draft, with a note.",
    ),
    "redraft": ("jobzone.cli.redraft:redraft_cmd", "Draft again with the reviewers' notes."),
    "edit": ("jobzone.cli.edit:edit_cmd", "Edit a draft's assessment in $EDITOR."),
    "rebase": (
        "jobzone.cli.rebase:rebase_cmd",
        "Carry a draft's changes onto the current version.",
    ),
    "commentary": ("jobzone.cli.commentary:commentary_cmd", "Write new commentary, for review."),
    "history": ("jobzone.cli.queue:history_cmd", "Show the history of a role or a draft."),
    "score": ("jobzone.cli.assess:score_cmd", "Compute every figure of an assessment."),
    "validate": ("jobzone.cli.assess:validate_cmd", "Apply every rule of the rubric."),
    "render": ("jobzone.cli.assess:render_cmd", "Render an assessment as Markdown or HTML."),
    "roles": ("jobzone.cli.canon:roles_cmd", "List the canonical set."),
    "check": ("jobzone.cli.canon:check_cmd", "Validate and score every canonical role."),
    "demo": ("jobzone.cli.demo:demo_cmd", "Replay the review loop from a recording."),
}


class LazyGroup(click.Group):
    """Loads a command only to run it (or show its own help), and turns library errors into
    one message on stderr and their exit code, at the CLI's edge."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attribute = target[0].split(":")
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, help_) for name, (_, help_) in COMMANDS.items()])

    def main(  # type: ignore[override]
        self, args: list[str] | None = None, *, standalone_mode: bool = True, **extra: Any
    ) -> Any:
        """As click's, except that usage errors, too, come out as JSON when --json was given."""
        argv = list(sys.argv[1:] if args is None else args)
        try:
            result = super().main(argv, standalone_mode=False, **extra)
        except click.ClickException as exc:
            if wants_json(argv):
                print_json({"error": "UsageError", "message": exc.format_message()})
            if not standalone_mode:
                raise
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:
            if not standalone_mode:
                raise
            click.echo("jobzone: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except JobzoneError as exc:
            report_error(ctx, exc)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("jobzone: interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@workspace_option
@click.version_option(__version__, prog_name="jobzone")
def cli() -> None:
    """Draft, check, score and review AI job-risk (AIJRI) assessments.

    Run commands inside a workspace (a folder holding jobzone.yaml; `jobzone init` makes one).
    Exit codes: 0 success, 1 findings (validation errors, a conflict), 2 usage or input error.
    """


def main() -> None:
    """The console entry point."""
    cli(prog_name="jobzone")
