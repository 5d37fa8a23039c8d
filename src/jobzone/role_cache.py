"""The role cache: every canonical role file read once, kept by the hash of its bytes.

Loading the canonical set reads, parses, validates and scores every file in ``roles/``; with
20,000 roles that is most of a minute. The cache, an SQLite database in the workspace's cache
folder (``.jobzone-cache/roles.sqlite3``, ignored by git), keeps for each version of a role file,
by the SHA-256 of its bytes:

- its summary: slug, title, aliases, the words similarity compares it by, its occupation's code
  and its shown figures, which is all that loading and listing the set need of a role
  (:class:`~jobzone.canonical.CanonicalRole` reads the rest when asked);
- the validated assessment as JSON, which pydantic reads back far faster than YAML;
- the words of its title, indexed, so that a look-up of the roles most like a title reads only
  those sharing a word with it instead of indexing the whole set;

and for each file name, the ``stat`` of the file when it was hashed (size, modification and change
times, inode), so a reader that may trust ``stat`` as git does need not hash the file again.
``jobzone check`` never trusts it: it hashes every file, so a hand edit that kept the modification
time is seen. ``check`` also keeps its findings for the whole set, by the set's digest.

It is never a source of truth. Missing, it is built; made by another version of jobzone, it is
emptied; corrupt, truncated or not jobzone's, it is rebuilt, with a notice; where it cannot be
written (a read-only workspace, a link in its place), the set is loaded from the files alone.
Nothing in it is executed or unpickled: the JSON is validated by the models again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import stat
import threading
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from jobzone.documents import refuse_links
from jobzone.errors import InputError
from jobzone.progress import Notice, Notify, ignore
from jobzone.workspace import StatKey, Workspace

FILE_NAME = "roles.sqlite3"
#: Marks the database as jobzone's (``PRAGMA application_id``): "jobz".
APPLICATION_ID = 0x6A6F627A
#: Bumped whenever the tables change.
SCHEMA_VERSION = 3
#: How long a reader or writer waits for another process's write to end.
BUSY_SECONDS = 5.0

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files(
    name TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER, ino INTEGER,
    sha256 TEXT NOT NULL
);
CREATE TABLE roles(
    sha256 TEXT PRIMARY KEY, slug TEXT NOT NULL, title TEXT NOT NULL, aliases TEXT NOT NULL,
    title_words TEXT NOT NULL, task_words TEXT NOT NULL, occupation TEXT NOT NULL,
    aijri TEXT NOT NULL, zone TEXT NOT NULL, sub_label TEXT NOT NULL, assessment TEXT NOT NULL
);
CREATE TABLE title_words(
    word TEXT NOT NULL, sha256 TEXT NOT NULL, PRIMARY KEY (word, sha256)
) WITHOUT ROWID;
CREATE TABLE checks(digest TEXT PRIMARY KEY, count INTEGER, failed INTEGER);
CREATE TABLE check_records(
    digest TEXT NOT NULL, position INTEGER NOT NULL, record TEXT NOT NULL,
    PRIMARY KEY (digest, position)
);
"""

# SQLite keeps a value of a type its column cannot take as written: a row some other program
# wrote with bytes for a text, or a text for a number, is passed over here (its file is read again)
# rather than converted in Python, which would cost a third of reading 20,000 summaries.
_TEXTS = """typeof(r.sha256) = 'text' AND typeof(r.slug) = 'text' AND typeof(r.title) = 'text'
  AND typeof(r.aliases) = 'text' AND typeof(r.title_words) = 'text'
  AND typeof(r.task_words) = 'text' AND typeof(r.occupation) = 'text'
  AND typeof(r.aijri) = 'text' AND typeof(r.zone) = 'text' AND typeof(r.sub_label) = 'text'"""
_SUMMARIES_QUERY = f"""
SELECT r.sha256, r.slug, r.title, r.aliases, r.title_words, r.task_words, r.occupation,
       r.aijri, r.zone, r.sub_label
FROM roles r
WHERE {_TEXTS}
"""
_KNOWN_FILES_QUERY = f"""
SELECT f.name, f.size, f.mtime_ns, f.ctime_ns, f.ino,
       r.sha256, r.slug, r.title, r.aliases, r.title_words, r.task_words, r.occupation,
       r.aijri, r.zone, r.sub_label
FROM files f JOIN roles r ON r.sha256 = f.sha256
WHERE typeof(f.name) = 'text' AND typeof(f.size) = 'integer'
  AND typeof(f.mtime_ns) = 'integer' AND typeof(f.ctime_ns) = 'integer'
  AND typeof(f.ino) = 'integer' AND {_TEXTS}
"""

