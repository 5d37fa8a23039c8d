"""The evidence's sources: where each one sits, whether a person verified it, and whether its
title names something an editor could look up.

A source path is written as a finding's path is, ``evidence.wage_trends.sources[0]``: the
validator reports at it (or at one of its fields), ``jobzone verify`` takes it, and an approval
that needs every source verified lists the missing ones by it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from jobzone.assessment import Assessment, Source

#: Who ``added_by`` names when a source does not say: sources predating the field are the model's.
MODEL = "model"


@dataclass(frozen=True)
class CitedSource:
    """One source of the evidence, with its path."""

    path: str
    dimension: str
    index: int
    source: Source

    @property
    def added_by(self) -> str:
        return self.source.added_by or MODEL

    @property
    def verified(self) -> bool:
        return self.source.verified


def cited(assessment: Assessment) -> Iterator[CitedSource]:
    """Every source of the evidence, dimension by dimension in the file's order."""
    for name in type(assessment.evidence).model_fields:
        for i, source in enumerate(getattr(assessment.evidence, name).sources):
            yield CitedSource(f"evidence.{name}.sources[{i}]", name, i, source)


def unverified(assessment: Assessment) -> list[CitedSource]:
    return [c for c in cited(assessment) if not c.verified]


# --- Vague titles ---------------------------------------------------------------------------------
#
# A title is findable when it names a publisher or a publication; a vague one describes a kind of
# source ("Industry reports", "Engineering blogs of large cloud users"). Telling the two apart needs
# no list of names, only of the generic words vague titles are made of: a title is vague when none
# of its words (nor any part of a hyphenated one) looks like a name. A word looks like a name when
# it is not one of GENERIC (small words, kinds of source, vague qualifiers, the abbreviations of
# the field) and it is
#
# - capitalised and not the title's first word (Title Case names: "Future of Jobs Report"),
# - capitalised inside (LinkedIn, McKinsey, OECD, GPT-4) wherever it stands,
# - the title's first word, capitalised, followed by a comma or colon or standing alone: the
#   "Publisher, publication" form ("Glassdoor, MLOps Engineer salaries (US)", "Gartner"), or
# - a web address (levels.fyi).
#
# The test leans to quiet. The false alarm it can raise is a lower-case brand ("glassdoor
# salaries"); what it misses is a vague title with a name-like topic word ("compensation data for
# SRE roles").


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Words that name nothing by themselves, capitalised or not.
GENERIC = (
    # small words, which Title Case capitalises too
    _words("a an and at by for from in into of on or the to with")
    # kinds of source
    | _words(
        "analysis analyses article articles blog blogs coverage data dataset datasets docs "
        "documentation forum forums news paper papers post posts postings press publication "
        "publications report reports research review reviews source sources statistics stats "
        "studies study survey surveys website websites"
    )
    # vague qualifiers
    | _words(
        "academic annual general government industry large leading major many misc miscellaneous "
        "multiple numerous online other public published recent several some top trade various"
    )
    # abbreviations that name a topic, not a publisher
    | _words("ai genai it llm llms ml uk us usa eu")
)

#: Punctuation around a word: brackets, commas, quotes (straight, curly and angled).
_EDGES = "()[]{}.,;:!?\"'\u2018\u2019\u201c\u201d\u00ab\u00bb"
_PARTS = re.compile(r"[-/]")
_WEB_ADDRESS = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}(/\S*)?$", re.IGNORECASE)


def _names(part: str, capital_counts: bool) -> bool:
    """Whether one word, or one part of a hyphenated word, reads as part of a name."""
    if not part or part.casefold() in GENERIC:
        return False
    return any(c.isupper() for c in part[1:]) or (capital_counts and part[0].isupper())


@lru_cache(maxsize=8192)
def vague_title(title: str) -> bool:
    """Whether a source's title names nothing to look up (see the comment above). Remembered:
    a set of roles cites the same publications over and over, and ``check`` asks of each."""
    tokens = title.split()
    for i, token in enumerate(tokens):
        word = token.strip(_EDGES)
        if _WEB_ADDRESS.match(word):
            return False
        # The first word is capitalised anyway, unless it leads a "Publisher, ..." title.
        capital_counts = i > 0 or len(tokens) == 1 or token.endswith((",", ":"))
        if any(_names(part, capital_counts) for part in _PARTS.split(word)):
            return False
    return True
