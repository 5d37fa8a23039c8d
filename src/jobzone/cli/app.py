"""What every command shares: the workspace option, JSON output and the error edge."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from jobzone.errors import JobzoneError
from jobzone.workspace import Workspace, check_name


class JobzoneGroup(click.Group):
    """Turns library errors into one message on stderr and their exit code, at the CLI's edge."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except JobzoneError as exc:
            if ctx.meta.get("jobzone.json"):
                click.echo(json.dumps(exc.to_dict(), indent=2))
            click.echo(f"jobzone: error: {exc.message}", err=True)
            ctx.exit(exc.exit_code)


def _store_workspace(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    ctx.meta["jobzone.workspace"] = value


workspace_option = click.option(
    "--workspace",
    "-w",
    metavar="DIR",
    expose_value=False,
    callback=_store_workspace,
    is_eager=True,
    help="Folder holding roles/ and drafts/ [default: $JOBZONE_WORKSPACE, else the current dir].",
)


def _store_json(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    # Remembered on the root context so that an error, too, is printed as JSON.
    ctx.find_root().meta["jobzone.json"] = value
    return value


json_option = click.option(
    "--json", "as_json", is_flag=True, callback=_store_json, help="Print one JSON object."
)


def workspace() -> Workspace:
    ctx = click.get_current_context()
    return Workspace.locate(ctx.find_root().meta.get("jobzone.workspace"))


def resolve_target(target: str) -> Path:
    """A path as given, or a slug of the canonical set (``mlops-engineer``)."""
    if "/" in target or target.endswith((".yaml", ".yml")) or Path(target).exists():
        return Path(target)
    return workspace().role_path(check_name(target))


def print_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))
