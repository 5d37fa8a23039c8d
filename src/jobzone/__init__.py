"""jobzone: draft, check, score and review AI job-risk (AIJRI) assessments."""

__version__ = "0.1.0"
