"""The ``jobzone`` command line: a thin entry that loads each command from its own module.

Commands are imported only when used, so that ``jobzone queue`` does not pay for importing the
openai SDK that only drafting needs.
"""

from __future__ import annotations

import importlib

import click

from jobzone import __version__
from jobzone.cli.app import JobzoneGroup, workspace_option

#: Command name -> "module:attribute" of its click command, in the order help lists them.
COMMANDS = {
    "draft": "jobzone.cli.drafting:draft_cmd",
    "queue": "jobzone.cli.review:queue_cmd",
    "show": "jobzone.cli.review:show_cmd",
    "diff": "jobzone.cli.review:diff_cmd",
    "approve": "jobzone.cli.review:approve_cmd",
    "reject": "jobzone.cli.review:reject_cmd",
    "request-changes": "jobzone.cli.review:request_changes_cmd",
    "redraft": "jobzone.cli.redraft:redraft_cmd",
    "edit": "jobzone.cli.review:edit_cmd",
    "history": "jobzone.cli.review:history_cmd",
    "commentary": "jobzone.cli.commentary:commentary_cmd",
    "score": "jobzone.cli.assess:score_cmd",
    "validate": "jobzone.cli.assess:validate_cmd",
    "render": "jobzone.cli.assess:render_cmd",
    "roles": "jobzone.cli.canon:roles_cmd",
    "check": "jobzone.cli.canon:check_cmd",
    "demo": "jobzone.cli.demo:demo_cmd",
}


class LazyGroup(JobzoneGroup):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attribute = target.split(":")
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@workspace_option
@click.version_option(__version__, prog_name="jobzone")
def cli() -> None:
    """Draft, check, score and review AI job-risk (AIJRI) assessments.

    Exit codes: 0 success, 1 findings (validation errors, a conflict), 2 usage or input error.
    """


def main() -> None:
    cli(prog_name="jobzone")
