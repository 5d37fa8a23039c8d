"""How the real model talks to an endpoint: streams, structured-output modes, and failures
worded as what they were (defect 21, issue 9).

The drafting cassettes replay whole runs elsewhere. Here one :class:`OpenAIModel` is given an
HTTP client whose transport answers in-process, as a closed port, a silent server, a stream
that stalls half-way or a server without strict structured output would, so nothing is sent
anywhere and each failure can be staged exactly.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest

from jobzone.calls import CallOutcome, CallRecord
from jobzone.drafting.budget import estimate_prompt_tokens
from jobzone.drafting.model import Call
from jobzone.drafting.openai_model import ModeMemory, OpenAIModel
from jobzone.drafting.prompts import data_message
from jobzone.drafting.settings import ModelSettings
from jobzone.drafting.stages import ROLE, stand_in
from jobzone.errors import ConfigError, ModelCallError, TruncatedError

BASE_URL = "http://user:secret@127.0.0.1:8080/v1?x=1"
ENDPOINT = "http://127.0.0.1:8080/v1"
ANSWER = json.dumps(stand_in(ROLE.answer))
SYSTEM = {"role": "system", "content": "You draft job-risk assessments."}
CALL = Call(ROLE, 0, [SYSTEM, data_message({"title": "Nurse"})])


class Heard:
    """A listener that keeps what it hears."""

    def __init__(self) -> None:
        self.records: list[CallRecord] = []
        self.waits: list[str] = []
        self.unusable: list[tuple[int, str, str]] = []
        self.notices: list[str] = []

    def before_attempt(self, call: Call, attempt: int, max_completion_tokens: int) -> None:
        pass

    def after_attempt(self, record: CallRecord) -> None:
        self.records.append(record)

    def waiting(self, call: Call, reason: str, seconds: float) -> None:
        self.waits.append(reason)

    def kept(self, call: Call, attempt: int, content: str, why: str) -> None:
        self.unusable.append((attempt, content, why))

    def noticed(self, call: Call, text: str) -> None:
        self.notices.append(text)

    @property
    def outcomes(self) -> list[CallOutcome]:
        return [r.outcome for r in self.records]


Reply = Callable[[dict[str, Any]], httpx2.Response]


class Endpoint:
    """An in-process endpoint: answers each request with the next reply, keeps the bodies."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.bodies: list[dict[str, Any]] = []

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        self.bodies.append(body)
        assert self.replies, f"an unexpected request: {body.get('response_format')}"
        return self.replies.pop(0)(body)

    def model(
        self, memory: ModeMemory | None = None, *, structured_output: str = "auto"
    ) -> OpenAIModel:
        settings = ModelSettings(
            model="m",
            api_key="k",
            base_url=BASE_URL,
            max_attempts=3,
            read_timeout=45.0,
            structured_output=structured_output,
        )
        client = httpx2.Client(transport=httpx2.MockTransport(self.handle))
        return OpenAIModel(settings, sleep=lambda _s: None, memory=memory, http_client=client)

    @property
    def modes(self) -> list[str]:
        """The structured-output mode of each request, in order."""
        return ["tools" if "tools" in b else str(b["response_format"]["type"]) for b in self.bodies]


# -- replies ----------------------------------------------------------------------------------


def _chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "m",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def _events(text: str, pieces: int, *, usage: bool = True, finish: str = "stop") -> list[bytes]:
    size = -(-len(text) // pieces)
    events = [_chunk({"role": "assistant", "content": ""})]
    events += [_chunk({"content": text[at : at + size]}) for at in range(0, len(text), size)]
    events.append(_chunk({}, finish))
    if usage:
        counts = {"prompt_tokens": 300, "completion_tokens": 120, "total_tokens": 420}
        events.append({**_chunk({}), "choices": [], "usage": counts})
    return [f"data: {json.dumps(e)}\n\n".encode() for e in events] + [b"data: [DONE]\n\n"]


class _Stream(httpx2.SyncByteStream):
    """Sends ``events``, then fails with ``then`` (a stall, a dropped connection) if given."""

    def __init__(self, events: list[bytes], then: Exception | None = None) -> None:
        self.events = events
        self.then = then

    def __iter__(self) -> Iterator[bytes]:
        yield from self.events
        if self.then is not None:
            raise self.then


def streamed(text: str = ANSWER, pieces: int = 5, **options: Any) -> Reply:
    return lambda _body: httpx2.Response(
        200,
        headers={"content-type": "text/event-stream"},
        stream=_Stream(_events(text, pieces, **options)),
    )


def stalls_after(
    pieces: int, error: type[Exception] = httpx2.ReadTimeout, *, of: int = 10
) -> Reply:
    """A stream that sends the first ``pieces`` of ``of``, then falls silent (or drops)."""
    events = _events(ANSWER, of, usage=False)[1 : pieces + 1]
    return lambda _body: httpx2.Response(
        200,
        headers={"content-type": "text/event-stream"},
        stream=_Stream(events, error("stalled")),
    )


def whole(text: str = ANSWER) -> Reply:
    """A server that ignores ``stream`` and sends one chat completion."""
    completion = {
        "id": "c1",
        "object": "chat.completion",
        "created": 0,
        "model": "m",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 200, "completion_tokens": 80, "total_tokens": 280},
    }
    return lambda _body: httpx2.Response(200, json=completion)


