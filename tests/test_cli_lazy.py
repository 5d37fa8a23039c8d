"""Commands load lazily: reading the queue must not pay for importing the model SDK."""

from __future__ import annotations

import subprocess
import sys

import pytest

from jobzone.cli import COMMANDS

LIGHT = ["queue", "show", "approve", "history", "score", "validate", "roles", "check"]


@pytest.mark.parametrize("name", LIGHT)
def test_light_commands_do_not_import_openai(name: str) -> None:
    probe = (
        "import sys, click\n"
        "from jobzone.cli import cli\n"
        f"cli.get_command(click.Context(cli), {name!r})\n"
        "print('openai' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


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
