"""Which canonical roles look most like a given role, by title words and task words.

Used to calibrate drafting prompts with similar roles and by the validator's warning about an
uncompared, distant neighbour. The index is built once per canonical set; a look-up only scores
the roles that share a title word with the query, so checking a large set stays linear-ish.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from itertools import combinations, filterfalse

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
    return _jaccard(len(a), len(b), len(a & b))


def _jaccard(a: int, b: int, shared: int) -> float:
    """Jaccard similarity of a set of ``a`` words and one of ``b``, ``shared`` of them in both."""
    return shared / (a + b - shared) if a and b else 0.0


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


class _Vocabulary(dict[str | int, int]):
    """Words numbered as they are first seen, so that a set of words can be held as one int whose
    bits are its words: the words two sets share are then counted with ``&`` and ``bit_count()``,
    several times faster than intersecting sets, which allocates a set and hashes every word."""

    def bits(self, words: Collection[str | int]) -> int:
        """The bits of ``words``, numbering those not seen yet."""
        for word in filterfalse(self.__contains__, words):
            self[word] = len(self)
        return self._bits(words)

    def known_bits(self, words: Iterable[str]) -> int:
        """The bits of those ``words`` already numbered: the others are in no set of bits."""
        return self._bits(filter(self.__contains__, words))

    def _bits(self, words: Iterable[str | int]) -> int:
        """Every bit a power of two, each word once: their sum is their union."""
        return sum(map((1).__lshift__, map(self.__getitem__, words)))


def _without(roles: dict[str, int], exclude: frozenset[str]) -> dict[str, int]:
    """``roles``, a dict of the caller's own, less those excluded (a few at most)."""
    for slug in exclude:
        roles.pop(slug, None)
    return roles


