"""What the drafting tests share: the cassette configuration, the test environment, and helpers.

Every drafting test replays a cassette (pytest-recording, record mode ``none``): a request with no
recording raises ``CannotOverwriteExistingCassetteException`` and fails the test, and a recording
the test did not use fails it at teardown. Requests match on method, path and body (vcrpy's body
matcher compares JSON bodies as parsed JSON), never on host or port, so the loopback port a
cassette was recorded on does not matter. Secrets and volatile headers are dropped before
anything is written.

When recording (``--record-mode=rewrite``), each test gets its own fake server
(tests/fake_openai.py) running the scenario its ``fake_scenario`` marker names, unless
``JOBZONE_RECORD_AGAINST=env`` points the run at the endpoint in OPENAI_BASE_URL/OPENAI_API_KEY.
See tests/cassettes/README.md.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from click.testing import CliRunner, Result

from jobzone.calls import CallRecord
from jobzone.canonical import load_canonical
from jobzone.cli import cli
from jobzone.cli.app import Deps
from jobzone.drafting.budget import Budget
from jobzone.drafting.journal import Journal, RunRequest
from jobzone.drafting.model import Model, ModelChoice
from jobzone.drafting.openai_model import ModeMemory, OpenAIModel
from jobzone.drafting.pipeline import DraftRun, check_title
from jobzone.drafting.settings import ModelSettings
from jobzone.drafts import Draft, load_draft
from jobzone.progress import Event
from jobzone.workflow import Workflow
from jobzone.workspace import Workspace

from .fake_openai import SCENARIOS, FakeOpenAI

TESTS = Path(__file__).resolve().parent
#: The canonical set the cassettes were recorded with (a snapshot, so edits to roles/ in the
#: repository do not change the prompts the tests send).
ROLES_SNAPSHOT = TESTS / "data" / "drafting" / "roles"
MODEL = "gpt-5-mini"
DATE = "2026-11-21"
TITLE = "Site Reliability Engineer"
#: Where replayed requests claim to go. ``.invalid`` never resolves; vcrpy answers before any
#: connection is attempted anyway.
REPLAY_BASE_URL = "http://model.invalid/v1"
SCRUBBED_ORIGIN = "https://model.invalid"
PLACEHOLDER_KEY = "sk-test-placeholder-not-a-key"
RECORD_AGAINST_ENV = "JOBZONE_RECORD_AGAINST"

#: Request headers never written to a cassette.
SECRET_HEADERS = ("authorization", "openai-organization", "openai-project", "api-key", "cookie")
#: The only headers kept; the SDK's x-stainless-* and user-agent change with every release.
KEPT_REQUEST_HEADERS = frozenset({"content-type", "accept"})
KEPT_RESPONSE_HEADERS = frozenset({"content-type", "retry-after", "retry-after-ms"})


# -- the cassette configuration -------------------------------------------------------------------


def scrub_request(request: Any) -> Any:
    """The request as a cassette keeps it: a placeholder origin, no query, few headers.

    vcrpy applies this to a copy, both before recording and before matching.
    """
    parsed = urlparse(request.uri)
    request.uri = f"{SCRUBBED_ORIGIN}{parsed.path}"
    for name in list(request.headers):
        if name.lower() not in KEPT_REQUEST_HEADERS:
            del request.headers[name]
    return request


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    """Drop volatile and identifying response headers (date, server, request and org ids), and
    merge a real model's one-event-per-token stream into few events."""
    headers = {k: v for k, v in response["headers"].items() if k.lower() in KEPT_RESPONSE_HEADERS}
    body = response.get("body", {}).get("string")
    types = " ".join(str(v) for k, v in headers.items() if k.lower() == "content-type")
    if "event-stream" in types and isinstance(body, (bytes, str)):
        # vcrpy applies this when it loads a cassette too: the body keeps its type.
        text = body.decode("utf-8") if isinstance(body, bytes) else body
        compact: str | bytes = compact_stream(text)
        compact = compact.encode("utf-8") if isinstance(body, bytes) else compact
        response = {**response, "body": {**response["body"], "string": compact}}
    return {**response, "headers": headers}


def _text_piece(event: str) -> tuple[dict[str, Any], str] | None:
    """The chunk of a ``data:`` event that only adds text to the answer, and that text."""
    if not event.startswith("data: ") or event == "data: [DONE]":
        return None
    try:
        chunk = json.loads(event.removeprefix("data: "))
    except ValueError:
        return None
    choices = chunk.get("choices") if isinstance(chunk, dict) else None
    if chunk.get("usage") or not isinstance(choices, list) or len(choices) != 1:
        return None
    delta = choices[0].get("delta") or {}
    if choices[0].get("finish_reason") or set(delta) - {"content"}:
        return None
    content = delta.get("content")
    return (chunk, content) if isinstance(content, str) else None


