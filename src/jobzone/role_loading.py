"""Loading the canonical set through the role cache (:mod:`jobzone.role_cache`).

A role file whose bytes the cache knows is not parsed: its summary makes its
:class:`~jobzone.canonical.CanonicalRole`, whose assessment is read from the cache's JSON when
first asked for. Only new or changed files are parsed, validated and scored, and then kept. What
identifies a file's bytes is their hash; a file whose ``stat`` is unchanged since it was hashed is
taken to be unchanged (as git does), unless ``verify`` asks for every file to be hashed again,
as ``jobzone check`` does.

Many new files (a first load, a cache rebuilt) are parsed in two processes on a machine with two
cores (:mod:`jobzone.forking`); each file's bytes are read again to be parsed rather than held.
Garbage collection is paused while the set is made: collections scanning hundreds of thousands
of new objects that cannot be garbage took a fifth of a large ``check``.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import stat
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from jobzone import forking
from jobzone.assessment import Assessment
from jobzone.canonical import CanonicalRole, CanonicalSet, load_role, profile_of, role_score
from jobzone.documents import (
    decode_text,
    parse_model,
    parse_yaml,
    read_bytes_unlinked,
    refuse_links,
)
from jobzone.errors import InputError
from jobzone.progress import Notify
from jobzone.role_cache import RoleCache, Summary
from jobzone.scoring import Score
from jobzone.workspace import StatKey, Workspace, stat_key

#: How many roles loaded from the cache keep their assessment at once: enough for the few a
#: check or a page looks at again and again, not so many that 20,000 fill the memory.
KEPT = 128
#: How many new roles are written to the cache at once.
BATCH = 256


class CachedRoles:
    """Assessments read back from the role cache, the most recently used kept."""

    def __init__(self, cache: RoleCache, root: Path) -> None:
        self._cache = cache
        self._root = root
        self._kept: OrderedDict[str, Assessment] = OrderedDict()

    def load(self, path: Path, sha256: str) -> Assessment:
        kept = self._kept.get(sha256)
        if kept is not None:
            self._kept.move_to_end(sha256)
            return kept
        text = self._cache.assessment_json(sha256)
        if text is None:  # the cache failed since: the file itself, as a role is read anyway
            assessment = load_role(path, inside=self._root).assessment
        else:
            assessment = Assessment.model_validate_json(text)
        self.keep(sha256, assessment)
        return assessment

    def keep(self, sha256: str, assessment: Assessment) -> None:
        self._kept[sha256] = assessment
        if len(self._kept) > KEPT:
            self._kept.popitem(last=False)


def load_set(workspace: Workspace, notify: Notify, *, verify: bool = False) -> CanonicalSet:
    """Every role in ``roles/``, through the cache; unreadable files in ``unreadable``."""
    try:
        refuse_links(workspace.roles_dir, workspace.root)
    except InputError:
        return _uncached(workspace)  # each file then says why it cannot be read
    with _collection_paused():
        cache = RoleCache(workspace, notify)
        store = CachedRoles(cache, workspace.root)
        known = cache.known_files()
        by_hash: dict[str, Summary] | None = None  # every kept role, read only if one is needed
        hashes: dict[str, tuple[StatKey, str]] = {}
        changed = False  # whether any file's name, stat or hash differs from what was recorded
        # Each file's role or problem, in order; None where its bytes are new (parsed below).
        found: list[CanonicalRole | InputError | None] = []
        new: list[_New] = []
        for name, where, info in _role_files(workspace.roles_dir):
            if not stat.S_ISREG(info.st_mode):  # a link or a FIFO: reading it says why not
                found.append(_whole(Path(where), workspace.root))
                continue
            key = stat_key(info)
            remembered = known.get(name)
            summary = remembered[1] if remembered and remembered[0] == key and not verify else None
            if summary is None:
                path = Path(where)
                try:
                    data = read_bytes_unlinked(path)  # roles/ was checked for links
                except InputError as exc:
                    found.append(exc)
                    continue
                sha = hashlib.sha256(data).hexdigest()
                changed = changed or not remembered or remembered[0] != key
                if remembered and remembered[1].sha256 == sha:
                    summary = remembered[1]
                else:
                    changed = True
                    if by_hash is None:
                        by_hash = cache.summaries()
                    summary = by_hash.get(sha)
                if summary is None:
                    new.append(_New(len(found), path, key))
                    found.append(None)
                    continue
            hashes[name] = (key, summary.sha256)
            found.append(CanonicalRole(where, summary=summary, store=store))
        for item, outcome in zip(new, _parse_all(new, cache, store), strict=True):
            if isinstance(outcome, InputError):
                found[item.index] = outcome
                continue
            summary, scored, assessment = outcome
            hashes[item.path.name] = (item.key, summary.sha256)
            if assessment is not None:  # kept whole: the cache could not keep it
                found[item.index] = CanonicalRole(item.path, assessment, scored)
            else:
                found[item.index] = CanonicalRole(
                    item.path, score=scored, summary=summary, store=store
                )
        if changed or len(hashes) != len(known):
            cache.record_files(hashes, {name: (k, s.sha256) for name, (k, s) in known.items()})
        # The cache answers for every role it kept in this process; a forked child's writes
        # are not seen here, so after a split parse the whole set is indexed as before.
        answers = cache.usable and not forking.worth_splitting(len(new))
    roles = [role for role in found if isinstance(role, CanonicalRole)]
    unreadable = tuple(p for p in found if isinstance(p, InputError))
    return CanonicalSet.of(roles, unreadable, titled=cache.titled if answers else None)


def _whole(path: Path, root: Path) -> CanonicalRole | InputError:
    try:
        return load_role(path, inside=root)
    except InputError as exc:
        return exc


@dataclass(frozen=True)
class _New:
    """A role file whose bytes the cache does not know, and where it stands in the set. Its
    bytes are read again to be parsed: 20,000 files' bytes held meanwhile would take 200 MB."""

    index: int
    path: Path
    key: StatKey