#: Connections a forked process inherited: kept so that they are never closed there.
_INHERITED: list[sqlite3.Connection] = []


class Summary(NamedTuple):
    """What loading the set keeps of a role: enough to list, find and compare it. A named
    tuple: 20,000 of them are made from the database's rows at each load, three times faster
    than frozen dataclasses."""

    sha256: str
    slug: str
    title: str
    #: The aliases as JSON (a list of texts): read only by the look-ups that need them.
    aliases: str
    #: The words similarity compares the role by, space-separated ([a-z0-9]+ each).
    title_words: str
    task_words: str
    #: The code of the O*NET occupation the role names, or "" when it names none: the draft
    #: page's related roles are found by it without reading 20,000 assessments.
    occupation: str
    #: The role's figures as shown (its AIJRI as text, zone and sub-label): listing the set and
    #: naming a role from another's page or commentary need no assessment read and scored.
    aijri: str
    zone: str
    sub_label: str


#: A role's row: its summary's fields, named, then its assessment.
_COLUMNS = (*Summary._fields, "assessment")
_INSERT_ROLE = (
    f"INSERT OR REPLACE INTO roles ({', '.join(_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(_COLUMNS))})"
)


def code_stamp() -> str:
    """What the cached data depends on besides the files: jobzone's own code and data (the
    models, the rubric, the rules), by the size and time of each of its files, and the YAML
    readers'. A change to any of them empties the cache."""
    import pydantic
    import yaml
    import yaml_rs

    digest = hashlib.sha256(
        f"{SCHEMA_VERSION} {yaml.__version__} {yaml_rs.__version__} {pydantic.VERSION}".encode()
    )
    digest.update(files_stamp(Path(__file__).resolve().parent).encode())
    return digest.hexdigest()


