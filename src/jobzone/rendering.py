"""Rendering an assessment as Markdown or HTML (placeholder until the renderer lands)."""

from __future__ import annotations

from jobzone.assessment import Assessment
from jobzone.canonical import CanonicalSet

FORMATS = ("md", "html")


def render(assessment: Assessment, canonical: CanonicalSet, fmt: str) -> str:
    raise NotImplementedError
