"""The review page end to end, in a real Chromium (Debian's, `make browser`) driven by Playwright.

Each test serves a workspace of factory drafts with uvicorn on a free loopback port and reviews
it as an editor would. A screenshot of each final state is kept in ``build/browser/`` (ignored by
git) for whoever wants to look. The browser is required, never skipped: `make test` installs it.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect, sync_playwright

from jobzone.drafts import Kind
from jobzone.web.app import create_app
from jobzone.workflow.drafting import guidance

from .conftest import REPO
from .factories import NEW_SLUG, make_draft, read_draft

CHROMIUM = "/usr/bin/chromium"
SHOTS = REPO / "build" / "browser"
REVIEWER = "Ada Reviewer"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM)
        yield launched
        launched.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Served:
    """A workspace served on a loopback port for the length of one test."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = _free_port()
        app = create_app(root, reviewer=REVIEWER)
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Served:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.02)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def served(workspace: Path) -> Iterator[Served]:
    with Served(workspace) as running:
        yield running


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context()
    opened = context.new_page()
    yield opened
    SHOTS.mkdir(parents=True, exist_ok=True)
    opened.screenshot(path=str(SHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def new_draft(workspace: Path, draft_id: str, **options: Any) -> str:
    return make_draft(workspace, draft_id, slug=f"{NEW_SLUG}-{draft_id}", **options).id


# -- decisions --------------------------------------------------------------------------------


def test_approve_a_clean_draft(workspace: Path, served: Served, page: Page) -> None:
    draft_id = new_draft(workspace, "clean", kind=Kind.new)
    page.goto(served.url + "/")
    page.click(f"tr.draft-row[data-id='{draft_id}'] a.draft-link")
    expect(page.locator("#status")).to_contain_text("pending")

    page.fill("form#approve textarea[name=note]", "Checked every task against the rubric.")
    page.click("button#approve-button")

    expect(page.locator("#message")).to_have_attribute("data-kind", "success")
    expect(page.locator("#status")).to_contain_text("approved")
    approved = read_draft(workspace, draft_id)
    assert approved.approvals[0].reviewer == REVIEWER
    assert (workspace / "roles" / f"{NEW_SLUG}-clean.yaml").is_file()


def test_a_task_edit_that_breaks_the_shares_shows_the_error_and_hides_the_score(
    workspace: Path, served: Served, page: Page
) -> None:
    draft_id = new_draft(workspace, "shares", kind=Kind.new)
    page.goto(f"{served.url}/drafts/{draft_id}")
    shown = page.inner_text("#score")
    first = page.locator("form.task-edit[data-index='0']")
    before = int(first.locator("input[name=time_pct]").input_value())

    first.locator("input[name=time_pct]").fill(str(before + 5))
    first.locator("button[type=submit]").click()

    expect(page.locator(".finding[data-path='tasks']")).to_contain_text("sum")
    expect(page.locator("#score")).to_contain_text("not scorable")

    first = page.locator("form.task-edit[data-index='0']")
    first.locator("input[name=time_pct]").fill(str(before))
    first.locator("button[type=submit]").click()

    expect(page.locator(".finding[data-path='tasks']")).to_have_count(0)
    expect(page.locator("#score")).to_have_text(shown)
    assert read_draft(workspace, draft_id).score is not None


def test_two_reviewers_approving_one_draft_exactly_one_wins(
    workspace: Path, served: Served, browser: Browser
) -> None:
    draft_id = new_draft(workspace, "race", kind=Kind.new)
    pages = [browser.new_context().new_page() for _ in range(2)]
    for opened in pages:
        opened.goto(f"{served.url}/drafts/{draft_id}")
    for opened in pages:
        opened.fill("form#approve textarea[name=note]", "Looks right to me.")
        opened.click("button#approve-button")

    kinds = sorted(opened.locator("#message").get_attribute("data-kind") or "" for opened in pages)
    assert kinds == ["conflict", "success"]
    loser = next(p for p in pages if p.locator("#message").get_attribute("data-kind") != "success")
    assert loser.inner_text("#message").strip()
    assert len(read_draft(workspace, draft_id).approvals) == 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    loser.screenshot(path=str(SHOTS / "two-reviewers-the-loser.png"), full_page=True)
    for opened in pages:
        opened.context.close()


# -- keyboard ---------------------------------------------------------------------------------


def test_keyboard_only_review_of_three_drafts(workspace: Path, served: Served, page: Page) -> None:
    ids = [new_draft(workspace, name, kind=Kind.new) for name in ("one", "two", "three")]
    page.goto(f"{served.url}/drafts/{ids[0]}")
    seen = []
    for n in range(len(ids)):
        seen.append(page.url.rsplit("/", 1)[-1].split("?")[0])
        page.keyboard.press("a")
        page.keyboard.type("Fine as drafted.")  # focus is in the approve form's note
        page.keyboard.press("Tab")  # the warnings checkbox
        page.keyboard.press("Tab")  # the approve button
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.locator("#message")).to_have_attribute("data-kind", "success")
        if n + 1 < len(ids):
            with page.expect_navigation():
                page.keyboard.press("j")  # the next draft still waiting
    assert sorted(seen) == sorted(ids)
    assert all(read_draft(workspace, i).approvals for i in ids)


def test_no_shortcut_fires_while_typing_and_question_mark_shows_the_cheat_sheet(
    workspace: Path, served: Served, page: Page
) -> None:
    first, _ = (new_draft(workspace, name, kind=Kind.new) for name in ("first", "second"))
    page.goto(f"{served.url}/drafts/{first}")
    expect(page.locator("#cheatsheet")).to_be_hidden()
    page.keyboard.press("?")
    expect(page.locator("#cheatsheet")).to_be_visible()

    page.click("form#reject textarea[name=reason]")
    page.keyboard.type("jjj kk ?")
    assert page.url.endswith(f"/drafts/{first}")
    assert page.input_value("form#reject textarea[name=reason]") == "jjj kk ?"


# -- hostile input ----------------------------------------------------------------------------


def test_a_title_holding_a_script_renders_inert(
    workspace: Path, served: Served, page: Page
) -> None:
    hostile = "<script>window.pwned = 1</script><img src=x onerror='window.pwned = 2'>"
    draft_id = new_draft(workspace, "hostile", kind=Kind.new, title=hostile[:120])
    alerts: list[str] = []
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))

    page.goto(f"{served.url}/")
    page.goto(f"{served.url}/drafts/{draft_id}")

    assert page.evaluate("window.pwned === undefined")
    assert alerts == []
    assert "<script>" in page.inner_text("body")


