"""The ``jobzone`` command line: a thin entry that groups the commands defined per file."""

from __future__ import annotations

import click

from jobzone import __version__
from jobzone.cli import assess, canon, commentary, demo, drafting, review
from jobzone.cli.app import JobzoneGroup, workspace_option


@click.group(cls=JobzoneGroup, context_settings={"help_option_names": ["-h", "--help"]})
@workspace_option
@click.version_option(__version__, prog_name="jobzone")
def cli() -> None:
    """Draft, check, score and review AI job-risk (AIJRI) assessments.

    Exit codes: 0 success, 1 findings (validation errors, a conflict), 2 usage or input error.
    """


for command in (
    *drafting.COMMANDS,
    *review.COMMANDS,
    *commentary.COMMANDS,
    *assess.COMMANDS,
    *canon.COMMANDS,
    *demo.COMMANDS,
):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="jobzone")
