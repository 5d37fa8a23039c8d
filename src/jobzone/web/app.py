"""The review page's application: routes, the guards around them, and the error pages.

``jobzone serve`` runs it with uvicorn; tests drive it with Starlette's TestClient. Every change
it makes goes through the workflow layer, as the CLI's do, so the browser and the command line
can review the same workspace at the same time.
"""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from jobzone.errors import NotFoundError
from jobzone.web import decisions
from jobzone.web.draft_page import neighbour, show
from jobzone.web.login import RequireLogin, login
from jobzone.web.queue_page import queue
from jobzone.web.security import BodyTooLargeError, Guard, too_large
from jobzone.web.site import Site, page
from jobzone.workflow import Workflow
from jobzone.workspace import Workspace

STATIC = Path(__file__).resolve().parent / "static"


async def not_found(request: Request, exc: Exception) -> Response:
    message = exc.detail if isinstance(exc, NotFoundError) else "There is no such page."
    return page(request, "not_found.html.j2", 404, message=message)


def create_app(
    workspace_root: Path, *, reviewer: str, tokens: dict[str, str] | None = None
) -> Starlette:
    """The review page over the workspace at ``workspace_root``. Local mode (``tokens`` None):
    every decision is ``reviewer``'s. Team mode: ``tokens`` maps each token to its reviewer,
    and a browser must log in with one."""
    draft = "/drafts/{draft_id:str}"
    routes = [
        Route("/", queue),
        Route("/login", login, methods=["GET", "POST"]),
        Route(draft, show),
        Route(f"{draft}/next", neighbour),
        Route(f"{draft}/previous", neighbour),
        Route(f"{draft}/approve", decisions.approve, methods=["POST"]),
        Route(f"{draft}/reject", decisions.reject, methods=["POST"]),
        Route(f"{draft}/request-changes", decisions.request_changes, methods=["POST"]),
        Route(draft + "/tasks/{index:int}", decisions.edit_task, methods=["POST"]),
        Route(f"{draft}/tasks/add", decisions.add_task, methods=["POST"]),
        Route(draft + "/tasks/{index:int}/remove", decisions.remove_task, methods=["POST"]),
        Route(draft + "/tasks/{index:int}/move", decisions.move_task, methods=["POST"]),
        Route(f"{draft}/text", decisions.edit_text, methods=["POST"]),
        Route(f"{draft}/sources/verify", decisions.verify_sources, methods=["POST"]),
        Route(f"{draft}/sources/add", decisions.add_source_to, methods=["POST"]),
        Route(f"{draft}/restore", decisions.restore_version, methods=["POST"]),
        Route(f"{draft}/rebase", decisions.rebase_draft, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(Guard, loopback_only=tokens is None),
            Middleware(RequireLogin),
        ],
        exception_handlers={NotFoundError: not_found, 404: not_found, BodyTooLargeError: too_large},
    )
    workflow = Workflow(Workspace.locate(workspace_root))
    app.state.site = Site(workflow, reviewer, dict(tokens) if tokens is not None else None)
    return app
