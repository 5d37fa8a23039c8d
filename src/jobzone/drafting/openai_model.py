"""The real model: the openai SDK against any OpenAI-compatible endpoint.

Answers stream. The timeout is the longest the server may stay silent, so a slow but working
server (a local model on a CPU) is never cut off, and the tokens of an answer that is cut are
counted from what arrived.

Each answer is held to its stage's schema in one of three ways, as the endpoint allows:
``json_schema`` (strict structured output), ``tools`` (a forced function call) or
``json_object`` (JSON mode, with the schema in the instructions). ``auto`` tries them in that
order; an endpoint that refuses one is recognised from its error (llama.cpp without ``--jinja``,
llama-cpp-python's server), and the mode that worked is remembered for that endpoint and model.

tenacity retries what may pass (429 honouring Retry-After / retry-after-ms, 408, 409, 5xx,
connection errors, and a silent server once) with exponential backoff and jitter, capped in
attempts and time; the SDK's own retries are off. Client errors (400, 401, 403, 404, 422), a
refused mode, a refusal and a body that is no chat completion are not retried. An answer cut off
by the token limit is kept and asked once more with twice the room, then reported.
"""

from __future__ import annotations

import contextlib
import dataclasses
import email.utils
import json
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import httpx2
import openai
import tenacity
from openai.lib._pydantic import to_strict_json_schema
from openai.types.chat import ChatCompletionMessageParam
from pydantic import ValidationError

from jobzone.calls import CallOutcome, CallRecord, Usage
from jobzone.documents import atomic_write, read_yaml
from jobzone.drafting.budget import estimate_prompt_tokens
from jobzone.drafting.model import Call, Listener, Message, ModelIdentity
from jobzone.drafting.settings import ModelSettings
from jobzone.errors import (
    ConfigError,
    InputError,
    JobzoneError,
    ModelCallError,
    RefusalError,
    TruncatedError,
)
from jobzone.workspace import Workspace

TRANSIENT_STATUSES = frozenset({408, 409, 429})
CONFIG_STATUSES = frozenset({401, 403, 404})
#: The modes ``auto`` tries, in order.
MODES = ("json_schema", "tools", "json_object")
#: How much of a server's message or a malformed body an error quotes.
QUOTED_CHARS = 200
#: An error naming a structured-output feature and saying it is not available.
_FEATURE_RE = re.compile(
    r"response_format|json_schema|json_object|structured|tool|function|grammar|jinja", re.I
)
_REFUSED_RE = re.compile(
    r"not (be )?supported|unsupported|does not support|requires|unknown|unrecognized|"
    r"not allowed|not implemented|extra (inputs|fields)",
    re.I,
)


def one_line(text: str, limit: int = QUOTED_CHARS) -> str:
    """A server's message on one line, cut to ``limit`` characters. Of a Python traceback, only
    its last line, which says what went wrong (llama-cpp-python's server sends them)."""
    text = str(text)
    if "Traceback (most recent call last)" in text:
        text = next((line for line in reversed(text.splitlines()) if line.strip()), text)
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def server_said(exc: openai.APIStatusError, limit: int = QUOTED_CHARS) -> str:
    """The message of an error answer, on one line: the ``error.message`` of an OpenAI-style
    body, else the body as text."""
    body = exc.body
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        text = body["message"]
    elif isinstance(body, str) and body.strip():
        text = body
    else:
        text = exc.message
    return one_line(text, limit)


def retry_after_seconds(exc: BaseException) -> float | None:
    """The server's requested wait from ``retry-after-ms`` or ``retry-after``, if any."""
    if not isinstance(exc, openai.APIStatusError):
        return None
    headers = exc.response.headers
    if (ms := headers.get("retry-after-ms")) is not None:
        try:
            return max(float(ms) / 1000, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:  # an HTTP date; one without a zone is taken as UTC
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None  # neither seconds nor a date: wait as if none was given
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, openai.APIConnectionError):  # includes timeouts
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in TRANSIENT_STATUSES or exc.status_code >= 500
    return False


def refuses_mode(exc: openai.APIStatusError) -> bool:
    """Whether an error says the endpoint does not offer the structured-output mode asked for
    (a fact about the server: asking again cannot help)."""
    message = server_said(exc, 2000)
    return exc.status_code in (400, 404, 422, 500, 501) and bool(
        _FEATURE_RE.search(message) and _REFUSED_RE.search(message)
    )