def files_stamp(folder: Path) -> str:
    """The path, size, times and inode of every file under ``folder``, hashed. Folders
    are passed over: Python writing a module's bytecode for the first time makes a
    ``__pycache__`` folder, which changes its parent folder's time and would empty the cache
    that the command before had just filled."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if "__pycache__" not in path.parts:
            with contextlib.suppress(OSError):
                info = path.stat()
                if not stat.S_ISDIR(info.st_mode):
                    key = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
                    digest.update(f"{path} {key}\n".encode())
    return digest.hexdigest()


#: The tables kept by a role file's hash, whose rows go when no file holds that hash.
_BY_HASH = ("roles", "title_words")
#: Past this share of the files changed, the files' table is written whole.
_REWRITE_SHARE = 0.25


def _changes(
    files: dict[str, tuple[StatKey, str]], before: dict[str, tuple[StatKey, str]]
) -> tuple[list[str], list[str], set[str]] | None:
    """The names gone, the names new or changed, and the hashes no file holds any more; None
    when so much changed that the table is better written whole."""
    gone = [name for name in before if name not in files]
    put = [name for name, now in files.items() if before.get(name) != now]
    if len(gone) + len(put) > _REWRITE_SHARE * max(len(files), 1):
        return None
    left = {before[name][1] for name in gone} | {before[n][1] for n in put if n in before}
    held = {sha for _, sha in files.values()}
    return gone, put, left - held


class RoleCache:
    """The workspace's role cache, open for one command. Every failure to read it rebuilds it;
    every failure to write it is ignored (the next command tries again)."""

    def __init__(self, workspace: Workspace, notify: Notify = ignore) -> None:
        self.path = workspace.cache_dir / FILE_NAME
        self._notify = notify
        self._connection: sqlite3.Connection | None = None
        self._pid = os.getpid()
        #: One query at a time: a page served by threads may read roles from several.
        self._lock = threading.Lock()
        self.stamp = code_stamp()
        #: Set by each write that fails; the cache is then left alone for the command.
        self._broken = False
        try:
            refuse_links(self.path, workspace.root)
        except InputError as exc:
            notify(Notice(f"role cache not used: {exc.message}"))
            self._broken = True
            return
        self._db = self._open()

    # -- opening ---------------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection | None:
        """The database, made or rebuilt as needed; None where it cannot be."""
        problem = None
        if self.path.exists():
            try:
                db = self._connect()
                problem = self._problem(db)
                if problem is None:
                    return db
                db.close()
            except sqlite3.Error as exc:
                problem = f"it is unreadable ({exc})"
            if problem != "stale":
                self._notify(Notice(f"rebuilding the role cache {self.path.name}: {problem}"))
            self._remove()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = self._connect()
            with db:
                db.executescript(_SCHEMA)
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                db.execute("INSERT INTO meta VALUES ('stamp', ?)", (self.stamp,))
        except (OSError, sqlite3.Error):
            self._broken = True
            return None
        return db

    @property
    def _db(self) -> sqlite3.Connection | None:
        """The connection, opened again in a forked process (jobzone.set_check's helper): SQLite
        forbids using one across a fork. The inherited one is kept, unused, never closed: closing
        it could release the parent's locks."""
        if self._pid != os.getpid() and self._connection is not None:
            _INHERITED.append(self._connection)
            self._pid = os.getpid()
            try:
                self._connection = self._connect()
            except sqlite3.Error:
                self._connection = None
        return self._connection

    @_db.setter
    def _db(self, connection: sqlite3.Connection | None) -> None:
        self._connection = connection
        self._pid = os.getpid()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(
            self.path, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False
        )
        # The default rollback journal, not WAL: reading then changes no file in the workspace.
        db.execute("PRAGMA synchronous = NORMAL")
        return db

    def _problem(self, db: sqlite3.Connection) -> str | None:
        """Why ``db`` cannot be used as it is ("stale": made by another version), else None. A
        damaged page is found when it is read: see :meth:`_rows`."""
        if db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            return "it is not jobzone's"
        if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            return "stale"
        row = db.execute("SELECT value FROM meta WHERE key = 'stamp'").fetchone()
        return None if row is not None and row[0] == self.stamp else "stale"

    def _remove(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                Path(f"{self.path}{suffix}").unlink()

    @property
    def usable(self) -> bool:
        """Whether roles can be kept in it and read back."""
        return self._db is not None and not self._broken

    # -- reading ---------------------------------------------------------------------------------

    def _rows(self, query: str, args: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        """The rows of a query, or none where the cache cannot be read: it is then rebuilt,
        empty (a truncated or damaged file fails here, at the first page it cannot read)."""
        if self._db is None:
            return []
        try:
            with self._lock:
                return self._db.execute(query, args).fetchall()
        except sqlite3.Error as exc:
            self.close()
            self._notify(
                Notice(f"rebuilding the role cache {self.path.name}: it is unreadable ({exc})")
            )
            self._remove()
            self._db = self._open()
            return []

    def known_files(self) -> dict[str, tuple[StatKey, Summary]]:
        """Each file name's stat key when it was hashed, and the summary of the role its bytes
        hold: one query and one table, what loading a set of 20,000 unchanged roles reads."""
        make = Summary._make
        return {r[0]: (r[1:5], make(r[5:])) for r in self._rows(_KNOWN_FILES_QUERY)}  # type: ignore[misc]

    def summaries(self) -> dict[str, Summary]:
        """Every role kept, by the hash of its file's bytes (for files renamed, copied or
        hashed again)."""
        make = Summary._make
        return {r[0]: make(r) for r in self._rows(_SUMMARIES_QUERY)}  # type: ignore[misc]

    def titled(self, words: Collection[str]) -> set[str] | None:
        """The hashes of the roles kept whose title has any of ``words``; None where the cache
        cannot say for every role of this command (it failed to keep one, or to be read)."""
        if not words:
            return set()
        if self._db is None or self._broken:
            return None
        marks = ", ".join("?" * len(words))
        try:
            with self._lock:
                rows = self._db.execute(
                    f"SELECT DISTINCT sha256 FROM title_words WHERE word IN ({marks})",
                    tuple(words),
                ).fetchall()
        except sqlite3.Error:
            return None
        return {str(sha) for (sha,) in rows}

    def assessment_json(self, sha256: str) -> str | None:
        rows = self._rows("SELECT assessment FROM roles WHERE sha256 = ?", (sha256,))
        return str(rows[0][0]) if rows else None

    def check_summary(self, digest: str) -> tuple[int, bool] | None:
        """How many roles the check of the set ``digest`` found, and whether any had errors;
        None unless that check is kept whole."""
        rows = self._rows("SELECT count, failed FROM checks WHERE digest = ?", (digest,))
        if not rows or rows[0][0] is None:
            return None
        count = rows[0][0]
        assert isinstance(count, int)
        return count, bool(rows[0][1])

    def check_records(self, digest: str) -> Iterator[str] | None:
        """Each role's record of that check (:mod:`jobzone.set_check`), in order, or None unless
        it is kept whole. They are read in one transaction, which a concurrent writer waits for,
        so that they are all of the same check however long the reader takes."""
        if self._db is None:
            return None
        try:
            with self._lock:
                self._db.execute("BEGIN")
                kept = self._db.execute(
                    "SELECT count FROM checks WHERE digest = ?", (digest,)
                ).fetchone()
                if kept is None or kept[0] is None:
                    self._db.execute("COMMIT")
                    return None
        except sqlite3.Error:
            return None
        return self._read_records(digest)

    def _read_records(self, digest: str) -> Iterator[str]:
        assert self._db is not None
        with self._lock:
            try:
                cursor = self._db.execute(
                    "SELECT record FROM check_records WHERE digest = ? ORDER BY position",
                    (digest,),
                )
                while rows := cursor.fetchmany(256):
                    for (record,) in rows:
                        yield str(record)
            finally:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("COMMIT")

    # -- writing ---------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection | None]:
        """A transaction, or None where the cache cannot be written (nothing is then kept)."""
        if self._db is None or self._broken:
            yield None
            return
        try:
            with self._lock:
                self._db.execute("BEGIN IMMEDIATE")
                yield self._db
                self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            self._give_up(exc)

    def keep_roles(self, summaries: Iterable[tuple[Summary, str]]) -> None:
        """Keep new roles: each one's summary, its title's words and validated assessment (JSON),
        in one transaction (a role is kept with its words or not at all)."""
        kept = list(summaries)
        with self._writing() as db:
            if db is not None:
                db.executemany(_INSERT_ROLE, ((*summary, data) for summary, data in kept))
                db.executemany(
                    "INSERT OR IGNORE INTO title_words VALUES (?, ?)",
                    ((word, s.sha256) for s, _ in kept for word in set(s.title_words.split())),
                )

    def record_files(
        self,
        files: dict[str, tuple[StatKey, str]],
        before: dict[str, tuple[StatKey, str]] | None = None,
    ) -> None:
        """Keep the hashes of the files as they are now (every file of ``roles/``: the names no
        longer there are forgotten, and so are the roles no file holds any more). ``before``:
        what was recorded, as read at the start of the command; then only what changed is
        written (rewriting 20,000 rows after one approval took a fifth of a second)."""
        with self._writing() as db:
            if db is None:
                return
            changes = _changes(files, before) if before is not None else None
            if changes is None:
                db.execute("DELETE FROM files")
                db.executemany(
                    "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?)",
                    ((name, *key, sha) for name, (key, sha) in files.items()),
                )
                for table in _BY_HASH:
                    db.execute(
                        f"DELETE FROM {table} WHERE sha256 NOT IN (SELECT sha256 FROM files)"
                    )
                return
            gone, put, orphans = changes
            db.executemany("DELETE FROM files WHERE name = ?", ((name,) for name in gone))
            db.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)",
                ((name, *files[name][0], files[name][1]) for name in put),
            )
            for table in _BY_HASH:
                db.executemany(f"DELETE FROM {table} WHERE sha256 = ?", ((sha,) for sha in orphans))

    def record_check(self, digest: str, failed: bool, count: int, records: Iterable[str]) -> None:
        """Keep the check of the set ``digest`` (the last one only): whether a role had errors,
        and each role's record (``count`` of them)."""
        with self._writing() as db:
            if db is not None:
                db.execute("DELETE FROM checks")
                db.execute("DELETE FROM check_records")
                db.execute("INSERT INTO checks VALUES (?, ?, ?)", (digest, count, failed))
                db.executemany(
                    "INSERT INTO check_records VALUES (?, ?, ?)",
                    ((digest, i, record) for i, record in enumerate(records)),
                )

    def _give_up(self, exc: sqlite3.Error) -> None:
        """Stop writing to a cache that failed (busy, full, read-only): nothing is lost but
        time, and the next command tries again."""
        if not self._broken:
            self._notify(Notice(f"role cache not updated: {exc}"))
        self._broken = True

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None
