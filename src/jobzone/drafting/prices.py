"""The estimated cost of model calls, from a price table that can be overridden."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from jobzone.calls import CallRecord, Usage, live_and_batched
from jobzone.documents import parse_yaml, read_yaml
from jobzone.errors import InputError

PRICES_ENV = "JOBZONE_PRICES"


class Price(BaseModel):
    """US dollars per million tokens; the Batch API's prices, when a table gives them, else half
    the list prices (what OpenAI charges for batches)."""

    model_config = ConfigDict(extra="forbid")

    input: float
    cached_input: float
    output: float
    batch_input: float | None = None
    batch_cached_input: float | None = None
    batch_output: float | None = None

    def per_token(self, batch: bool) -> tuple[float, float, float]:
        """Input, cached input and output prices, live or through a batch."""
        if not batch:
            return self.input, self.cached_input, self.output
        return (
            self.input / 2 if self.batch_input is None else self.batch_input,
            self.cached_input / 2 if self.batch_cached_input is None else self.batch_cached_input,
            self.output / 2 if self.batch_output is None else self.batch_output,
        )


_PRICE_TABLE = TypeAdapter(dict[str, Price])


@dataclass(frozen=True)
class PriceTable:
    prices: dict[str, Price]
    source: str

    @classmethod
    def load(cls, override: Path | None = None) -> PriceTable:
        """``override``, else ``$JOBZONE_PRICES``, else the table shipped with jobzone."""
        chosen = override or (Path(os.environ[PRICES_ENV]) if os.environ.get(PRICES_ENV) else None)
        if chosen is not None:
            data, source = read_yaml(chosen), str(chosen)
        else:
            text = (resources.files("jobzone.drafting") / "prices.yaml").read_text("utf-8")
            data, source = parse_yaml(text, "prices.yaml"), "built-in"
        try:
            return cls(prices=_PRICE_TABLE.validate_python(data), source=source)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise InputError(
                first["msg"], file=source, field=".".join(map(str, first["loc"])), rule="prices"
            ) from None

    def cost(self, model: str, usage: Usage, batched: Usage | None = None) -> float | None:
        """Estimated cost in USD of ``usage`` at list prices and ``batched`` at batch prices,
        or None when the model has no price."""
        price = self.prices.get(model)
        if price is None:
            return None
        dollars = _dollars(usage, price.per_token(False))
        if batched is not None:
            dollars += _dollars(batched, price.per_token(True))
        return round(dollars / 1_000_000, 6)

    def cost_of_calls(self, model: str, calls: Sequence[CallRecord]) -> float | None:
        """Estimated cost of ``calls``: those made through a batch at batch prices."""
        return self.cost(model, *live_and_batched(calls))


def _dollars(usage: Usage, prices: tuple[float, float, float]) -> float:
    """Dollars times a million, for ``usage`` at (input, cached input, output) prices."""
    uncached = usage.prompt_tokens - usage.cached_tokens
    return (
        uncached * prices[0] + usage.cached_tokens * prices[1] + usage.completion_tokens * prices[2]
    )
