"""Importing this package registers every rule, one module per part of the assessment.

``claims`` registers nothing: it is the literal-figure detector the commentary rules use.
"""

from jobzone.validation.rules import commentary, evidence, override, score, tasks, text

__all__ = ["commentary", "evidence", "override", "score", "tasks", "text"]
