"""``jobzone draft --from FILE``: many drafts at once, each an ordinary draft (issue 13).

A scripted model answers (tests/models.py), so these tests see the set's machinery alone: the
workers, the set's journal, skipping, resuming without paying twice, one budget, one rate gate.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from jobzone.calls import CallOutcome, CallRecord, Usage
from jobzone.drafting.journal import Journal
from jobzone.drafting.model import Call, Listener, ModelIdentity
from jobzone.drafting.rate_gate import GatedModel, RateGate
from jobzone.drafting.set_journal import SetJournal
from jobzone.drafts import Kind, load_draft
from jobzone.errors import ModelCallError
from jobzone.workspace import Workspace

from .conftest import RunCli
from .models import ScriptedModel, canned

TITLES = ["Registered Nurse", "Payroll Clerk", "Data Analyst", "Welder", "Dental Hygienist"]


def titles_file(workspace: Path, *lines: str) -> Path:
    path = workspace / "titles.txt"
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def set_json(result: Any) -> dict[str, Any]:
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data


def states(data: dict[str, Any]) -> dict[int, str]:
    return {row["line"]: row["state"] for row in data["lines"]}


def test_a_set_is_drafted_concurrently_as_ordinary_drafts(run_cli: RunCli, workspace: Path) -> None:
    """Three role stages are in flight at once (each waits at a barrier for the other two: run
    one after another, the first would wait in vain); every draft is queued with its own run
    journal, and the set's journal maps each line to its run."""
    barrier = threading.Barrier(3, timeout=10)

    def before(call: Call) -> None:
        if (
            call.stage.name == "role"
            and json.loads(call.messages[1]["content"])["title"] in (TITLES[:3])
        ):
            barrier.wait()

    model = ScriptedModel(before=before)
    path = titles_file(workspace, *TITLES)
    result = run_cli("draft", "--from", str(path), "--concurrency", "3", "--json", model=model)
    assert result.exit_code == 0, result.output
    data = set_json(result)
    assert states(data) == dict.fromkeys(range(1, 6), "queued")
    ws = Workspace(workspace)
    (journal,) = SetJournal.every(ws)
    assert sorted(journal.record.lines) == [1, 2, 3, 4, 5]
    for row in data["lines"]:
        draft = load_draft(ws, row["draft"])
        assert draft.kind is Kind.new and draft.title == row["title"]
        assert draft.findings.errors == []
        assert [c.stage for c in draft.provenance.calls].count("role") == 1
        assert Journal.open(ws, row["run"]).finished() is not None
        assert journal.record.lines[row["line"]] == row["run"]
    assert len(model.asked) == 5 * 4
    assert "[5/5]" in result.stderr and "tokens" in result.stderr


def test_running_the_same_set_again_pays_only_for_what_is_missing(
    run_cli: RunCli, workspace: Path
) -> None:
    """A call that fails stops its run only; the rest of the set is queued. The same command
    again skips the queued lines and resumes the stopped run from its journal."""
    failing = {"armed": True}

    def before(call: Call) -> None:
        title = json.loads(call.messages[1]["content"]).get("title")
        if call.stage.name == "commentary" and title == "Welder" and failing["armed"]:
            raise ModelCallError("HTTP 500 three times", stage="commentary", status=500)

    model = ScriptedModel(before=before)
    path = titles_file(workspace, *TITLES)
    first = run_cli("draft", "--from", str(path), "--json", model=model)
    assert first.exit_code == 1, first.output
    assert states(set_json(first))[4] == "stopped"
    assert len(model.asked) == 5 * 4

    failing["armed"] = False
    model.asked.clear()
    second = run_cli("draft", "--from", str(path), "--json", model=model)
    assert second.exit_code == 0, second.output
    assert states(set_json(second)) == {
        1: "queued-earlier",
        2: "queued-earlier",
        3: "queued-earlier",
        4: "queued",
        5: "queued-earlier",
    }
    assert model.stages() == ["commentary"]  # the role, tasks and profile were paid for
    welder = next(r for r in set_json(second)["lines"] if r["line"] == 4)
    calls = load_draft(Workspace(workspace), welder["draft"]).provenance.calls
    assert sorted(c.stage for c in calls) == ["commentary", "profile", "role", "tasks"]


def test_titles_already_canonical_or_pending_are_skipped_unless_forced(
    run_cli: RunCli, workspace: Path
) -> None:
    model = ScriptedModel()
    run_cli("draft", "Welder", "--json", model=model)
    path = titles_file(workspace, "MLOps Engineer", "Welder", "Payroll Clerk")
    model.asked.clear()
    result = run_cli("draft", "--from", str(path), "--json", model=model)
    assert result.exit_code == 0, result.output
    rows = {r["line"]: r for r in set_json(result)["lines"]}
    assert [rows[i]["state"] for i in (1, 2, 3)] == ["skipped", "skipped", "queued"]
    assert "in the canonical set as mlops-engineer" in rows[1]["detail"]
    assert "pending in the queue as welder-" in rows[2]["detail"]
    assert len(model.asked) == 4

    forced = run_cli("draft", "--from", str(path), "--force", "--json", model=model)
    rows = {r["line"]: r for r in set_json(forced)["lines"]}
    assert [rows[i]["state"] for i in (1, 2, 3)] == ["queued", "queued", "queued-earlier"]
    revision = load_draft(Workspace(workspace), rows[1]["draft"])
    assert revision.kind is Kind.revision