def test_a_state_change_without_the_csrf_token_is_refused(
    workspace: Path, served: Served, page: Page
) -> None:
    draft_id = new_draft(workspace, "forged", kind=Kind.new)
    page.goto(f"{served.url}/drafts/{draft_id}")

    response = page.request.post(f"{served.url}/drafts/{draft_id}/approve", form={"note": "forged"})

    assert response.status == 403
    assert read_draft(workspace, draft_id).approvals == []


def test_a_field_comment_reaches_the_redrafts_guidance(
    workspace: Path, served: Served, page: Page
) -> None:
    draft_id = new_draft(workspace, "comment", kind=Kind.new)
    page.goto(f"{served.url}/drafts/{draft_id}")

    form = page.locator("form#request-changes")
    form.locator("textarea[name=note]").fill("Tighten the task list.")
    form.locator("select[name=comment_field]").first.select_option("tasks[2].score")
    form.locator("input[name=comment_text]").first.fill("Monitoring is more automated than 3.")
    form.locator("button#request-changes-button").click()

    expect(page.locator("#message")).to_have_attribute("data-kind", "success")
    expect(page.locator("#status")).to_contain_text("changes requested")
    said = guidance(read_draft(workspace, draft_id), None)
    assert "Tighten the task list." in said
    assert "On tasks[2].score: Monitoring is more automated than 3." in said


# -- sources ----------------------------------------------------------------------------------


def test_verify_a_source_by_its_button(workspace: Path, served: Served, page: Page) -> None:
    draft_id = new_draft(workspace, "verify", kind=Kind.new)
    path = "evidence.wage_trends.sources[0]"
    page.goto(f"{served.url}/drafts/{draft_id}")
    item = page.locator(f"li[data-field='{path}']")
    expect(item).to_contain_text("not verified")

    page.locator(f"form.verify-source[data-path='{path}'] button[type=submit]").click()

    expect(page.locator("#message")).to_have_attribute("data-kind", "success")
    expect(page.locator(f"li[data-field='{path}']")).to_contain_text(f"verified by {REVIEWER} on")
    expect(page.locator("li[data-field='evidence.wage_trends.sources[1]']")).to_contain_text(
        "not verified"
    )
    source = read_draft(workspace, draft_id).assessment["evidence"]["wage_trends"]["sources"][0]
    assert source["verified_by"] == REVIEWER


# -- adding and removing tasks ----------------------------------------------------------------


def test_remove_a_task_then_add_it_back_and_the_score_returns(
    workspace: Path, served: Served, page: Page
) -> None:
    draft_id = new_draft(workspace, "tasks", kind=Kind.new)
    task = read_draft(workspace, draft_id).assessment["tasks"][-1]
    last = len(read_draft(workspace, draft_id).assessment["tasks"]) - 1
    page.goto(f"{served.url}/drafts/{draft_id}")
    shown = page.inner_text("#score")

    page.locator(f"form.task-remove[data-index='{last}'] button[type=submit]").click()

    expect(page.locator("#message")).to_contain_text("The task is removed")
    expect(page.locator("#score")).to_contain_text("not scorable")
    expect(page.locator(".finding[data-path='tasks']")).to_contain_text("sum")

    form = page.locator("form.task-add")
    form.locator("input[name=name]").fill(str(task["name"]))
    form.locator("input[name=time_pct]").fill(str(task["time_pct"]))
    form.locator("input[name=score]").fill(str(task["score"]))
    form.locator("select[name=impact]").select_option(str(task["impact"]))
    form.locator("textarea[name=rationale]").fill(str(task["rationale"]))
    form.locator("button[type=submit]").click()

    expect(page.locator("#message")).to_contain_text("The task is added")
    expect(page.locator(".finding[data-path='tasks']")).to_have_count(0)
    expect(page.locator("#score")).to_have_text(shown)
    assert read_draft(workspace, draft_id).assessment["tasks"][-1]["name"] == task["name"]


