"""The validator: the rubric's error and warning rules, each with a stable code.

``validate_document`` is the entry point for a file's raw mapping (schema problems become findings
too); ``validate`` checks an already-parsed assessment. Rules live in small modules by the part of
the assessment they concern and register themselves in :mod:`jobzone.validation.registry`.
"""

from jobzone.validation.findings import Finding, Report, Severity
from jobzone.validation.run import validate, validate_document

__all__ = ["Finding", "Report", "Severity", "validate", "validate_document"]
