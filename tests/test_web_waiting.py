"""What waits for me: the open drafts the reviewer has not approved yet, on the queue page."""

from __future__ import annotations

import re
from pathlib import Path

from starlette.testclient import TestClient

from jobzone.drafts import Approval, Kind, Status
from jobzone.web.app import create_app

from .factories import CREATED_AT, make_draft, write_draft


def queue_ids(html: str) -> list[str]:
    return re.findall(r'tr class="draft-row" data-id="([^"]+)"', html)


def test_the_queue_says_what_waits_for_the_reviewer_and_filters_to_it(workspace: Path) -> None:
    (workspace / "jobzone.yaml").write_text("approvals_required: 2\n", encoding="utf-8")
    mine = make_draft(workspace, "mine", kind=Kind.new, slug="role-mine")
    approved_by_me = make_draft(workspace, "approved-by-me", kind=Kind.new, slug="role-me")
    approved_by_me.approvals.append(Approval(reviewer="Ann", at=CREATED_AT, note=None))
    write_draft(workspace, approved_by_me)
    other = make_draft(workspace, "by-another", kind=Kind.new, slug="role-other")
    other.approvals.append(Approval(reviewer="Bo", at=CREATED_AT, note=None))
    write_draft(workspace, other)
    make_draft(workspace, "closed", kind=Kind.new, slug="role-closed", status=Status.rejected)

    browser = TestClient(create_app(workspace, reviewer="Ann"), base_url="http://127.0.0.1")
    everything = browser.get("/").text
    waiting = browser.get("/?waiting=me").text

    assert "2 drafts waiting for you" in everything
    assert sorted(queue_ids(waiting)) == sorted([mine.id, other.id])
    assert len(queue_ids(everything)) == 4
    as_bo = TestClient(create_app(workspace, reviewer="Bo"), base_url="http://127.0.0.1")
    assert sorted(queue_ids(as_bo.get("/?waiting=me").text)) == sorted([mine.id, approved_by_me.id])
