"""The review page (``jobzone serve``): its routes, driven with Starlette's TestClient over a
workspace of factory-made drafts; no model is called."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from starlette.testclient import TestClient

from jobzone import demo
from jobzone.cli import cli
from jobzone.errors import InputError
from jobzone.states import Kind, Status
from jobzone.web.app import create_app
from jobzone.web.reviewers import load_reviewers
from jobzone.web.security import BODY_LIMIT, HEADERS

from .conftest import RunCli
from .factories import (
    hermetic_env,
    make_draft,
    old_source,
    read_draft,
    read_role,
    retitle_first_task,
    tasks_sum_95_and_duplicate,
)

pytestmark = pytest.mark.filterwarnings("error")
_hermetic = pytest.fixture(autouse=True)(hermetic_env)

TOKEN = "a-long-enough-token-for-grace-0001"
Client = Callable[..., TestClient]


@pytest.fixture
def client(workspace: Path) -> Client:
    """A browser on the review page of the test workspace (local mode, as Ann)."""

    def make(tokens: dict[str, str] | None = None) -> TestClient:
        app = create_app(workspace, reviewer="Ann", tokens=tokens)
        return TestClient(app, base_url="http://127.0.0.1:8765", follow_redirects=False)

    return make


def csrf_of(html: str) -> str:
    """The CSRF token a page gives htmx (the same as its forms' hidden field)."""
    match = re.search(r"hx-headers='([^']*)'", html)
    assert match, "the page sets no hx-headers"
    token = json.loads(match.group(1))["X-CSRF-Token"]
    assert f'name="csrf" value="{token}"' in html or "<form" not in html
    return str(token)


def opened_of(html: str) -> str:
    match = re.search(r'name="opened" value="([0-9a-f]+)"', html)
    assert match
    return match.group(1)


def score_of(html: str) -> str:
    match = re.search(r'id="score">([^<]*)<', html)
    assert match
    return match.group(1)


def status_on_page(html: str) -> str:
    match = re.search(r'id="status" data-status="([a-z_]+)"', html)
    assert match
    return match.group(1)


def open_page(browser: TestClient, draft_id: str) -> tuple[str, str]:
    page = browser.get(f"/drafts/{draft_id}")
    assert page.status_code == 200, page.text
    return page.text, csrf_of(page.text)


# -- the queue -------------------------------------------------------------------------------------


def test_queue_lists_drafts_with_counts_and_links(workspace: Path, client: Client) -> None:
    make_draft(workspace, "rev-1", change=retitle_first_task)
    make_draft(workspace, "new-1", kind=Kind.new)
    make_draft(workspace, "closed-1", status=Status.rejected, change=retitle_first_task)
    page = client().get("/")
    assert page.status_code == 200
    ids = re.findall(r'<tr class="draft-row" data-id="([^"]+)"', page.text)
    assert ids == ["new-1", "rev-1", "closed-1"]  # pending first, then by age and id
    assert '<a class="draft-link" href="/drafts/rev-1">' in page.text
    assert "pending: <strong>2</strong>" in page.text
    assert "rejected: <strong>1</strong>" in page.text
    assert "0 of 1 approvals" in page.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?status=rejected", ["closed-1"]),
        ("?kind=new", ["new-1"]),
        ("?q=platform", ["new-1"]),
        ("?q=MLOPS&status=pending", ["rev-1"]),
        ("?status=nonsense", ["new-1", "rev-1", "closed-1"]),
    ],
)
def test_queue_filters(workspace: Path, client: Client, query: str, expected: list[str]) -> None:
    make_draft(workspace, "rev-1", change=retitle_first_task)
    make_draft(workspace, "new-1", kind=Kind.new)
    make_draft(workspace, "closed-1", status=Status.rejected, change=retitle_first_task)
    page = client().get("/" + query)
    assert re.findall(r'class="draft-row" data-id="([^"]+)"', page.text) == expected


