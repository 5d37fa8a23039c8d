"""What every command shares: the workspace option, JSON output, the workflow, and the error edge.

Nothing here imports more than click and jobzone's error classes at start-up; each command
imports what it needs when it runs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from jobzone.errors import EXIT_INPUT, JobzoneError

if TYPE_CHECKING:
    from jobzone.drafting.model import Model, ModelChoice, ModelFactory
    from jobzone.progress import Event
    from jobzone.workflow import Workflow
    from jobzone.workspace import Workspace

F = TypeVar("F", bound=Callable[..., Any])
#: Exit status after Ctrl-C, as shells report a process ended by SIGINT.
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class Deps:
    """What the CLI uses from outside, replaceable by a caller through click's ``obj`` (tests
    pass a model factory, and listen to progress, instead of patching modules)."""

    models: ModelFactory | None = None
    #: Hears every progress event too, after it is shown.
    listen: Callable[[Event], None] | None = None


def _root(ctx: click.Context) -> click.Context:
    return ctx.find_root()


def _store_workspace(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        _root(ctx).meta["jobzone.workspace"] = value


def workspace_option(command: F) -> F:
    """``--workspace DIR``, accepted before the command name and after it."""
    return click.option(
        "--workspace",
        "-w",
        metavar="DIR",
        expose_value=False,
        callback=_store_workspace,
        is_eager=True,
        help="The workspace, or a folder inside it [default: $JOBZONE_WORKSPACE, else the "
        "current folder; the nearest folder upwards holding jobzone.yaml].",
    )(command)


def _store_json(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    # Remembered on the root context so that an error, too, is printed as JSON.
    _root(ctx).meta["jobzone.json"] = _root(ctx).meta.get("jobzone.json") or value
    return value


reviewer_option = click.option(
    "--reviewer",
    metavar="NAME",
    help="Your name [default: $JOBZONE_REVIEWER, else git's user.name].",
)

json_option = click.option(
    "--json", "as_json", is_flag=True, callback=_store_json, help="Print one JSON object."
)


def print_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def wants_json(args: list[str]) -> bool:
    """Whether the command line asks for JSON, even when it failed to parse."""
    return "--json" in args[: args.index("--") if "--" in args else len(args)]


def report_error(ctx: click.Context | None, exc: JobzoneError) -> None:
    """One line on stderr (and the error as JSON on stdout with --json)."""
    if ctx is not None and _root(ctx).meta.get("jobzone.json"):
        print_json(exc.to_dict())
    message = exc.message.rstrip(".") + (f". {exc.hint}" if exc.hint else "")
    click.echo(f"jobzone: error: {message}", err=True)


def workspace() -> Workspace:
    """The workspace this command runs in (found upwards, like git's repository)."""
    from jobzone.workspace import Workspace

    ctx = click.get_current_context()
    return Workspace.locate(_root(ctx).meta.get("jobzone.workspace"))


def progress(quiet: bool, listen: Callable[[Event], None] | None = None) -> Callable[[Event], None]:
    """Progress on stderr, as lines: notices always (a recovered approval, how to resume), the
    stages of a run unless ``quiet`` (--json)."""
    from jobzone.progress import Notice, describe

    def show(event: Event) -> None:
        if isinstance(event, Notice):
            click.echo(f"jobzone: {event.text}", err=True)
        elif not quiet:
            click.echo(f"  {describe(event)}", err=True)
        if listen is not None:
            listen(event)

    return show


def workflow(quiet: bool = False) -> Workflow:
    """The workflow for this command: its workspace, progress, and models when drafting."""
    from jobzone.workflow import Workflow

    deps = _root(click.get_current_context()).obj
    deps = deps if isinstance(deps, Deps) else Deps()
    ws = workspace()
    return Workflow(ws, progress(quiet, deps.listen), deps.models or _OpenAIModels(ws))


def reading(quiet: bool = False) -> Workflow:
    """The workflow of a command that only reads: an interrupted approval is settled first."""
    wf = workflow(quiet)
    wf.recover_if_needed()
    return wf


@dataclass(frozen=True)
class _OpenAIModels:
    """The real models: the openai SDK, configured from the environment and the options, with
    the structured-output mode each endpoint took remembered in the workspace's cache."""

    workspace: Workspace

    def __call__(self, choice: ModelChoice) -> Model:
        from jobzone.drafting.openai_model import ModeMemory, OpenAIModel
        from jobzone.drafting.settings import ModelSettings

        return OpenAIModel(ModelSettings.from_env(choice), memory=ModeMemory.of(self.workspace))


def model_options(command: F) -> F:
    """The options that choose and reach a model, for every command that drafts."""
    for option in reversed(
        (
            click.option("--model", help="Model name [default: $JOBZONE_MODEL, else gpt-5-mini]."),
            click.option(
                "--timeout",
                type=click.FloatRange(min=1),
                metavar="SECONDS",
                help="Give up when the server sends nothing for this long [default: "
                "$JOBZONE_TIMEOUT, else 120].",
            ),
            click.option(
                "--structured-output",
                type=click.Choice(("auto", "json_schema", "tools", "json_object")),
                help="How answers are held to their schema [default: "
                "$JOBZONE_STRUCTURED_OUTPUT, else auto: the first the endpoint offers].",
            ),
        )
    ):
        command = option(command)
    return command


def model_choice(
    model: str | None,
    timeout: float | None,
    structured_output: str | None,
    temperature: float | None = None,
) -> ModelChoice:
    from jobzone.drafting.model import ModelChoice

    return ModelChoice(model, temperature, timeout, structured_output)


def resolve_path(target: str) -> Path | None:
    """``target`` as a file path, when it looks like one (else it names a role or a draft)."""
    if "/" in target or target.endswith((".yaml", ".yml")) or Path(target).exists():
        return Path(target)
    return None


def fail(code: int = EXIT_INPUT) -> None:
    """End the command with ``code`` after its output is printed."""
    raise click.exceptions.Exit(code)