def why_retried(exc: BaseException | None) -> str:
    """The reason a retry is needed, in words."""
    if isinstance(exc, openai.APITimeoutError):
        return "the server went silent"
    if isinstance(exc, openai.APIConnectionError):
        return "could not connect"
    if isinstance(exc, openai.APIStatusError):
        label = {429: "rate limited", 408: "request timeout", 409: "conflict"}.get(
            exc.status_code, "server error"
        )
        return f"HTTP {exc.status_code} ({label})"
    return "a transient failure"


class _WaitRetryAfter(tenacity.wait.wait_base):
    """The server's Retry-After when it gives one (capped), else backoff with jitter."""

    def __init__(self, cap: float) -> None:
        self.cap = cap
        self.backoff = tenacity.wait_exponential_jitter(initial=1, max=cap, jitter=1)

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        outcome = retry_state.outcome
        exc = outcome.exception() if outcome else None
        hinted = retry_after_seconds(exc) if exc else None
        if hinted is not None:
            return min(hinted, self.cap)
        return float(self.backoff(retry_state))


class _StopAfterWaiting(tenacity.stop.stop_base):
    """Stop once the waits between attempts add up to ``seconds`` (the attempts themselves
    do not count: a long answer that stalled late still gets its retry)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __call__(self, retry_state: tenacity.RetryCallState) -> bool:
        return retry_state.idle_for >= self.seconds


class ModeRefusedError(Exception):
    """The endpoint does not offer the structured-output mode asked for."""


class MalformedAnswerError(Exception):
    """A 200 answer that is not a chat completion; the attempt's record is already made."""


class CutOffError(Exception):
    """The answer reached the token limit; the attempt's record is already made."""


class ModeMemory:
    """Which structured-output mode each endpoint and model took, in a workspace's cache (a
    JSON file, never a record: it is rebuilt by asking again when it is lost)."""

    def __init__(self, path: Path, inside: Path) -> None:
        self.path = path
        self.inside = inside

    @classmethod
    def of(cls, workspace: Workspace) -> ModeMemory:
        return cls(workspace.cache_dir / "endpoints.json", workspace.root)

    def _known(self) -> dict[str, str]:
        try:
            data = read_yaml(self.path, inside=self.inside)
        except InputError:
            return {}
        return {k: v for k, v in data.items() if isinstance(k, str) and v in MODES}

    def recall(self, key: str) -> str | None:
        return self._known().get(key)

    def remember(self, key: str, mode: str) -> None:
        text = json.dumps({**self._known(), key: mode}, indent=1, sort_keys=True)
        with contextlib.suppress(InputError):  # a cache: a read-only workspace still drafts
            atomic_write(self.path, text, inside=self.inside)


@dataclass
class _Reply:
    """What came back for one attempt, streamed or not."""

    refusal: str = ""
    finish: str | None = None
    usage: Usage | None = None
    pieces: int = 0
    parts: list[str] = field(default_factory=list)

    def add(self, text: object) -> None:
        """Add a piece of the answer; anything but text (a server's odd chunk) is no piece."""
        if isinstance(text, str) and text:
            self.parts.append(text)
            self.pieces += 1

    @property
    def content(self) -> str:
        return "".join(self.parts)


