"""The draft page's smaller edits (issue: verify sources one by one, edit texts in place) and its
career context, driven with Starlette's TestClient over factory-made drafts; no model is called."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest

from jobzone.career import median_wage
from jobzone.errors import ConfigError
from jobzone.history import Action, now
from jobzone.occupations import occupation
from jobzone.states import Kind, Status

from .factories import hermetic_env, make_draft, read_draft, retitle_first_task
from .test_web import Client, client, csrf_of, open_page, opened_of, score_of

pytestmark = pytest.mark.filterwarnings("error")
_hermetic = pytest.fixture(autouse=True)(hermetic_env)
_client = client  # the fixture, used by name

HX = {"HX-Request": "true"}
WAGE = "evidence.wage_trends.sources[0]"
NURSES = "29-1141.00"


def draft_bytes(workspace: Path, draft_id: str = "draft-1") -> bytes:
    return (workspace / "drafts" / f"{draft_id}.yaml").read_bytes()


def sources_of(workspace: Path, draft_id: str = "draft-1") -> dict[str, dict[str, Any]]:
    """Every source of the stored draft by its path."""
    evidence = read_draft(workspace, draft_id).assessment["evidence"]
    return {
        f"evidence.{name}.sources[{i}]": source
        for name, dimension in evidence.items()
        for i, source in enumerate(dimension["sources"])
    }


def source_item(page: str, path: str) -> str:
    """The list item showing one source, as text."""
    match = re.search(rf'<li data-field="{re.escape(path)}"[^>]*>(.*?)</li>', page, re.S)
    assert match, path
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1)))


def cell(page: str, field: str) -> str:
    """The table cell of one field, tags and all."""
    match = re.search(rf'<td[^>]* data-field="{re.escape(field)}">(.*?)</td>', page, re.S)
    assert match, field
    return match.group(1)


def with_nurses(assessment: dict[str, Any]) -> None:
    assessment["role"]["occupation"] = {
        "code": NURSES,
        "title": "Registered Nurses",
        "match": "proxy",
        "note": "A test note saying what differs here.",
    }


# -- verifying sources -----------------------------------------------------------------------------


def test_each_source_has_its_own_verify_button(workspace: Path, client: Client) -> None:
    make_draft(workspace, "draft-1")
    page, _ = open_page(client(), "draft-1")
    paths = re.findall(r'<form class="verify-source" data-path="([^"]+)"', page)
    assert paths == list(sources_of(workspace))
    assert 'id="verify-all"' in page
    assert "added by model" in source_item(page, WAGE)
    assert "not verified" in source_item(page, WAGE)


def test_verifying_one_source_shows_who_and_when(workspace: Path, client: Client) -> None:
    make_draft(workspace, "draft-1")
    browser = client()
    html, token = open_page(browser, "draft-1")
    answer = browser.post(
        "/drafts/draft-1/sources/verify",
        data={"csrf": token, "path": WAGE, "opened": opened_of(html)},
        headers=HX,
    )
    assert answer.status_code == 200
    assert "<html" not in answer.text and 'data-kind="success"' in answer.text
    today = now().date().isoformat()
    assert f"verified by Ann on {today}" in source_item(answer.text, WAGE)
    stored = sources_of(workspace)
    assert (stored[WAGE]["verified_by"], str(stored[WAGE]["verified_on"])) == ("Ann", today)
    others = [source for path, source in stored.items() if path != WAGE]
    assert others and not any(source.get("verified_by") for source in others)
    entry = read_draft(workspace, "draft-1").history[-1]
    assert (entry.action, entry.by) == (Action.sources_verified, "Ann")


def test_verify_all_records_every_source_and_redirects(workspace: Path, client: Client) -> None:
    make_draft(workspace, "draft-1")
    browser = client()
    html, token = open_page(browser, "draft-1")
    answer = browser.post(
        "/drafts/draft-1/sources/verify",
        data={"csrf": token, "all": "yes", "opened": opened_of(html)},
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/drafts/draft-1?done=verified"
    assert all(source["verified_by"] == "Ann" for source in sources_of(workspace).values())
    page = browser.get(answer.headers["location"]).text
    assert 'data-kind="success"' in page
    assert 'id="verify-all"' not in page  # nothing is left to verify
    assert "0 sources not verified" in page


@pytest.mark.parametrize(
    ("draft_id", "path", "status"),
    [
        ("draft-1", "evidence.wage_trends.sources[9]", 422),
        ("draft-1", "tasks[0].name", 422),
        ("draft-1", "", 422),
        ("nosuch", WAGE, 404),
    ],
)
def test_a_bad_verification_changes_nothing(
    workspace: Path, client: Client, draft_id: str, path: str, status: int
) -> None:
    make_draft(workspace, "draft-1")
    before = draft_bytes(workspace)
    browser = client()
    html, token = open_page(browser, "draft-1")
    answer = browser.post(
        f"/drafts/{draft_id}/sources/verify",
        data={"csrf": token, "path": path, "opened": opened_of(html)},
        headers=HX,
    )
    assert answer.status_code == status
    if status == 422:
        assert 'id="message" class="message error"' in answer.text
        assert "not a source" in answer.text or "name the sources" in answer.text
    assert draft_bytes(workspace) == before


def test_verifying_from_a_page_opened_before_an_edit_is_a_conflict(
    workspace: Path, client: Client
) -> None:
    """The path the reviewer checked may name another source once the draft changed."""
    make_draft(workspace, "draft-1")
    browser = client()
    html, token = open_page(browser, "draft-1")
    run_edit = browser.post(
        "/drafts/draft-1/sources/add",
        data={"csrf": token, "dimension": "wage_trends", "title": "Pay survey by ONS"},
    )
    assert run_edit.status_code == 303
    before = draft_bytes(workspace)
    answer = browser.post(
        "/drafts/draft-1/sources/verify",
        data={"csrf": token, "path": WAGE, "opened": opened_of(html)},
        headers=HX,
    )
    assert answer.status_code == 409
    assert "changed since this page was opened" in answer.text
    assert draft_bytes(workspace) == before


@pytest.mark.parametrize("token", [None, "wrong"])
def test_verifying_needs_the_csrf_token(workspace: Path, client: Client, token: str | None) -> None:
    make_draft(workspace, "draft-1")
    before = draft_bytes(workspace)
    browser = client()
    open_page(browser, "draft-1")
    form = {"all": "yes"} | ({"csrf": token} if token is not None else {})
    answer = browser.post("/drafts/draft-1/sources/verify", data=form)
    assert answer.status_code == 403
    assert draft_bytes(workspace) == before


def test_a_closed_or_commentary_draft_offers_no_verification(
    workspace: Path, client: Client
) -> None:
    make_draft(workspace, "closed", status=Status.rejected, change=retitle_first_task)
    browser = client()
    closed = browser.get("/drafts/closed").text
    assert 'class="verify-source"' not in closed and 'id="verify-all"' not in closed
    assert 'class="text-edit"' not in closed
    make_draft(workspace, "words", kind=Kind.commentary)
    words = browser.get("/drafts/words").text
    assert 'class="verify-source"' not in words and 'id="verify-all"' not in words


# -- editing texts in place ------------------------------------------------------------------------


def text_form(page: str, token: str, field: str, value: str) -> dict[str, str]:
    return {"csrf": token, "opened": opened_of(page), "field": field, "value": value}


def test_an_emptied_rationale_shows_text_empty_beside_it_until_fixed(
    workspace: Path, client: Client
) -> None:
    make_draft(workspace, "draft-1", change=retitle_first_task)
    browser = client()
    page, token = open_page(browser, "draft-1")
    field = "tasks[0].rationale"
    assert f'<form class="text-edit" data-field="{field}"' in page
    written = read_draft(workspace, "draft-1").assessment["tasks"][0]["rationale"]
    emptied = browser.post(
        "/drafts/draft-1/text", data=text_form(page, token, field, "  "), headers=HX
    )
    assert emptied.status_code == 200
    assert f'data-path="{field}" data-code="text.empty"' in cell(emptied.text, field)
    assert read_draft(workspace, "draft-1").assessment["tasks"][0]["rationale"] == "  "
    assert read_draft(workspace, "draft-1").history[-1].by == "Ann"

    fixed = browser.post(
        "/drafts/draft-1/text", data=text_form(emptied.text, token, field, written), headers=HX
    )
    assert fixed.status_code == 200
    assert "text.empty" not in fixed.text
    assert score_of(fixed.text) == score_of(page)


def test_a_task_name_and_a_role_text_are_saved_with_plain_line_ends(
    workspace: Path, client: Client
) -> None:
    make_draft(workspace, "draft-1")
    browser = client()
    page, token = open_page(browser, "draft-1")
    field = "role.primary_function"
    assert f'<form class="text-edit" data-field="{field}"' in page
    value = "Keeps models running in production.\r\nOwns the pipelines."
    answer = browser.post("/drafts/draft-1/text", data=text_form(page, token, field, value))
    assert answer.headers["location"] == "/drafts/draft-1?done=edited"
    stored = read_draft(workspace, "draft-1").assessment
    assert (
        stored["role"]["primary_function"]
        == "Keeps models running in production.\nOwns the pipelines."
    )
    page = browser.get(answer.headers["location"]).text
    renamed = browser.post(
        "/drafts/draft-1/text",
        data=text_form(page, token, "tasks[1].name", "Model monitoring"),
        headers=HX,
    )
    assert renamed.status_code == 200
    assert ">\nModel monitoring</textarea>" in cell(renamed.text, "tasks[1].name")
    assert read_draft(workspace, "draft-1").assessment["tasks"][1]["name"] == "Model monitoring"


def test_saving_an_unchanged_text_records_nothing(workspace: Path, client: Client) -> None:
    make_draft(workspace, "draft-1")
    before = draft_bytes(workspace)
    browser = client()
    page, token = open_page(browser, "draft-1")
    same = read_draft(workspace, "draft-1").assessment["role"]["seniority_note"]
    answer = browser.post(
        "/drafts/draft-1/text",
        data=text_form(page, token, "role.seniority_note", same),
        headers=HX,
    )
    assert answer.status_code == 200
    assert "Nothing was saved" in answer.text
    assert draft_bytes(workspace) == before


def test_a_stale_text_edit_conflicts(workspace: Path, client: Client) -> None:
    make_draft(workspace, "draft-1")
    browser = client()
    page, token = open_page(browser, "draft-1")
    field = "role.not_this_role"
    first = browser.post("/drafts/draft-1/text", data=text_form(page, token, field, "A first."))
    assert first.status_code == 303
    after_first = draft_bytes(workspace)
    stale = browser.post(
        "/drafts/draft-1/text", data=text_form(page, token, field, "A second."), headers=HX
    )
    assert stale.status_code == 409
    assert 'data-kind="conflict"' in stale.text
    assert "changed while it was being edited" in stale.text
    assert draft_bytes(workspace) == after_first


@pytest.mark.parametrize(
    ("field", "status"),
    [("title", 422), ("role.seniority", 422), ("tasks[0].score", 422), ("tasks[99].name", 404)],
)
def test_a_text_edit_of_another_field_changes_nothing(
    workspace: Path, client: Client, field: str, status: int
) -> None:
    make_draft(workspace, "draft-1")
    before = draft_bytes(workspace)
    browser = client()
    page, token = open_page(browser, "draft-1")
    answer = browser.post("/drafts/draft-1/text", data=text_form(page, token, field, "x"))
    assert answer.status_code == status
    assert draft_bytes(workspace) == before


def test_a_text_edit_needs_the_csrf_token(workspace: Path, client: Client) -> None:
    make_draft(workspace, "draft-1")
    before = draft_bytes(workspace)
    browser = client()
    page, _ = open_page(browser, "draft-1")
    form = text_form(page, "wrong", "role.seniority_note", "x")
    assert browser.post("/drafts/draft-1/text", data=form).status_code == 403
    assert draft_bytes(workspace) == before


# -- career context --------------------------------------------------------------------------------


def test_the_career_context_shows_the_occupations_figures(workspace: Path, client: Client) -> None:
    make_draft(workspace, "draft-1", change=with_nurses)
    page = client().get("/drafts/draft-1").text
    match = re.search(r'<section id="career">(.*?)</section>', page, re.S)
    assert match
    career = html.unescape(match.group(1))
    found = occupation(NURSES)
    assert found.wage is not None
    assert median_wage(found.wage) in career
    assert f"{NURSES} {found.title}" in career
    assert "A test note saying what differs here." in career
    assert "Bureau of Labor Statistics" in career  # the notice the figures owe


def test_no_career_section_without_an_occupation(workspace: Path, client: Client) -> None:
    make_draft(workspace, "draft-1")
    assert 'id="career"' not in client().get("/drafts/draft-1").text


def test_unreadable_occupations_data_leaves_a_note(
    workspace: Path, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_draft(workspace, "draft-1", change=with_nurses)

    def unreadable() -> None:
        raise ConfigError("the occupations index is damaged")

    monkeypatch.setattr("jobzone.web.draft_page.default_index", unreadable)
    page = client().get("/drafts/draft-1")
    assert page.status_code == 200
    match = re.search(r'<section id="career">(.*?)</section>', page.text, re.S)
    assert match
    assert 'id="career-missing"' in match.group(1)
    assert "the occupations index is damaged" in match.group(1)
    assert "Bureau of Labor Statistics" not in match.group(1)


def test_the_new_forms_carry_the_pages_token(workspace: Path, client: Client) -> None:
    make_draft(workspace, "draft-1")
    page = client().get("/drafts/draft-1").text
    token = csrf_of(page)
    forms = re.findall(
        r'<form class="(?:verify-source|verify-all|text-edit)".*?</form>', page, re.S
    )
    assert forms and all(f'name="csrf" value="{token}"' in form for form in forms)
