"""Importing this package registers every rule, one module per part of the assessment."""

from jobzone.validation.rules import tasks

__all__ = ["tasks"]
