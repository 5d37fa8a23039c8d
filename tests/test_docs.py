"""The README documents every command, every option and every validator rule."""

from __future__ import annotations

import re

import click
import pytest

from jobzone.cli import COMMANDS, cli
from jobzone.validation.registry import RULES

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _section(name: str) -> str:
    """The README's text under ``### `jobzone NAME` `` up to the next heading."""
    match = re.search(rf"^### `jobzone {re.escape(name)}[^`]*`\n(.*?)(?=^#)", README, re.M | re.S)
    assert match, f"README has no section '### `jobzone {name}`'"
    return match.group(1)


def _command(name: str) -> click.Command:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None
    return command


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_a_readme_section(name: str) -> None:
    _section(name)


#: Options every command takes, documented once at the head of the CLI reference.
COMMON = ("--workspace",)


@pytest.mark.parametrize(
    ("name", "option"),
    [
        (name, opt)
        for name in sorted(COMMANDS)
        for param in _command(name).params
        if isinstance(param, click.Option) and not param.hidden
        for opt in param.opts
        if opt.startswith("--") and opt not in COMMON
    ],
)
def test_every_option_is_documented_in_its_section(name: str, option: str) -> None:
    assert option in _section(name), f"README's `jobzone {name}` section omits {option}"


@pytest.mark.parametrize("option", COMMON)
def test_common_options_are_documented_once_and_taken_by_every_command(option: str) -> None:
    reference = README.split("## CLI reference", 1)[1].split("\n### ", 1)[0]
    assert option in reference
    for name in COMMANDS:
        if name not in ("init", "demo"):  # they make or replay a workspace of their own
            assert any(option in p.opts for p in _command(name).params), name


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_validator_rule_is_listed(code: str) -> None:
    assert f"`{code}`" in README, f"README does not list validator rule {code}"


def test_readme_opens_with_the_two_setup_commands() -> None:
    first_screen = "\n".join(README.splitlines()[:25])
    assert "make demo" in first_screen
    assert "make test" in first_screen


def _subcommands(group: str) -> list[tuple[str, click.Command]]:
    command = _command(group)
    assert isinstance(command, click.Group)
    return [(f"{group} {name}", sub) for name, sub in sorted(command.commands.items())]


@pytest.mark.parametrize(
    ("name", "option"),
    [
        (name, opt)
        for name, sub in _subcommands("eval")
        for param in sub.params
        if isinstance(param, click.Option) and not param.hidden
        for opt in param.opts
        if opt.startswith("--") and opt not in COMMON
    ],
)
def test_every_eval_option_is_documented_in_its_sections(name: str, option: str) -> None:
    assert option in _section(name), f"README's `jobzone {name}` section omits {option}"