def compact_stream(text: str, piece_chars: int = 400) -> str:
    """A server-sent event stream with runs of text-only chunks merged, up to ``piece_chars``
    each: the same answer, replayed the same way, in a cassette a hundred times smaller."""
    events = [e for e in text.split("\n\n") if e.strip()]
    merged: list[str] = []
    pending: tuple[dict[str, Any], str] | None = None

    def flush() -> None:
        nonlocal pending
        if pending is not None:
            chunk, content = pending
            chunk["choices"][0]["delta"]["content"] = content
            merged.append("data: " + json.dumps(chunk, ensure_ascii=False))
            pending = None

    for event in events:
        piece = _text_piece(event)
        if piece is None:
            flush()
            merged.append(event)
        elif pending is not None and len(pending[1]) + len(piece[1]) <= piece_chars:
            pending = (pending[0], pending[1] + piece[1])
        else:
            flush()
            pending = piece
    flush()
    return "".join(event + "\n\n" for event in merged)


def cassette_config(record_mode: str = "none") -> dict[str, Any]:
    """vcrpy options for drafting cassettes; the demo's replay uses the same."""
    return {
        "record_mode": record_mode,
        "match_on": ["method", "path", "body"],
        "filter_headers": list(SECRET_HEADERS),
        "before_record_request": scrub_request,
        "before_record_response": scrub_response,
        "decode_compressed_response": True,
        "allow_playback_repeats": False,
    }


def scenario_of(request: pytest.FixtureRequest) -> str:
    marker = request.node.get_closest_marker("fake_scenario")
    name = str(marker.args[0]) if marker else "clean"
    assert name in SCENARIOS, f"unknown fake scenario {name!r}"
    return name


def recording_against_env() -> bool:
    return os.environ.get(RECORD_AGAINST_ENV, "fake") == "env"


def vcr_config_for(request: pytest.FixtureRequest, record_mode: str) -> dict[str, Any]:
    """The ``vcr_config`` fixture's value. Runs before pytest-recording opens (or, when
    rewriting, deletes) the cassette, so a test that a real endpoint cannot record is skipped
    here and keeps its cassette."""
    if record_mode != "none" and recording_against_env() and scenario_of(request) != "clean":
        pytest.skip(f"scenario {scenario_of(request)!r} needs the fake server to record")
    local = request.node.get_closest_marker("local_model") is not None
    if record_mode != "none" and local and not recording_against_env():
        pytest.skip("recorded only against a real local model (record_cassettes --local)")
    return cassette_config(record_mode)


# -- the environment of a drafting test ----------------------------------------------------------


@dataclass
class DraftingEnv:
    """A scratch workspace with the snapshot canonical set, the model settings in the
    environment, and ways to run drafts through the CLI or the pipeline."""

    root: Path
    base_url: str
    scenario: str
    cassette: Any
    replaying: bool
    sleeps: list[float] = field(default_factory=list)
    #: Wraps every model the CLI or a workflow asks (tests interrupt or count calls with it).
    wrap: Callable[[Model], Model] = field(default=lambda model: model)
    #: Hears the CLI's progress events (tests interrupt a run at a chosen point with it).
    listen: Callable[[Event], None] | None = None

    @property
    def workspace(self) -> Workspace:
        return Workspace(self.root)

    def models(self, choice: ModelChoice) -> Model:
        """The real model, configured from the environment, its retries recorded not slept."""
        settings = ModelSettings.from_env(choice)
        memory = ModeMemory.of(self.workspace)
        return self.wrap(OpenAIModel(settings, sleep=self.sleeps.append, memory=memory))

    def workflow(self) -> Workflow:
        return Workflow(self.workspace, models=self.models)

    @property
    def endpoint_host(self) -> str:
        return urlparse(self.base_url).netloc

    # -- running ----------------------------------------------------------------------------------

    def cli(self, *args: str) -> Result:
        return CliRunner().invoke(
            cli,
            ["--workspace", str(self.root), *args],
            catch_exceptions=False,
            obj=Deps(models=self.models, listen=self.listen),
        )

    def draft(self, title: str, *args: str) -> Result:
        """``jobzone draft TITLE --date 2026-11-21 ARGS``."""
        return self.cli("draft", title, "--date", DATE, *args)

    def pipeline(
        self, title: str = TITLE, *, notes: str | None = None, max_repairs: int = 2
    ) -> DraftRun:
        """A DraftRun as the workflow builds one, with a journal, sleeps recorded not slept."""
        model = self.models(ModelChoice())
        request = RunRequest(
            id=f"test-{len(self.runs()) + 1}",
            title=check_title(title),
            notes=notes,
            model=model.identity.name,
            temperature=None,
            max_repairs=max_repairs,
            assessed_on=dt.date.fromisoformat(DATE),
            created_at=dt.datetime.now(dt.UTC),
            by="test",
        )
        return DraftRun(
            canonical=load_canonical(self.workspace),
            journal=Journal.create(self.workspace, request),
            model=model,
            budget=Budget(None),
        )

    # -- looking -----------------------------------------------------------------------------------

    def drafts(self) -> list[Draft]:
        files = sorted((self.root / "drafts").glob("*.yaml"))
        return [load_draft(self.workspace, f.stem) for f in files]

    def runs(self) -> list[Journal]:
        folder = self.root / "drafts" / ".runs"
        if not folder.is_dir():
            return []
        return [Journal.open(self.workspace, p.name) for p in sorted(folder.iterdir())]

    def only_run(self) -> Journal:
        runs = self.runs()
        assert len(runs) == 1, [r.request.id for r in runs]
        return runs[0]

    def http_requests(self) -> int:
        """HTTP requests this test has made so far (each answered from the cassette)."""
        if self.replaying:
            return int(self.cassette.play_count)
        return len(self.cassette.requests)

    def bodies(self) -> list[dict[str, Any]]:
        """The JSON bodies of the requests in the cassette, in order."""
        return [json.loads(r.body) for r in self.cassette.requests]