def status(code: int, message: str) -> Reply:
    return lambda _body: httpx2.Response(code, json={"error": {"message": message}})


def fails(error: Exception) -> Reply:
    def reply(_body: dict[str, Any]) -> httpx2.Response:
        raise error

    return reply


TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "llama_cpp/server/app.py", line 513, in create_chat_completion\n'
    "ValueError: response_format type 'json_schema' is not supported"
)
NO_JINJA = "tools param requires --jinja flag"


# -- failures worded as what they were --------------------------------------------------------


def test_a_refused_connection_names_the_endpoint_without_its_credentials() -> None:
    heard = Heard()
    endpoint = Endpoint(*[fails(httpx2.ConnectError("refused"))] * 3)

    with pytest.raises(ModelCallError) as caught:
        endpoint.model().ask(CALL, heard)

    message = caught.value.message
    assert f"could not connect to {ENDPOINT}" in message
    assert "secret" not in message and "x=1" not in message
    assert heard.outcomes == [CallOutcome.connection] * 3
    assert heard.waits == ["could not connect"] * 2


def test_a_silent_server_is_called_slow_asked_once_more_and_the_timeout_named() -> None:
    """Issue 9, point 3: a reached but silent server is not 'unreachable', is not retried
    from scratch again and again, and the message says which setting to raise."""
    heard = Heard()
    endpoint = Endpoint(*[fails(httpx2.ReadTimeout("silent"))] * 3)

    with pytest.raises(ModelCallError) as caught:
        endpoint.model().ask(CALL, heard)

    message = caught.value.message
    assert f"{ENDPOINT} sent nothing for 45 s (the server was reached" in message
    assert "--timeout" in message and "JOBZONE_TIMEOUT" in message
    assert "could not" not in message
    assert heard.outcomes == [CallOutcome.timeout] * 2
    assert heard.waits == ["the server went silent"]


def test_a_streamed_answer_counts_the_usage_the_server_reports() -> None:
    heard = Heard()
    endpoint = Endpoint(streamed(pieces=7))

    assert endpoint.model().ask(CALL, heard) == ANSWER

    (record,) = heard.records
    assert (record.outcome, record.usage_estimated) == (CallOutcome.ok, False)
    assert (record.usage.prompt_tokens, record.usage.completion_tokens) == (300, 120)
    (body,) = endpoint.bodies
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}


