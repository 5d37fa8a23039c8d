"""The ``jobzone`` command line: a thin entry that loads each command from its own module.

Commands are imported only when one runs, and ``jobzone --help`` lists them from the table below
without importing any, so no command pays for another's imports (the openai SDK above all).
"""

from __future__ import annotations

import importlib
import sys
import textwrap
from collections.abc import Sequence
from typing import Any

import click

from jobzone import __version__
from jobzone.cli.app import EXIT_INTERRUPTED, print_json, report_error, wants_json, workspace_option
from jobzone.errors import JobzoneError

#: Command name -> ("module:attribute" of its click command, the first sentence of its help), in
#: the order help lists them. A test checks each sentence against the command's own help.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": (
        "jobzone.cli.init:init_cmd",
        "Make FOLDER (default: the current one) a jobzone workspace.",
    ),
    "draft": (
        "jobzone.cli.drafting:draft_cmd",
        "Draft a new role (or a revision of a canonical one) from a job title.",
    ),
    "queue": (
        "jobzone.cli.queue:queue_cmd",
        "List the drafts, pending first: id, status, kind, aijri, zone, findings, age, title.",
    ),
    "show": (
        "jobzone.cli.queue:show_cmd",
        "Show a draft with findings beside their fields, provenance, history and changes.",
    ),
    "diff": (
        "jobzone.cli.queue:diff_cmd",
        "Show only what a revision or commentary draft changes against the canonical version it"
        " is based on (commentary side by side, with every reference filled in).",
    ),
    "approve": (
        "jobzone.cli.review:approve_cmd",
        "Approve a draft; once approved by enough reviewers it becomes the role's next version.",
    ),
    "reject": (
        "jobzone.cli.review:reject_cmd",
        "Reject a draft; it stays in the queue, closed, with the reason.",
    ),
    "request-changes": (
        "jobzone.cli.review:request_changes_cmd",
        "Ask for changes; `jobzone redraft` or `jobzone edit` answer them.",
    ),
    "redraft": (
        "jobzone.cli.redraft:redraft_cmd",
        "Draft again, with the reviewers' notes as guidance; keeps the earlier revision.",
    ),
    "edit": (
        "jobzone.cli.edit:edit_cmd",
        "Edit a draft, or a canonical role as a new revision, in $EDITOR; on save it is"
        " re-validated and re-scored.",
    ),
    "undo": (
        "jobzone.cli.edit:undo_cmd",
        "Undo the latest change to an open draft, or bring back any earlier state of it.",
    ),
    "add-source": (
        "jobzone.cli.sources:add_source_cmd",
        "Cite one more source for an evidence dimension of a draft.",
    ),
    "verify": (
        "jobzone.cli.sources:verify_cmd",
        "Record that you checked a draft's sources say what they are cited for.",
    ),
    "rebase": (
        "jobzone.cli.rebase:rebase_cmd",
        "Carry a draft's changes onto the role's current version.",
    ),
    "commentary": (
        "jobzone.cli.commentary:commentary_cmd",
        "Write new commentary for a canonical role (SLUG) or a draft in the queue (ID).",
    ),
    "history": (
        "jobzone.cli.queue:history_cmd",
        "Show the append-only history of a canonical role (by slug) or of a draft (by id, a"
        " unique start of it, or its role's slug when no canonical role has it).",
    ),
    "runs": (
        "jobzone.cli.runs:runs_cmd",
        "List the drafting runs the workspace keeps, and how to continue the ones that stopped.",
    ),
    "batch": (
        "jobzone.cli.batch:batch_group",
        "Show where the sets drafted with `jobzone draft --from` stand, with their batches.",
    ),
    "occupations": (
        "jobzone.cli.occupations:occupations_group",
        "Look up O*NET occupations: search them by job title, show one with its tasks and labels.",
    ),
    "eval": (
        "jobzone.cli.evals:eval_group",
        "Measure draft quality: drafts against approved roles, task labels against people.",
    ),
    "score": ("jobzone.cli.assess:score_cmd", "Compute every figure of an assessment."),
    "validate": (
        "jobzone.cli.assess:validate_cmd",
        "Apply every rule of the rubric; exit 1 when there are errors.",
    ),
    "render": (
        "jobzone.cli.assess:render_cmd",
        "Render an assessment as Markdown or HTML, with every figure from the scorer.",
    ),
    "roles": (
        "jobzone.cli.canon:roles_cmd",
        "List the canonical set with aijri, zone and sub-label.",
    ),
    "check": (
        "jobzone.cli.canon:check_cmd",
        "Validate and score every canonical role; exit 1 on any error or unreadable file.",
    ),
    "serve": (
        "jobzone.cli.serve:serve_cmd",
        "Review the queue in a browser: the same decisions and edits as the CLI, on a local page.",
    ),
    "demo": (
        "jobzone.cli.demo:demo_cmd",
        "Replay the review loop (draft, review, redraft, approve) from a recording.",
    ),
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
        """What click writes once it has loaded every command, from the table instead: each
        sentence shortened to the width left beside the longest name (three times click's
        two-space gap)."""
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [
            (name, textwrap.shorten(help_, limit, placeholder="...", break_on_hyphens=False))
            for name, (_, help_) in COMMANDS.items()
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """As click's, except that usage errors, too, come out as JSON when --json was given."""
        argv = list(sys.argv[1:] if args is None else args)
        try:
            result = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
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
