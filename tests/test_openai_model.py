"""How the real model words a failure: what it was, where, and what happens next (defect 21).

The HTTP exchanges themselves are replayed from cassettes elsewhere; here the SDK object of one
:class:`OpenAIModel` is replaced by one that fails as a closed port or a silent server would,
so nothing is sent anywhere.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import httpx2
import openai
import pytest

from jobzone.calls import CallOutcome, CallRecord
from jobzone.drafting.model import Call
from jobzone.drafting.openai_model import OpenAIModel
from jobzone.drafting.prompts import data_message
from jobzone.drafting.settings import ModelSettings
from jobzone.drafting.stages import ROLE
from jobzone.errors import ModelCallError

BASE_URL = "http://user:secret@127.0.0.1:8080/v1?x=1"


class Heard:
    """A listener that keeps what it hears."""

    def __init__(self) -> None:
        self.records: list[CallRecord] = []
        self.waits: list[tuple[str, float]] = []

    def before_attempt(self, call: Call, attempt: int, max_completion_tokens: int) -> None:
        pass

    def after_attempt(self, record: CallRecord) -> None:
        self.records.append(record)

    def waiting(self, call: Call, reason: str, seconds: float) -> None:
        self.waits.append((reason, seconds))


def failing_model(error: type[openai.APIConnectionError]) -> OpenAIModel:
    settings = ModelSettings(
        model="m", api_key="k", base_url=BASE_URL, max_attempts=3, read_timeout=45.0
    )
    model = OpenAIModel(settings, sleep=lambda _seconds: None)
    request = httpx2.Request("POST", "http://127.0.0.1:8080/v1/chat/completions")

    def parse(**_kwargs: Any) -> Any:
        if error is openai.APITimeoutError:
            raise openai.APITimeoutError(request=request)
        raise openai.APIConnectionError(request=request)

    model.sdk = SimpleNamespace(  # type: ignore[assignment]
        chat=SimpleNamespace(
            completions=SimpleNamespace(with_raw_response=SimpleNamespace(parse=parse))
        )
    )
    return model


CALL = Call(ROLE, 0, [data_message({"title": "Nurse"})])


def test_a_refused_connection_names_the_endpoint_without_its_credentials() -> None:
    heard = Heard()

    with pytest.raises(ModelCallError) as caught:
        failing_model(openai.APIConnectionError).ask(CALL, heard)

    message = caught.value.message
    assert "could not connect to http://127.0.0.1:8080/v1" in message
    assert "secret" not in message and "x=1" not in message
    assert [r.outcome for r in heard.records] == [CallOutcome.connection] * 3
    assert [reason for reason, _ in heard.waits] == ["could not connect"] * 2


def test_a_timeout_says_the_endpoint_was_slow_not_unreachable() -> None:
    heard = Heard()

    with pytest.raises(ModelCallError) as caught:
        failing_model(openai.APITimeoutError).ask(CALL, heard)

    assert "http://127.0.0.1:8080/v1 gave no answer within 45 s" in caught.value.message
    assert "could not connect" not in caught.value.message
    assert [r.outcome for r in heard.records] == [CallOutcome.timeout] * 3
    assert [reason for reason, _ in heard.waits] == ["no answer in time"] * 2