# -- undo, what a person changed, adding a source, refusals htmx cannot swap -----------------------


def test_an_edit_is_marked_as_a_persons_and_undone_by_its_button(
    workspace: Path, served: Served, page: Page
) -> None:
    draft_id = new_draft(workspace, "undo", kind=Kind.new)
    page.goto(f"{served.url}/drafts/{draft_id}")
    shown = page.inner_text("#score")
    first = page.locator("form.task-edit[data-index='0']")
    before = first.locator("input[name=time_pct]").input_value()

    first.locator("input[name=score]").fill("1")
    first.locator("button[type=submit]").click()

    mark = page.locator("[data-changed='tasks[0].score']")
    expect(mark).to_contain_text("changed by a person")
    expect(page.locator("#authorship")).to_contain_text("1 field changed by a person")
    expect(page.locator("form.task-edit[data-index='0'] input[name=time_pct]")).to_have_value(
        before
    )

    page.locator("#undo-button").click()

    expect(page.locator("#message")).to_contain_text("The earlier version is back")
    expect(page.locator("[data-changed]")).to_have_count(0)
    expect(page.locator("#score")).to_have_text(shown)
    assert read_draft(workspace, draft_id).history[-1].by == REVIEWER


def test_add_a_source_and_see_it_unverified_under_the_reviewers_name(
    workspace: Path, served: Served, page: Page
) -> None:
    draft_id = new_draft(workspace, "source", kind=Kind.new)
    page.goto(f"{served.url}/drafts/{draft_id}")
    adding = page.locator("details.source-add[data-dimension='company_actions']")
    adding.locator("summary").click()
    adding.locator("input[name=title]").fill("Acme annual report 2026")
    adding.locator("input[name=url]").fill("https://example.org/acme-2026")
    adding.locator("button[type=submit]").click()

    expect(page.locator("#message")).to_contain_text("The source is added")
    added = page.locator("li[data-field^='evidence.company_actions.sources']").last
    expect(added).to_contain_text("Acme annual report 2026")
    expect(added).to_contain_text(f"added by {REVIEWER}")
    expect(added).to_contain_text("not verified")


def test_a_refusal_htmx_cannot_swap_is_said_on_the_page(
    workspace: Path, served: Served, page: Page
) -> None:
    """A token gone stale (the CSRF cookie replaced, as after clearing cookies in another tab):
    the server refuses the edit with 403 and a plain message, and the page says it was not
    saved instead of looking as if nothing happened."""
    draft_id = new_draft(workspace, "stale-token", kind=Kind.new)
    page.goto(f"{served.url}/drafts/{draft_id}")
    kept = read_draft(workspace, draft_id).assessment
    page.context.clear_cookies()
    first = page.locator("form.task-edit[data-index='0']")
    first.locator("input[name=score]").fill("1")
    first.locator("button[type=submit]").click()

    error = page.locator("#request-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Not saved: the server answered 403")
    expect(error).to_contain_text("CSRF token")
    assert read_draft(workspace, draft_id).assessment == kept


def test_e_opens_the_field_a_finding_is_about_and_escape_leaves_it(
    workspace: Path, served: Served, page: Page
) -> None:
    """Keyboard only: e goes to the field with the error, the fix is typed and saved with
    Enter, Escape leaves the field so that shortcuts work again."""

    def blank_rationale(assessment: dict[str, Any]) -> None:
        assessment["tasks"][3]["rationale"] = ""

    draft_id = new_draft(workspace, "keys-edit", kind=Kind.new, change=blank_rationale)
    page.goto(f"{served.url}/drafts/{draft_id}")
    expect(page.locator(".finding.error[data-path='tasks[3].rationale']")).to_have_count(1)

    page.keyboard.press("e")
    focused = page.locator(":focus")
    expect(focused).to_have_attribute("aria-label", "Task 3 rationale")
    page.keyboard.type("Scheduling the jobs is automated; deciding what to track is not.")
    page.keyboard.press("Tab")  # the form's Save button
    page.keyboard.press("Enter")

    expect(page.locator("#message")).to_contain_text("Your edit is saved")
    expect(page.locator(".finding.error[data-path='tasks[3].rationale']")).to_have_count(0)
    page.keyboard.press("e")  # no finding left: the first task's time share
    expect(page.locator(":focus")).to_have_attribute("name", "time_pct")
    page.keyboard.press("Escape")
    page.keyboard.press("?")
    expect(page.locator("#cheatsheet")).to_be_visible()
    expect(page.locator("#cheatsheet")).to_contain_text("edit the field a finding is about")
