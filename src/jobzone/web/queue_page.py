"""The queue page, ``GET /``: the drafts by status and kind, filtered and paged.

It reads only the queue's index (:func:`jobzone.review.queue.listing`), never a whole draft, so
a queue of thousands lists as fast as ``jobzone queue``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from jobzone.config import load_config
from jobzone.review.queue import Row, listing
from jobzone.states import Kind, Status
from jobzone.web.site import page, reviewer_of, site_of
from jobzone.workflow import Workflow

PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    status: str
    kind: str
    q: str
    page: int
    #: Only the open drafts the reviewer has not approved yet (``?waiting=me``).
    waiting: bool

    @classmethod
    def of(cls, request: Request) -> Filters:
        params = request.query_params
        status = params.get("status", "")
        kind = params.get("kind", "")
        number = params.get("page", "1")
        return cls(
            status=status if status in {s.value for s in Status} else "",
            kind=kind if kind in {k.value for k in Kind} else "",
            q=params.get("q", "").strip(),
            page=int(number) if number.isdigit() and int(number) > 0 else 1,
            waiting=params.get("waiting") == "me",
        )

    def keeps(self, row: Row, reviewer: str) -> bool:
        return (
            (not self.status or row.status.value == self.status)
            and (not self.kind or row.kind.value == self.kind)
            and (not self.q or self.q.casefold() in row.title.casefold())
            and (not self.waiting or waits_for(row, reviewer))
        )

    def link(self, page: int) -> str:
        """The query string of page ``page`` under the same filters."""
        params = {
            "status": self.status,
            "kind": self.kind,
            "q": self.q,
            "waiting": "me" if self.waiting else "",
            "page": str(page),
        }
        return "?" + urlencode({k: v for k, v in params.items() if v})


def waits_for(row: Row, reviewer: str) -> bool:
    """Whether the draft waits for ``reviewer``: open, and not yet approved by them."""
    return row.status.is_open and reviewer not in row.approvers


@dataclass(frozen=True)
class QueueView:
    rows: list[Row]
    counts: dict[str, int]
    total: int
    pages: int
    required: int
    unreadable: list[str]
    #: How many drafts wait for this reviewer.
    mine: int


def _view(wf: Workflow, filters: Filters, reviewer: str) -> QueueView:
    wf.recover_if_needed()
    found = listing(wf.workspace)
    counts = Counter(row.status.value for row in found.rows)
    kept = [row for row in found.rows if filters.keeps(row, reviewer)]
    start = (filters.page - 1) * PAGE_SIZE
    return QueueView(
        rows=kept[start : start + PAGE_SIZE],
        counts={s.value: counts.get(s.value, 0) for s in Status},
        total=len(kept),
        pages=max(1, -(-len(kept) // PAGE_SIZE)),
        required=load_config(wf.workspace).approvals_required,
        unreadable=[e.message for e in found.unreadable],
        mine=sum(1 for row in found.rows if waits_for(row, reviewer)),
    )


async def queue(request: Request) -> Response:
    filters = Filters.of(request)
    view = await run_in_threadpool(_view, site_of(request).workflow, filters, reviewer_of(request))
    return page(
        request,
        "queue.html.j2",
        view=view,
        filters=filters,
        statuses=[s.value for s in Status],
        kinds=[k.value for k in Kind],
    )
