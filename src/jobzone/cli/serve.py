"""``jobzone serve``: the review page in a browser, over the same workflow as the CLI."""

from __future__ import annotations

import socket
from pathlib import Path

import click

from jobzone.cli.app import reviewer_option, workspace, workspace_option
from jobzone.errors import ConfigError
from jobzone.web.loopback import is_loopback

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def serve(
    root: Path,
    *,
    reviewer: str,
    tokens: dict[str, str] | None,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
) -> None:
    """Bind ``host:port`` (port 0: a free one), say where, and serve until interrupted."""
    import uvicorn

    from jobzone.web.app import create_app

    app = create_app(root, reviewer=reviewer, tokens=tokens)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    with sock:
        bound = sock.getsockname()[1]
        shown = f"[{host}]" if family == socket.AF_INET6 else host
        click.echo(f"jobzone: reviewing {root} at http://{shown}:{bound}/")
        config = uvicorn.Config(app, log_level="warning", proxy_headers=False)
        uvicorn.Server(config).run(sockets=[sock])


@click.command("serve")
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="The address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="The port; 0 picks a free one.",
)
@reviewer_option
@click.option(
    "--reviewers",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Team mode: a YAML file of reviewer name -> token; each browser logs in with a token.",
)
@workspace_option
def serve_cmd(host: str, port: int, reviewer: str | None, reviewers: Path | None) -> None:
    """Review the queue in a browser: the same decisions and edits as the CLI, on a local page.

    Bound to 127.0.0.1 by default, where every decision is made as you (--reviewer). To serve a
    team on another address, give --reviewers and put a TLS proxy in front.
    """
    from jobzone.identity import reviewer_name

    if reviewers is None and not is_loopback(host):
        raise ConfigError(
            f"refusing to serve on {host} without --reviewers: anyone who can reach it could "
            "approve drafts in your name. Give a reviewers file (name: token) so each reviewer "
            "logs in, and put TLS in front (a reverse proxy): the page itself speaks plain HTTP"
        )
    ws = workspace()
    if reviewers is not None:
        from jobzone.web.reviewers import load_reviewers

        serve(ws.root, reviewer="", tokens=load_reviewers(reviewers), host=host, port=port)
    else:
        serve(ws.root, reviewer=reviewer_name(reviewer), tokens=None, host=host, port=port)
