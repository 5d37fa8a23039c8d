"""Reading and writing YAML documents safely.

Reading turns whatever cannot be a document, or could hurt the process reading it, into one
:class:`InputError` naming the file (and the line and field when there are some):

- a file that is missing, unreadable, not a regular file (a FIFO would block), empty, over
  1 MiB or not UTF-8;
- YAML anchors and aliases: a few hundred bytes of aliases can stand for billions of values;
- a key repeated in a mapping, which YAML would settle silently by keeping the last;
- a value PyYAML cannot build (``2026-02-30``, a 5,000-digit number), and nesting deeper than
  the parser can follow;
- given a workspace (``inside=``), a path outside it or a symbolic link on the way to it, which
  could make a command read or overwrite a file elsewhere.

Text is read by the fast reader (:mod:`jobzone.fast_yaml`) when its reading is PyYAML's, else by
PyYAML, whose messages name what is wrong. Pydantic's complaints take the same shape, quoting the
input in at most 80 characters. Writing keeps key order stable and long text as block scalars so
that a git diff of a review reads well, quotes whatever text a YAML 1.1 or 1.2 reader would take
for something else (so every reader reads a file alike, and the fast reader reads it), replaces
the target atomically so an interruption never leaves half a file, and reports an OS error as an
InputError naming the file.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import reprlib
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar, cast

import yaml
from pydantic import BaseModel, ValidationError

from jobzone.errors import InputError, NotFoundError
from jobzone.fast_yaml import fast_load

MAX_FILE_BYTES = 1024 * 1024
BLOCK_MIN_CHARS = 72


def _read_umask() -> int:
    """The process's umask. Read once, at import, because reading it means setting it."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _read_umask()
M = TypeVar("M", bound=BaseModel)


def schema_header(schema_name: str, schema_dir: str = "../schemas") -> str:
    """The first line of a file in ``roles/`` or ``drafts/``, pointing editors at its schema."""
    return f"# yaml-language-server: $schema={schema_dir}/{schema_name}.schema.json\n"


# --- Reading -------------------------------------------------------------------------------------


def read_yaml(path: Path, *, inside: Path | None = None) -> Any:
    """The YAML mapping in ``path``. Raises InputError naming the file for anything else.

    With ``inside`` (a resolved workspace root), ``path`` must lie in it and be reached through no
    symbolic link: see :func:`refuse_links`.
    """
    return parse_yaml(read_text(path, inside=inside), str(path))


def read_text(path: Path, *, inside: Path | None = None) -> str:
    """The text of ``path``, as :func:`read_bytes` reads it, which must be UTF-8."""
    return decode_text(read_bytes(path, inside=inside), str(path))


