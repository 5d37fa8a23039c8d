"""``jobzone demo``: the main job, replayed from a recording, with no key and no network."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from jobzone import demo
from jobzone.errors import ConfigError

_ENV = {
    "OPENAI_BASE_URL": demo.BASE_URL,
    "OPENAI_API_KEY": "demo-replay",
    "JOBZONE_MODEL": demo.MODEL,
}


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in [*values, "JOBZONE_WORKSPACE"]}
    os.environ.update(values)
    os.environ.pop("JOBZONE_WORKSPACE", None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@click.command("demo")
@click.option(
    "--keep",
    type=click.Path(file_okay=False, path_type=Path),
    help="Use this (empty or new) folder as the scratch workspace, and leave it there.",
)
@click.pass_context
def demo_cmd(ctx: click.Context, keep: Path | None) -> None:
    """Replay the review loop (draft, review, redraft, approve) from a recording.

    The openai SDK, validator, scorer, queue and canonical set all run for real in a scratch
    workspace; only the model's answers come from a recording, made against a test server on
    loopback.
    """
    try:
        import vcr
    except ImportError:
        raise ConfigError(
            "the demo replays a recording with vcrpy: pip install 'jobzone[demo]'"
        ) from None
    scratch = keep or Path(tempfile.mkdtemp(prefix="jobzone-demo-"))
    shutil.copytree(demo.ROLES, scratch / "roles", dirs_exist_ok=True)
    (scratch / "drafts").mkdir(parents=True, exist_ok=True)
    click.secho(
        "This is a replay. The model's answers below are a recording made against a test "
        "server on loopback, not a live model; everything else runs for real.",
        bold=True,
    )
    click.echo(f"scratch workspace: {scratch}")
    root = ctx.find_root().command

    def run(argv: list[str]) -> None:
        root.main(["--workspace", str(scratch), *argv], standalone_mode=False)

    recorder = vcr.VCR(record_mode="none", match_on=["method", "path", "body"])
    with _environment(_ENV), recorder.use_cassette(str(demo.CASSETTE)) as cassette:
        demo.play(run, scratch, click.echo)
    if not cassette.all_played:
        raise ConfigError("the demo's recording has answers the loop never asked for: re-record it")
    click.echo(
        f"\nExplore it: jobzone --workspace {scratch} queue; live drafting needs "
        "OPENAI_API_KEY or OPENAI_BASE_URL (see the README)."
    )
