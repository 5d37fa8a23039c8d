"""The real model: the openai SDK against any OpenAI-compatible endpoint.

tenacity retries what may pass (429 honouring Retry-After / retry-after-ms, 408, 409, 5xx,
connection errors and timeouts) with exponential backoff and jitter, capped in attempts and total
time; the SDK's own retries are off so the two never stack. Client errors (400, 401, 403, 404,
422) are not retried. A refusal is reported, not retried; an answer cut off by the token limit is
retried once with twice the room, then reported. A body that is not a chat completion (an HTML
error page with status 200, truncated JSON, no ``choices``) stops the call: the endpoint is not
speaking the protocol, and asking again rarely helps.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

import openai
import tenacity
from openai.types.chat import ChatCompletionMessageParam
from pydantic import ValidationError

from jobzone.calls import CallOutcome, CallRecord, Usage
from jobzone.drafting.model import Call, Listener, ModelIdentity
from jobzone.drafting.settings import ModelSettings
from jobzone.errors import (
    ConfigError,
    JobzoneError,
    ModelCallError,
    RefusalError,
    TruncatedError,
)

TRANSIENT_STATUSES = frozenset({408, 409, 429})
CONFIG_STATUSES = frozenset({401, 403, 404})
#: How much of a malformed body a message quotes.
QUOTED_CHARS = 80


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
        when = email.utils.parsedate_to_datetime(value) if value else None
        return max((when - datetime.now(UTC)).total_seconds(), 0.0) if when else None


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, openai.APIConnectionError):  # includes timeouts
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in TRANSIENT_STATUSES or exc.status_code >= 500
    return False


def why_retried(exc: BaseException | None) -> str:
    """The reason a retry is needed, in words."""
    if isinstance(exc, openai.APITimeoutError):
        return "no answer in time"
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


class MalformedAnswerError(Exception):
    """A 200 answer that is not a chat completion; the attempt's record is already made."""


@dataclass
class _Attempt:
    """One HTTP attempt: numbers it and reports its record to the listener."""

    call: Call
    listener: Listener
    number: int
    limit: int

    def __post_init__(self) -> None:
        self.started = time.monotonic()
        self.at = datetime.now(UTC)

    def report(
        self,
        outcome: CallOutcome,
        usage: Usage | None = None,
        error: str | None = None,
        status: int | None = None,
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
                error=error,
            )
        )


