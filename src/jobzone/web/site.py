"""What every handler of the review page shares: the workflow, who may act, the signing secret,
and rendering a template with what every page needs (the CSRF token, the reviewer)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.requests import Request
from starlette.responses import HTMLResponse

from jobzone.web.security import Secret, csrf_token
from jobzone.workflow import Workflow


@dataclass(frozen=True)
class Site:
    workflow: Workflow
    #: Who decides in local mode; in team mode each browser's session names its reviewer.
    reviewer: str
    #: Team mode: token -> reviewer name; None in local mode.
    tokens: dict[str, str] | None
    secret: Secret = field(default_factory=Secret)

    @property
    def team(self) -> bool:
        return self.tokens is not None


def site_of(request: Request) -> Site:
    site = request.app.state.site
    assert isinstance(site, Site)
    return site


def reviewer_of(request: Request) -> str:
    """The reviewer this request acts as, settled by :class:`~jobzone.web.login.RequireLogin`."""
    return str(request.scope["state"]["reviewer"])


@cache
def environment() -> Environment:
    """Autoescape is on for every template: all the text shown comes from workspace files."""
    return Environment(
        loader=PackageLoader("jobzone.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A template rendered with the CSRF token and the reviewer every page shows."""
    site = site_of(request)
    html = (
        environment()
        .get_template(template)
        .render(
            csrf=csrf_token(request, site.secret),
            reviewer=request.scope.get("state", {}).get("reviewer"),
            **context,
        )
    )
    return HTMLResponse(html, status_code=status)
