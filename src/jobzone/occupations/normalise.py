"""Turning titles and queries into comparable words, the same way on both sides.

A title becomes lower-case ASCII words of letters and digits: accents are dropped, every other
character separates words ("Engineers/Architects" is two words, "E-Commerce" two), and plurals
are folded lightly ("Nurses" and "Nurse" meet, "Coaches" and "Coach", "Secretaries" and
"Secretary") without a stemmer's guesses ("Accounting" stays apart from "Accountant"). Since
only such words reach the index's query, no user text can be read as FTS5 syntax.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+")
#: Words that carry no meaning in a title ("Payroll and Timekeeping Clerks"). Not "or", which
#: titles use for "operating room" ("OR RN"), nor "it".
STOP_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "the", "to", "with"}
)
#: Terms O*NET 29.3 does not know, and the words it uses for them. Applied to a query's word only
#: when the index does not have that word, so O*NET's own wording always wins.
EXPANSIONS: dict[str, str] = {
    "mlops": "machine learning operations",
    "aiops": "artificial intelligence operations",
    "llm": "artificial intelligence",
    "ml": "machine learning",
    "ai": "artificial intelligence",
    "sre": "site reliability engineer",
    "ux": "user experience",
    "ui": "user interface",
    "qa": "quality assurance",
    "hr": "human resources",
    "devsecops": "development security operations",
    "finops": "financial operations",
}


def fold(word: str) -> str:
    """``word`` (lower-case) with a plural ending taken off."""
    if len(word) <= 3 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order, stop words included."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return [fold(w) for w in _WORD.findall(ascii_text.lower())]


def normalise(text: str) -> str:
    """``text`` as the index stores it: its folded words joined by single spaces."""
    return " ".join(words(text))


def expansion(word: str) -> list[str]:
    """The words O*NET uses for ``word`` (a folded word), or none."""
    return _EXPANDED.get(word, [])


def content(tokens: list[str]) -> list[str]:
    """``tokens`` without stop words, unless that leaves none; each once, in order."""
    kept = [t for t in tokens if t not in STOP_WORDS] or tokens
    return list(dict.fromkeys(kept))


_EXPANDED = {fold(term): words(meaning) for term, meaning in EXPANSIONS.items()}
