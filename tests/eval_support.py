"""What the eval tests share: the fake server's answers to the labels evaluation, and the
environment a labels test replays (or records) in.

The labels stage is jobzone eval's own, so tests/fake_openai.py does not know it: ``LabelsFake``
answers it (and leaves every other request to the drafting fake). Its ratings are canned and
fictional, derived from each task's published labels so that the agreement a test checks is
known: the score is GPT-4's automation level as a score (T0 is 1 ... T4 is 5), one higher for a
task id divisible by 4 (at most 5) and two lower for one divisible by 9 (at least 1); the
exposure label is GPT-4's, except E1 for an id divisible by 5. The server's first labels answer
leaves out its batch's last task, so the first batch is repaired once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .drafting_support import MODEL, PLACEHOLDER_KEY, REPLAY_BASE_URL
from .factories import make_workspace
from .fake_openai import Body, Call, FakeOpenAI, _format_of, _Reply, is_repair

LABELS_SCHEMA = "TaskLabelsAnswer"


def fake_label(task_id: int) -> dict[str, Any]:
    """The canned rating of one task (see the module's docstring)."""
    from jobzone.occupations import task
    from jobzone.occupations.crosscheck import T_TO_SCORE

    found = task(task_id)
    assert found is not None and found.gpt4_automation and found.gpt4, task_id
    score = T_TO_SCORE[found.gpt4_automation]
    if task_id % 4 == 0:
        score = min(5, score + 1)
    if task_id % 9 == 0:
        score = max(1, score - 2)
    exposure = "E1" if task_id % 5 == 0 else found.gpt4
    return {"id": task_id, "score": score, "exposure": exposure}


class LabelsFake(FakeOpenAI):
    """The drafting fake, answering the labels evaluation too."""

    labels_answered = 0

    def respond(self, raw: bytes) -> tuple[int, dict[str, str], Body, Call | None]:
        try:
            body = json.loads(raw)
            mode, name = _format_of(body)
        except (ValueError, KeyError, TypeError, IndexError):
            return super().respond(raw)
        if name != LABELS_SCHEMA:
            return super().respond(raw)
        messages = body["messages"]
        tasks = json.loads(messages[1]["content"])["tasks"]
        labels = [fake_label(int(t["id"])) for t in tasks]
        repair = is_repair(messages)
        if self.labels_answered == 0 and not repair:
            labels = labels[:-1]
        self.labels_answered += 1
        content = json.dumps({"labels": labels})
        prompt_tokens, completion_tokens = len(raw) // 4, len(content) // 4
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": 0},
        }
        reply = _Reply(self._next_id(), str(body.get("model")), content, None)
        reply.tool = name if mode == "tools" else None
        call = Call("labels", repair, 200, "answer", len(raw), prompt_tokens, completion_tokens)
        events = reply.events(usage, bool((body.get("stream_options") or {}).get("include_usage")))
        return 200, {"content-type": "text/event-stream"}, events, call


@dataclass
class LabelsEnv:
    root: Path
    cassette: Any
    replaying: bool


@contextmanager
def labels_environment(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    record_mode: str,
) -> Iterator[LabelsEnv]:
    """A workspace with no roles, the model settings in the environment: replaying a cassette,
    or recording one against ``LabelsFake``."""
    cassette = request.getfixturevalue("vcr")
    replaying = record_mode == "none"
    server = None if replaying else LabelsFake("clean").start()
    for name in ("JOBZONE_WORKSPACE", "JOBZONE_PRICES", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_BASE_URL", server.url if server else REPLAY_BASE_URL)
    monkeypatch.setenv("OPENAI_API_KEY", PLACEHOLDER_KEY)
    monkeypatch.setenv("JOBZONE_MODEL", MODEL)
    root = tmp_path / "ws"
    make_workspace(root)
    try:
        yield LabelsEnv(root, cassette, replaying)
    finally:
        if server is not None:
            server.stop()
    if replaying:
        unplayed = len(cassette.requests) - cassette.play_count
        assert cassette.all_played, f"{unplayed} recorded requests were never made"
