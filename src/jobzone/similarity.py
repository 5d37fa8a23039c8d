"""Which canonical roles look most like a given role, by title words and task words.

Used to calibrate drafting prompts with similar roles and by the validator's warning about an
uncompared, distant neighbour. The index is built once per canonical set; a look-up only scores
the roles that share a title word with the query, so checking a large set stays linear-ish.
"""

from __future__ import annotations

import bisect
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain

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


def words_of(text: str) -> frozenset[str]:
    """Space-separated words as a set, one copy of each word however many roles use it."""
    return frozenset(map(sys.intern, text.split()))


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
    #: A common word's MAX_POSTING first roles by slug, worked out once per word and kept until
    #: a role is added (a check of 20,000 roles asks for the same few words thousands of times).
    _first: dict[str, frozenset[str]] = field(default_factory=dict)
    _title_lengths: dict[str, int] = field(default_factory=dict)
    #: Task words added as text (:meth:`add_words`), made a Profile when first compared.
    _pending: dict[str, tuple[frozenset[str], str]] = field(default_factory=dict)

    def add(self, slug: str, profile: Profile) -> None:
        self.profiles[slug] = profile
        self._index_title(slug, profile.title_words)

    def add_words(self, slug: str, title_words: frozenset[str], task_words: str) -> None:
        """:meth:`add` with the task words as space-separated text: a look-up compares a few
        dozen roles by their tasks, so of 20,000 roles most never need theirs as a set."""
        self._pending[slug] = (title_words, task_words)
        self._index_title(slug, title_words)

    def _index_title(self, slug: str, title_words: frozenset[str]) -> None:
        self._title_lengths[slug] = len(title_words)
        self._first.clear()
        for word in title_words:
            self.by_word[word].add(slug)

    def profile(self, slug: str) -> Profile:
        found = self.profiles.get(slug)
        if found is None:
            title_words, task_words = self._pending.pop(slug)
            found = self.profiles[slug] = Profile(title_words, words_of(task_words))
        return found

    def candidates(self, query: Profile) -> set[str] | frozenset[str]:
        """Roles sharing an informative title word with the query.

        A word carried by more than MAX_POSTING roles ("engineer") says little on its own; it is
        used only when the query has no rarer word, and then only for its MAX_POSTING first roles
        by slug, so one look-up costs at most a bounded number of comparisons.
        """
        by_word = self.by_word
        postings = sorted(
            ((by_word[w], w) for w in query.title_words if w in by_word),
            key=lambda posting: len(posting[0]),
        )
        rare = [p for p, _ in postings if len(p) <= MAX_POSTING]
        if rare:
            return set().union(*rare)
        if postings:
            posting, word = postings[0]
            first = self._first.get(word)
            if first is None:
                first = self._first[word] = frozenset(sorted(posting)[:MAX_POSTING])
            return first
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
        by_word = self.by_word
        postings = [by_word[w] & candidates for w in query.title_words if w in by_word]
        words_in_query = len(query.title_words)
        shortlist = max(SHORTLIST, limit)
        by_title = self._by_title(postings, words_in_query, shortlist, many=True)
        if by_title is None:
            by_title = self._by_title(postings, words_in_query, shortlist, many=False)
            assert by_title is not None
        best: list[tuple[float, str]] = []  # (-similarity, slug), kept sorted
        for negative_title, slug in by_title:
            title = -negative_title
            if len(best) == limit and TITLE_WEIGHT * title + TASK_WEIGHT < -best[-1][0]:
                break
            # As Profile.similarity, the title's share being already known.
            similarity = TITLE_WEIGHT * title + TASK_WEIGHT * jaccard(
                query.task_words, self.profile(slug).task_words
            )
            bisect.insort(best, (-similarity, slug))
            del best[limit:]
        return [(slug, -negative) for negative, slug in best]

    def _by_title(
        self, postings: list[set[str]], words_in_query: int, shortlist: int, *, many: bool
    ) -> list[tuple[float, str]] | None:
        """The ``shortlist`` candidates closest by title, as (-similarity, slug) in order.

        Title similarity is n / (|query| + |title| - n), n the words they share: worked out in
        one pass and sorted in C, the slug breaking ties. A candidate sharing one word is at
        most 1 / |query| alike, so with ``many`` only those sharing two or more are ranked
        (found with set operations), and None is returned unless the shortlist is full of
        candidates strictly closer than that: the shortlist is then the same, found sooner."""
        if many:
            pool: set[str] = set()
            for i, first in enumerate(postings):
                for second in postings[i + 1 :]:
                    pool |= first & second
            if len(pool) < shortlist:
                return None
            postings = [posting & pool for posting in postings]
        shared = Counter(chain.from_iterable(postings))
        lengths = self._title_lengths
        ranked = sorted(
            [(-n / (words_in_query + lengths[slug] - n), slug) for slug, n in shared.items()]
        )[:shortlist]
        if many and -ranked[-1][0] <= 1 / words_in_query:
            return None
        return ranked