class OpenAIModel:
    """A :class:`~jobzone.drafting.model.Model` reached through the openai SDK."""

    def __init__(
        self, settings: ModelSettings, *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        """``sleep`` is how retries wait (tests pass a recorder)."""
        self.settings = settings
        self.sleep = sleep
        self.sdk = openai.OpenAI(
            api_key=settings.api_key,
            base_url=settings.base_url,
            max_retries=0,
            timeout=openai.Timeout(settings.read_timeout, connect=10.0),
        )

    @property
    def identity(self) -> ModelIdentity:
        s = self.settings
        return ModelIdentity(s.model, s.endpoint_host, s.endpoint, s.temperature)

    def ask(self, call: Call, listener: Listener) -> str:
        attempts = iter(range(1, 1_000))
        limit = call.stage.max_completion_tokens
        try:
            return self._with_retries(call, listener, limit, attempts)
        except openai.LengthFinishReasonError:
            pass
        try:
            return self._with_retries(call, listener, limit * 2, attempts)
        except openai.LengthFinishReasonError:
            raise TruncatedError(
                f"answer cut off at {limit * 2} completion tokens, even on a retry with more room",
                stage=call.stage.name,
            ) from None

    def _with_retries(
        self, call: Call, listener: Listener, limit: int, attempts: Iterator[int]
    ) -> str:
        s = self.settings

        def before_sleep(state: tenacity.RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            wait = state.next_action.sleep if state.next_action else 0.0
            listener.waiting(call, why_retried(exc), wait)

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception(is_transient),
            wait=_WaitRetryAfter(s.max_wait_seconds),
            stop=tenacity.stop_after_attempt(s.max_attempts)
            | tenacity.stop_after_delay(s.max_retry_seconds),
            sleep=self.sleep,
            before_sleep=before_sleep,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    return self._once(_Attempt(call, listener, next(attempts), limit))
        except openai.APIStatusError as exc:
            raise self._status_failure(call, exc) from None
        except openai.APITimeoutError:
            raise ModelCallError(
                f"{s.endpoint} gave no answer within {s.read_timeout:.0f} s", stage=call.stage.name
            ) from None
        except openai.APIConnectionError as exc:
            raise ModelCallError(
                f"could not connect to {s.endpoint}: {exc}", stage=call.stage.name
            ) from None
        except MalformedAnswerError as exc:
            raise ModelCallError(str(exc), stage=call.stage.name) from None
        raise AssertionError("tenacity ended without an outcome")

    def _status_failure(self, call: Call, exc: openai.APIStatusError) -> JobzoneError:
        detail = f"{self.settings.endpoint} answered HTTP {exc.status_code}: {exc.message}"
        if exc.status_code in CONFIG_STATUSES:
            return ConfigError(
                f"{call.stage.name} stage: {detail} (check OPENAI_API_KEY, OPENAI_BASE_URL and "
                f"the model name {self.settings.model!r})"
            )
        return ModelCallError(detail, stage=call.stage.name, status=exc.status_code)

    def _once(self, attempt: _Attempt) -> str:
        call = attempt.call
        attempt.listener.before_attempt(call, attempt.number, attempt.limit)
        attempt.started = time.monotonic()
        try:
            raw = self.sdk.chat.completions.with_raw_response.parse(
                model=self.settings.model,
                messages=cast(list[ChatCompletionMessageParam], call.messages),
                response_format=call.stage.answer,
                max_completion_tokens=attempt.limit,
                **self._optional(),
            )
        except openai.APIStatusError as exc:
            attempt.report(CallOutcome.http_error, error=exc.message, status=exc.status_code)
            raise
        except openai.APITimeoutError as exc:
            attempt.report(CallOutcome.timeout, error=str(exc))
            raise
        except openai.APIConnectionError as exc:
            attempt.report(CallOutcome.connection, error=str(exc))
            raise
        body = self._completion_body(attempt, raw.http_response.text)
        usage = Usage.from_response(body.get("usage"))
        content = _message_content(body)
        try:
            completion = raw.parse()
        except openai.LengthFinishReasonError:
            attempt.report(CallOutcome.truncated, usage)
            raise
        except openai.ContentFilterFinishReasonError as exc:
            attempt.report(CallOutcome.content_filter, usage, str(exc))
            raise RefusalError(
                "the provider's content filter stopped the answer", stage=call.stage.name
            ) from None
        except ValidationError as exc:
            attempt.report(CallOutcome.invalid, usage, f"{exc.error_count()} schema problems")
            return content
        message = completion.choices[0].message
        if message.refusal:
            attempt.report(CallOutcome.refused, usage, message.refusal)
            raise RefusalError(f"the model refused: {message.refusal}", stage=call.stage.name)
        attempt.report(CallOutcome.ok, usage)
        return content

    def _completion_body(self, attempt: _Attempt, text: str) -> dict[str, Any]:
        """The body as a chat completion (a mapping with a choice holding a message), else the
        attempt is recorded as malformed and MalformedAnswerError raised."""
        try:
            body = json.loads(text)
        except ValueError:
            body = None
        choices = body.get("choices") if isinstance(body, dict) else None
        if (
            isinstance(body, dict)
            and isinstance(choices, list)
            and choices
            and isinstance(choices[0], dict)
            and isinstance(choices[0].get("message"), dict)
        ):
            return body
        what = _describe_body(text, body)
        attempt.report(CallOutcome.malformed, error=what)
        raise MalformedAnswerError(
            f"{self.settings.endpoint} answered with {what}, not a chat completion; check that "
            "OPENAI_BASE_URL points at an OpenAI-compatible API (it usually ends in /v1)"
        )

    def _optional(self) -> dict[str, Any]:
        t = self.settings.temperature
        return {} if t is None else {"temperature": t}


def _describe_body(text: str, parsed: Any) -> str:
    """What a body that is not a chat completion looks like, in a few words."""
    start = text.lstrip()[:QUOTED_CHARS]
    if not start:
        return "an empty body"
    if parsed is None and start.startswith("<"):
        return f"an HTML or XML page ({start!r}...)"
    if parsed is None:
        return f"text that is not valid JSON ({start!r}...)"
    if isinstance(parsed, dict) and "choices" not in parsed:
        return f"JSON without choices (keys: {', '.join(sorted(map(str, parsed))[:8])})"
    return "JSON whose choices hold no message"


def _message_content(body: dict[str, Any]) -> str:
    content = body["choices"][0]["message"].get("content")
    return content if isinstance(content, str) else ""
