"""The occupations index: an SQLite file with FTS5, built from the packaged dataset on first use.

It lives in a cache folder (``$JOBZONE_CACHE_DIR``, else ``$XDG_CACHE_HOME/jobzone``, else
``~/.cache/jobzone``) and records the key it was built for: the index layout's version and the
dataset's SHA-256. Whenever the file is missing, unreadable, damaged or built for another key, it
is built again, into a temporary file renamed over the old one when complete. So an index in use
is always whole: a build killed half-way leaves only a temporary file (removed by a later build),
and a process that already has the old file open keeps reading it.

Tables: ``occupations``, ``tasks`` and ``related`` for look-ups; ``names``, one row per searchable
form of a title (an occupation's title, each alternate and reported title, each of their short
or bracketed forms, and its description), with ``names_fts`` over them and ``terms``, each word's
number of title forms, for weighting the words of a query.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

from jobzone.errors import ConfigError
from jobzone.occupations.dataset import (
    Dataset,
    OccupationRecord,
    checksum,
    dataset_path,
    decode,
    read_bytes,
)
from jobzone.occupations.normalise import content, normalise

CACHE_ENV = "JOBZONE_CACHE_DIR"
FILE_NAME = "occupations.sqlite"
#: Bumped whenever the tables or what goes into them change, so old caches are rebuilt.
LAYOUT = 1
#: The searchable kinds of text, in the order of the FTS columns (and of preference when one
#: occupation has the same form twice).
KINDS = ("title", "alternate", "reported", "description")
#: bm25's weight for a hit in each column of ``names_fts``, in the order of KINDS.
COLUMN_WEIGHTS = (10.0, 8.0, 6.0, 1.0)
#: A temporary file this old is left over from a killed build, not one under way.
STALE_SECONDS = 600
_BRACKETED = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")

Param = str | int | float | None


def cache_dir() -> Path:
    """Where jobzone keeps what it can rebuild at any time."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "jobzone"


def _forms(text: str, short: str = "") -> list[str]:
    """The normalised forms a title is found by: whole, its short form, and, for "CEO (Chief
    Executive Officer)", each side of the bracket on its own."""
    forms = [text, short]
    bracketed = _BRACKETED.match(text)
    if bracketed:
        forms += [bracketed.group(1), bracketed.group(2)]
    return [f for f in dict.fromkeys(normalise(f) for f in forms) if f]


def _names(occ: OccupationRecord) -> Iterator[tuple[str, str, str, float]]:
    """(kind, text shown, normalised form, prior) for each searchable form of ``occ``.

    The prior says how established a title is for this occupation: 1 for O*NET's title, the
    share of O*NET's seven title sources listing an alternate title, and 1 more (1.5 when
    O*NET's My Next Move shows it) when incumbents of the occupation reported it. It orders
    otherwise equal matches: "Personal Trainer" is an alternate title of two occupations and a
    reported title of one."""
    yield from (("title", occ["title"], f, 1.0) for f in _forms(occ["title"]))
    for alt in occ["alternate_titles"]:
        prior = min(alt["sources"], 7) / 7
        yield from (
            ("alternate", alt["title"], f, prior) for f in _forms(alt["title"], alt["short"])
        )
    for rep in occ["reported_titles"]:
        prior = 1.5 if rep["my_next_move"] == "Y" else 1.0
        yield from (("reported", rep["title"], f, prior) for f in _forms(rep["title"]))


SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE occupations (
    code TEXT PRIMARY KEY, title TEXT NOT NULL, description TEXT NOT NULL, job_zone INTEGER,
    wage TEXT, projection TEXT
);
CREATE TABLE tasks (
    id INTEGER PRIMARY KEY, code TEXT NOT NULL, ord INTEGER NOT NULL, text TEXT NOT NULL,
    type TEXT, human TEXT, gpt4 TEXT, gpt4_automation TEXT
);
CREATE INDEX tasks_code ON tasks (code);
CREATE TABLE related (
    code TEXT NOT NULL, related_code TEXT NOT NULL, tier TEXT NOT NULL, rank INTEGER NOT NULL
);
CREATE INDEX related_code ON related (code);
CREATE TABLE names (
    id INTEGER PRIMARY KEY, code TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL,
    form TEXT NOT NULL, prior REAL NOT NULL
);
CREATE INDEX names_form ON names (form);
CREATE VIRTUAL TABLE names_fts USING fts5 ({", ".join(KINDS)}, content='', tokenize='unicode61');
CREATE TABLE terms (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
"""


def _fill(db: sqlite3.Connection, dataset: Dataset, key: str) -> None:
    db.executescript(SCHEMA)
    names: list[tuple[int, str, str, str, str, float]] = []
    df: Counter[str] = Counter()
    for occ in dataset["occupations"]:
        code = occ["code"]
        db.execute(
            "INSERT INTO occupations VALUES (?, ?, ?, ?, ?, ?)",
            (
                code,
                occ["title"],
                occ["description"],
                occ["job_zone"],
                json.dumps(occ["wage"]) if occ["wage"] else None,
                json.dumps(occ["projection"]) if occ["projection"] else None,
            ),
        )
        db.executemany(
            "INSERT INTO tasks VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    t["id"],
                    code,
                    i,
                    t["text"],
                    t["type"],
                    t["human"],
                    t["gpt4"],
                    t["gpt4_automation"],
                )
                for i, t in enumerate(occ["tasks"])
            ],
        )
        db.executemany(
            "INSERT INTO related VALUES (?, ?, ?, ?)",
            [(code, r["code"], r["tier"], r["rank"]) for r in occ["related"]],
        )
        # One row per form of an occupation: the first kind it comes as, and as prior the sum
        # over the kinds it comes as of the highest prior it has as that kind.
        first: dict[str, tuple[str, str]] = {}
        priors: dict[str, dict[str, float]] = {}
        for kind, text, form, prior in _names(occ):
            first.setdefault(form, (kind, text))
            by_kind = priors.setdefault(form, {})
            by_kind[kind] = max(prior, by_kind.get(kind, 0.0))
        for form, (kind, text) in first.items():
            names.append((len(names) + 1, code, kind, text, form, sum(priors[form].values())))
            df.update(content(form.split()))
        names.append((len(names) + 1, code, "description", occ["description"], "", 0.0))
    db.executemany("INSERT INTO names VALUES (?, ?, ?, ?, ?, ?)", names)
    column = {kind: i for i, kind in enumerate(KINDS)}
    rows = []
    for id_, _, kind, text, form, _ in names:
        values: list[str | int | None] = [id_, None, None, None, None]
        values[1 + column[kind]] = normalise(text) if kind == "description" else form
        rows.append(tuple(values))
    db.executemany(
        f"INSERT INTO names_fts (rowid, {', '.join(KINDS)}) VALUES (?, ?, ?, ?, ?)", rows
    )
    db.executemany("INSERT INTO terms VALUES (?, ?)", sorted(df.items()))
    db.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [("key", key), ("forms", str(len(names) - len(dataset["occupations"])))],
    )
    db.commit()


def _key(data: bytes) -> str:
    return f"{LAYOUT}:{checksum(data)}"


def _remove_stale(folder: Path) -> None:
    now = time.time()
    for leftover in folder.glob(".occupations-*.tmp"):
        with contextlib.suppress(OSError):
            if now - leftover.stat().st_mtime > STALE_SECONDS:
                leftover.unlink()


def build(target: Path, dataset: Path) -> None:
    """Build the index of ``dataset`` and put it at ``target`` in one rename."""
    data = read_bytes(dataset)
    write(target, decode(data, dataset), _key(data))


def write(target: Path, decoded: Dataset, key: str) -> None:
    """Build the index of the decoded dataset (``key``) and put it at ``target`` in one rename;
    a ConfigError when the folder cannot be written."""
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _remove_stale(folder)
        fd, name = tempfile.mkstemp(dir=folder, prefix=".occupations-", suffix=".tmp")
    except OSError as exc:
        raise ConfigError(
            f"cannot write the occupations index in {folder} ({exc.strerror or exc}); "
            f"set {CACHE_ENV} to a folder you can write"
        ) from exc
    os.close(fd)
    temporary = Path(name)
    try:
        db = sqlite3.connect(temporary)
        try:
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            _fill(db, decoded, key)
        finally:
            db.close()
        temporary.replace(target)
    except BaseException as exc:
        temporary.unlink(missing_ok=True)
        if isinstance(exc, OSError | sqlite3.Error):
            raise ConfigError(
                f"cannot write the occupations index in {folder} ({exc}); "
                f"set {CACHE_ENV} to a folder you can write"
            ) from exc
        raise


def _connect(path: Path, key: str) -> sqlite3.Connection | None:
    """A read-only connection to the index at ``path`` if it is readable and built for ``key``."""
    if not path.is_file():
        return None
    db: sqlite3.Connection | None = None
    try:
        # Serialized SQLite (threadsafety 3): one read-only connection serves every thread.
        db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
        found = db.execute("SELECT value FROM meta WHERE key = 'key'").fetchone()
    except sqlite3.Error:
        found = None
    if db is not None and found is not None and found[0] == key:
        db.row_factory = sqlite3.Row
        return db
    if db is not None:
        db.close()
    return None


def _in_memory(decoded: Dataset, key: str) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:", check_same_thread=False)
    _fill(db, decoded, key)
    db.row_factory = sqlite3.Row
    return db


class Index:
    """An open index, rebuilt once and the query run again if its file turns out damaged."""

    def __init__(self, path: Path, dataset: Path) -> None:
        self.path = path
        self.dataset = dataset
        #: Why the index is kept in memory for this process, when its folder cannot be written.
        self.unwritable: str | None = None
        self._db = self._open()
        self._terms: dict[str, int] | None = None
        self._forms = 0

    @classmethod
    def open(cls, cache: Path | None = None, dataset: Path | None = None) -> Index:
        """The index of ``dataset`` (default: the packaged one) in ``cache`` (default: the
        cache folder), built first when it is missing, damaged or out of date."""
        return cls((cache or cache_dir()) / FILE_NAME, dataset or dataset_path())

    def _open(self) -> sqlite3.Connection:
        data = read_bytes(self.dataset)
        key = _key(data)
        db = _connect(self.path, key)
        if db is None:
            decoded = decode(data, self.dataset)
            try:
                write(self.path, decoded, key)
            except ConfigError as exc:
                # A cache that cannot be written costs a build per process, not the data.
                self.unwritable = exc.message
                return _in_memory(decoded, key)
            db = _connect(self.path, key)
        if db is None:
            raise ConfigError(f"the occupations index {self.path} cannot be read after a rebuild")
        return db

    def rows(self, sql: str, params: Sequence[Param] = ()) -> list[sqlite3.Row]:
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.DatabaseError:
            # Damaged since it was opened (or only in pages the first query did not read).
            self.close()
            self.path.unlink(missing_ok=True)
            self._db = self._open()
            self._terms = None
            return self._db.execute(sql, params).fetchall()

    def close(self) -> None:
        self._db.close()

    def _vocabulary(self) -> dict[str, int]:
        if self._terms is None:
            self._forms = int(self.rows("SELECT value FROM meta WHERE key = 'forms'")[0][0])
            self._terms = {r["term"]: r["df"] for r in self.rows("SELECT term, df FROM terms")}
        return self._terms

    def idf(self, term: str) -> float:
        """How telling ``term`` is in a title: rarer words weigh more; unknown ones most."""
        terms = self._vocabulary()
        return math.log(1 + self._forms / (1 + terms.get(term, 0)))

    def knows(self, term: str) -> bool:
        return term in self._vocabulary()


_OPEN: dict[tuple[Path, Path], Index] = {}


def default_index() -> Index:
    """The index of the packaged dataset in the cache folder, opened once per process (per
    cache folder, so a changed ``$JOBZONE_CACHE_DIR`` is honoured)."""
    key = (cache_dir(), dataset_path())
    if key not in _OPEN:
        _OPEN[key] = Index.open(*key)
    return _OPEN[key]
