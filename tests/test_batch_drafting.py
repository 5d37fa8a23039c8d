"""``jobzone draft --from FILE --batch`` (the OpenAI Batch API) and ``--batch-export`` /
``--batch-import`` (batch files for a server of one's own), issue 13.

The Batch API tests replay cassettes recorded against tests/fake_openai.py, which learnt
``/v1/files`` and ``/v1/batches`` (scripted polls, validation failures for some titles, failed
requests in an error file, an expired batch). Polls never really wait: the model's sleep is the
test's recorder. The offline tests make no HTTP request at all: the results file is written
here, from the fake server's canned answers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jobzone.drafting.batch_journal import BatchJournal
from jobzone.drafting.prices import PriceTable
from jobzone.drafting.set_journal import SetJournal
from jobzone.drafts import load_draft
from jobzone.workspace import Workspace

from .drafting_support import DATE, DraftingEnv
from .fake_openai import SCENARIOS, STAGE_BY_SCHEMA, answer_for, is_repair

#: Twenty titles; the fake server's "batch-some-repairs" scenario sends the tasks of those
#: naming a Nurse, a Clerk or an Analyst summing to 95 the first time.
TWENTY = [
    "Registered Nurse", "Payroll Clerk", "Data Analyst", "Welder", "Dental Hygienist",
    "Electrician", "Plumber", "Pharmacist", "Accountant", "Architect",
    "Baker", "Carpenter", "Chef", "Librarian", "Paralegal",
    "Veterinarian", "Surveyor", "Translator", "Auditor", "Machinist",
]  # fmt: skip
REPAIRED = {"Registered Nurse", "Payroll Clerk", "Data Analyst"}


def write_titles(env: DraftingEnv, titles: list[str]) -> Path:
    path = env.root / "titles.txt"
    path.write_text("".join(f"{t}\n" for t in titles), encoding="utf-8")
    return path


def batch_set(env: DraftingEnv, path: Path, *more: str) -> Any:
    return env.cli("draft", "--from", str(path), "--date", DATE, "--batch", "--json", *more)


def submissions(env: DraftingEnv) -> int:
    """POST /v1/batches among the requests made so far."""
    made = env.cassette.requests[: env.http_requests()]
    return sum(r.method == "POST" and r.path.endswith("/v1/batches") for r in made)


def batches(env: DraftingEnv) -> BatchJournal:
    (journal,) = SetJournal.every(env.workspace)
    return BatchJournal(journal.root / "batches", env.root)


@pytest.mark.vcr
@pytest.mark.fake_scenario("batch-some-repairs")
def test_twenty_titles_through_the_batch_api_with_repairs(drafting_env: DraftingEnv) -> None:
    env = drafting_env
    result = batch_set(env, write_titles(env, TWENTY))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {row["state"] for row in data["lines"]} == {"queued"}
    # Stages in order across the set: roles; tasks and profiles; the three tasks repairs with
    # the seventeen clean drafts' commentary; the three repaired drafts' commentary.
    assert data["rounds"] == submissions(env) == 4
    records = batches(env).records()
    assert [len(r.custom_ids) for r in records] == [20, 40, 20, 3]
    assert [r.status for r in records] == ["completed"] * 4
    prices = PriceTable.load()
    for row in data["lines"]:
        draft = load_draft(env.workspace, row["draft"])
        assert draft.findings.errors == []
        calls = draft.provenance.calls
        assert {c.batch for c in calls} <= {r.batch_id for r in records}
        assert all(c.batch for c in calls)
        repaired = [(r.stage, r.round) for r in draft.provenance.repairs]
        assert repaired == ([("tasks", 1)] if row["title"] in REPAIRED else [])
        # Batch prices: half the list price of the same usage.
        listed = prices.cost(draft.provenance.model, draft.provenance.usage)
        assert listed is not None and draft.provenance.cost_usd == pytest.approx(
            listed / 2, abs=1e-6
        )
    status = json.loads(env.cli("batch", "status", "--json").stdout)
    (only,) = status["sets"]
    assert (only["queued"], only["unfinished"]) == (20, 0)
    assert [b["batch_id"] for b in only["batches"]] == [r.batch_id for r in records]
    # A draft of the set is reviewable like any other.
    shown = env.cli("show", data["lines"][0]["draft"], "--json")
    assert shown.exit_code == 0 and "batch_fake0001" in shown.stdout


class _InterruptAt(list[float]):
    """A sleep recorder that is Ctrl-C at its ``at``-th wait."""

    def __init__(self, at: int) -> None:
        super().__init__()
        self.at = at

    def append(self, seconds: float) -> None:
        super().append(seconds)
        if len(self) == self.at:
            raise KeyboardInterrupt


@pytest.mark.vcr
@pytest.mark.fake_scenario("batch-slow")
def test_a_set_killed_while_a_batch_runs_polls_it_again_instead_of_resubmitting(
    drafting_env: DraftingEnv,
) -> None:
    env = drafting_env
    path = write_titles(env, ["Welder", "Baker", "Plumber"])
    # The first batch takes four polls; Ctrl-C comes as the second one is first polled.
    env.sleeps = _InterruptAt(5)
    first = batch_set(env, path)
    assert first.exit_code == 130, first.output
    assert submissions(env) == 2
    journalled = batches(env).records()
    assert [(r.batch_id, r.status) for r in journalled] == [
        ("batch_fake0001", "completed"),
        ("batch_fake0002", "validating"),
    ]

    env.sleeps = []
    second = batch_set(env, path)
    assert second.exit_code == 0, second.output
    assert "batch 2 (batch_fake0002): found in the journal: polled, not resubmitted" in (
        second.stderr
    )
    # Role, tasks and profile, commentary: three submissions in all, none made twice.
    assert submissions(env) == 3
    assert {row["state"] for row in json.loads(second.stdout)["lines"]} == {"queued"}


@pytest.mark.vcr
@pytest.mark.fake_scenario("batch-failures-and-expiry")
def test_failed_and_expired_requests_go_into_the_next_batch(drafting_env: DraftingEnv) -> None:
    """The first batch expires with half its requests run: the rest go into the next one. Two
    profile requests fail (HTTP 500 in the error file): they are asked again in the next batch
    and recorded as failed attempts, never lost."""
    env = drafting_env
    result = batch_set(env, write_titles(env, ["Welder", "Baker"]))
    assert result.exit_code == 0, result.output
    records = batches(env).records()
    assert records[0].status == "expired"
    data = json.loads(result.stdout)
    outcomes = []
    for row in data["lines"]:
        calls = load_draft(env.workspace, row["draft"]).provenance.calls
        outcomes += [(c.stage, c.outcome.value, c.status) for c in calls if c.outcome != "ok"]
    assert ("role", "timeout", None) in outcomes  # expired, asked again
    assert outcomes.count(("profile", "http", 500)) == 2
    assert {row["state"] for row in data["lines"]} == {"queued"}


# -- offline: batch files ------------------------------------------------------------------------


def results_for(requests: Path, *, fail: str | None = None) -> str:
    """The output file a server would write for ``requests``, from the fake server's canned
    answers; the request whose custom_id starts with ``fail`` fails with HTTP 500."""
    lines = []
    for text in requests.read_text("utf-8").splitlines():
        item = json.loads(text)
        body = item["body"]
        stage = STAGE_BY_SCHEMA[body["response_format"]["json_schema"]["name"]]
        messages = body["messages"]
        if fail and item["custom_id"].startswith(fail):
            response = {"status_code": 500, "body": {"error": {"message": "server error"}}}
        else:
            answer = answer_for(stage, messages, SCENARIOS["clean"], is_repair(messages))
            completion = {
                "choices": [{"message": {"content": json.dumps(answer)}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 1000, "completion_tokens": 500},
            }
            response = {"status_code": 200, "body": completion}
        lines.append(json.dumps({"custom_id": item["custom_id"], "response": response}))
    return "\n".join(lines) + "\n"


def test_export_and_import_rounds_for_a_server_of_ones_own(
    tmp_path: Path, run_cli: Any, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No endpoint at all: each round is written as OpenAI batch JSONL and the set stops
    cleanly saying how to go on; its results taken back, the set goes to the next round. A
    request that failed goes into the next round's file."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    titles = workspace / "titles.txt"
    titles.write_text("Welder\nBaker\n", encoding="utf-8")
    export, results = tmp_path / "round.jsonl", tmp_path / "results.jsonl"
    base = ["draft", "--from", str(titles), "--json"]
    first = run_cli(*base, "--batch-export", str(export))
    assert first.exit_code == 0, first.output
    said = json.loads(first.stdout)
    assert {row["state"] for row in said["lines"]} == {"waiting"}
    assert "--batch-import RESULTS" in said["next"]
    requests = [json.loads(x) for x in export.read_text("utf-8").splitlines()]
    assert [r["custom_id"].split("-")[0] for r in requests] == ["role", "role"]
    assert all(r["url"] == "/v1/chat/completions" and r["method"] == "POST" for r in requests)

    rounds = 1
    fail: str | None = "profile"
    while True:
        results.write_text(results_for(export, fail=fail), encoding="utf-8")
        if fail and "profile" in export.read_text("utf-8"):
            fail = None
        step = run_cli(*base, "--batch-import", str(results))
        assert step.exit_code == 0, step.output
        rounds += 1
        said = json.loads(step.stdout)
        if said["next"] is None:
            break
        assert rounds < 8
    assert {row["state"] for row in said["lines"]} == {"queued"}
    # Four rounds exported (roles; tasks and profiles; the failed profiles again; commentary),
    # and the last one's results imported.
    assert rounds == 5
    for row in said["lines"]:
        draft = load_draft(Workspace(workspace), row["draft"])
        assert draft.provenance.endpoint_host == "batch-file"
        assert all((c.batch or "").startswith("import:") for c in draft.provenance.calls)