def test_a_stream_that_stalls_is_counted_kept_and_asked_again() -> None:
    """Issue 9, point 3: the tokens generated before a stall are counted (estimated, one per
    piece, with the prompt as the budget estimates it), and the text that arrived is kept."""
    heard = Heard()
    endpoint = Endpoint(stalls_after(4), streamed())

    assert endpoint.model().ask(CALL, heard) == ANSWER

    cut, ok = heard.records
    ((attempt, text, why),) = heard.unusable
    assert attempt == 1 and ANSWER.startswith(text) and 0 < len(text) < len(ANSWER)
    assert (cut.outcome, cut.usage_estimated) == (CallOutcome.timeout, True)
    assert cut.usage.completion_tokens == -(-len(text) // 4)  # long pieces: a token per 4 chars
    assert cut.usage.prompt_tokens == estimate_prompt_tokens(CALL.messages) > 0
    assert (ok.outcome, ok.attempt) == (CallOutcome.ok, 2)
    assert why == "cut off: APITimeoutError"
    assert heard.waits == ["the server went silent"]


def test_a_dropped_stream_is_recorded_as_a_connection_failure_with_its_tokens() -> None:
    heard = Heard()
    endpoint = Endpoint(stalls_after(2, httpx2.RemoteProtocolError), streamed())

    endpoint.model().ask(CALL, heard)

    assert heard.outcomes == [CallOutcome.connection, CallOutcome.ok]


def test_a_stream_of_one_character_pieces_counts_a_token_a_piece() -> None:
    heard = Heard()
    endpoint = Endpoint(stalls_after(30, of=len(ANSWER)), streamed())

    endpoint.model().ask(CALL, heard)

    assert heard.records[0].usage.completion_tokens == 30


def test_usage_the_server_sent_before_a_stream_broke_is_used_as_it_is() -> None:
    counts = {"prompt_tokens": 111, "completion_tokens": 22, "total_tokens": 133}
    events = [
        _events(ANSWER, 4, usage=False)[1],
        f"data: {json.dumps({**_chunk({}), 'choices': [], 'usage': counts})}\n\n".encode(),
    ]
    heard = Heard()
    broken = _Stream(events, httpx2.RemoteProtocolError("dropped"))
    endpoint = Endpoint(
        lambda _b: httpx2.Response(
            200, headers={"content-type": "text/event-stream"}, stream=broken
        ),
        streamed(),
    )

    endpoint.model().ask(CALL, heard)

    first = heard.records[0]
    assert (first.usage.prompt_tokens, first.usage.completion_tokens) == (111, 22)
    assert first.usage_estimated is False


@pytest.mark.parametrize(
    "odd",
    [
        {"index": 0, "finish_reason": None},  # no delta (a provider's filter results)
        {"index": 0, "delta": None, "finish_reason": None},
        {"index": 0, "delta": {"content": 42}, "finish_reason": None},
    ],
    ids=["no-delta", "null-delta", "number-content"],
)
def test_an_odd_chunk_adds_nothing_and_breaks_nothing(odd: dict[str, Any]) -> None:
    events = _events(ANSWER, 3)
    oddity = f"data: {json.dumps({**_chunk({}), 'choices': [odd]})}\n\n".encode()
    stream = _Stream([events[0], oddity, b"data: []\n\n", *events[1:]])
    endpoint = Endpoint(
        lambda _b: httpx2.Response(
            200, headers={"content-type": "text/event-stream"}, stream=stream
        )
    )
    heard = Heard()

    assert endpoint.model().ask(CALL, heard) == ANSWER
    assert heard.outcomes == [CallOutcome.ok]


def test_a_whole_answer_without_usage_is_estimated_not_free() -> None:
    completion = {
        "choices": [{"index": 0, "message": {"role": "assistant", "content": ANSWER}}],
    }
    heard = Heard()

    Endpoint(lambda _b: httpx2.Response(200, json=completion)).model().ask(CALL, heard)

    (record,) = heard.records
    assert record.usage_estimated is True
    assert record.usage.completion_tokens == -(-len(ANSWER) // 4)


@pytest.mark.parametrize("header", ["soon", "Wed, 21 Oct 2015 07:28:00", "-3"])
def test_a_retry_after_header_that_makes_no_sense_is_survived(header: str) -> None:
    heard = Heard()
    limited = lambda _b: httpx2.Response(  # noqa: E731
        429, headers={"retry-after": header}, json={"error": {"message": "slow down"}}
    )

    assert Endpoint(limited, streamed()).model().ask(CALL, heard) == ANSWER
    assert heard.outcomes == [CallOutcome.http_error, CallOutcome.ok]


def test_retries_stop_when_the_waits_add_up_not_when_the_answers_took_long() -> None:
    """Waiting 3 s a time with 5 s allowed: two waits, three attempts (of six allowed)."""
    limited = lambda _b: httpx2.Response(  # noqa: E731
        429, headers={"retry-after": "3"}, json={"error": {"message": "slow down"}}
    )
    endpoint = Endpoint(*[limited] * 6)
    model = endpoint.model()
    model.settings = dataclasses.replace(model.settings, max_retry_seconds=5, max_attempts=6)
    heard = Heard()

    with pytest.raises(ModelCallError):
        model.ask(CALL, heard)

    assert len(heard.records) == 3


def test_a_server_that_ignores_stream_is_read_whole() -> None:
    heard = Heard()

    assert Endpoint(whole()).model().ask(CALL, heard) == ANSWER
    assert heard.records[0].usage.completion_tokens == 80


def test_a_whole_body_that_stalls_is_a_timeout_and_asked_again() -> None:
    heard = Heard()
    stalled = _Stream([b'{"id": "c1", "cho'], httpx2.ReadTimeout("stalled"))
    endpoint = Endpoint(lambda _body: httpx2.Response(200, stream=stalled), whole())

    assert endpoint.model().ask(CALL, heard) == ANSWER
    assert heard.outcomes == [CallOutcome.timeout, CallOutcome.ok]


def test_a_server_error_is_quoted_on_one_line_and_retried() -> None:
    """Issue 9, point 4: a 5xx body (a traceback) is shown in one line."""
    heard = Heard()
    endpoint = Endpoint(*[status(503, "Traceback:\n  line 1\n  line 2\nOverloaded")] * 3)

    with pytest.raises(ModelCallError) as caught:
        endpoint.model().ask(CALL, heard)

    assert "\n" not in caught.value.message
    assert "HTTP 503: Traceback: line 1 line 2 Overloaded" in caught.value.message
    assert heard.outcomes == [CallOutcome.http_error] * 3


def test_a_cut_answer_is_asked_again_with_twice_the_room_and_both_kept() -> None:
    heard = Heard()
    half = ANSWER[: len(ANSWER) // 2]
    endpoint = Endpoint(*[streamed(half, finish="length")] * 2)

    with pytest.raises(TruncatedError):
        endpoint.model().ask(CALL, heard)

    limits = [b["max_completion_tokens"] for b in endpoint.bodies]
    assert limits == [ROLE.max_completion_tokens, ROLE.max_completion_tokens * 2]
    assert [(a, t) for a, t, _ in heard.unusable] == [(1, half), (2, half)]


# -- structured-output modes ------------------------------------------------------------------


def test_auto_falls_back_past_refused_modes_without_retrying_them(tmp_path: Path) -> None:
    """Issue 9, point 4: a server that refuses json_schema (llama-cpp-python) and tools
    (llama.cpp without --jinja) is answered in JSON mode, with no retries of the refusals."""
    heard = Heard()
    endpoint = Endpoint(status(500, TRACEBACK), status(500, NO_JINJA), streamed())
    model = endpoint.model(ModeMemory(tmp_path / "endpoints.json", tmp_path))

    assert model.ask(CALL, heard) == ANSWER

    assert endpoint.modes == ["json_schema", "tools", "json_object"]
    assert heard.outcomes == [CallOutcome.http_error, CallOutcome.http_error, CallOutcome.ok]
    assert [r.attempt for r in heard.records] == [1, 2, 3]
    assert heard.waits == []
    assert heard.notices == [
        "the endpoint does not offer json_schema structured output; trying tools",
        "the endpoint does not offer tools structured output; trying json_object",
    ]
    assert (
        heard.records[0].error == "ValueError: response_format type 'json_schema' is not supported"
    )
    assert heard.records[1].error == NO_JINJA
    assert model.identity.structured_output == "json_object"
    # JSON mode states the schema in the one system message.
    system, *rest = endpoint.bodies[2]["messages"]
    assert system["role"] == "system" and "JSON Schema (RoleAnswer)" in system["content"]
    assert [m["role"] for m in rest] == ["user"]


def test_the_mode_that_worked_is_remembered_per_endpoint(tmp_path: Path) -> None:
    memory = ModeMemory(tmp_path / "endpoints.json", tmp_path)
    Endpoint(status(500, TRACEBACK), status(500, NO_JINJA), streamed()).model(memory).ask(
        CALL, Heard()
    )

    later = Endpoint(streamed())
    model = later.model(ModeMemory(tmp_path / "endpoints.json", tmp_path))
    assert model.identity.structured_output == "json_object"
    model.ask(CALL, Heard())

    assert later.modes == ["json_object"]


def test_a_remembered_mode_that_is_refused_later_falls_back_again(tmp_path: Path) -> None:
    memory = ModeMemory(tmp_path / "endpoints.json", tmp_path)
    memory.remember(f"{ENDPOINT} m", "tools")
    endpoint = Endpoint(status(500, NO_JINJA), streamed())

    endpoint.model(memory).ask(CALL, Heard())

    assert endpoint.modes == ["tools", "json_schema"]


def test_a_chosen_mode_the_server_refuses_is_a_configuration_error() -> None:
    endpoint = Endpoint(status(500, TRACEBACK))

    with pytest.raises(ConfigError) as caught:
        endpoint.model(structured_output="json_schema").ask(CALL, Heard())

    message = caught.value.message
    assert "does not offer json_schema structured output" in message
    assert "--structured-output" in message and "\n" not in message
    assert len(endpoint.bodies) == 1


def test_tools_mode_reads_the_answer_from_the_forced_call(tmp_path: Path) -> None:
    def tool_call(body: dict[str, Any]) -> httpx2.Response:
        assert body["tool_choice"]["function"]["name"] == "RoleAnswer"
        call = {
            "id": "t1",
            "type": "function",
            "function": {"name": "RoleAnswer", "arguments": ANSWER},
        }
        message = {"role": "assistant", "content": None, "tool_calls": [call]}
        return httpx2.Response(
            200,
            json={
                "id": "c1",
                "object": "chat.completion",
                "created": 0,
                "model": "m",
                "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls"}],
            },
        )

    endpoint = Endpoint(tool_call)
    model = endpoint.model(structured_output="tools")

    assert model.ask(CALL, Heard()) == ANSWER
    assert endpoint.modes == ["tools"]