def stage_of(body: dict[str, Any]) -> str:
    """The stage a request is for, in any structured-output mode."""
    if "tools" in body:
        name = str(body["tools"][0]["function"]["name"])
    elif body["response_format"]["type"] == "json_schema":
        name = str(body["response_format"]["json_schema"]["name"])
    else:
        found = re.search(r"JSON Schema \((\w+)\)", body["messages"][0]["content"])
        assert found is not None, "a JSON-mode request names its schema"
        name = found.group(1)
    return name.removesuffix("Answer").lower()


def _make_workspace(root: Path) -> Path:
    from .factories import make_workspace

    make_workspace(root)
    for path in sorted(ROLES_SNAPSHOT.glob("*.yaml")):
        shutil.copy(path, root / "roles" / path.name)
    return root


@contextmanager
def drafting_environment(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    record_mode: str,
) -> Iterator[DraftingEnv]:
    cassette = request.getfixturevalue("vcr")
    scenario = scenario_of(request)
    replaying = record_mode == "none"
    server: FakeOpenAI | None = None
    if replaying:
        base_url, key = REPLAY_BASE_URL, PLACEHOLDER_KEY
    elif recording_against_env():
        base_url = os.environ.get("OPENAI_BASE_URL") or "https://api.openai.com/v1"
        key = os.environ.get("OPENAI_API_KEY") or PLACEHOLDER_KEY
    else:
        server = FakeOpenAI(scenario).start()
        base_url, key = server.url, PLACEHOLDER_KEY
    for name in ("JOBZONE_WORKSPACE", "JOBZONE_PRICES", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_BASE_URL", base_url)
    monkeypatch.setenv("OPENAI_API_KEY", key)
    monkeypatch.setenv("JOBZONE_MODEL", MODEL)
    env = DraftingEnv(
        root=_make_workspace(tmp_path / "ws"),
        base_url=base_url,
        scenario=scenario,
        cassette=cassette,
        replaying=replaying,
    )
    try:
        yield env
    finally:
        if server is not None:
            server.stop()
    if replaying and not request.node.get_closest_marker("partial_replay"):
        unplayed = len(cassette.requests) - cassette.play_count
        assert cassette.all_played, f"{unplayed} recorded requests were never made"


# -- reading runs ---------------------------------------------------------------------------------


def sequential_calls(spans: Sequence[tuple[float, float]]) -> int:
    """The longest chain of calls each starting after the previous ended: the calls a run has to
    wait for one after another (its critical path), given each call's (start, end)."""
    ordered = sorted(spans)
    longest: list[int] = []
    for i, (start, _end) in enumerate(ordered):
        before = [longest[j] for j in range(i) if ordered[j][1] <= start]
        longest.append(1 + max(before, default=0))
    return max(longest, default=0)


def call_spans(calls: Sequence[CallRecord]) -> list[tuple[float, float]]:
    """(start, end) in seconds of each call record, from its start time and latency."""
    return [(c.at.timestamp(), c.at.timestamp() + c.latency_ms / 1000) for c in calls]


def message_size(messages: Sequence[dict[str, Any]]) -> int:
    """Characters of a message list as JSON, as the budget estimates prompts."""
    return len(json.dumps(list(messages), ensure_ascii=False))
