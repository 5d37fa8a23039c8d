"""Where drafting sends its calls: endpoint, key and model, from the environment or options."""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlparse

from jobzone.errors import ConfigError

DEFAULT_MODEL = "gpt-5-mini"
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
    read_timeout: float = 120.0
    max_attempts: int = 6
    max_retry_seconds: float = 300.0
    max_wait_seconds: float = 60.0

    @classmethod
    def from_env(cls, model: str | None = None, temperature: float | None = None) -> ModelSettings:
        """OPENAI_API_KEY, OPENAI_BASE_URL and JOBZONE_MODEL (or ``model``); one of the first two
        must be set. A local server usually needs no key, so a placeholder is sent then."""
        key = os.environ.get("OPENAI_API_KEY") or None
        base_url = os.environ.get("OPENAI_BASE_URL") or None
        if key is None and base_url is None:
            raise ConfigError(NO_ENDPOINT)
        return cls(
            model=model or os.environ.get("JOBZONE_MODEL") or DEFAULT_MODEL,
            api_key=key or "not-needed",
            base_url=base_url,
            temperature=temperature,
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
