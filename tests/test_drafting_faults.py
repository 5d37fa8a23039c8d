"""Drafting when things go wrong: invalid answers, rate limits, server errors, refusals, cut-offs.

The cassettes here were recorded against the fake server's scripted scenarios (the marker
``fake_scenario`` names each); a real endpoint cannot be made to fail on cue, so these are only
ever re-recorded against tests/fake_openai.py. Retries never really sleep: the model's sleep is a
recorder, and the tests assert what it was asked to wait.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from jobzone.calls import CallOutcome
from jobzone.drafting.stages import ROLE
from jobzone.drafts import Repair, Status

from .drafting_support import TITLE, DraftingEnv, message_size, stage_of


def stage_bodies(env: DraftingEnv, stage: str) -> list[dict[str, Any]]:
    return [b for b in env.bodies() if stage_of(b) == stage]


def time_total(answer: str) -> int:
    return sum(t["time_pct"] for t in json.loads(answer)["tasks"])


def assert_repair_is_first_attempt_plus_answer_and_findings(
    first: dict[str, Any], repair: dict[str, Any], last_answer: str, code: str
) -> None:
    """A repair resends the first attempt's messages, the stage's own last answer and the
    findings, and nothing else: its prompt never grows with the rounds."""
    first_messages = first["messages"]
    assert len(first_messages) == 2
    assert repair["messages"][:2] == first_messages
    assistant, findings = repair["messages"][2:]
    assert assistant == {"role": "assistant", "content": last_answer}
    assert findings["role"] == "user"
    assert code in findings["content"]
    assert message_size(repair["messages"]) <= message_size(first_messages) + message_size(
        [assistant, findings]
    )
    # Everything else about the request is the first attempt's.
    assert {k: v for k, v in repair.items() if k != "messages"} == {
        k: v for k, v in first.items() if k != "messages"
    }


@pytest.mark.vcr
@pytest.mark.fake_scenario("tasks-95-once")
def test_tasks_summing_to_95_are_repaired_in_one_round(drafting_env: DraftingEnv) -> None:
    result = drafting_env.draft(TITLE)
    assert result.exit_code == 0, result.output
    (draft,) = drafting_env.drafts()
    assert draft.findings.errors == []
    assert draft.score is not None
    assert draft.provenance.repairs == [
        Repair(stage="tasks", round=1, findings=["tasks.time-sum at tasks"])
    ]
    rounds = sorted((c.stage, c.round) for c in draft.provenance.calls)
    assert rounds == [("commentary", 0), ("profile", 0), ("role", 0), ("tasks", 0), ("tasks", 1)]
    assert drafting_env.http_requests() == 5

    run = drafting_env.only_run()
    first_answer, repaired = run.answer("tasks", 0), run.answer("tasks", 1)
    assert first_answer is not None and repaired is not None
    assert (time_total(first_answer), time_total(repaired)) == (95, 100)
    assert sum(t["time_pct"] for t in draft.assessment["tasks"]) == 100

    first, repair = stage_bodies(drafting_env, "tasks")
    assert_repair_is_first_attempt_plus_answer_and_findings(
        first, repair, first_answer, "tasks.time-sum"
    )
    findings = repair["messages"][-1]["content"]
    listed = json.loads(findings[findings.index("{") :])["findings"]
    assert [(f["code"], f["path"]) for f in listed] == [("tasks.time-sum", "tasks")]
    assert "95" in listed[0]["message"]


@pytest.mark.vcr
@pytest.mark.fake_scenario("tasks-95-always")
def test_draft_still_invalid_after_repairs_is_kept_with_findings(
    drafting_env: DraftingEnv,
) -> None:
    result = drafting_env.draft(TITLE, "--max-repairs", "2")
    assert result.exit_code == 1, result.output
    assert "error   tasks.time-sum tasks" in result.stdout

    (draft,) = drafting_env.drafts()
    assert draft.status is Status.pending
    assert "tasks.time-sum" in {f.code for f in draft.findings.errors}
    assert draft.score is None  # shares off by five cannot be scored
    assert [(r.stage, r.round) for r in draft.provenance.repairs] == [("tasks", 1), ("tasks", 2)]
    tasks = [c for c in draft.provenance.calls if c.stage == "tasks"]
    assert [c.round for c in tasks] == [0, 1, 2]
    # Unscorable, so no commentary was asked for: nothing is spent writing about no score.
    assert "commentary" not in {c.stage for c in draft.provenance.calls}
    assert drafting_env.http_requests() == 5
    run = drafting_env.only_run()
    assert run.finished() is not None

    first, repair1, repair2 = stage_bodies(drafting_env, "tasks")
    for repair, last in ((repair1, 0), (repair2, 1)):
        answer = run.answer("tasks", last)
        assert answer is not None
        assert_repair_is_first_attempt_plus_answer_and_findings(
            first, repair, answer, "tasks.time-sum"
        )
    assert message_size(repair2["messages"]) <= message_size(repair1["messages"])


@pytest.mark.vcr
@pytest.mark.fake_scenario("rate-limited")
def test_429_waits_for_retry_after_then_succeeds(drafting_env: DraftingEnv) -> None:
    result = drafting_env.draft(TITLE)
    assert result.exit_code == 0, result.output
    assert "tasks: HTTP 429 (rate limited); retrying in 1.0 s" in result.stderr
    (draft,) = drafting_env.drafts()
    calls = draft.provenance.calls
    tasks = [(c.attempt, c.outcome, c.status) for c in calls if c.stage == "tasks"]
    assert tasks == [(1, "http", 429), (2, "ok", None)]
    assert drafting_env.sleeps == [1.0]  # the server's Retry-After, honoured exactly
    assert len(calls) == 5
    assert draft.findings.errors == []
    assert drafting_env.http_requests() == 5


@pytest.mark.vcr
@pytest.mark.fake_scenario("server-errors")
def test_500_twice_then_success_takes_three_attempts(drafting_env: DraftingEnv) -> None:
    assert drafting_env.draft(TITLE).exit_code == 0
    (draft,) = drafting_env.drafts()
    calls = draft.provenance.calls
    profile = [(c.attempt, c.outcome, c.status) for c in calls if c.stage == "profile"]
    assert profile == [(1, "http", 500), (2, "http", 500), (3, "ok", None)]
    # No Retry-After: exponential backoff with up to a second of jitter.
    first, second = drafting_env.sleeps
    assert 1.0 <= first <= 2.0
    assert 2.0 <= second <= 3.0
    assert len(calls) == 6
    assert draft.findings.errors == []
    assert drafting_env.http_requests() == 6


def stopped(env: DraftingEnv, result: Any, error: str) -> dict[str, Any]:
    """Common checks on a run that stopped on a model call: JSON error, nothing queued."""
    assert result.exit_code == 1, result.output
    reported = json.loads(result.stdout)
    assert reported["error"] == error
    run_id = env.only_run().request.id
    assert f"continue with `jobzone draft --resume {run_id}`" in result.stderr
    assert env.drafts() == []
    assert env.only_run().finished() is None
    assert env.sleeps == []
    assert isinstance(reported, dict)
    return reported


@pytest.mark.vcr
@pytest.mark.fake_scenario("bad-request")
def test_400_is_not_retried(drafting_env: DraftingEnv) -> None:
    result = drafting_env.draft(TITLE, "--json")
    reported = stopped(drafting_env, result, "ModelCallError")
    assert "HTTP 400" in reported["message"]
    calls = drafting_env.only_run().calls()
    assert [(c.stage, c.attempt, c.outcome, c.status) for c in calls] == [("role", 1, "http", 400)]
    assert drafting_env.http_requests() == 1


@pytest.mark.vcr
@pytest.mark.fake_scenario("refusal")
def test_refusal_is_reported_not_retried(drafting_env: DraftingEnv) -> None:
    result = drafting_env.draft(TITLE, "--json")
    reported = stopped(drafting_env, result, "RefusalError")
    assert "refused" in reported["message"]
    calls = drafting_env.only_run().calls()
    assert [(c.stage, c.attempt, c.outcome) for c in calls] == [("role", 1, "refused")]
    assert calls[0].error and "can't help" in calls[0].error
    assert drafting_env.http_requests() == 1


@pytest.mark.vcr
@pytest.mark.fake_scenario("truncated")
def test_truncated_answer_retried_once_with_twice_the_room(drafting_env: DraftingEnv) -> None:
    """A role answer cut off at its limit is asked again with twice the room; cut off again,
    it does not end the run (issue 9): the stage is asked once more in a repair round, told
    why, and the draft is queued."""
    result = drafting_env.draft(TITLE, "--json")
    assert result.exit_code == 0, result.output
    limit = ROLE.max_completion_tokens
    calls = [c for c in drafting_env.only_run().calls() if c.stage == "role"]
    assert [(c.round, c.attempt, c.outcome, c.max_completion_tokens) for c in calls] == [
        (0, 1, "truncated", limit),
        (0, 2, "truncated", limit * 2),
        (1, 1, "ok", limit),
    ]
    first, second, repair = drafting_env.bodies()[:3]
    assert (first["max_completion_tokens"], second["max_completion_tokens"]) == (limit, limit * 2)
    assert first["messages"] == second["messages"]
    assert "cut off by the token limit" in repair["messages"][-1]["content"]
    (draft,) = drafting_env.drafts()
    assert [(r.stage, r.round) for r in draft.provenance.repairs] == [("role", 1)]
    # Both cut answers are kept for a person to read (issue 9): the run folder's unusable/.
    kept = sorted((drafting_env.only_run().root / "unusable").glob("*.json"))
    assert [k.name for k in kept] == ["0001-role-r0-a1.json", "0002-role-r0-a2.json"]
    for path in kept:
        text = json.loads(path.read_text())
        assert text["why"].startswith("cut off at ")
        assert text["content"].startswith('{"is_job_title": true')


@pytest.mark.vcr
@pytest.mark.parametrize(
    "said",
    [
        pytest.param("an HTML or XML page", marks=pytest.mark.fake_scenario("html-page")),
        pytest.param("text that is not valid JSON", marks=pytest.mark.fake_scenario("cut-json")),
        pytest.param("JSON without choices", marks=pytest.mark.fake_scenario("no-choices")),
    ],
    ids=["html-page", "cut-json", "no-choices"],
)
def test_a_body_that_is_not_a_chat_completion_stops_the_run(
    drafting_env: DraftingEnv, said: str
) -> None:
    """Defect 10: a proxy's HTML page, JSON cut short, or JSON without ``choices`` (all with
    status 200) stop the run with one line naming the endpoint and how to resume, not a
    traceback; the attempt is recorded as malformed and is not retried."""
    result = drafting_env.draft(TITLE, "--json")
    reported = stopped(drafting_env, result, "ModelCallError")
    assert said in reported["message"]
    assert f"{drafting_env.base_url} answered with" in reported["message"]
    # Two lines: the run's id as it starts, then the error with how to resume (beside the note
    # that O*NET lists the title, which has nothing to do with the failure).
    lines = [x for x in result.stderr.strip().splitlines() if "O*NET lists" not in x]
    assert len(lines) == 2, lines
    calls = drafting_env.only_run().calls()
    assert [(c.stage, c.attempt, c.outcome) for c in calls] == [("role", 1, "malformed")]
    assert drafting_env.http_requests() == 1


@pytest.mark.vcr
@pytest.mark.fake_scenario("json-mode-only")
def test_a_server_without_strict_modes_is_drafted_in_json_mode_found_once(
    drafting_env: DraftingEnv,
) -> None:
    """Issue 9, point 4: json_schema refused with a traceback (llama-cpp-python's server) and
    tools refused (llama.cpp without --jinja) are neither retried nor quoted over many lines;
    the run goes on in JSON mode, records it in the draft, and the next run asks in JSON mode
    straight away."""
    first = drafting_env.draft(TITLE)
    assert first.exit_code == 0, first.output
    assert "the endpoint does not offer json_schema structured output; trying tools" in (
        first.stderr
    )
    calls = drafting_env.only_run().calls()
    refused = [c for c in calls if c.outcome is CallOutcome.http_error]
    assert [(c.stage, c.status) for c in refused] == [("role", 500), ("role", 500)]
    assert all("\n" not in (c.error or "") for c in refused)
    assert "'json_schema' is not supported" in (refused[0].error or "")
    assert drafting_env.sleeps == []
    (draft,) = drafting_env.drafts()
    assert draft.provenance.structured_output == "json_object"
    assert "json_object structured output" in drafting_env.cli("show", draft.id).stdout

    before = drafting_env.http_requests()
    second = drafting_env.draft("Dental Hygienist")
    assert second.exit_code == 0, second.output
    # Role, tasks, profile, commentary: one request each, all in JSON mode.
    assert drafting_env.http_requests() - before == 4
    later = drafting_env.bodies()[-4:]
    assert [b["response_format"] for b in later] == [{"type": "json_object"}] * 4
