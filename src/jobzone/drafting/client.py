"""One model call of one stage, with transient failures retried and every attempt recorded.

tenacity retries what may pass (429 honouring Retry-After / retry-after-ms, 408, 409, 5xx,
connection errors and timeouts) with exponential backoff and jitter, capped in attempts and total
time; the SDK's own retries are off so the two never stack. Client errors (400, 401, 403, 404,
422) are not retried. A refusal is reported, not retried; an answer cut off by the token limit is
retried once with twice the room, then reported.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import openai
import tenacity
from openai.types.chat import ChatCompletionMessageParam
from pydantic import ValidationError

from jobzone.drafting.records import CallRecord
from jobzone.drafting.settings import ModelSettings
from jobzone.drafting.stages import Stage
from jobzone.drafting.usage import Usage
from jobzone.errors import (
    ConfigError,
    JobzoneError,
    ModelCallError,
    RefusalError,
    TruncatedError,
)

TRANSIENT_STATUSES = frozenset({408, 409, 429})
CONFIG_STATUSES = frozenset({401, 403, 404})


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


class ModelClient:
    """Calls stages through the real openai SDK and reports every attempt to ``record``."""

    def __init__(
        self,
        settings: ModelSettings,
        record: Callable[[CallRecord], None],
        *,
        gate: Callable[[str, list[ChatCompletionMessageParam], int], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """``record`` receives every attempt; ``gate`` (the budget) may refuse one before it is
        sent by raising; ``sleep`` is how retries wait (tests pass a recorder)."""
        self.settings = settings
        self.record = record
        self.gate = gate
        self.sleep = sleep
        self.sdk = openai.OpenAI(
            api_key=settings.api_key,
            base_url=settings.base_url,
            max_retries=0,
            timeout=openai.Timeout(settings.read_timeout, connect=10.0),
        )

    def ask(self, stage: Stage, round_: int, messages: list[ChatCompletionMessageParam]) -> str:
        """The text of the stage's answer, which may still break its schema (the caller parses
        it, as it parses an answer replayed from the journal); raises ModelCallError (or a
        subclass) when there is no answer."""
        attempts = iter(range(1, 1_000))
        limit = stage.max_completion_tokens
        try:
            return self._with_retries(stage, round_, messages, limit, attempts)
        except openai.LengthFinishReasonError:
            pass
        try:
            return self._with_retries(stage, round_, messages, limit * 2, attempts)
        except openai.LengthFinishReasonError:
            raise TruncatedError(
                f"answer cut off at {limit * 2} completion tokens, even on a retry with more room",
                stage=stage.name,
            ) from None

    def _with_retries(
        self,
        stage: Stage,
        round_: int,
        messages: list[ChatCompletionMessageParam],
        limit: int,
        attempts: Any,
    ) -> str:
        s = self.settings
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception(is_transient),
            wait=_WaitRetryAfter(s.max_wait_seconds),
            stop=tenacity.stop_after_attempt(s.max_attempts)
            | tenacity.stop_after_delay(s.max_retry_seconds),
            sleep=self.sleep,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    return self._once(stage, round_, messages, limit, next(attempts))
        except openai.APIStatusError as exc:
            raise self._status_failure(stage, exc) from None
        except openai.APIConnectionError as exc:
            raise ModelCallError(f"could not reach the endpoint: {exc}", stage=stage.name) from None
        raise AssertionError("tenacity ended without an outcome")

    def _status_failure(self, stage: Stage, exc: openai.APIStatusError) -> JobzoneError:
        detail = f"HTTP {exc.status_code}: {exc.message}"
        if exc.status_code in CONFIG_STATUSES:
            return ConfigError(
                f"{stage.name} stage: {detail} (check OPENAI_API_KEY, OPENAI_BASE_URL and the "
                f"model name {self.settings.model!r})"
            )
        return ModelCallError(detail, stage=stage.name, status=exc.status_code)

    def _once(
        self,
        stage: Stage,
        round_: int,
        messages: list[ChatCompletionMessageParam],
        limit: int,
        attempt: int,
    ) -> str:
        if self.gate is not None:
            self.gate(stage.name, messages, limit)
        started = time.monotonic()
        at = datetime.now(UTC)

        def note(outcome: str, usage: Usage | None = None, error: str | None = None) -> None:
            self.record(
                CallRecord(
                    stage=stage.name,
                    round=round_,
                    attempt=attempt,
                    outcome=outcome,
                    at=at,
                    latency_ms=round((time.monotonic() - started) * 1000),
                    max_completion_tokens=limit,
                    usage=usage or Usage(),
                    error=error,
                )
            )

        try:
            raw = self.sdk.chat.completions.with_raw_response.parse(
                model=self.settings.model,
                messages=messages,
                response_format=stage.answer,
                max_completion_tokens=limit,
                **self._optional(),
            )
        except openai.APIStatusError as exc:
            note(f"http {exc.status_code}", error=exc.message)
            raise
        except openai.APITimeoutError as exc:
            note("timeout", error=str(exc))
            raise
        except openai.APIConnectionError as exc:
            note("connection", error=str(exc))
            raise
        body = json.loads(raw.http_response.text)
        usage = Usage.from_response(body.get("usage"))
        content = _message_content(body)
        try:
            completion = raw.parse()
        except openai.LengthFinishReasonError:
            note("truncated", usage)
            raise
        except openai.ContentFilterFinishReasonError as exc:
            note("content-filter", usage, str(exc))
            raise RefusalError(
                "the provider's content filter stopped the answer", stage=stage.name
            ) from None
        except ValidationError as exc:
            note("invalid", usage, f"{exc.error_count()} schema problems")
            return content
        message = completion.choices[0].message
        if message.refusal:
            note("refused", usage, message.refusal)
            raise RefusalError(f"the model refused: {message.refusal}", stage=stage.name)
        note("ok", usage)
        return content

    def _optional(self) -> dict[str, Any]:
        t = self.settings.temperature
        return {} if t is None else {"temperature": t}


def _message_content(body: dict[str, Any]) -> str:
    try:
        content = body["choices"][0]["message"].get("content")
    except (KeyError, IndexError, TypeError, AttributeError):
        return ""
    return content if isinstance(content, str) else ""
