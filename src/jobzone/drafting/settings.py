"""Where drafting sends its calls: endpoint, key, model, timeout and structured-output mode, from
the environment or options."""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlparse

from jobzone.drafting.model import ModelChoice
from jobzone.errors import ConfigError

DEFAULT_MODEL = "gpt-5-mini"
TIMEOUT_ENV = "JOBZONE_TIMEOUT"
STRUCTURED_OUTPUT_ENV = "JOBZONE_STRUCTURED_OUTPUT"
#: Seconds without a byte from the server (answers stream, so a slow but working server is
#: never cut off by this; a silent one is).
DEFAULT_TIMEOUT = 120.0
#: How answers are held to their schema: ``auto`` finds the first the endpoint supports.
STRUCTURED_OUTPUTS = ("auto", "json_schema", "tools", "json_object")
OPENAI_HOST = "api.openai.com"
NO_ENDPOINT = (
    "no model endpoint is configured: set OPENAI_API_KEY to use OpenAI, or OPENAI_BASE_URL "
    "(with OPENAI_API_KEY if the server needs one) for any OpenAI-compatible server such as "
    "vLLM, Ollama or llama.cpp; choose the model with JOBZONE_MODEL or --model "
    f"(default {DEFAULT_MODEL})"
)


@dataclass(frozen=True)
class ModelSettings:
    model: str
    api_key: str
    base_url: str | None
    temperature: float | None = None
    read_timeout: float = DEFAULT_TIMEOUT
    structured_output: str = "auto"
    max_attempts: int = 6
    max_retry_seconds: float = 300.0
    max_wait_seconds: float = 60.0

    @classmethod
    def from_env(cls, choice: ModelChoice | None = None) -> ModelSettings:
        """OPENAI_API_KEY, OPENAI_BASE_URL, JOBZONE_MODEL, JOBZONE_TIMEOUT and
        JOBZONE_STRUCTURED_OUTPUT, each overridden by what ``choice`` says; one of the first two
        must be set. A local server usually needs no key, so a placeholder is sent then."""
        choice = choice or ModelChoice()
        key = os.environ.get("OPENAI_API_KEY") or None
        base_url = os.environ.get("OPENAI_BASE_URL") or None
        if key is None and base_url is None:
            raise ConfigError(NO_ENDPOINT)
        mode = choice.structured_output or os.environ.get(STRUCTURED_OUTPUT_ENV) or "auto"
        if mode not in STRUCTURED_OUTPUTS:
            raise ConfigError(
                f"{STRUCTURED_OUTPUT_ENV}={mode!r} is not a structured-output mode; use one of "
                + ", ".join(STRUCTURED_OUTPUTS)
            )
        return cls(
            model=choice.name or os.environ.get("JOBZONE_MODEL") or DEFAULT_MODEL,
            api_key=key or "not-needed",
            base_url=base_url,
            temperature=choice.temperature,
            read_timeout=choice.timeout or _timeout_from_env(),
            structured_output=mode,
        )

    @property
    def endpoint_host(self) -> str:
        """The host the calls go to, for provenance (never the key, never a path)."""
        if self.base_url is None:
            return OPENAI_HOST
        parsed = urlparse(self.base_url)
        return parsed.netloc.rsplit("@", 1)[-1] or self.base_url

    @property
    def endpoint(self) -> str:
        """The endpoint as messages name it: its URL without credentials, query or fragment."""
        if self.base_url is None:
            return f"https://{OPENAI_HOST}/v1"
        parsed = urlparse(self.base_url)
        return parsed._replace(netloc=self.endpoint_host, query="", fragment="").geturl()


def _timeout_from_env() -> float:
    text = os.environ.get(TIMEOUT_ENV)
    if not text:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not seconds > 0:
        raise ConfigError(f"{TIMEOUT_ENV}={text!r} is not a number of seconds above 0")
    return seconds
