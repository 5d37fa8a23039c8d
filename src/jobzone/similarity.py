"""Which canonical roles look most like a given role, by title words and task words.

Used to calibrate drafting prompts with similar roles and by the validator's warning about an
uncompared, distant neighbour. The index is built once per canonical set; a look-up only scores
the roles that share a title word with the query, so checking a large set stays linear-ish.
"""

from __future__ import annotations

import bisect
import heapq
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

_WORD_RE = re.compile(r"[a-z0-9]+")
_STOP = frozenset({"and", "or", "of", "the", "a", "an", "for", "to", "in", "with", "on", "ai"})
TITLE_WEIGHT = 0.6
TASK_WEIGHT = 1 - TITLE_WEIGHT
MAX_POSTING = 200
#: Only this many candidates, the closest by title, are compared by their tasks as well.
SHORTLIST = 32


def name_key(name: str) -> str:
    """A title or task name as names are compared: case and runs of spaces ignored."""
    return " ".join(name.casefold().split())


def words(texts: Iterable[str]) -> frozenset[str]:
    """Lower-case content words of some texts."""
    found: set[str] = set()
    for text in texts:
        found.update(w for w in _WORD_RE.findall(text.lower()) if w not in _STOP)
    return frozenset(found)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


@dataclass(frozen=True)
class Profile:
    """The words a role is compared by."""

    title_words: frozenset[str]
    task_words: frozenset[str]

    @classmethod
    def of(cls, titles: Iterable[str], task_names: Iterable[str]) -> Profile:
        return cls(title_words=words(titles), task_words=words(task_names))

    def similarity(self, other: Profile) -> float:
        return TITLE_WEIGHT * jaccard(self.title_words, other.title_words) + TASK_WEIGHT * jaccard(
            self.task_words, other.task_words
        )


@dataclass
class SimilarityIndex:
    profiles: dict[str, Profile] = field(default_factory=dict)
    by_word: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, slug: str, profile: Profile) -> None:
        self.profiles[slug] = profile
        for word in profile.title_words:
            self.by_word[word].add(slug)

    def candidates(self, query: Profile) -> set[str]:
        """Roles sharing an informative title word with the query.

        A word carried by more than MAX_POSTING roles ("engineer") says little on its own; it is
        used only when the query has no rarer word, and then only for its MAX_POSTING first roles
        by slug, so one look-up costs at most a bounded number of comparisons.
        """
        postings = sorted(
            (self.by_word[w] for w in query.title_words if w in self.by_word), key=len
        )
        rare = [p for p in postings if len(p) <= MAX_POSTING]
        if rare:
            return set().union(*rare)
        if postings:
            return set(sorted(postings[0])[:MAX_POSTING])
        return set()

    def ranked(
        self, query: Profile, *, exclude: frozenset[str] = frozenset(), limit: int = 3
    ) -> list[tuple[str, float]]:
        """Up to ``limit`` (slug, similarity) pairs, most similar first, ties by slug.

        Candidates are ranked by title similarity (counted with set operations on the index)
        and the SHORTLIST closest are compared by their tasks too, best first; once even a
        perfect task match could not lift the next one into the top ``limit``, the rest are
        skipped. Title words weigh most, so a role outside the shortlist is rarely the answer;
        that is the price of a look-up whose cost does not grow with the set."""
        candidates = self.candidates(query) - exclude
        shared: Counter[str] = Counter()
        for word in query.title_words:
            shared.update(self.by_word.get(word, set()) & candidates)
        words_in_query = len(query.title_words)
        by_title = heapq.nsmallest(
            max(SHORTLIST, limit),
            (
                (-n / (words_in_query + len(self.profiles[slug].title_words) - n), slug)
                for slug, n in shared.items()
            ),
        )
        best: list[tuple[float, str]] = []  # (-similarity, slug), kept sorted
        for negative_title, slug in by_title:
            ceiling = TITLE_WEIGHT * -negative_title + TASK_WEIGHT
            if len(best) == limit and ceiling < -best[-1][0]:
                break
            bisect.insort(best, (-query.similarity(self.profiles[slug]), slug))
            del best[limit:]
        return [(slug, -negative) for negative, slug in best]