@dataclass
class SimilarityIndex:
    """Roles by their title and task words; each slug is added once (a set is indexed whole)."""

    #: The roles whose title has a word, with their title's bits (:meth:`_title_bits`).
    by_word: defaultdict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    #: A common word's MAX_POSTING first roles by slug, worked out once per word and kept until
    #: a role is added (a check of 20,000 roles asks for the same few words thousands of times).
    _first: dict[str, dict[str, int]] = field(default_factory=dict)
    #: The roles whose title has both of two words, one of them rare: kept as _first is.
    _pairs: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)
    #: Title words, and title lengths as ints, as bits.
    _title_words: _Vocabulary = field(default_factory=_Vocabulary)
    #: The bit of every title length in the index, and the length of each.
    _length_bits: int = 0
    _lengths: dict[int, int] = field(default_factory=dict)
    #: A role's task words as (how many, their bits in ``_task_words``), once it is compared.
    _tasks: dict[str, tuple[int, int]] = field(default_factory=dict)
    _task_words: _Vocabulary = field(default_factory=_Vocabulary)
    #: Task words of a role not compared yet: a set (:meth:`add`) or text (:meth:`add_words`).
    _pending: dict[str, frozenset[str] | str] = field(default_factory=dict)

    def add(self, slug: str, profile: Profile) -> None:
        self._pending[slug] = profile.task_words
        self._index_title(slug, profile.title_words)

    def add_words(self, slug: str, title_words: frozenset[str], task_words: str) -> None:
        """:meth:`add` with the task words as space-separated text: a look-up compares a few
        dozen roles by their tasks, so of 20,000 roles most never need theirs as a set."""
        self._pending[slug] = task_words
        self._index_title(slug, title_words)

    def _index_title(self, slug: str, title_words: frozenset[str]) -> None:
        if not title_words:
            return  # In no posting, never a candidate.
        bits = self._title_bits(title_words)
        self._first.clear()
        self._pairs.clear()
        for word in title_words:
            self.by_word[word][slug] = bits

    def _title_bits(self, title_words: frozenset[str]) -> int:
        """A title's words as bits, plus a bit for its length (an int, which no word is).

        The bits a candidate's title shares with a query's words and every length's bit then
        say both things its title similarity depends on: how many words they share, and its
        length. Candidates sharing the same bits are alike, so a look-up works out one
        similarity per distinct shared bits instead of one per candidate."""
        length = len(title_words)
        bits = self._title_words.bits(title_words.union((length,)))
        length_bit = 1 << self._title_words[length]
        self._lengths[length_bit] = length
        self._length_bits |= length_bit
        return bits

    def _task(self, slug: str) -> tuple[int, int]:
        """A role's task words as (how many, their bits), worked out when first compared."""
        found = self._tasks.get(slug)
        if found is None:
            pending = self._pending.pop(slug)
            task_words = frozenset(pending.split()) if isinstance(pending, str) else pending
            found = self._tasks[slug] = (len(task_words), self._task_words.bits(task_words))
        return found

    def candidates(self, query: Profile) -> dict[str, int]:
        """Roles sharing an informative title word with the query, with their title's bits.

        A word carried by more than MAX_POSTING roles ("engineer") says little on its own; it is
        used only when the query has no rarer word, and then only for its MAX_POSTING first roles
        by slug, so one look-up costs at most a bounded number of comparisons. A new dict: the
        caller may remove roles from it.
        """
        by_word = self.by_word
        postings = [(by_word[w], w) for w in query.title_words if w in by_word]
        rare = [posting for posting, _ in postings if len(posting) <= MAX_POSTING]
        found: dict[str, int] = {}
        for posting in rare:
            found.update(posting)
        if postings and not rare:
            posting, word = min(postings, key=lambda posting: len(posting[0]))
            first = self._first.get(word)
            if first is None:
                first = self._first[word] = {s: posting[s] for s in sorted(posting)[:MAX_POSTING]}
            found.update(first)
        return found

    def ranked(
        self, query: Profile, *, exclude: frozenset[str] = frozenset(), limit: int = 3
    ) -> list[tuple[str, float]]:
        """Up to ``limit`` (slug, similarity) pairs, most similar first, ties by slug.

        Candidates are ranked by title similarity and only the SHORTLIST closest are compared by
        their tasks too. Title words weigh most, so a role outside the shortlist is rarely the
        answer; that is the price of a look-up whose cost does not grow with the set."""
        shortlist = max(SHORTLIST, limit)
        by_title = self._closest_sharing_two(query, exclude, shortlist)
        if by_title is None:
            by_title = self._by_title(query, _without(self.candidates(query), exclude), shortlist)
        return self._by_tasks(query, by_title)[:limit]

    def _closest_sharing_two(
        self, query: Profile, exclude: frozenset[str], shortlist: int
    ) -> list[tuple[float, str]] | None:
        """:meth:`_by_title` among the candidates sharing two or more words with the query,
        typically a third of them, if that shortlist is full of candidates strictly closer than
        one sharing a single word can be, 1 / (|query| + shortest title - 1): the shortlist is
        then the same as among all candidates. None otherwise."""
        by_title = self._by_title(query, _without(self._sharing_two(query), exclude), shortlist)
        if len(by_title) < shortlist:
            return None
        one_word = 1 / (len(query.title_words) + min(self._lengths.values()) - 1)
        return by_title if -by_title[-1][0] > one_word else None

    def _sharing_two(self, query: Profile) -> dict[str, int]:
        """The candidates sharing two or more title words with the query, with their title's
        bits: those with both words of a pair of the query's words, one of them rare."""
        by_word = self.by_word
        words = sorted(w for w in query.title_words if w in by_word)
        rare = {w for w in words if len(by_word[w]) <= MAX_POSTING}
        found: dict[str, int] = {}
        for pair in combinations(words, 2):
            if not rare.isdisjoint(pair):
                found.update(self._both(pair))
        return found

    def _both(self, pair: tuple[str, str]) -> dict[str, int]:
        """The roles whose title has both words, with their title's bits: worked out once per
        pair (in order, as :meth:`_sharing_two` makes them) and kept as _first is."""
        found = self._pairs.get(pair)
        if found is None:
            fewer, more = sorted(map(self.by_word.__getitem__, pair), key=len)
            found = self._pairs[pair] = {s: fewer[s] for s in fewer.keys() & more.keys()}
        return found

    def _by_title(
        self, query: Profile, candidates: dict[str, int], shortlist: int
    ) -> list[tuple[float, str]]:
        """The ``shortlist`` candidates closest by title, as (-similarity, slug) in order.

        Title similarity is n / (|query| + |title| - n), n the words they share. Candidates are
        grouped by the bits their title shares with the query (words, and its length: see
        :meth:`_title_bits`), then by similarity: a look-up works out a few dozen similarities
        instead of one per candidate, and sorts by slug only the closest groups, enough to fill
        the shortlist (sorting every (similarity, slug) pair, most of them tied, cost more than
        the rest of the look-up)."""
        query_bits = self._title_words.known_bits(query.title_words) | self._length_bits
        alike: defaultdict[int, list[str]] = defaultdict(list)
        for slug, bits in candidates.items():
            alike[bits & query_bits].append(slug)
        words_in_query = len(query.title_words)
        by_similarity: defaultdict[float, list[str]] = defaultdict(list)
        for shared, slugs in alike.items():
            n = shared.bit_count() - 1  # Less the length's bit.
            length = self._lengths[shared & self._length_bits]
            by_similarity[-n / (words_in_query + length - n)] += slugs
        ranked: list[tuple[float, str]] = []
        for negative in sorted(by_similarity):
            if len(ranked) >= shortlist:
                break
            ranked += [(negative, slug) for slug in sorted(by_similarity[negative])]
        return ranked[:shortlist]

    def _by_tasks(
        self, query: Profile, by_title: list[tuple[float, str]]
    ) -> list[tuple[str, float]]:
        """The shortlist as (slug, similarity), most similar first, ties by slug.

        As Profile.similarity, the title's share being already known; the task words shared
        are counted with bits."""
        known = self._tasks
        tasks = [known.get(slug) or self._task(slug) for _, slug in by_title]
        query_words = len(query.task_words)
        query_bits = self._task_words.known_bits(query.task_words)  # After _task numbered theirs.
        best: list[tuple[float, str]] = []  # (-similarity, slug)
        for (negative_title, slug), (words, bits) in zip(by_title, tasks, strict=True):
            task = _jaccard(query_words, words, (query_bits & bits).bit_count())
            best.append((-(TITLE_WEIGHT * -negative_title + TASK_WEIGHT * task), slug))
        best.sort()
        return [(slug, -negative) for negative, slug in best]