def test_bad_lines_are_reported_and_the_rest_of_the_set_goes_on(
    run_cli: RunCli, workspace: Path
) -> None:
    path = titles_file(workspace, "Welder", "", "x" * 500, "welder", "Tell me a joke.")
    result = run_cli("draft", "--from", str(path), model=ScriptedModel())
    assert result.exit_code == 1, result.output
    assert "   1  queued" in result.stdout
    for line, said in (
        (2, "the title is empty"),
        (3, "500 characters"),
        (4, "a duplicate of line 1"),
        (5, "ends as a sentence"),
    ):
        row = next(x for x in result.stdout.splitlines() if x.startswith(f"{line:>4}  refused"))
        assert said in row
    # Said before anything is asked, so a long set never hides them until its end.
    said = result.stderr.splitlines()
    first_call = next(i for i, text in enumerate(said) if "Welder" in text and "[" in text)
    announced = [i for i, text in enumerate(said) if text.startswith("jobzone: line ")]
    assert len(announced) == 4 and max(announced) < first_call
    assert "jobzone: drafting 1 title of" in result.stderr


def test_one_budget_for_the_whole_set(run_cli: RunCli, workspace: Path) -> None:
    """--budget-tokens caps the set: once it is spent, each run left stops before its call,
    and what the set used never exceeds it."""
    model = ScriptedModel()
    path = titles_file(workspace, *TITLES)
    result = run_cli(
        "draft",
        "--from",
        str(path),
        "--concurrency",
        "1",
        "--budget-tokens",
        "12000",
        "--json",
        model=model,
    )
    data = set_json(result)
    assert result.exit_code == 1, data
    assert data["tokens"] <= 12_000
    assert "stopped" in states(data).values()
    stopped = [r for r in data["lines"] if r["state"] == "stopped"]
    assert all("budget" in r["detail"] for r in stopped)


# -- the rate gate ---------------------------------------------------------------------------------


class _RateLimitedOnce:
    """A model whose first attempt is answered 429 with Retry-After, as the real one reports it."""

    identity = ModelIdentity("m", "h", "h", None)

    def __init__(self, gate: RateGate, now: list[float]) -> None:
        self.first = True
        self.gate = gate
        self.now = now
        self.seen: list[tuple[float, int]] = []

    def ask(self, call: Call, listener: Listener) -> str:
        attempt = 1
        if self.first:
            self.first = False
            listener.before_attempt(call, attempt, 100)
            listener.after_attempt(record(call, attempt, CallOutcome.http_error, 429))
            listener.waiting(call, "HTTP 429 (rate limited)", 7.0)
            # What every other worker sees meanwhile; then this one's own wait passes.
            self.seen.append((self.gate.open_in(), self.gate.allowed))
            self.now[0] += 7.0
            attempt = 2
        listener.before_attempt(call, attempt, 100)
        listener.after_attempt(record(call, attempt, CallOutcome.ok, None))
        return canned(call)


def record(call: Call, attempt: int, outcome: CallOutcome, status: int | None) -> CallRecord:
    return CallRecord(
        stage=call.stage.name,
        round=0,
        attempt=attempt,
        outcome=outcome,
        status=status,
        at="2026-11-21T00:00:00Z",
        latency_ms=1,
        max_completion_tokens=100,
        usage=Usage(),
    )


class _Quiet:
    def before_attempt(self, call: Call, attempt: int, max_completion_tokens: int) -> None: ...
    def after_attempt(self, record: CallRecord) -> None: ...
    def waiting(self, call: Call, reason: str, seconds: float) -> None: ...
    def kept(self, call: Call, attempt: int, content: str, why: str) -> None: ...
    def noticed(self, call: Call, text: str) -> None: ...


def test_a_429_closes_the_gate_for_every_worker_and_halves_the_concurrency() -> None:
    from jobzone.drafting.stages import ROLE

    now = [100.0]
    gate = RateGate(8, clock=lambda: now[0])
    call = Call(ROLE, 0, [{"role": "system", "content": "s"}, {"role": "user", "content": "{}"}])
    inner = _RateLimitedOnce(gate, now)
    answer = GatedModel(inner, gate).ask(call, _Quiet())
    assert answer == canned(call)
    assert gate.throttled == 1
    # Every worker waited the server's Retry-After, and half as many could go at once.
    assert inner.seen == [(pytest.approx(7.0), 4)]
    assert gate.open_in() == 0
    assert gate.in_flight == 0  # every place given back
    for _ in range(40):  # successes creep back up to the ceiling, one place at a time
        gate.succeeded()
    assert gate.allowed == 8


def test_a_set_that_is_slow_to_end_says_where_it_stands(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow model: while no job ends, the set still says how far it got, now and then."""
    from jobzone.progress import Event
    from jobzone.workflow import Workflow, bulk

    monkeypatch.setattr(bulk, "PULSE_SECONDS", 0.05)
    heard: list[str] = []
    release = threading.Event()

    def hear(event: Event) -> None:
        heard.append(str(getattr(event, "text", event)))
        if sum("still working" in text for text in heard) >= 2:
            release.set()

    def slow(wf: Workflow) -> str:
        assert release.wait(timeout=10)
        return "done"

    wf = Workflow(Workspace.locate(workspace), hear)
    jobs = [bulk.Job(f"job {n}", slow) for n in range(2)]
    outcomes = bulk.run_set(wf, jobs, bulk.SetOptions(concurrency=2))

    assert [o.value for o in outcomes] == ["done", "done"]
    pulses = [text for text in heard if text.startswith("still working after")]
    assert len(pulses) >= 2
    assert "0 of 2 ended, 2 running; 0 tokens" in pulses[0]
