"""``jobzone init``: make a folder a workspace."""

from __future__ import annotations

from pathlib import Path

import click

from jobzone.cli.app import json_option, print_json
from jobzone.workflow.setup import init


@click.command("init")
@click.argument(
    "folder", required=False, type=click.Path(file_okay=False, path_type=Path), default="."
)
@json_option
def init_cmd(folder: Path, as_json: bool) -> None:
    """Make FOLDER (default: the current one) a jobzone workspace.

    Creates jobzone.yaml (the workspace's settings, which marks it), roles/, drafts/, the JSON
    Schemas editors validate files with, and .gitignore lines for what is not a record. A folder
    that is a workspace already is left as it is.
    """
    done = init(folder)
    if as_json:
        print_json({"workspace": str(done.root), "created": done.created})
    elif done.created:
        click.echo(f"made {done.root} a jobzone workspace: created {', '.join(done.created)}")
    else:
        click.echo(f"{done.root} is already a jobzone workspace; nothing changed")
