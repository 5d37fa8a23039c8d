"""The estimated cost of model calls, from a price table that can be overridden."""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from jobzone.calls import Usage
from jobzone.documents import parse_yaml, read_yaml
from jobzone.errors import InputError

PRICES_ENV = "JOBZONE_PRICES"


class Price(BaseModel):
    """US dollars per million tokens."""

    model_config = ConfigDict(extra="forbid")

    input: float
    cached_input: float
    output: float


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

    def cost(self, model: str, usage: Usage) -> float | None:
        """Estimated cost in USD, or None when the model has no price."""
        price = self.prices.get(model)
        if price is None:
            return None
        uncached = usage.prompt_tokens - usage.cached_tokens
        dollars = (
            uncached * price.input
            + usage.cached_tokens * price.cached_input
            + usage.completion_tokens * price.output
        ) / 1_000_000
        return round(dollars, 6)