#: A new file, parsed: its summary and score, and its assessment where the cache could not keep
#: it (else None: it is read back from the cache), or why it cannot be read.
_Parsed = tuple[Summary, Score, Assessment | None] | InputError


def _parse_all(new: list[_New], cache: RoleCache, store: CachedRoles) -> list[_Parsed]:
    """Parse, validate and score the new files, keep them in the cache, and keep their
    assessments in ``store``; many of them on a machine with two cores are split in two, the
    second half parsed by a forked child (:mod:`jobzone.forking`)."""
    if not (cache.usable and forking.worth_splitting(len(new))):
        return _parse(new, cache, store)
    cut = len(new) // 2
    ours, theirs = forking.in_parallel(
        lambda: [_portable(p) for p in _parse(new[cut:], cache, None)],
        lambda: _parse(new[:cut], cache, store),
    )
    if theirs is None or not cache.usable:
        return ours + _parse(new[cut:], cache, store)
    return ours + [_unported(p) for p in theirs]


def _parse(new: list[_New], cache: RoleCache, store: CachedRoles | None) -> list[_Parsed]:
    parsed: list[_Parsed] = []
    kept: list[tuple[Summary, str]] = []
    for item in new:
        try:
            data = read_bytes_unlinked(item.path)
            assessment, scored = _parse_role(item.path, data)
        except InputError as exc:
            parsed.append(exc)
            continue
        summary = summarise(hashlib.sha256(data).hexdigest(), assessment, scored)
        # Held whole only where the cache cannot keep it: 20,000 of them would not fit.
        parsed.append((summary, scored, None if cache.usable else assessment))
        kept.append((summary, assessment.model_dump_json()))
        if store is not None:
            store.keep(summary.sha256, assessment)
        if len(kept) == BATCH:  # kept as they come: their JSON is large
            cache.keep_roles(kept)
            kept.clear()
    if kept:
        cache.keep_roles(kept)
    return parsed


def _portable(parsed: _Parsed) -> object:
    """``parsed`` as the child hands it over: an InputError as its fields (pickling an exception
    keeps only its message)."""
    if isinstance(parsed, InputError):
        return ("error", parsed.detail, parsed.file, parsed.field, parsed.rule)
    return parsed


def _unported(handed: object) -> _Parsed:
    if isinstance(handed, tuple) and handed and handed[0] == "error":
        _, detail, file, field, rule = handed
        return InputError(detail, file=file, field=field, rule=rule)
    return handed  # type: ignore[return-value]


def _parse_role(path: Path, data: bytes) -> tuple[Assessment, Score]:
    """A role file's bytes parsed, validated and scored; InputError naming it otherwise."""
    file = str(path)
    assessment = parse_model(Assessment, parse_yaml(decode_text(data, file), file), file)
    return assessment, role_score(assessment, path)


def summarise(sha256: str, assessment: Assessment, scored: Score) -> Summary:
    """What the cache keeps at hand of a role, its file's bytes hashing to ``sha256``."""
    profile = profile_of(assessment)
    return Summary(
        sha256=sha256,
        slug=assessment.slug,
        title=assessment.title,
        aliases=json.dumps(assessment.role.aliases, ensure_ascii=False),
        title_words=" ".join(sorted(profile.title_words)),
        task_words=" ".join(sorted(profile.task_words)),
        occupation=chosen.code if (chosen := assessment.role.occupation) else "",
        aijri=str(scored.shown_aijri),
        zone=scored.zone,
        sub_label=scored.sub_label,
    )


def _role_files(folder: Path) -> Iterator[tuple[str, str, os.stat_result]]:
    """The ``*.yaml`` entries of ``folder`` that are not folders, sorted: each one's name, path
    (as text) and ``lstat`` (links are listed, even dangling ones, so that reading them reports
    them)."""
    if not folder.is_dir():
        return
    with os.scandir(folder) as scan:
        entries = sorted((e.name, e) for e in scan if e.name.endswith(".yaml"))
    for name, entry in entries:
        info = entry.stat(follow_symlinks=False)
        if not stat.S_ISDIR(info.st_mode):
            yield name, entry.path, info


def _uncached(workspace: Workspace) -> CanonicalSet:
    roles: list[CanonicalRole] = []
    unreadable: list[InputError] = []
    for _name, where, _info in _role_files(workspace.roles_dir):
        try:
            roles.append(load_role(Path(where), inside=workspace.root))
        except InputError as exc:
            unreadable.append(exc)
    return CanonicalSet.of(roles, tuple(unreadable))


@contextmanager
def _collection_paused() -> Iterator[None]:
    """Garbage collection paused while a set is loaded: the objects made then are kept, not
    garbage, and collections triggered by making hundreds of thousands of them would scan them
    again and again. (Freezing them afterwards, ``gc.freeze``, gained nothing measurable in the
    check that follows, and in the long-running review server would make immortal whatever
    garbage cycles were waiting to be collected at that moment.)"""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