@dataclass
class _Attempt:
    """One HTTP attempt: numbers it and reports its record to the listener."""

    call: Call
    listener: Listener
    number: int
    limit: int
    messages: list[Message]

    def __post_init__(self) -> None:
        self.started = time.monotonic()
        self.at = datetime.now(UTC)

    def report(
        self,
        outcome: CallOutcome,
        usage: Usage | None = None,
        *,
        error: str | None = None,
        status: int | None = None,
        estimated: bool = False,
    ) -> None:
        self.listener.after_attempt(
            CallRecord(
                stage=self.call.stage.name,
                round=self.call.round,
                attempt=self.number,
                outcome=outcome,
                status=status,
                at=self.at,
                latency_ms=round((time.monotonic() - self.started) * 1000),
                max_completion_tokens=self.limit,
                usage=usage or Usage(),
                usage_estimated=estimated,
                error=error,
            )
        )

    def estimated(self, reply: _Reply) -> Usage:
        """What a call whose server reported no usage cost: the prompt as the budget estimates
        it, and at least a token a piece (servers stream one or a few) or one per four
        characters, whichever is more."""
        text = len(reply.content)
        return Usage(
            prompt_tokens=estimate_prompt_tokens(self.messages),
            completion_tokens=max(reply.pieces, -(-text // 4)),
        )


class OpenAIModel:
    """A :class:`~jobzone.drafting.model.Model` reached through the openai SDK."""

    def __init__(
        self,
        settings: ModelSettings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        memory: ModeMemory | None = None,
        http_client: httpx2.Client | None = None,
    ) -> None:
        """``sleep`` is how retries wait (tests pass a recorder); ``memory`` keeps the mode an
        endpoint took, so ``auto`` finds it once; ``http_client`` carries the requests (tests
        give one whose transport answers in-process)."""
        self.settings = settings
        self.sleep = sleep
        self.memory = memory
        self.sdk = openai.OpenAI(
            api_key=settings.api_key,
            base_url=settings.base_url,
            max_retries=0,
            timeout=openai.Timeout(settings.read_timeout, connect=10.0),
            http_client=http_client,
        )
        chosen = settings.structured_output
        remembered = memory.recall(self._key) if memory and chosen == "auto" else None
        self.mode: str | None = chosen if chosen != "auto" else remembered

    @property
    def _key(self) -> str:
        return f"{self.settings.endpoint} {self.settings.model}"

    @property
    def identity(self) -> ModelIdentity:
        s = self.settings
        return ModelIdentity(s.model, s.endpoint_host, s.endpoint, s.temperature, self.mode)

    def ask(self, call: Call, listener: Listener) -> str:
        refused: list[str] = []
        chosen = self.settings.structured_output
        # ``auto`` tries the mode that worked last first, and the others if it no longer does.
        modes = (
            (chosen,) if chosen != "auto" else tuple(dict.fromkeys((self.mode or MODES[0], *MODES)))
        )
        attempts = iter(range(1, 1_000))  # numbered across modes: each is its own HTTP call
        for mode, following in zip(modes, (*modes[1:], None), strict=True):
            try:
                content = self._ask_in(mode, call, listener, attempts)
            except ModeRefusedError as exc:
                if chosen != "auto":
                    raise ConfigError(
                        f"{self.settings.endpoint} does not offer {mode} structured output "
                        f"({exc}); choose another with --structured-output or "
                        "JOBZONE_STRUCTURED_OUTPUT (json_object works with most servers)"
                    ) from None
                refused.append(f"{mode}: {exc}")
                if following:
                    listener.noticed(
                        call,
                        f"the endpoint does not offer {mode} structured output; trying {following}",
                    )
                continue
            if self.mode != mode:
                self.mode = mode
                if self.memory is not None:
                    self.memory.remember(self._key, mode)
            return content
        raise ConfigError(
            f"{self.settings.endpoint} offers none of the structured-output modes jobzone can "
            f"use ({'; '.join(refused)})"
        )

    def _ask_in(self, mode: str, call: Call, listener: Listener, attempts: Iterator[int]) -> str:
        limit = call.stage.max_completion_tokens
        try:
            return self._with_retries(mode, call, listener, limit, attempts)
        except CutOffError:
            pass
        try:
            return self._with_retries(mode, call, listener, limit * 2, attempts)
        except CutOffError:
            raise TruncatedError(
                f"answer cut off at {limit * 2} completion tokens, even on a retry with more "
                "room (the text is kept in the run's journal)",
                stage=call.stage.name,
            ) from None

    def _with_retries(
        self, mode: str, call: Call, listener: Listener, limit: int, attempts: Iterator[int]
    ) -> str:
        s = self.settings
        silences = 0

        def retried(exc: BaseException) -> bool:
            # A silent server is asked once more: it may have been busy; twice is a pattern.
            return is_transient(exc) and not (
                isinstance(exc, openai.APITimeoutError) and silences > 1
            )

        def before_sleep(state: tenacity.RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            wait = state.next_action.sleep if state.next_action else 0.0
            listener.waiting(call, why_retried(exc), wait)

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception(retried),
            wait=_WaitRetryAfter(s.max_wait_seconds),
            stop=tenacity.stop_after_attempt(s.max_attempts)
            | _StopAfterWaiting(s.max_retry_seconds),
            sleep=self.sleep,
            before_sleep=before_sleep,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    try:
                        messages = self._messages(mode, call)
                        return self._once(
                            _Attempt(call, listener, next(attempts), limit, messages), mode
                        )
                    except openai.APITimeoutError:
                        silences += 1
                        raise
        except openai.APIStatusError as exc:
            raise self._status_failure(call, exc) from None
        except openai.APITimeoutError:
            raise ModelCallError(
                f"{s.endpoint} sent nothing for {s.read_timeout:.0f} s (the server was reached; "
                "raise --timeout or JOBZONE_TIMEOUT for a slow one)",
                stage=call.stage.name,
            ) from None
        except openai.APIConnectionError as exc:
            raise ModelCallError(
                f"could not connect to {s.endpoint}: {one_line(str(exc))}", stage=call.stage.name
            ) from None
        except MalformedAnswerError as exc:
            raise ModelCallError(str(exc), stage=call.stage.name) from None
        raise AssertionError("tenacity ended without an outcome")

    def _status_failure(self, call: Call, exc: openai.APIStatusError) -> JobzoneError:
        detail = f"{self.settings.endpoint} answered HTTP {exc.status_code}: {server_said(exc)}"
        if exc.status_code in CONFIG_STATUSES:
            return ConfigError(
                f"{call.stage.name} stage: {detail} (check OPENAI_API_KEY, OPENAI_BASE_URL and "
                f"the model name {self.settings.model!r})"
            )
        return ModelCallError(detail, stage=call.stage.name, status=exc.status_code)

    # -- one attempt --------------------------------------------------------------------------

    def _messages(self, mode: str, call: Call) -> list[Message]:
        return mode_messages(mode, call)

    def _request(
        self, mode: str, call: Call, messages: list[Message], limit: int
    ) -> dict[str, Any]:
        s = self.settings
        return chat_request(s.model, s.temperature, mode, call, messages, limit, stream=True)

    def _once(self, attempt: _Attempt, mode: str) -> str:
        call = attempt.call
        # The budget sees the messages as sent (JSON mode adds the schema to them).
        asked = dataclasses.replace(call, messages=attempt.messages)
        attempt.listener.before_attempt(asked, attempt.number, attempt.limit)
        attempt.started = time.monotonic()
        try:
            raw = self.sdk.chat.completions.with_raw_response.create(
                **self._request(mode, call, attempt.messages, attempt.limit)
            )
        except openai.APIStatusError as exc:
            message = server_said(exc)
            attempt.report(CallOutcome.http_error, error=message, status=exc.status_code)
            if refuses_mode(exc):
                raise ModeRefusedError(message) from None
            raise
        except openai.APITimeoutError as exc:
            attempt.report(CallOutcome.timeout, error=str(exc))
            raise
        except openai.APIConnectionError as exc:
            attempt.report(CallOutcome.connection, error=one_line(str(exc)))
            raise
        if "event-stream" in raw.http_response.headers.get("content-type", ""):
            reply = self._streamed(attempt, raw.parse())
        else:  # a server that ignores ``stream`` and answers in one piece
            reply = self._whole(attempt, self._body(attempt, raw.http_response))
        return self._settle(attempt, reply)

    def _body(self, attempt: _Attempt, response: httpx2.Response) -> str:
        """The whole body of a response that does not stream, read as the SDK would have."""
        try:
            return response.read().decode("utf-8", errors="replace")
        except httpx2.TimeoutException as exc:
            attempt.report(CallOutcome.timeout, error=str(exc))
            raise openai.APITimeoutError(request=response.request) from exc
        except httpx2.RequestError as exc:
            attempt.report(CallOutcome.connection, error=one_line(str(exc)))
            raise openai.APIConnectionError(request=response.request) from exc

    def _streamed(self, attempt: _Attempt, chunks: Iterable[Any]) -> _Reply:
        """The reply as it streams in. A stream cut short (a silent server, a dropped
        connection, Ctrl-C) is recorded with the tokens it had cost, and its text kept."""
        reply = _Reply()
        seen = False
        try:
            for chunk in chunks:
                seen = True
                _take(reply, chunk)
        except BaseException as exc:
            outcome = self._record_cut(attempt, reply, exc)
            said = one_line(str(exc)) or type(exc).__name__
            if outcome is CallOutcome.http_error:
                raise ModelCallError(
                    f"{self.settings.endpoint} reported an error while answering: {said}",
                    stage=attempt.call.stage.name,
                ) from None
            if outcome is CallOutcome.malformed:
                raise MalformedAnswerError(
                    f"{self.settings.endpoint} sent a stream that is not chat completion chunks "
                    f"({one_line(str(exc), 80)})"
                ) from None
            raise
        if not seen:
            attempt.report(CallOutcome.malformed, error="no chat completion chunks")
            raise MalformedAnswerError(
                f"{self.settings.endpoint} answered with an empty stream, not a chat completion; "
                "check that OPENAI_BASE_URL points at an OpenAI-compatible API (usually .../v1)"
            )
        return reply

    def _record_cut(self, attempt: _Attempt, reply: _Reply, exc: BaseException) -> CallOutcome:
        """Record an attempt whose stream broke off, with the usage the server had reported or
        else an estimate of what it had cost, and keep the text that arrived."""
        if reply.content:
            attempt.listener.kept(
                attempt.call, attempt.number, reply.content, f"cut off: {type(exc).__name__}"
            )
        if isinstance(exc, openai.APITimeoutError):
            outcome = CallOutcome.timeout
        elif isinstance(exc, openai.APIConnectionError):
            outcome = CallOutcome.connection
        elif isinstance(exc, openai.APIError):
            outcome = CallOutcome.http_error  # the server sent an error event mid-stream
        elif isinstance(exc, ValueError):
            outcome = CallOutcome.malformed  # an event that is not JSON
        else:
            outcome = CallOutcome.interrupted
        said = one_line(str(exc)) or type(exc).__name__
        usage = reply.usage or attempt.estimated(reply)
        attempt.report(outcome, usage, error=said, estimated=reply.usage is None)
        return outcome

    def _whole(self, attempt: _Attempt, text: str) -> _Reply:
        """The reply of a server that answered in one body: it must be a chat completion."""
        try:
            body = json.loads(text)
        except ValueError:
            body = None
        choices = body.get("choices") if isinstance(body, dict) else None
        if not (
            isinstance(body, dict)
            and isinstance(choices, list)
            and choices
            and isinstance(choices[0], dict)
            and isinstance(choices[0].get("message"), dict)
        ):
            what = _describe_body(text, body)
            attempt.report(CallOutcome.malformed, error=what)
            raise MalformedAnswerError(
                f"{self.settings.endpoint} answered with {what}, not a chat completion; check "
                "that OPENAI_BASE_URL points at an OpenAI-compatible API (it usually ends in /v1)"
            )
        message, choice = choices[0]["message"], choices[0]
        usage = body.get("usage")
        finish = choice.get("finish_reason")
        reply = _Reply(
            usage=Usage.from_response(usage) if isinstance(usage, dict) else None,
            finish=finish if isinstance(finish, str) else None,
        )
        reply.add(message.get("content"))
        tool_calls = message.get("tool_calls")
        for tool_call in tool_calls if isinstance(tool_calls, list) else []:
            function = tool_call.get("function") if isinstance(tool_call, dict) else None
            reply.add(function.get("arguments") if isinstance(function, dict) else None)
        refusal = message.get("refusal")
        reply.refusal = refusal if isinstance(refusal, str) else ""
        return reply

    def _settle(self, attempt: _Attempt, reply: _Reply) -> str:
        """Record how the attempt ended; the answer's text, or the error it calls for."""
        call = attempt.call
        usage = reply.usage or attempt.estimated(reply)
        estimated = reply.usage is None
        if reply.refusal:
            attempt.report(CallOutcome.refused, usage, error=reply.refusal, estimated=estimated)
            raise RefusalError(f"the model refused: {reply.refusal}", stage=call.stage.name)
        if reply.finish == "content_filter":
            attempt.report(CallOutcome.content_filter, usage, estimated=estimated)
            raise RefusalError(
                "the provider's content filter stopped the answer", stage=call.stage.name
            )
        if reply.finish == "length":
            attempt.listener.kept(
                call, attempt.number, reply.content, f"cut off at {attempt.limit} tokens"
            )
            attempt.report(CallOutcome.truncated, usage, estimated=estimated)
            raise CutOffError
        try:
            call.stage.answer.model_validate_json(reply.content)
        except ValidationError as exc:
            attempt.report(
                CallOutcome.invalid,
                usage,
                error=f"{exc.error_count()} schema problems",
                estimated=estimated,
            )
            return reply.content
        attempt.report(CallOutcome.ok, usage, estimated=estimated)
        return reply.content


def mode_messages(mode: str, call: Call) -> list[Message]:
    """The call's messages; in JSON mode the system message also states the schema."""
    if mode != "json_object":
        return call.messages
    schema = json.dumps(to_strict_json_schema(call.stage.answer), ensure_ascii=False)
    note = (
        "\nAnswer with one JSON object and nothing else. It must follow this JSON Schema "
        f"({call.stage.answer.__name__}):\n{schema}\n"
    )
    system, *rest = call.messages
    return [{"role": system["role"], "content": system["content"] + note}, *rest]


def chat_request(
    model: str,
    temperature: float | None,
    mode: str,
    call: Call,
    messages: list[Message],
    limit: int,
    *,
    stream: bool,
) -> dict[str, Any]:
    """The body of a chat completion request for ``call`` in structured-output ``mode``:
    streamed for a live call, whole for a batch's request."""
    name = call.stage.answer.__name__
    request: dict[str, Any] = {
        "model": model,
        "messages": cast(list[ChatCompletionMessageParam], messages),
        "max_completion_tokens": limit,
    }
    if stream:
        request.update(stream=True, stream_options={"include_usage": True})
    if temperature is not None:
        request["temperature"] = temperature
    if mode == "json_schema":
        schema = to_strict_json_schema(call.stage.answer)
        request["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": name, "strict": True, "schema": schema},
        }
    elif mode == "tools":
        request["tools"] = [
            {
                "type": "function",
                "function": {
                    "name": name,
                    "description": "Give the stage's answer.",
                    "parameters": to_strict_json_schema(call.stage.answer),
                    "strict": True,
                },
            }
        ]
        request["tool_choice"] = {"type": "function", "function": {"name": name}}
    else:
        request["response_format"] = {"type": "json_object"}
    return request


def _take(reply: _Reply, chunk: Any) -> None:
    """Add one streamed chunk to ``reply``. The SDK builds chunks without validating them, so
    every part is checked before use: an odd chunk (no delta, a provider's filter results, a
    bare list) adds nothing rather than failing the answer."""
    usage = getattr(chunk, "usage", None)
    if usage is not None:
        reply.usage = Usage.from_response(
            usage.model_dump() if hasattr(usage, "model_dump") else usage
        )
    choices = getattr(chunk, "choices", None)
    for choice in choices if isinstance(choices, list) else []:
        delta = getattr(choice, "delta", None)
        reply.add(getattr(delta, "content", None))
        tool_calls = getattr(delta, "tool_calls", None)
        for tool_call in tool_calls if isinstance(tool_calls, list) else []:
            reply.add(getattr(getattr(tool_call, "function", None), "arguments", None))
        refusal = getattr(delta, "refusal", None)
        if isinstance(refusal, str):
            reply.refusal += refusal
        finish = getattr(choice, "finish_reason", None)
        if isinstance(finish, str) and finish:
            reply.finish = finish


def _describe_body(text: str, parsed: Any) -> str:
    """What a body that is not a chat completion looks like, in a few words."""
    start = text.lstrip()[:80]
    if not start:
        return "an empty body"
    if parsed is None and start.startswith("<"):
        return f"an HTML or XML page ({start!r}...)"
    if parsed is None:
        return f"text that is not valid JSON ({start!r}...)"
    if isinstance(parsed, dict) and "choices" not in parsed:
        return f"JSON without choices (keys: {', '.join(sorted(map(str, parsed))[:8])})"
    return "JSON whose choices hold no message"
