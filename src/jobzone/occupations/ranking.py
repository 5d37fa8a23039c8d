"""Ranking O*NET-SOC occupations for a job title (and, optionally, notes about the role).

Two steps. The index finds candidates: every title form or description holding a word of the
query (FTS5, ranked by bm25 with titles weighted above alternate titles, reported titles and,
far below, descriptions), plus every form equal to the whole query. Each candidate is then scored
on how much of the query it explains and how much of itself the query explains, both weighted by
how rare each word is among titles: "Payroll Clerk" is explained better by "Payroll Clerk" than by
"Clerk" or by "Payroll and Timekeeping Clerks", and a hit in a description counts for about half
a hit in a title. Exact matches gain a bonus (more when the query is the whole title as
written), and a small prior favours established titles (see :mod:`jobzone.occupations.index`).
An occupation takes the score of its best form; ties go to the kind of title (O*NET's own
first), then to bm25.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from jobzone.errors import InputError
from jobzone.occupations.index import COLUMN_WEIGHTS, Index, default_index
from jobzone.occupations.normalise import content, expansion, normalise, words

#: What each kind of match is called where people read it.
FIELDS = {
    "title": "title",
    "alternate": "alternate title",
    "reported": "reported title",
    "description": "description",
}
#: A title form's weight by kind: O*NET's own title, then its alternate titles (collected from
#: job ads and classifications), then titles incumbents reported.
KIND_WEIGHT = {"title": 1.0, "alternate": 0.96, "reported": 0.94}
DESCRIPTION_WEIGHT = 0.5
#: Added when a form has exactly the query's words, and more when the query is the whole title
#: as written (not its short form or one side of its bracket), word for word.
EXACT_BONUS = 0.1
WHOLE_TITLE_BONUS = 0.03
#: Share of the score given to how much of the query a form explains (the rest: how much of the
#: form the query explains).
QUERY_SHARE = 0.7
PRIOR_WEIGHT = 0.03
#: Candidates read from the full-text index, best bm25 first.
CANDIDATES = 150
#: Words of a query beyond this are ignored (long notes would only slow the look-up).
MAX_WORDS = 32
LIMIT_MAX = 100
_SENTENCE = re.compile(r"(?<=[.;])\s+")


@dataclass(frozen=True)
class Match:
    """An occupation found for a query, and why: the field and the text that matched."""

    code: str
    title: str
    score: float
    #: "title", "alternate title", "reported title" or "description".
    field: str
    matched: str

    def to_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "title": self.title,
            "score": round(self.score, 4),
            "matched_field": self.field,
            "matched_text": self.matched,
        }


@dataclass(frozen=True)
class _Scored:
    score: float
    kind_order: int
    bm25: float
    row: sqlite3.Row


def query_words(text: str, index: Index) -> list[str]:
    """The words a query is searched by: folded, without stop words, each once, and a term
    O*NET does not know (MLOps) replaced by the words it uses for it."""
    found: list[str] = []
    for word in content(words(text))[:MAX_WORDS]:
        found += (expansion(word) if not index.knows(word) else []) or [word]
    return content(found)


def _snippet(description: str, query: list[str]) -> str:
    """The sentence of ``description`` holding most of the query's words."""
    wanted = set(query)
    sentences = _SENTENCE.split(description)
    return max(sentences, key=lambda s: len(wanted & set(words(s))))


def _score(row: sqlite3.Row, query: list[str], text: str, index: Index) -> float:
    """``text``: the normalised query, as typed."""
    weight = {w: index.idf(w) for w in query}
    total = sum(weight.values())
    if row["kind"] == "description":
        hits = set(words(row["text"]))
        return DESCRIPTION_WEIGHT * sum(v for w, v in weight.items() if w in hits) / total
    form = content(row["form"].split())
    shared = [w for w in form if w in weight]
    if not shared:  # found by a stop word only
        return 0.0
    covered = sum(weight[w] for w in shared) / total
    explained = sum(index.idf(w) for w in shared) / sum(index.idf(w) for w in form)
    exact = EXACT_BONUS if len(shared) == len(form) == len(query) else 0.0
    if row["form"] == text == normalise(row["text"]):
        exact += WHOLE_TITLE_BONUS
    value = QUERY_SHARE * covered + (1 - QUERY_SHARE) * explained
    prior: float = row["prior"]
    return KIND_WEIGHT[row["kind"]] * value + exact + PRIOR_WEIGHT * prior


