"""Real answers from a real, weak model: Gemma 3 270M on llama.cpp's llama-server (issue 9).

These cassettes were recorded from ``../shared/tools/local-model.sh`` (see
tests/cassettes/README.md), not from the fake server, so what they replay is what a tiny local
model really sends: slow, streamed one token at a time (merged into fewer events when recorded),
refusing real job titles, filling fields with placeholders. The tests assert what the pipeline
must make of any such run, whatever the model said.
"""

from __future__ import annotations

import collections
import json

import pytest

from jobzone.calls import CallOutcome
from jobzone.drafting.journal import RunOutcome
from jobzone.drafting.stages import owner_of

from .drafting_support import DraftingEnv, stage_of

LOCAL_MODEL = "gemma-3-270m-q4_k_m"
TITLE = "Registered Nurse"
#: A title O*NET does not list (so the model's verdict counts) that the small model refused.
REFUSED_TITLE = "Prompt Engineer"
MAX_REPAIRS = 2


@pytest.mark.vcr
@pytest.mark.local_model
def test_a_weak_models_draft_is_kept_under_the_editors_title_every_stage_repaired(
    drafting_env: DraftingEnv,
) -> None:
    result = drafting_env.draft(
        TITLE, "--force-title", "--model", LOCAL_MODEL, "--max-repairs", str(MAX_REPAIRS), "--json"
    )

    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.stderr
    (draft,) = drafting_env.drafts()
    # Point 6: the editor's title and its slug, whatever the model wrote.
    assert (draft.assessment["title"], draft.assessment["slug"]) == (TITLE, "registered-nurse")
    provenance = draft.provenance
    assert provenance.structured_output == "json_schema"
    # Point 3: streamed answers, each with the usage the server counted.
    for call in provenance.calls:
        assert call.outcome in (CallOutcome.ok, CallOutcome.invalid), call
        assert call.usage.completion_tokens > 0 and not call.usage_estimated
    # Point 1: no stage ends with errors while it had repairs left.
    rounds = collections.Counter(r.stage for r in provenance.repairs)
    asked = {c.stage for c in provenance.calls}
    owners = {s.name for f in draft.findings.errors if (s := owner_of(f.path)) is not None}
    assert all(rounds[stage] == MAX_REPAIRS for stage in owners & asked), (owners, rounds)
    # Point 2: the schema held the model to real dates: never a free string.
    evidence = draft.assessment.get("evidence") or {}
    for item in evidence.values():
        for source in item.get("sources") or []:
            date = source.get("date")
            assert date is None or len(str(date)) == 10, source


@pytest.mark.vcr
@pytest.mark.local_model
def test_llama_server_without_jinja_refuses_tools_in_one_line(drafting_env: DraftingEnv) -> None:
    result = drafting_env.draft(
        TITLE, "--force-title", "--model", LOCAL_MODEL, "--structured-output", "tools", "--json"
    )

    assert result.exit_code == 2, result.output
    message = json.loads(result.stdout)["message"]
    assert "does not offer tools structured output (tools param requires --jinja flag)" in message
    assert "\n" not in message
    assert drafting_env.http_requests() == 1


@pytest.mark.vcr
@pytest.mark.local_model
def test_a_weak_models_refusal_of_a_real_title_queues_nothing_and_says_how_to_insist(
    drafting_env: DraftingEnv,
) -> None:
    """Point 5: the small model refuses "Prompt Engineer", a title O*NET does not list (one it
    lists is drafted whatever the model says: issue 10). Its verdict is checked (a refusal
    without a reason of its own is sent back), the run ends on one line that names the way to
    insist, and nothing is queued."""
    result = drafting_env.draft(REFUSED_TITLE, "--model", LOCAL_MODEL, "--json")

    assert result.exit_code == 2, result.output
    message = json.loads(result.stdout)["message"]
    assert message.startswith(f"{REFUSED_TITLE!r} is not a job title: "), message
    assert message.endswith("(the model's verdict; pass --force-title to insist)"), message
    assert "\n" not in message and "is_job_title" not in message
    assert drafting_env.drafts() == []
    assert drafting_env.only_run().finished() is RunOutcome.not_a_title
    # Only the role stage ran. A refusal without a reason of its own is sent back (recordings
    # differ: this model has refused with no reason three times running, and with one at once).
    bodies = drafting_env.bodies()
    assert [stage_of(body) for body in bodies] == ["role"] * len(bodies)
    assert 1 <= len(bodies) <= 1 + MAX_REPAIRS
    for repair in bodies[1:]:
        assert "answer.verdict" in repair["messages"][-1]["content"]
