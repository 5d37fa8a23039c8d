"""Commands load lazily: help loads none of them, and a command that does not call a model never
pays for the model SDK (openai and its HTTP client) or for what it does not use itself.

Each command runs in a fresh interpreter, as the ``jobzone`` script runs it, and reports the
modules it imported; the help tests check that the static command table says what the commands
themselves say.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest

from jobzone.cli import COMMANDS, cli

from .factories import make_draft, retitle_first_task, subprocess_env

#: Runs ``jobzone`` with the arguments after the first, then writes the names of every module
#: imported by then to the file the first one names, however the command exits.
PROBE = """\
import atexit, sys
out = sys.argv.pop(1)
def dump():
    with open(out, "w", encoding="utf-8") as f:
        f.write("\\n".join(sys.modules))
atexit.register(dump)
sys.argv[0] = "jobzone"
from jobzone.cli import main
main()
"""

#: The commands that call a model; every other one but the server is run below.
MODEL_COMMANDS = {"draft", "redraft", "commentary", "demo", "eval"}
#: Commands that run until stopped (tests/test_web.py drives the review page itself).
SERVERS = {"serve"}
#: The SDK a model call needs: a command that calls none must not import it.
SDK = ("openai", "httpx", "httpx2")
#: How each command that calls no model runs on a workspace holding the seed role and draft-1.
OFFLINE: dict[str, list[str]] = {
    "init": ["init", "new"],
    "queue": ["queue"],
    "show": ["show", "draft-1"],
    "diff": ["diff", "draft-1"],
    "approve": ["approve", "draft-1", "--reviewer", "Ann"],
    "reject": ["reject", "draft-1", "--reviewer", "Ann", "--reason", "not needed"],
    "request-changes": ["request-changes", "draft-1", "--reviewer", "Ann", "--note", "more"],
    "edit": ["edit", "draft-1", "--reviewer", "Ann"],
    "verify": ["verify", "draft-1", "--all", "--reviewer", "Ann"],
    "add-source": ["add-source", "draft-1", "wage_trends", "A survey", "--reviewer", "Ann"],
    "undo": ["undo", "draft-1", "--reviewer", "Ann"],
    "rebase": ["rebase", "draft-1", "--reviewer", "Ann"],
    "history": ["history", "mlops-engineer"],
    "score": ["score", "mlops-engineer"],
    "validate": ["validate", "mlops-engineer"],
    "render": ["render", "mlops-engineer", "--output", "mlops-engineer.md"],
    "roles": ["roles"],
    "check": ["check"],
    "runs": ["runs"],
    "batch": ["batch", "status"],
    "occupations": ["occupations", "search", "registered nurse"],
}
#: What a command needs done first, to have something to do.
BEFORE = {"undo": OFFLINE["add-source"]}
#: Commands that read without validating: the validator's rules (its claims reader above all)
#: are a large share of their start-up.
NOT_VALIDATING = {"queue", "show", "diff", "history", "score", "roles", "occupations"}


def command_modules() -> set[str]:
    return {target.split(":")[0] for target, _ in COMMANDS.values()}


def run_probed(args: list[str], cwd: Path, out: Path) -> tuple[str, set[str]]:
    """``jobzone ARGS`` in a new interpreter: its standard output and the modules it imported.
    The command must succeed, so that what it imported is what a real run needs."""
    # A no-op editor: `edit` opens it and finds no change.
    env = subprocess_env(EDITOR=shlex.join([sys.executable, "-c", "pass"]))
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(out), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout, set(out.read_text("utf-8").split("\n"))


@pytest.mark.parametrize("option", ["--help", "--version"])
def test_help_and_version_import_no_command_and_no_pydantic(option: str, tmp_path: Path) -> None:
    stdout, modules = run_probed([option], tmp_path, tmp_path / "modules.txt")
    assert ("Commands:" in stdout) == (option == "--help")
    assert "jobzone.cli" in modules
    assert not modules & command_modules()
    assert not {m for m in modules if m == "pydantic" or m.startswith("pydantic.")}


def test_every_command_is_either_run_offline_or_calls_a_model() -> None:
    assert set(OFFLINE) | MODEL_COMMANDS | SERVERS == set(COMMANDS)
    assert not set(OFFLINE) & MODEL_COMMANDS


@pytest.mark.parametrize("name", list(OFFLINE))
def test_commands_that_call_no_model_import_only_what_they_use(
    name: str, workspace: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    make_draft(workspace, "draft-1", change=retitle_first_task)
    out = tmp_path_factory.mktemp("probe") / "modules.txt"
    if name in BEFORE:
        run_probed(BEFORE[name], workspace, out)
    _, modules = run_probed(OFFLINE[name], workspace, out)
    assert COMMANDS[name][0].split(":")[0] in modules  # the command really ran
    forbidden = set(SDK)
    if name != "render":  # the one command that renders templates
        forbidden.add("jinja2")
    if name in NOT_VALIDATING:
        forbidden.add("jobzone.validation.claims")
    assert not modules & forbidden


@pytest.mark.parametrize("name", list(COMMANDS))
def test_help_table_is_each_commands_own_first_sentence(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None
    assert COMMANDS[name][1] == command.get_short_help_str(limit=sys.maxsize)


@pytest.mark.parametrize("width", [80, 60])
def test_help_lists_the_commands_as_click_does_once_it_has_loaded_them(width: int) -> None:
    ctx = click.Context(cli, info_name="jobzone")
    static, loaded = click.HelpFormatter(width=width), click.HelpFormatter(width=width)
    cli.format_commands(ctx, static)
    click.Group.format_commands(cli, ctx, loaded)
    assert static.getvalue() == loaded.getvalue()


def test_main_takes_clicks_positional_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    """``cli.main(args, prog_name, ...)`` as click documents it (the benches call it so)."""
    assert cli.main(["--help"], "jobzone-here", standalone_mode=False) == 0
    assert capsys.readouterr().out.startswith("Usage: jobzone-here [OPTIONS] COMMAND")


def test_every_listed_command_loads() -> None:
    probe = (
        "import click\n"
        "from jobzone.cli import COMMANDS, cli\n"
        "ctx = click.Context(cli)\n"
        "print(sorted(n for n in COMMANDS if cli.get_command(ctx, n).name == n))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == str(sorted(COMMANDS))