def decode_text(data: bytes, file: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", file=file, rule="file.encoding") from None


def read_bytes(path: Path, *, inside: Path | None = None) -> bytes:
    """The bytes of a regular file of at most MAX_FILE_BYTES; ``inside`` as for
    :func:`read_yaml`. The checks are made on the opened descriptor, so the file cannot be
    swapped between checking and reading; ``O_NONBLOCK`` makes opening a FIFO return at once (it
    is then refused) rather than wait for a writer, and ``O_NOFOLLOW`` refuses a link even if one
    appeared after :func:`refuse_links` looked."""
    if inside is not None:
        refuse_links(path, inside)
    return read_bytes_unlinked(path, follow_links=inside is None)


def read_bytes_unlinked(path: Path, *, follow_links: bool = False) -> bytes:
    """:func:`read_bytes` for a file whose folders were checked already (a folder's files read
    in bulk): only ``path`` itself is refused if it is a link (unless ``follow_links``)."""
    file = str(path)
    flags = os.O_RDONLY | os.O_NONBLOCK | (0 if follow_links else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise NotFoundError("no such file", file=file, rule="file.exists") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow_links:
            raise _link_error(path) from None
        raise _unreadable(file, exc) from None
    try:
        return _read_regular(fd, file)
    except OSError as exc:
        raise _unreadable(file, exc) from None
    finally:
        os.close(fd)


def _read_regular(fd: int, file: str) -> bytes:
    """The bytes of the regular file open on ``fd``, refusing a file over the limit (however much
    it grows while being read)."""
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        raise InputError("not a regular file", file=file, rule="file.regular")
    data = _read_at_most(fd, MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        size = max(info.st_size, len(data))
        raise InputError(
            f"file is {size / 1_048_576:.1f} MiB; the limit is {MAX_FILE_BYTES // 1_048_576} MiB",
            file=file,
            rule="file.size",
        )
    return data


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    got = 0
    while got < limit and (chunk := os.read(fd, limit - got)):
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _unreadable(file: str, exc: OSError) -> InputError:
    return InputError(f"cannot read: {exc.strerror or exc}", file=file, rule="file.readable")


def parse_yaml(text: str, file: str) -> Any:
    """Parse YAML text that must hold one mapping."""
    if not text.strip():
        raise InputError("file is empty", file=file, rule="file.empty")
    try:
        data = _load(text, file)
    except yaml.YAMLError as exc:
        raise _malformed(exc, file) from None
    except RecursionError:  # PyYAML's pure-Python parser recurses once per level
        raise InputError(_DEPTH_MESSAGE, file=file, rule="yaml.depth") from None
    if not isinstance(data, dict):
        raise InputError(
            f"expected a mapping of keys, found {type(data).__name__}",
            file=file,
            rule="yaml.mapping",
        )
    return data


_ALIAS_MESSAGE = (
    "anchors and aliases (&name, *name) are not allowed in jobzone files; write the value out"
)
_DEPTH_MESSAGE = "values are nested too deeply; jobzone files need only a few levels"


def _load(text: str, file: str) -> Any:
    """The data in ``text``, refusing what jobzone does not accept in YAML. The fast reading is
    taken when it is PyYAML's; anything else (a refusal, an error) is read by PyYAML, which says
    precisely what is wrong."""
    data = fast_load(text)
    if data is not None:
        return data
    # Only a text with one of these characters can hold an anchor or an alias, and few do: the
    # rest are parsed once.
    if "&" in text or "*" in text:
        _refuse_anchors(text, file)
    loader = _LOADER(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        try:
            return loader.construct_document(root)
        except _RefusedNodeError as refusal:
            field = field_path(next(path for node, path in _walk(root) if node is refusal.node))
            raise InputError(refusal.message, file=file, field=field, rule=refusal.rule) from None
    finally:
        loader.dispose()


def _refuse_anchors(text: str, file: str) -> None:
    """Refuse anchors and aliases. An alias repeats a value without copying it, so a few hundred
    bytes can stand for billions of values (the "billion laughs"), which anything that walks or
    prints the data, such as an error message, then expands. Scanning the parser's events finds
    them without building anything."""
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
            raise InputError(_at(event.start_mark) + _ALIAS_MESSAGE, file=file, rule="yaml.alias")


def _malformed(exc: yaml.YAMLError, file: str) -> InputError:
    """PyYAML's complaint as an InputError at its line and column, cut short if it quotes a lot
    of the file. libyaml stops at 1,000 levels of nesting, which is a depth error here too."""
    mark = getattr(exc, "problem_mark", None)
    where = _at(mark) if mark else ""
    problem = getattr(exc, "problem", None) or str(exc)
    if "maximum nesting depth" in problem:
        return InputError(where + _DEPTH_MESSAGE, file=file, rule="yaml.depth")
    return InputError(f"{where}malformed YAML: {_clip(problem)}", file=file, rule="yaml.syntax")


def _at(mark: Any) -> str:
    """``line 3, column 6: `` from a PyYAML or libyaml mark, which count from 0."""
    return f"line {mark.line + 1}, column {mark.column + 1}: "


def _walk(root: yaml.Node) -> Iterator[tuple[yaml.Node, tuple[int | str, ...]]]:
    """Every node of a document with its path (``("tasks", 2, "name")``); a key has the path of
    its value, and stands in paths as its text (a list or mapping as a key is refused when built,
    so none is ever on the path of a refused node). Iterative: a deep document cannot exhaust
    the stack."""
    stack: list[tuple[yaml.Node, tuple[int | str, ...]]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        yield node, path
        if isinstance(node, yaml.MappingNode):
            stack += [
                (child, (*path, key.value)) for key, value in node.value for child in (key, value)
            ]
        elif isinstance(node, yaml.SequenceNode):
            stack += [(item, (*path, index)) for index, item in enumerate(node.value)]


# --- The loader: PyYAML's safe loader with jobzone's checks while it builds the data -------------


class _RefusedNodeError(Exception):
    """A node the loader refuses; :func:`_load` makes it an InputError naming its field."""

    def __init__(self, rule: str, node: yaml.Node, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.node = node
        self.message = message


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Iterator[dict[Any, Any]]:
    """PyYAML's mapping constructor, except that a repeated key is refused: PyYAML keeps the last
    value, so a second ``growth:`` block pasted lower down would silently replace the first."""
    data: dict[Any, Any] = {}
    yield data  # the empty mapping first, filled in later, as PyYAML does
    value = loader.construct_mapping(node)
    if len(value) < len(node.value):  # rare, so look for the repeat only then
        first, again = next(_repeated_keys(loader, node))
        raise _RefusedNodeError(
            "yaml.duplicate-key",
            again,
            f"line {again.start_mark.line + 1}: key {_short(loader.construct_object(again))} "
            f"appears twice (first at line {first.start_mark.line + 1}); keep one",
        )
    data.update(value)


def _repeated_keys(
    loader: yaml.SafeLoader, node: yaml.MappingNode
) -> Iterator[tuple[yaml.Node, yaml.Node]]:
    """Each key node of ``node`` equal to an earlier one, with that earlier one."""
    seen: dict[Any, yaml.Node] = {}
    for key_node, _value in node.value:
        first = seen.setdefault(loader.construct_object(key_node), key_node)
        if first is not key_node:
            yield first, key_node


_ScalarConstructor = Callable[[yaml.SafeLoader, yaml.ScalarNode], Any]


def _checked(
    construct: _ScalarConstructor,
    noun: str,
    why: Callable[[str, Exception], str] | None = None,
) -> _ScalarConstructor:
    """``construct``, refusing text it cannot read as ``noun``. PyYAML lets a bare ValueError,
    KeyError or AttributeError escape for a date that does not exist (``2026-02-30``), a number
    too long for Python to read, or an explicit tag on the wrong text (``!!bool maybe``)."""

    def construct_checked(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, LookupError, AttributeError) as exc:
            reason = why(node.value, exc) if why else ""
            raise _RefusedNodeError(
                "yaml.value",
                node,
                f"line {node.start_mark.line + 1}: cannot read {_short(node.value)} as {noun}"
                + reason,
            ) from None

    return construct_checked


def _impossible_date(text: str, exc: Exception) -> str:
    """datetime's reason for refusing a date of the right shape (``day is out of range...``)."""
    return f" ({exc})" if isinstance(exc, ValueError) else ""


def _too_many_digits(text: str, exc: Exception) -> str:
    """Python refuses to read integers of more than ``sys.get_int_max_str_digits()`` digits,
    as converting them takes time quadratic in their length."""
    digits, limit = sum(c.isdigit() for c in text), sys.get_int_max_str_digits()
    return f" (it has {digits} digits; the limit is {limit})" if digits > limit else ""


_SAFE = yaml.constructor.SafeConstructor
_SCALARS: dict[str, _ScalarConstructor] = {
    "tag:yaml.org,2002:bool": _checked(_SAFE.construct_yaml_bool, "true or false"),
    "tag:yaml.org,2002:int": _checked(_SAFE.construct_yaml_int, "a whole number", _too_many_digits),
    "tag:yaml.org,2002:float": _checked(_SAFE.construct_yaml_float, "a number"),
    "tag:yaml.org,2002:timestamp": _checked(
        _SAFE.construct_yaml_timestamp, "a date or time", _impossible_date
    ),
}


def _loader_class(base: type[yaml.SafeLoader]) -> type[yaml.SafeLoader]:
    """``base`` with the checks above added to building the data from the parsed nodes."""
    loader = cast("type[yaml.SafeLoader]", type("JobzoneLoader", (base,), {}))
    loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
    for tag, construct in _SCALARS.items():
        loader.add_constructor(tag, construct)
    return loader


#: libyaml's loader when PyYAML has it (much faster), else the pure-Python one.
_LOADER = _loader_class(getattr(yaml, "CSafeLoader", yaml.SafeLoader))


# --- Models --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SchemaProblem:
    """One way a document breaks its model: a stable rule code, the field path and a message."""

    code: str
    path: str
    message: str


def field_path(loc: tuple[int | str, ...]) -> str:
    """``('tasks', 3, 'score')`` -> ``tasks[3].score``. A key is cut to 80 characters: it may be
    any text in the file, a megabyte long."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            key = _clip(str(part), 80)
            out += f".{key}" if out else key
    return out or "(document)"


_CODES = {
    "missing": "field.missing",
    "extra_forbidden": "field.unknown",
    "greater_than_equal": "field.range",
    "less_than_equal": "field.range",
    "greater_than": "field.range",
    "less_than": "field.range",
    "string_pattern_mismatch": "field.pattern",
    "string_too_short": "field.length",
    "string_too_long": "field.length",
    "enum": "field.choice",
    "literal_error": "field.choice",
}


def _quoting_repr() -> reprlib.Repr:
    """A ``repr`` that abbreviates long text and numbers, long lists and deep nesting."""
    quoting = reprlib.Repr()
    quoting.maxlevel = 3
    quoting.maxstring = quoting.maxlong = quoting.maxother = 60
    return quoting


_QUOTING = _quoting_repr()


def _clip(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _short(value: Any) -> str:
    """``repr(value)`` in at most 80 characters, however long or deep the value: messages quote
    input, and a megabyte of it (or a list nested 100,000 deep) would swamp or crash them."""
    return _clip(_QUOTING.repr(value), 80)


def schema_problems(error: ValidationError) -> list[SchemaProblem]:
    """Pydantic's errors as rule codes, paths and plain messages."""
    problems = []
    for item in error.errors(include_url=False):
        kind = item["type"]
        path = field_path(item["loc"])
        if kind in ("too_short", "too_long"):
            code = "tasks.count" if path == "tasks" else "field.length"
        else:
            code = _CODES.get(kind, "field.type")
        message = item["msg"]
        if kind not in ("missing", "extra_forbidden"):
            message = f"{message} (got {_short(item['input'])})"
        elif kind == "extra_forbidden":
            message = "unknown field; check its spelling against the schema"
        problems.append(SchemaProblem(code=code, path=path, message=message))
    return problems


def parse_model(model: type[M], data: Any, file: str) -> M:
    """Validate ``data`` as ``model``; the first problem becomes an InputError."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = schema_problems(exc)
        first = problems[0]
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise InputError(
            first.message + more, file=file, field=first.path, rule=first.code
        ) from None


def load_model(model: type[M], path: Path, *, inside: Path | None = None) -> M:
    """The document in ``path`` as ``model``; ``inside`` as for :func:`read_yaml`."""
    return parse_model(model, read_yaml(path, inside=inside), str(path))


# --- Writing -------------------------------------------------------------------------------------


#: libyaml's emitter when PyYAML has it: the same YAML as PyYAML's own emitter writes, twenty
#: times faster (a draft is written on every change, and several files on every approval).
#: The two differ only in where they fold a long double-quoted text, which both read the same.
_DUMPER_BASE: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _BlockDumper(_DUMPER_BASE):  # type: ignore[valid-type,misc]
    """Long or multi-line text as ``|`` block scalars; enums as their values; no anchors, so a
    value written twice (a timestamp, say) reads as itself both times."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


#: Characters YAML reads as line breaks; only the double-quoted style keeps them (escaped).
_YAML_BREAKS = frozenset("\x85\u2028\u2029")
#: Text that some YAML reader takes for something else when it is written plain, beyond what
#: PyYAML (YAML 1.1) quotes of itself: YAML 1.2's numbers (``1e5``, ``0o17``, ``09``, a
#: fingerprint like ``4416e85084221594``, ``.inf``) and YAML 1.1's one-letter booleans.
_NOT_PLAIN_TEXT = re.compile(
    r"[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)(?:[eE][-+]?[0-9_]+)?"
    r"|[-+]?0[xXoObB][0-9a-fA-F_]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|[yYnN]"
)


def text_style(value: str) -> str | None:
    """How jobzone writes a text: so that YAML 1.1 and 1.2 readers alike read it back. Whatever
    either would take for a number, a boolean, null or a date is quoted (PyYAML quotes of itself,
    with style None, what YAML 1.1 would misread); long or multi-line text is a block."""
    if _YAML_BREAKS.intersection(value):
        return '"'
    if "\n" in value or len(value) > BLOCK_MIN_CHARS:
        return "|"
    if _NOT_PLAIN_TEXT.fullmatch(value):
        return "'"
    return None


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=text_style(value))


def _represent_enum(dumper: yaml.SafeDumper, value: Enum) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value.value))


_BlockDumper.add_representer(str, _represent_str)
_BlockDumper.add_multi_representer(Enum, _represent_enum)


def dump_yaml(data: Any) -> str:
    text = yaml.dump(
        data, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=100, indent=2
    )
    # libyaml closes a document that ends in a kept block text with "...": nothing follows it
    # in a file of one document, and PyYAML's emitter leaves it out.
    return text[:-4] if text.endswith("\n...\n") else text


def dump_model(model: BaseModel, schema_name: str, schema_dir: str = "../schemas") -> str:
    """A model as a YAML document headed by its schema line, keys in model order."""
    return schema_header(schema_name, schema_dir) + dump_yaml(model.model_dump(mode="python"))


def atomic_write(
    path: Path, text: str, *, inside: Path | None = None, durable: bool = True
) -> None:
    """Replace ``path`` with ``text`` so readers see the old file or the new one, never half.

    The text goes to a temporary file beside ``path`` that is then renamed over it, so a symbolic
    link at ``path`` is replaced, not written through. With ``inside`` (a resolved workspace
    root), a link at ``path`` or on the way to it is refused instead: see :func:`refuse_links`.
    Any OS error (a full disk, a read-only workspace, a file where a folder should be) is
    InputError [file.writable] and leaves no temporary file behind; the old file is untouched
    unless only syncing the folder, after the rename, failed. ``durable=False`` skips syncing the
    file and its folder to disk, for a cache, which a crash may lose but never leaves half
    written: a sync can take a disk's whole latency, and a cache is written on every change.
    """
    if inside is not None:
        refuse_links(path, inside)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _unwritable(path, f"cannot create the folder {exc.filename}", exc) from None
    try:
        _replace(path, text.encode("utf-8"), durable)
        if durable:
            _fsync_dir(path.parent)
    except OSError as exc:
        raise _unwritable(path, "cannot write", exc) from None


def _replace(path: Path, data: bytes, durable: bool) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".jobzone-tmp")
    try:
        try:
            # mkstemp makes the file private; a workspace is shared, so give it the usual mode.
            os.fchmod(fd, 0o666 & ~_UMASK)
            _write_all(fd, data)
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        Path(tmp).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):  # the error that brought us here matters more
            Path(tmp).unlink()
        raise


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable: it is recorded in the folder, which has to be synced too."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _unwritable(path: Path, doing: str, exc: OSError) -> InputError:
    return InputError(f"{doing}: {exc.strerror or exc}", file=str(path), rule="file.writable")


# --- Listing, hashing and links ------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    """The hash of a file's bytes: how a revision names the canonical version it was based on."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refuse_links(path: Path, inside: Path) -> None:
    """Raise InputError [file.symlink] unless ``path`` lies in the workspace root ``inside``
    (resolved) and neither ``path`` nor any folder between ``inside`` and it is a symbolic link.
    Parts that do not exist yet pass: writing creates them as real folders.

    A link in a workspace, committed to its repository or planted there, would let a command read
    or overwrite a file anywhere the user can write, so jobzone refuses it rather than follow it.
    """
    absolute = path.absolute()
    if ".." in absolute.parts or not absolute.is_relative_to(inside):
        raise InputError(
            f"is outside the workspace {inside}; jobzone reads and writes only inside it",
            file=str(path),
            rule="file.symlink",
        )
    current = inside
    for part in absolute.relative_to(inside).parts:
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except OSError:
            # Missing, or not reachable: nothing under it is a link now, and reading or writing
            # will report the problem in the OS's words.
            return
        if stat.S_ISLNK(mode):
            raise _link_error(path, None if current == absolute else current)


def _link_error(path: Path, folder: Path | None = None) -> InputError:
    """``path`` is a link, or (given) a ``folder`` on the way to it is."""
    what, kind = (f"folder {folder} is", "folder") if folder else ("is", "file")
    return InputError(
        f"{what} a symbolic link; jobzone does not follow links inside a workspace "
        f"(replace it with the {kind} itself)",
        file=str(path),
        rule="file.symlink",
    )