def test_queue_paginates(workspace: Path, client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("jobzone.web.queue_page.PAGE_SIZE", 2)
    for n in range(5):
        make_draft(workspace, f"d-{n}", change=retitle_first_task)
    browser = client()
    pages = [browser.get(f"/?page={n}").text for n in (1, 2, 3)]
    listed = [re.findall(r'class="draft-row" data-id="([^"]+)"', p) for p in pages]
    assert listed == [["d-0", "d-1"], ["d-2", "d-3"], ["d-4"]]
    assert 'href="?page=2"' in pages[0] and 'href="?page=1"' in pages[1]
    assert "page 3 of 3" in pages[2]


# -- the draft page --------------------------------------------------------------------------------


def test_draft_page_places_findings_beside_their_fields(workspace: Path, client: Client) -> None:
    draft = make_draft(workspace, "bad", change=tasks_sum_95_and_duplicate)
    html, _ = open_page(client(), "bad")
    findings = html.split('<div id="findings">', 1)[1]
    every = [*draft.findings.errors, *draft.findings.warnings]
    assert len(re.findall(r'class="finding (?:error|warning)"', findings)) == len(every)
    for f in every:
        assert f'data-path="{f.path}" data-code="{f.code}"' in findings
    # the time-sum error stands beside the tasks table; the duplicate name beside its task
    beside_tasks = findings.split('<div class="beside" data-field="tasks">', 1)[1]
    assert beside_tasks.lstrip().startswith('<p class="finding error" data-path="tasks"')
    assert score_of(html) == "not scorable"
    assert status_on_page(html) == "pending"


def test_draft_page_shows_provenance_history_and_changes(workspace: Path, client: Client) -> None:
    make_draft(workspace, "rev", change=retitle_first_task)
    html, _ = open_page(client(), "rev")
    assert score_of(html) == "42.6"
    assert "gpt-test-mini" in html and "$0.0123" in html  # provenance
    assert "drafted by gpt-test-mini" in html  # history
    assert (  # the diff, side by side
        '<tr class="diff-replace"><td><pre>- name: ML pipeline design &amp; architecture</pre></td>'
        "<td><pre>- name: ML pipeline design and architecture</pre></td></tr>"
    ) in html
    for form in ('id="approve"', 'id="reject"', 'id="request-changes"', 'class="task-edit"'):
        assert form in html


def test_a_unique_start_of_an_id_redirects_to_the_draft(workspace: Path, client: Client) -> None:
    make_draft(workspace, "mlops-20260501-0930", change=retitle_first_task)
    answer = client().get("/drafts/mlops-2026")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/drafts/mlops-20260501-0930"


@pytest.mark.parametrize("reference", ["nosuch", "Bad_Id", "a..b", "-x", "a" * 300])
def test_an_unknown_or_malformed_draft_is_404(
    workspace: Path, client: Client, reference: str
) -> None:
    make_draft(workspace, "draft-1")
    answer = client().get(f"/drafts/{reference}")
    assert answer.status_code == 404
    assert 'id="message" data-kind="error"' in answer.text


def test_neighbours_are_linked_for_j_and_k(workspace: Path, client: Client) -> None:
    for n in range(3):
        make_draft(workspace, f"d-{n}", change=retitle_first_task)
    browser = client()
    html, _ = open_page(browser, "d-1")
    assert 'href="/drafts/d-1/previous" rel="prev" data-prev' in html
    assert 'href="/drafts/d-1/next" rel="next" data-next' in html
    for direction, expected in (("previous", "/drafts/d-0"), ("next", "/drafts/d-2")):
        answer = browser.get(f"/drafts/d-1/{direction}", follow_redirects=False)
        assert (answer.status_code, answer.headers["location"]) == (303, expected)
    last = browser.get("/drafts/d-2/next", follow_redirects=False)
    assert last.headers["location"] == "/"


# -- security --------------------------------------------------------------------------------------


def test_every_response_carries_the_security_headers(workspace: Path, client: Client) -> None:
    make_draft(workspace, "draft-1")
    browser = client()
    for path in ("/", "/drafts/draft-1", "/drafts/nosuch", "/static/review.js", "/login"):
        answer = browser.get(path)
        for name, value in HEADERS.items():
            assert answer.headers[name] == value, (path, name)


def test_no_page_holds_inline_script_or_style(workspace: Path, client: Client) -> None:
    make_draft(workspace, "draft-1", change=tasks_sum_95_and_duplicate)
    browser = client()
    for path in ("/", "/drafts/draft-1", "/drafts/nosuch"):
        html = browser.get(path).text
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert scripts and all(" src=" in s for s in scripts), path
        assert "<style" not in html and " style=" not in html and "hx-on" not in html
    assert '"includeIndicatorStyles": false' in browser.get("/").text


def test_a_hostile_title_is_escaped(workspace: Path, client: Client) -> None:
    make_draft(workspace, "xss", kind=Kind.new, title="<script>alert(1)</script>")
    browser = client()
    for path in ("/", "/drafts/xss"):
        html = browser.get(path).text
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("token", [None, "wrong", ""])
def test_a_post_without_the_right_csrf_token_is_refused(
    workspace: Path, client: Client, token: str | None
) -> None:
    make_draft(workspace, "draft-1", change=retitle_first_task)
    before = (workspace / "drafts" / "draft-1.yaml").read_bytes()
    browser = client()
    open_page(browser, "draft-1")  # the browser has its cookie
    form = {"note": "fine"} | ({"csrf": token} if token is not None else {})
    answer = browser.post("/drafts/draft-1/approve", data=form)
    assert answer.status_code == 403
    assert "CSRF" in answer.text
    assert (workspace / "drafts" / "draft-1.yaml").read_bytes() == before


def test_a_token_from_another_browser_is_refused(workspace: Path, client: Client) -> None:
    make_draft(workspace, "draft-1", change=retitle_first_task)
    _, theirs = open_page(client(), "draft-1")
    mine = client()
    open_page(mine, "draft-1")
    answer = mine.post("/drafts/draft-1/reject", data={"csrf": theirs, "reason": "no"})
    assert answer.status_code == 403
    assert read_draft(workspace, "draft-1").status is Status.pending


def test_a_body_over_the_limit_is_413(workspace: Path, client: Client) -> None:
    make_draft(workspace, "draft-1")
    browser = client()
    _, token = open_page(browser, "draft-1")
    answer = browser.post(
        "/drafts/draft-1/reject", data={"csrf": token, "reason": "x" * (BODY_LIMIT + 1)}
    )
    assert answer.status_code == 413
    assert read_draft(workspace, "draft-1").status is Status.pending


# -- decisions -------------------------------------------------------------------------------------


def test_approve_promotes_and_records_the_reviewer(workspace: Path, client: Client) -> None:
    make_draft(workspace, "draft-1", change=retitle_first_task)
    browser = client()
    _, token = open_page(browser, "draft-1")
    answer = browser.post("/drafts/draft-1/approve", data={"csrf": token, "note": "checked"})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/drafts/draft-1?done=approved"
    html = browser.get(answer.headers["location"]).text
    assert 'id="message" class="message success" data-kind="success"' in html
    assert status_on_page(html) == "approved"
    draft = read_draft(workspace, "draft-1")
    assert draft.status is Status.approved
    assert (draft.history[-1].by, draft.history[-1].note) == ("Ann", "checked")
    assert read_role(workspace).tasks[0].name == "ML pipeline design and architecture"


def test_approving_with_warnings_needs_the_acknowledgement(workspace: Path, client: Client) -> None:
    make_draft(workspace, "warned", change=old_source)
    browser = client()
    _, token = open_page(browser, "warned")
    refused = browser.post("/drafts/warned/approve", data={"csrf": token, "note": "seen"})
    assert refused.status_code == 422
    assert 'data-kind="error"' in refused.text
    assert "acknowledge them with --accept-warnings and a --note saying why" in refused.text
    assert "evidence.stale-source" in refused.text
    assert read_draft(workspace, "warned").status is Status.pending
    form = {"csrf": token, "note": "deliberate", "accept_warnings": "yes"}
    assert browser.post("/drafts/warned/approve", data=form).status_code == 303
    assert read_draft(workspace, "warned").approvals[0].accepted_warnings


def test_a_conflict_is_409_with_what_to_do(workspace: Path, client: Client) -> None:
    make_draft(workspace, "draft-1", change=retitle_first_task)
    make_draft(workspace, "draft-2", change=old_source)
    browser = client()
    _, token = open_page(browser, "draft-1")
    assert browser.post("/drafts/draft-1/approve", data={"csrf": token}).status_code == 303
    stale = browser.post("/drafts/draft-2/reject", data={"csrf": token, "reason": "dup"})
    assert stale.status_code == 303  # rejecting needs no current base
    again = browser.post("/drafts/draft-1/approve", data={"csrf": token})
    assert again.status_code == 409
    assert 'data-kind="conflict"' in again.text and "not pending" in again.text


def test_reject_needs_a_reason(workspace: Path, client: Client) -> None:
    make_draft(workspace, "draft-1")
    browser = client()
    _, token = open_page(browser, "draft-1")
    refused = browser.post("/drafts/draft-1/reject", data={"csrf": token, "reason": "  "})
    assert refused.status_code == 422
    assert "needs a reason" in refused.text
    assert read_draft(workspace, "draft-1").status is Status.pending
    done = browser.post("/drafts/draft-1/reject", data={"csrf": token, "reason": "duplicate"})
    assert done.headers["location"] == "/drafts/draft-1?done=rejected"
    draft = read_draft(workspace, "draft-1")
    assert draft.status is Status.rejected
    assert (draft.history[-1].by, draft.history[-1].note) == ("Ann", "duplicate")


def test_request_changes_through_the_htmx_header(workspace: Path, client: Client) -> None:
    make_draft(workspace, "draft-1")
    browser = client()
    _, token = open_page(browser, "draft-1")
    answer = browser.post(
        "/drafts/draft-1/request-changes",
        data={"note": "split on-call"},
        headers={"X-CSRF-Token": token},
    )
    assert answer.status_code == 303
    assert read_draft(workspace, "draft-1").status is Status.changes_requested


# -- editing a task in place -----------------------------------------------------------------------


def test_a_task_edit_that_breaks_the_shares_then_fixes_them(
    workspace: Path, client: Client
) -> None:
    make_draft(workspace, "draft-1", change=retitle_first_task)
    browser = client()
    html, token = open_page(browser, "draft-1")
    hx = {"HX-Request": "true"}
    form = {"csrf": token, "opened": opened_of(html), "time_pct": "25", "score": "2"}
    broken = browser.post(
        "/drafts/draft-1/tasks/0", data=form | {"impact": "augmentation"}, headers=hx
    )
    assert broken.status_code == 200
    assert broken.text.startswith('\n<section id="assessment">') or "<html" not in broken.text
    assert score_of(broken.text) == "not scorable"
    assert 'data-path="tasks" data-code="tasks.time-sum"' in broken.text
    assert read_draft(workspace, "draft-1").history[-1].by == "Ann"
    form |= {"opened": opened_of(broken.text), "time_pct": "20"}
    fixed = browser.post(
        "/drafts/draft-1/tasks/0", data=form | {"impact": "augmentation"}, headers=hx
    )
    assert score_of(fixed.text) == "42.6"
    assert "tasks.time-sum" not in fixed.text


def test_a_plain_task_edit_redirects_and_a_stale_one_conflicts(
    workspace: Path, client: Client
) -> None:
    make_draft(workspace, "draft-1", change=retitle_first_task)
    browser = client()
    html, token = open_page(browser, "draft-1")
    form = {"csrf": token, "opened": opened_of(html), "time_pct": "20", "score": "3"}
    form["impact"] = "displacement"
    edited = browser.post("/drafts/draft-1/tasks/0", data=form)
    assert edited.headers["location"] == "/drafts/draft-1?done=edited"
    assert read_draft(workspace, "draft-1").assessment["tasks"][0]["score"] == 3
    stale = browser.post("/drafts/draft-1/tasks/0", data=form | {"score": "4"})
    assert stale.status_code == 409
    assert "changed while it was being edited" in stale.text
    assert read_draft(workspace, "draft-1").assessment["tasks"][0]["score"] == 3


@pytest.mark.parametrize(("index", "value", "status"), [(0, "two", 422), (99, "2", 404)])
def test_a_bad_task_edit_changes_nothing(
    workspace: Path, client: Client, index: int, value: str, status: int
) -> None:
    make_draft(workspace, "draft-1")
    before = (workspace / "drafts" / "draft-1.yaml").read_bytes()
    browser = client()
    html, token = open_page(browser, "draft-1")
    form = {"csrf": token, "opened": opened_of(html), "time_pct": "20", "score": value}
    answer = browser.post(f"/drafts/draft-1/tasks/{index}", data=form | {"impact": "augmentation"})
    assert answer.status_code == status
    assert (workspace / "drafts" / "draft-1.yaml").read_bytes() == before


# -- team mode -------------------------------------------------------------------------------------


def test_team_mode_requires_a_token(workspace: Path, client: Client) -> None:
    make_draft(workspace, "draft-1", change=retitle_first_task)
    browser = client({TOKEN: "Grace"})
    assert browser.get("/").headers["location"] == "/login"
    assert browser.get("/drafts/draft-1").status_code == 303
    assert browser.post("/drafts/draft-1/approve", data={}).status_code == 403
    assert browser.get("/login?token=not-the-token").status_code == 403
    logged_in = browser.get(f"/login?token={TOKEN}")
    assert logged_in.status_code == 303 and logged_in.headers["location"] == "/"
    _, token = open_page(browser, "draft-1")
    assert "reviewing as <strong>Grace</strong>" in browser.get("/").text
    assert browser.post("/drafts/draft-1/approve", data={"csrf": token}).status_code == 303
    assert read_draft(workspace, "draft-1").history[-1].by == "Grace"


def test_team_login_form_needs_its_csrf_token(workspace: Path, client: Client) -> None:
    browser = client({TOKEN: "Grace"})
    form = browser.get("/login")
    assert form.status_code == 200 and 'id="login"' in form.text
    assert browser.post("/login", data={"token": TOKEN}).status_code == 403
    answer = browser.post("/login", data={"token": TOKEN, "csrf": csrf_of(form.text)})
    assert answer.status_code == 303
    assert browser.get("/").status_code == 200


def test_a_forged_session_cookie_is_not_a_login(workspace: Path, client: Client) -> None:
    browser = client({TOKEN: "Grace"})
    browser.cookies.set("jobzone_session", "R3JhY2U.1700000000.deadbeef")
    assert browser.get("/").status_code == 303


def test_reviewers_file_is_validated(tmp_path: Path) -> None:
    good = tmp_path / "reviewers.yaml"
    good.write_text(f"Grace: {TOKEN}\nAda: {TOKEN[::-1]}\n", encoding="utf-8")
    assert load_reviewers(good) == {TOKEN: "Grace", TOKEN[::-1]: "Ada"}
    for text, rule in [
        ("Grace: short\n", "reviewers.token"),
        (f"Grace: {TOKEN}\nAda: {TOKEN}\n", "reviewers.token"),
        ("- Grace\n", "yaml.mapping"),
    ]:
        bad = tmp_path / "bad.yaml"
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(InputError) as caught:
            load_reviewers(bad)
        assert caught.value.rule == rule


# -- the command -----------------------------------------------------------------------------------


def test_serving_beyond_loopback_needs_reviewers(run_cli: RunCli) -> None:
    result = run_cli("serve", "--host", "0.0.0.0", "--reviewer", "Ann")
    assert result.exit_code == 2
    assert "without --reviewers" in result.stderr and "TLS" in result.stderr


def test_serve_prints_where_and_runs_uvicorn(
    run_cli: RunCli, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[int] = []

    def run(self: object, sockets: list[object]) -> None:
        served.append(len(sockets))

    monkeypatch.setattr("uvicorn.Server.run", run)
    result = run_cli("serve", "--port", "0", "--reviewer", "Ann")
    assert result.exit_code == 0, result.output
    match = re.match(
        r"jobzone: reviewing (.+) at http://127\.0\.0\.1:(\d+)/$", result.stdout.strip()
    )
    assert match and Path(match.group(1)) == workspace.resolve()
    assert int(match.group(2)) > 0 and served == [1]


def test_demo_serve_leaves_the_redraft_pending_for_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[tuple[str, list[str], int]] = []

    def serve(root: Path, *, reviewer: str, tokens: dict[str, str] | None, port: int) -> None:
        drafts = [yaml.safe_load(p.read_text("utf-8")) for p in (root / "drafts").glob("*.yaml")]
        served.append((reviewer, [d["status"] for d in drafts], port))

    monkeypatch.setattr("jobzone.cli.serve.serve", serve)
    keep = tmp_path / "demo"
    result = CliRunner().invoke(
        cli, ["demo", "--serve", "--port", "0", "--keep", str(keep)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert served == [(demo.REVIEWER, ["pending"], 0)]
    assert not list((keep / "roles").glob("site-reliability*.yaml"))


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "10.0.0.5:8765"])
def test_a_page_served_on_loopback_answers_only_to_loopback_names(
    workspace: Path, host: str
) -> None:
    """DNS rebinding: another site's name pointed at 127.0.0.1 reads nothing."""
    make_draft(workspace, "secret-draft")
    app = create_app(workspace, reviewer="Ann")
    browser = TestClient(app, base_url=f"http://{host}", follow_redirects=False)

    answer = browser.get("/drafts/secret-draft")

    assert answer.status_code == 421
    assert "secret" not in answer.text


@pytest.mark.parametrize(
    "host", ["127.0.0.1:8765", "localhost:8765", "[::1]:8765", "LOCALHOST", "127.0.0.2:8765"]
)
def test_loopback_names_are_answered(workspace: Path, host: str) -> None:
    app = create_app(workspace, reviewer="Ann")
    answer = TestClient(app, base_url=f"http://{host}").get("/")
    assert answer.status_code == 200


def test_the_commentary_shows_its_references_filled_from_the_score(
    workspace: Path, client: Client
) -> None:
    draft = make_draft(workspace, "filled")
    assert "{{ aijri }}" in str(draft.assessment["commentary"])
    html, _ = open_page(client(), draft.id)
    commentary = html[html.index('id="commentary"') :]
    assert "{{" not in commentary and "{{ aijri" not in commentary
    assert str(draft.score.aijri if draft.score else "") in commentary
