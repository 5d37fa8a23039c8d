"""Undo, earlier versions, added sources and what a person changed, on the review page (issue 11).

Each is a POST through the workflow function the CLI calls (``restore``, ``add_source``); the
page marks every field a person changed since the model wrote it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from jobzone.canonical import load_canonical
from jobzone.checking import content_sha256
from jobzone.history import Action
from jobzone.review.authorship import ADDED, changed_fields
from jobzone.workflow import Workflow
from jobzone.workflow.editing import OpenedRole, queue_revision
from jobzone.workspace import Workspace

from .conftest import RunCli
from .factories import (
    SEED_SLUG,
    hermetic_env,
    make_draft,
    read_draft,
    retitle_first_task,
    seed_assessment,
)
from .test_web import Client, client, csrf_of, open_page, opened_of, score_of

__all__ = ["client"]

pytestmark = pytest.mark.filterwarnings("error")
_hermetic = pytest.fixture(autouse=True)(hermetic_env)

HX = {"HX-Request": "true"}


def _file(workspace: Path) -> bytes:
    return (workspace / "drafts" / "draft-1.yaml").read_bytes()


def _edit_share(browser: Any, html: str, token: str, pct: int) -> str:
    task = read_draft_task(html)
    answer = browser.post(
        "/drafts/draft-1/tasks/0",
        data={"csrf": token, "opened": opened_of(html), "time_pct": str(pct)} | task,
        headers=HX,
    )
    assert answer.status_code == 200, answer.text
    return str(answer.text)


def read_draft_task(html: str) -> dict[str, str]:
    """Task 0's score and impact as the page's form holds them."""
    form = html[html.index('<form class="task-edit" data-index="0"') :]
    score = re.search(r'name="score" value="([0-9]+)"', form)
    impact = re.search(r'<option value="([a-z_]+)" selected>', form)
    assert score and impact
    return {"score": score.group(1), "impact": impact.group(1)}


def _marks(html: str) -> list[str]:
    return re.findall(r'data-changed="([^"]+)"', html)


def test_an_edit_is_marked_as_a_persons_and_undone(workspace: Path, client: Client) -> None:
    make_draft(workspace, "draft-1")
    original = _file(workspace)
    before = read_draft(workspace, "draft-1").assessment["tasks"][0]["time_pct"]
    browser = client()
    html, token = open_page(browser, "draft-1")
    assert "undo-button" not in html  # nothing to undo yet
    assert _marks(html) == []

    edited = _edit_share(browser, html, token, 1)
    assert score_of(edited) == "not scorable"
    assert _marks(edited) == ["tasks[0].time_pct"]
    assert f"The model wrote: {before}</p>" in edited
    assert "1 field changed by a person" in edited
    assert 'id="undo-button"' in edited

    undone = browser.post(
        "/drafts/draft-1/restore", data={"csrf": token, "opened": opened_of(edited)}, headers=HX
    )
    assert undone.status_code == 200, undone.text
    assert "The earlier version is back" in undone.text
    assert score_of(undone.text) == score_of(html)
    assert _marks(undone.text) == []
    assert "Every field is as the model wrote it." in undone.text
    stored = read_draft(workspace, "draft-1")
    assert (stored.history[-1].action, stored.history[-1].by) == (Action.restored, "Ann")
    assert stored.assessment["tasks"][0]["time_pct"] == before
    assert _file(workspace) != original  # the history grew: nothing is rewritten


def test_an_earlier_version_is_brought_back_by_its_button(workspace: Path, client: Client) -> None:
    make_draft(workspace, "draft-1")
    browser = client()
    html, token = open_page(browser, "draft-1")
    drafted = opened_of(html)
    once = _edit_share(browser, html, token, 1)
    twice = _edit_share(browser, once, token, 2)
    offered = re.findall(r'<li data-version="([0-9a-f]+)">', twice)
    assert offered == [opened_of(once), drafted]  # newest first
    back = browser.post(
        "/drafts/draft-1/restore",
        data={"csrf": token, "opened": opened_of(twice), "version": drafted},
    )
    assert back.status_code == 303
    assert back.headers["location"] == "/drafts/draft-1?done=restored"
    assert content_sha256(read_draft(workspace, "draft-1").assessment) == drafted


def test_undo_without_the_token_or_from_a_stale_page_changes_nothing(
    workspace: Path, client: Client
) -> None:
    make_draft(workspace, "draft-1")
    browser = client()
    html, token = open_page(browser, "draft-1")
    edited = _edit_share(browser, html, token, 1)
    kept = _file(workspace)
    no_token = browser.post("/drafts/draft-1/restore", data={"opened": opened_of(edited)})
    assert no_token.status_code == 403
    stale = browser.post(
        "/drafts/draft-1/restore", data={"csrf": token, "opened": opened_of(html)}, headers=HX
    )
    assert stale.status_code == 409
    assert 'data-kind="conflict"' in stale.text
    assert _file(workspace) == kept


def test_a_source_added_on_the_page_is_the_reviewers_and_unverified(
    workspace: Path, client: Client
) -> None:
    make_draft(workspace, "draft-1")
    browser = client()
    html, token = open_page(browser, "draft-1")
    assert html.count('<details class="source-add"') == 5  # one per evidence dimension
    count = len(read_draft(workspace, "draft-1").assessment["evidence"]["wage_trends"]["sources"])
    added = browser.post(
        "/drafts/draft-1/sources/add",
        data={
            "csrf": token,
            "dimension": "wage_trends",
            "title": "Pay survey <b>2026</b>",
            "url": "https://example.org/pay",
            "date": "2026-04-01",
        },
        headers=HX,
    )
    assert added.status_code == 200, added.text
    path = f"evidence.wage_trends.sources[{count}]"
    item = re.search(
        rf'<li data-field="{re.escape(path)}" data-verified="no">(.*?)</li>', added.text, re.S
    )
    assert item, added.text
    assert "Pay survey &lt;b&gt;2026&lt;/b&gt;" in item.group(1)
    assert "added by Ann" in item.group(1)
    assert "evidence.wage_trends" not in _marks(added.text)  # a source carries its own author


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"title": "A report", "url": "javascript:alert(1)"}, "starts with https://"),
        ({"title": "A report", "date": "last spring"}, "is not a date"),
        ({"title": "  "}, "a source needs a title"),
    ],
)
def test_a_source_that_cannot_be_used_is_refused_beside_nothing_changed(
    workspace: Path, client: Client, fields: dict[str, str], said: str
) -> None:
    make_draft(workspace, "draft-1")
    browser = client()
    _, token = open_page(browser, "draft-1")
    kept = _file(workspace)
    refused = browser.post(
        "/drafts/draft-1/sources/add",
        data={"csrf": token, "dimension": "wage_trends"} | fields,
        headers=HX,
    )
    assert refused.status_code == 422
    assert said in refused.text
    assert _file(workspace) == kept


def test_a_draft_written_by_hand_says_so(workspace: Path, client: Client) -> None:
    wf = Workflow(Workspace.locate(workspace))
    role = load_canonical(wf.workspace).get(SEED_SLUG)
    assert role is not None
    opened = OpenedRole.of(role)
    data = dict(opened.assessment)
    data["role"] = dict(data["role"], seniority_note="Written again by an editor.")
    draft = queue_revision(wf, opened, data, "Ann")
    html, _ = open_page(client(), draft.id)
    assert "Written by hand: no model wrote this draft" in html
    assert _marks(html) == []


# -- what counts as a person's change --------------------------------------------------------------


def test_moving_a_task_marks_nothing_and_renaming_one_marks_only_its_name() -> None:
    model = seed_assessment()
    now = seed_assessment()
    now["tasks"][0], now["tasks"][1] = now["tasks"][1], now["tasks"][0]
    assert changed_fields(model, now) == {}
    renamed = seed_assessment()
    renamed["tasks"][2]["name"] = "Something else"
    assert changed_fields(model, renamed) == {"tasks[2].name": model["tasks"][2]["name"]}


def test_an_added_task_a_rescored_item_and_new_commentary_are_marked() -> None:
    model = seed_assessment()
    now = seed_assessment()
    now["tasks"].append(dict(now["tasks"][0], name="A new task"))
    now["evidence"]["wage_trends"]["score"] = model["evidence"]["wage_trends"]["score"] - 1
    now["barriers"]["regulatory_licensing"]["rationale"] = "Rewritten."
    now["commentary"]["outlook"] = "Rewritten."
    found = changed_fields(model, now)
    assert found[f"tasks[{len(now['tasks']) - 1}]"] == ADDED
    assert found["evidence.wage_trends"].startswith(
        f"score: {model['evidence']['wage_trends']['score']}; text: "
    )
    assert set(found) == {
        f"tasks[{len(now['tasks']) - 1}]",
        "evidence.wage_trends",
        "barriers.regulatory_licensing",
        "commentary.outlook",
    }


# -- rebasing from the page ------------------------------------------------------------------------


def test_a_stale_draft_offers_rebase_and_is_rebased_by_the_button(
    workspace: Path, client: Client, run_cli: RunCli
) -> None:
    make_draft(workspace, "mine", change=retitle_first_task)
    browser = client()
    html, token = open_page(browser, "mine")
    assert 'id="rebase"' not in html  # on the current version: nothing to rebase
    make_draft(workspace, "other", change=_rewrite_barrier)
    assert run_cli("approve", "other", "--reviewer", "Bob").exit_code == 0

    html, token = open_page(browser, "mine")
    assert 'id="rebase"' in html and "based on v1" in html
    refused = browser.post("/drafts/mine/approve", data={"csrf": token, "note": "ok"})
    assert refused.status_code == 409 and "jobzone rebase mine" in refused.text

    rebased = browser.post("/drafts/mine/rebase", data={"csrf": token})
    assert rebased.status_code == 303
    assert rebased.headers["location"] == "/drafts/mine?done=rebased"
    draft = read_draft(workspace, "mine")
    assert draft.base is not None and draft.base.version == 2
    assert (draft.history[-1].action, draft.history[-1].by) == (Action.rebased, "Ann")
    page = browser.get(rebased.headers["location"]).text
    assert 'id="rebase"' not in page and "now sits on the role&#39;s current version" in page
    approved = browser.post("/drafts/mine/approve", data={"csrf": csrf_of(page), "note": "ok"})
    assert approved.status_code == 303


def test_rebase_needs_the_csrf_token(workspace: Path, client: Client) -> None:
    make_draft(workspace, "mine", change=retitle_first_task)
    browser = client()
    open_page(browser, "mine")
    assert browser.post("/drafts/mine/rebase", data={}).status_code == 403


def _rewrite_barrier(assessment: dict[str, Any]) -> None:
    assessment["barriers"]["regulatory_licensing"]["rationale"] = "Rewritten by another reviewer."