def search(text: str, limit: int = 10, *, index: Index | None = None) -> list[Match]:
    """The occupations best matching ``text``, best first (at most ``limit``).

    InputError when ``text`` has no letter or digit to search by or ``limit`` is out of range;
    an empty list when nothing matches."""
    if not 1 <= limit <= LIMIT_MAX:
        raise InputError(f"the limit must be between 1 and {LIMIT_MAX}", field="limit")
    if not words(text):
        raise InputError(
            "give a job title to search for: the text has no letters or digits", field="text"
        )
    index = index or default_index()
    query = query_words(text, index)
    weights = ", ".join(str(w) for w in COLUMN_WEIGHTS)
    # Each word quoted: the words are [a-z0-9] only, and quoting makes AND, OR, NEAR plain words.
    match = " OR ".join(f'"{w}"' for w in query)
    candidates = index.rows(
        f"SELECT n.*, bm25(names_fts, {weights}) AS bm25 FROM names_fts "
        "JOIN names AS n ON n.id = names_fts.rowid WHERE names_fts MATCH ? "
        "ORDER BY bm25 LIMIT ?",
        (match, CANDIDATES),
    )
    typed = normalise(text)
    candidates += index.rows("SELECT n.*, 0.0 AS bm25 FROM names AS n WHERE n.form = ?", (typed,))
    best: dict[str, _Scored] = {}
    order = {kind: i for i, kind in enumerate(FIELDS)}
    seen: set[int] = set()
    for row in candidates:
        if row["id"] in seen:
            continue
        seen.add(row["id"])
        scored = _Scored(_score(row, query, typed, index), order[row["kind"]], row["bm25"], row)
        current = best.get(row["code"])
        if current is None or _rank(scored) < _rank(current):
            best[row["code"]] = scored
    ranked = sorted(best.values(), key=_rank)[:limit]
    titles = _titles([s.row["code"] for s in ranked], index)
    return [
        Match(
            code=s.row["code"],
            title=titles[s.row["code"]],
            score=s.score,
            field=FIELDS[s.row["kind"]],
            matched=_snippet(s.row["text"], query)
            if s.row["kind"] == "description"
            else s.row["text"],
        )
        for s in ranked
        if s.score > 0
    ]


def _rank(scored: _Scored) -> tuple[float, int, float, str]:
    return (-scored.score, scored.kind_order, scored.bm25, scored.row["code"])


def _titles(codes: list[str], index: Index) -> dict[str, str]:
    if not codes:
        return {}
    marks = ", ".join("?" for _ in codes)
    rows = index.rows(f"SELECT code, title FROM occupations WHERE code IN ({marks})", codes)
    return {r["code"]: r["title"] for r in rows}


def known_title(text: str, *, index: Index | None = None) -> Match | None:
    """The occupation whose O*NET title or alternate title ``text`` is (case, punctuation and
    plurals aside), or None. O*NET's own title first, then the most established alternate."""
    typed = normalise(text)
    if not typed:
        return None
    index = index or default_index()
    rows = index.rows(
        "SELECT code, kind, text FROM names WHERE form = ? AND kind IN ('title', 'alternate') "
        "ORDER BY kind = 'alternate', prior DESC, code LIMIT 1",
        (typed,),
    )
    if not rows:
        return None
    row = rows[0]
    title = _titles([row["code"]], index)[row["code"]]
    return Match(row["code"], title, 1.0, FIELDS[row["kind"]], row["text"])
