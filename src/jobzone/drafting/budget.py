"""The token budget of one draft: a call is made only if it cannot take the draft past it.

Before each HTTP attempt the client asks the budget; the estimate is the prompt's size in tokens
(four characters a token, rounded up) plus the call's whole completion allowance, so a call that
passes can never exceed the budget. Concurrent calls reserve their estimate until they report.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from typing import Any

from jobzone.calls import CallRecord
from jobzone.errors import BudgetExceededError

CHARS_PER_TOKEN = 4


def estimate_prompt_tokens(messages: Sequence[Any]) -> int:
    chars = len(json.dumps(list(messages), ensure_ascii=False, default=str))
    return -(-chars // CHARS_PER_TOKEN)


class Budget:
    def __init__(self, limit: int | None, used: int = 0) -> None:
        self.limit = limit
        self.used = used
        self._reserved: dict[int, int] = {}
        self._lock = threading.Lock()

    def gate(self, stage: str, messages: Sequence[Any], max_completion_tokens: int) -> None:
        """Reserve room for a call by this thread, or raise BudgetExceededError."""
        estimate = estimate_prompt_tokens(messages) + max_completion_tokens
        with self._lock:
            committed = self.used + sum(self._reserved.values())
            if self.limit is not None and committed + estimate > self.limit:
                raise BudgetExceededError(
                    f"stopped before the {stage} call: it could use up to {estimate} tokens and "
                    f"{committed} of the {self.limit}-token budget are spent or reserved",
                    stage=stage,
                    spent=self.used,
                    limit=self.limit,
                )
            self._reserved[threading.get_ident()] = estimate

    def settle(self, record: CallRecord) -> None:
        """Replace this thread's reservation by what its call really used."""
        with self._lock:
            self._reserved.pop(threading.get_ident(), None)
            self.used += record.usage.total_tokens
