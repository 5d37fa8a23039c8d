"""The one exception hierarchy of jobzone.

Every error the library raises on purpose is a :class:`JobzoneError`. Each class carries the data a
caller needs (file, field, rule) rather than only a formatted string, and names the process exit
code the CLI should use, so the CLI can turn any of them into a message at its edge.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jobzone.validation.findings import Report

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT = 2


class JobzoneError(Exception):
    """Base class of every deliberate jobzone error."""

    exit_code = EXIT_INPUT
    #: What to do next, when there is something to do (set by whoever knows: "resume with ...").
    hint: str | None = None

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"error": type(self).__name__, "message": self.message}
        return data | ({"hint": self.hint} if self.hint else {})


class InputError(JobzoneError):
    """Input that cannot be used: unreadable file, bad YAML, a field breaking a rule."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        field: str | None = None,
        rule: str | None = None,
    ) -> None:
        self.file = file
        self.field = field
        self.rule = rule
        parts = [p for p in (file, field) if p]
        where = ": ".join(parts)
        text = f"{where}: {message}" if where else message
        if rule:
            text = f"{text} [{rule}]"
        super().__init__(text)
        self.detail = message

    def to_dict(self) -> dict[str, object]:
        return super().to_dict() | {
            "message": self.detail,
            "file": self.file,
            "field": self.field,
            "rule": self.rule,
        }


class NotFoundError(InputError):
    """A file, role or draft that does not exist; ``suggestions``, the near names the message
    offers instead."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        field: str | None = None,
        rule: str | None = None,
        suggestions: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message, file=file, field=field, rule=rule)
        self.suggestions = suggestions


class UnscorableError(JobzoneError):
    """The scorer cannot score an assessment: its task time shares do not sum to the total.

    A draft may be kept in this state (its findings say why); a role file in it is bad input."""

    def __init__(self, message: str, *, field: str, rule: str) -> None:
        super().__init__(message)
        self.field = field
        self.rule = rule

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "field": self.field, "rule": self.rule}


class ConfigError(JobzoneError):
    """Missing or inconsistent configuration (environment, workspace)."""


class ConflictError(JobzoneError):
    """The workspace changed under us, or two writers raced: nothing was written."""

    exit_code = EXIT_FINDINGS


class NotAJobTitleError(JobzoneError):
    """The first drafting stage judged the text not to be a job title; nothing was queued."""

    def __init__(self, title: str, reason: str) -> None:
        super().__init__(f"{title!r} is not a job title: {reason}")
        self.title = title
        self.reason = reason


class BudgetExceededError(JobzoneError):
    """The next call could take the draft past ``--budget-tokens``; the run stopped cleanly."""

    exit_code = EXIT_FINDINGS

    def __init__(self, message: str, *, stage: str, spent: int, limit: int) -> None:
        super().__init__(message)
        self.stage = stage
        self.spent = spent
        self.limit = limit


class ModelCallError(JobzoneError):
    """A stage's call failed for good; the run stopped and can be resumed."""

    exit_code = EXIT_FINDINGS

    def __init__(self, message: str, *, stage: str, status: int | None = None) -> None:
        super().__init__(f"{stage} stage: {message}")
        self.stage = stage
        self.status = status


class RefusalError(ModelCallError):
    """The model declined to answer."""


class TruncatedError(ModelCallError):
    """The answer was cut off by the token limit even with more room."""


class BatchPendingError(ModelCallError):
    """The run's next requests were written to a batch file (``--batch-export``): it waits for
    the file's results (``--batch-import``), and stops meanwhile."""


class FindingsError(JobzoneError):
    """An action refused because of validator findings (errors, or unacknowledged warnings)."""

    exit_code = EXIT_FINDINGS

    def __init__(self, message: str, *, report: Report) -> None:
        super().__init__(message)
        self.report = report

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), **self.report.to_dict()}


class UnverifiedSourcesError(JobzoneError):
    """An approval refused because the workspace requires every source verified by a person,
    and some are not."""

    exit_code = EXIT_FINDINGS

    def __init__(self, message: str, *, paths: list[str]) -> None:
        super().__init__(message)
        self.paths = paths

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "unverified": self.paths}
