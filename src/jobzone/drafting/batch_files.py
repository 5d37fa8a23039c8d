"""The OpenAI Batch API's files: the requests of a round as JSONL, and the results read back.

One format for both engines: the Batch API's input file (what ``/v1/files`` takes with purpose
``batch``) is also what vLLM's ``run-batch`` reads, and its output and error files are what
``run-batch`` writes. A request is ``{custom_id, method, url, body}``; a result is ``{custom_id,
response: {status_code, body}, error}``. Each request's ``custom_id`` is made from its stage,
round, attempt and a hash of its body, so the same request always has the same id: a run that
is resumed finds the batch that already holds it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from jobzone.calls import Usage
from jobzone.errors import InputError

ENDPOINT = "/v1/chat/completions"


@dataclass(frozen=True)
class Request:
    custom_id: str
    body: dict[str, Any]


@dataclass(frozen=True)
class Result:
    """What came back for one request: a response (``status`` and ``body``), an error the
    batch reported for it, or an exception to raise in the run that asked (the round itself
    failed). ``status`` None and no error: the request never ran (the batch expired)."""

    status: int | None = None
    body: dict[str, Any] | None = None
    error: str | None = None
    raised: BaseException | None = None

    @property
    def answered(self) -> bool:
        return self.status == 200 and isinstance(self.body, dict)

    @property
    def ran(self) -> bool:
        return self.status is not None or self.error is not None or self.raised is not None


NOT_RUN = Result()


def custom_id(stage: str, round_: int, attempt: int, body: dict[str, Any]) -> str:
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()
    return f"{stage}-r{round_}-a{attempt}-{digest[:20]}"


def requests_jsonl(requests: Iterable[Request]) -> str:
    """The round's input file, one request a line, in custom_id order (the same round is the
    same file, byte for byte)."""
    lines = [
        json.dumps(
            {"custom_id": r.custom_id, "method": "POST", "url": ENDPOINT, "body": r.body},
            ensure_ascii=False,
            sort_keys=True,
        )
        for r in sorted(requests, key=lambda r: r.custom_id)
    ]
    return "".join(line + "\n" for line in lines)


def results_jsonl(results: dict[str, Result]) -> str:
    """Results as an output file holds them (an error as the batch reported it)."""
    lines = []
    for key in sorted(results):
        result = results[key]
        response = (
            {"status_code": result.status, "body": result.body}
            if result.status is not None
            else None
        )
        error = None if response is not None else {"code": None, "message": result.error}
        item = {"custom_id": key, "response": response, "error": error}
        lines.append(json.dumps(item, ensure_ascii=False, sort_keys=True))
    return "".join(line + "\n" for line in lines)


def read_results(text: str, source: str) -> dict[str, Result]:
    """The results of an output or error file by custom_id; a line that is not a result is an
    input error naming the file and line."""
    results: dict[str, Result] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            key = item["custom_id"]
        except (ValueError, KeyError, TypeError):
            raise InputError(
                f"line {number} is not a batch result (JSON with a custom_id)",
                file=source,
                rule="batch.result",
            ) from None
        results[str(key)] = _result(item)
    return results


#: Error codes of requests a batch never ran (they go into the next round, not counted as
#: failures).
NOT_RUN_CODES = frozenset({"batch_expired", "batch_cancelled"})


def _result(item: dict[str, Any]) -> Result:
    error = item.get("error")
    if isinstance(error, dict) and error.get("code") in NOT_RUN_CODES:
        return NOT_RUN
    response = item.get("response")
    if isinstance(response, dict) and isinstance(response.get("status_code"), int):
        body = response.get("body")
        status = int(response["status_code"])
        said = None if status == 200 else _error_text(body) or f"HTTP {status}"
        return Result(status, body if isinstance(body, dict) else None, said)
    return Result(error=_error_text({"error": error}) or "no response")


def _error_text(body: Any) -> str | None:
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        code, message = error.get("code"), error.get("message")
        return ": ".join(str(p) for p in (code, message) if p) or None
    return str(error) if error else None


@dataclass(frozen=True)
class Answer:
    """A chat completion's answer, as the batch returned it whole."""

    content: str
    finish: str | None
    refusal: str
    usage: Usage


def answer_of(body: dict[str, Any]) -> Answer | None:
    """The answer a chat completion body holds, or None when it holds none."""
    choices = body.get("choices")
    if not (isinstance(choices, list) and choices and isinstance(choices[0], dict)):
        return None
    message = choices[0].get("message")
    if not isinstance(message, dict):
        return None
    parts = [message.get("content")]
    calls = message.get("tool_calls")
    for call in calls if isinstance(calls, list) else []:
        function = call.get("function") if isinstance(call, dict) else None
        parts.append(function.get("arguments") if isinstance(function, dict) else None)
    finish = choices[0].get("finish_reason")
    refusal = message.get("refusal")
    return Answer(
        content="".join(p for p in parts if isinstance(p, str)),
        finish=finish if isinstance(finish, str) else None,
        refusal=refusal if isinstance(refusal, str) else "",
        usage=Usage.from_response(body.get("usage")),
    )
