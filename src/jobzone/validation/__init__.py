"""The validator: the rubric's error and warning rules, each with a stable code.

``validate`` checks a parsed assessment and its score; :func:`jobzone.checking.check` is the
entry point for a file's raw mapping (schema problems become findings too). Rules live in small
modules by the part of the assessment they concern and register themselves in
:mod:`jobzone.validation.registry`.
"""

from jobzone.validation.findings import Finding, Report, Severity
from jobzone.validation.run import validate

__all__ = ["Finding", "Report", "Severity", "validate"]
