"""The rule registry: every validator rule with its code, severity and what it checks."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from jobzone.validation.context import Context
from jobzone.validation.findings import Finding, Severity

Check = Callable[[Context], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    summary: str
    check: Check


RULES: dict[str, Rule] = {}


def rule(code: str, severity: Severity, summary: str) -> Callable[[Check], Check]:
    """Register a check under a stable code. The code never changes once published."""

    def register(check: Check) -> Check:
        if code in RULES:
            raise ValueError(f"rule {code} registered twice")
        RULES[code] = Rule(code=code, severity=severity, summary=summary, check=check)
        return check

    return register
