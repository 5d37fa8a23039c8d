"""``jobzone demo``: the main job, replayed from a recording, with no key and no network."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from jobzone import demo
from jobzone.errors import ConfigError, InputError
from jobzone.workflow.setup import init

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
    help="Build the scratch workspace in this new or empty folder, and leave it there.",
)
@click.option(
    "--serve",
    is_flag=True,
    help="Stop before the approval and open the review page on the scratch workspace "
    "(http://127.0.0.1:8765/), its redrafted draft pending.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="With --serve: the port of the review page (0: any free one, printed).",
)
@click.pass_context
def demo_cmd(ctx: click.Context, keep: Path | None, serve: bool, port: int) -> None:
    """Replay the review loop (draft, review, redraft, approve) from a recording.

    The openai SDK, validator, scorer, queue and canonical set all run for real in a scratch
    workspace; only the model's answers come from a recording, made against a test server on
    loopback. The scratch workspace is removed afterwards unless --keep names a folder for it.
    """
    try:
        import vcr
        from vcr.errors import CannotOverwriteExistingCassetteException
    except ImportError:
        raise ConfigError(
            "the demo replays a recording with vcrpy: pip install 'jobzone[demo]'"
        ) from None
    if keep is not None and keep.exists() and any(keep.iterdir()):
        raise InputError(
            "--keep needs a new or empty folder, so that nothing in it is overwritten",
            file=str(keep),
            rule="demo.keep",
        )
    scratch = keep or Path(tempfile.mkdtemp(prefix="jobzone-demo-"))
    try:
        _replay(ctx, scratch, vcr, CannotOverwriteExistingCassetteException, approve=not serve)
        if serve:
            from jobzone.cli.serve import serve as serve_page

            serve_page(scratch, reviewer=demo.REVIEWER, tokens=None, port=port)
    finally:
        if keep is None:
            shutil.rmtree(scratch, ignore_errors=True)
    if keep is not None:
        click.echo(
            f"\nExplore it: jobzone --workspace {scratch} queue; live drafting needs "
            "OPENAI_API_KEY or OPENAI_BASE_URL (see the README)."
        )


def _replay(
    ctx: click.Context, scratch: Path, vcr: Any, unrecorded: type[Exception], *, approve: bool
) -> None:
    init(scratch)
    shutil.copytree(demo.ROLES, scratch / "roles", dirs_exist_ok=True)
    click.secho(
        "This is a replay. The model's answers below are a recording made against a test "
        "server on loopback, not a live model; everything else runs for real.",
        bold=True,
    )
    click.echo(f"scratch workspace: {scratch}")
    root = ctx.find_root().command

    def run(argv: list[str]) -> None:
        code = root.main(["--workspace", str(scratch), *argv], standalone_mode=False)
        if code:
            raise ConfigError(f"the demo's step `jobzone {argv[0]}` failed (exit {code})")

    recorder = vcr.VCR(record_mode="none", match_on=["method", "path", "body"])
    try:
        with _environment(_ENV), recorder.use_cassette(str(demo.CASSETTE)) as cassette:
            demo.play(run, scratch, click.echo, approve=approve)
    except unrecorded:
        raise ConfigError(
            "the demo asked the model something its recording does not hold: re-record it "
            "(tests/cassettes/README.md)"
        ) from None
    if not cassette.all_played:
        raise ConfigError("the demo's recording has answers the loop never asked for: re-record it")
