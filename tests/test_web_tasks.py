"""Adding, removing and moving a draft's tasks on the review page: each a POST applied as
``jobzone edit`` applies a saved file (re-checked and re-scored), refused without the CSRF token,
as a conflict on a stale page, and with nothing changed on a bad index or direction."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .factories import hermetic_env, make_draft, read_draft
from .test_web import Client, client, open_page, opened_of, score_of

__all__ = ["client"]

pytestmark = pytest.mark.filterwarnings("error")
_hermetic = pytest.fixture(autouse=True)(hermetic_env)

HX = {"HX-Request": "true"}
NEW_TASK = {
    "name": "Review the model registry",
    "time_pct": "10",
    "score": "3",
    "impact": "augmentation",
    "rationale": "Judging which models go to production still needs a person.",
}


def _names(workspace: Path) -> list[str]:
    return [str(t["name"]) for t in read_draft(workspace, "draft-1").assessment["tasks"]]


def _file(workspace: Path) -> bytes:
    return (workspace / "drafts" / "draft-1.yaml").read_bytes()


def test_the_page_offers_to_add_remove_and_move_each_task(workspace: Path, client: Client) -> None:
    make_draft(workspace, "draft-1")
    html, _ = open_page(client(), "draft-1")
    count = len(_names(workspace))
    assert html.count('<form class="task-add"') == 1
    for i in range(count):
        assert f'<form class="task-remove" data-index="{i}"' in html
        assert f'<form class="task-move" data-index="{i}"' in html
    assert html.count('name="to" value="up"') == count
    assert html.count('name="to" value="down"') == count


def test_adding_a_task_breaks_the_shares_until_one_is_fixed(
    workspace: Path, client: Client
) -> None:
    make_draft(workspace, "draft-1")
    browser = client()
    html, token = open_page(browser, "draft-1")
    assert score_of(html) != "not scorable"
    before = _names(workspace)
    added = browser.post(
        "/drafts/draft-1/tasks/add",
        data={"csrf": token, "opened": opened_of(html)} | NEW_TASK,
        headers=HX,
    )
    assert added.status_code == 200, added.text
    assert "<html" not in added.text
    assert score_of(added.text) == "not scorable"
    assert 'data-path="tasks" data-code="tasks.time-sum"' in added.text
    assert 'data-kind="success"' in added.text
    assert _names(workspace) == [*before, NEW_TASK["name"]]
    stored = read_draft(workspace, "draft-1")
    assert stored.score is None
    assert stored.history[-1].by == "Ann"

    first = stored.assessment["tasks"][0]
    fix = {
        "csrf": token,
        "opened": opened_of(added.text),
        "time_pct": str(int(first["time_pct"]) - 10),
        "score": str(first["score"]),
        "impact": str(first["impact"]),
    }
    fixed = browser.post("/drafts/draft-1/tasks/0", data=fix, headers=HX)
    assert fixed.status_code == 200
    assert "tasks.time-sum" not in fixed.text
    assert score_of(fixed.text) not in ("not scorable", "")
    assert read_draft(workspace, "draft-1").score is not None


def test_removing_a_task_then_a_plain_post_redirects(workspace: Path, client: Client) -> None:
    make_draft(workspace, "draft-1")
    browser = client()
    html, token = open_page(browser, "draft-1")
    before = _names(workspace)
    removed = browser.post(
        "/drafts/draft-1/tasks/1/remove", data={"csrf": token, "opened": opened_of(html)}
    )
    assert removed.status_code == 303
    assert removed.headers["location"] == "/drafts/draft-1?done=task_removed"
    assert _names(workspace) == before[:1] + before[2:]
    page = browser.get(removed.headers["location"])
    assert "The task is removed" in page.text
    assert score_of(page.text) == "not scorable"


@pytest.mark.parametrize(("index", "to", "swapped"), [(1, "up", 0), (1, "down", 2)])
def test_moving_a_task_swaps_it_with_its_neighbour(
    workspace: Path, client: Client, index: int, to: str, swapped: int
) -> None:
    make_draft(workspace, "draft-1")
    browser = client()
    html, token = open_page(browser, "draft-1")
    shown = score_of(html)
    before = _names(workspace)
    moved = browser.post(
        f"/drafts/draft-1/tasks/{index}/move",
        data={"csrf": token, "opened": opened_of(html), "to": to},
        headers=HX,
    )
    assert moved.status_code == 200, moved.text
    expected = list(before)
    expected[index], expected[swapped] = expected[swapped], expected[index]
    assert _names(workspace) == expected
    assert score_of(moved.text) == shown  # the order does not change the score


def _last(workspace: Path) -> int:
    return len(_names(workspace)) - 1


@pytest.mark.parametrize(
    ("path", "extra", "status", "said"),
    [
        ("tasks/99/remove", {}, 404, ""),
        ("tasks/99/move", {"to": "up"}, 404, ""),
        ("tasks/0/move", {"to": "up"}, 422, "already the first"),
        ("tasks/LAST/move", {"to": "down"}, 422, "already the last"),
        ("tasks/1/move", {"to": "sideways"}, 422, "is not a direction"),
        ("tasks/add", NEW_TASK | {"time_pct": "ten"}, 422, "is not a whole number"),
        ("tasks/add", NEW_TASK | {"score": ""}, 422, "is not a whole number"),
    ],
)
def test_a_bad_task_change_changes_nothing(
    workspace: Path, client: Client, path: str, extra: dict[str, Any], status: int, said: str
) -> None:
    make_draft(workspace, "draft-1")
    before = _file(workspace)
    browser = client()
    html, token = open_page(browser, "draft-1")
    path = path.replace("LAST", str(_last(workspace)))
    answer = browser.post(
        f"/drafts/draft-1/{path}", data={"csrf": token, "opened": opened_of(html)} | extra
    )
    assert answer.status_code == status
    assert said in answer.text
    if status == 422:
        assert 'data-kind="error"' in answer.text
    assert _file(workspace) == before


@pytest.mark.parametrize(
    ("path", "extra"),
    [("tasks/add", NEW_TASK), ("tasks/1/remove", {}), ("tasks/1/move", {"to": "up"})],
)
def test_a_task_change_without_csrf_is_403_and_a_stale_one_409(
    workspace: Path, client: Client, path: str, extra: dict[str, Any]
) -> None:
    make_draft(workspace, "draft-1")
    browser = client()
    html, token = open_page(browser, "draft-1")
    before = _file(workspace)

    forged = browser.post(f"/drafts/draft-1/{path}", data={"opened": opened_of(html)} | extra)
    assert forged.status_code == 403
    assert _file(workspace) == before

    stale = browser.post(
        f"/drafts/draft-1/{path}", data={"csrf": token, "opened": "0" * 64} | extra
    )
    assert stale.status_code == 409
    assert "changed while it was being edited" in stale.text
    assert _file(workspace) == before
