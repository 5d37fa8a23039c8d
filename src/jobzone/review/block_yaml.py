"""Reading the few YAML forms jobzone writes, exactly as PyYAML reads them, or declining to.

A cold listing of the queue reads the fields each row shows from thousands of draft files, and a
general YAML parser spends most of that time on generality the files never use. This reader
takes only:

- block mappings whose keys are lower-case names (``created_at:``), each key's value on its
  line or in the block under it;
- block sequences of such mappings, indented or not (``- code: ...`` under ``errors:``);
- on a key's line: a plain scalar, a single-quoted one, ``[]``, ``{}``, or a literal block
  (``|`` or ``|-``) whose lines follow.

A plain scalar is typed by PyYAML's own resolver and constructor, so ``yes`` is a boolean and
``1e5`` text, as PyYAML reads them; a timestamp only in the form jobzone writes
(``2026-05-01 09:30:00+00:00``). Anything else declines (None), and the caller reads the text
with PyYAML: a comment, a blank line, a tab or a character YAML treats specially, double quotes,
anchors, tags, flow collections with something in them, a scalar over several lines, a key
repeated, an indentation PyYAML would read otherwise.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import yaml

#: A key: a lower-case name.
_KEY = re.compile(r"[a-z_][a-z0-9_]*")
#: Characters other than the printable ones and the line feed: tabs, carriage returns, control
#: characters, and beyond ASCII what YAML 1.1 alone takes for a line break and a byte-order mark.
_UNUSUAL_ASCII = re.compile("[^\n\x20-\x7e]")
_UNUSUAL = "[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
#: Where a plain scalar cannot start (``-``, ``?`` and ``:`` only when a space or nothing
#: follows: see :func:`_typed`).
_NOT_PLAIN_START = frozenset(" ,[]{}#&*!|>'\"%@`")
_SINGLE_QUOTED = re.compile(r"'((?:[^']|'')*)'")
#: Timestamps as jobzone writes them (``datetime.isoformat(" ")`` of a time in UTC).
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{6})?\+00:00")
#: PyYAML's own choice of a plain scalar's tag (its stubs leave it untyped).
_resolve: Callable[[type[yaml.Node], str, tuple[bool, bool]], str] = (
    yaml.resolver.Resolver().resolve
)
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_STR = "tag:yaml.org,2002:str"
_BUILT = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "timestamp")
)
#: Keys found to be text (a key like ``on`` is a boolean to PyYAML).
_TEXT_KEYS: set[str] = set()
#: Plain scalars already typed: a queue's files repeat the same names and figures.
_TYPED: dict[str, Any] = {}
#: What :func:`scalar` gives for a text this reader does not take.
UNREAD: Any = object()
_TYPED_MAX = 20_000


class _DeclinedError(Exception):
    """The text holds something this reader does not take."""


def load(text: str) -> dict[str, Any] | None:
    """The mapping ``text`` holds, as PyYAML reads it, or None when this reader cannot tell."""
    try:
        return _read(text.strip("\n").split("\n"))
    except _DeclinedError:
        return None


def scalar(text: str) -> Any:
    """What ``text`` is, written after a key's ``: `` on its line, as PyYAML reads it; UNREAD
    when this reader cannot tell (a literal block's ``|`` among others: its lines follow)."""
    if text == "[]":
        return []
    if text == "{}":
        return {}
    value = _TYPED.get(text, UNREAD)
    if value is UNREAD:
        value = _typed(text)
        if len(_TYPED) < _TYPED_MAX:
            _TYPED[text] = value
    return value


#: An open collection: the column its keys start at, and the mapping or the sequence.
_Open = tuple[int, dict[str, Any] | list[Any]]


def _read(lines: list[str]) -> dict[str, Any] | None:
    """The mapping of ``lines``, read in one pass with string methods, the common case first: a
    key beside the one before, with a value already typed (a queue's cold listing reads some 40
    lines from each of thousands of files, so the globals it uses are local names here)."""
    root: dict[str, Any] = {}
    opened: list[_Open] = [(0, root)]
    mapping, mapping_column = root, 0  # the innermost open collection, when it is a mapping
    under: tuple[dict[str, Any], str, int] | None = None  # a key whose value is the block below
    text_keys, typed, unread = _TEXT_KEYS, _TYPED, UNREAD
    at_line, count = 0, len(lines)
    while at_line < count:
        line = lines[at_line]
        at_line += 1
        text = line.lstrip(" ")
        column = len(line) - len(text)
        dash = text.startswith("- ")
        if dash:
            text = text[2:]
            column += 2
        key, space, rest = text.partition(": ")
        if not space:
            if not text.endswith(":"):
                raise _DeclinedError  # no key's line: a comment, a blank line, a long text...
            key = text[:-1]
        if key not in text_keys and not _is_text_key(key):
            raise _DeclinedError  # not a name, or not text to PyYAML (``on:``, ``null:``)
        if under is not None or dash or column != mapping_column:
            if under is not None:
                _open_below(opened, under, column, dash)
                under = None
            mapping, mapping_column = _owner(opened, column, dash), column
        if key in mapping:
            raise _DeclinedError  # repeated: PyYAML keeps the last, jobzone refuses the file
        if not space:
            under = (mapping, key, column)
            continue
        value = typed.get(rest, unread)
        if value is unread:
            if rest in ("|-", "|"):
                value, at_line = _literal(lines, at_line, column, keep_break=rest == "|")
            elif (value := scalar(rest)) is unread:
                raise _DeclinedError
        mapping[key] = value
    if under is not None:
        under[0][under[1]] = None
    return root or None


def _open_below(
    opened: list[_Open], under: tuple[dict[str, Any], str, int], column: int, dash: bool
) -> None:
    """Give the key ``under`` its value from the line after it, at ``column``: a sequence if
    that line is an item at or right of the key's column (``-`` under ``errors:``), a mapping
    if it is a key right of it, else null."""
    mapping, key, above = under
    if dash and column - 2 >= above:
        items: list[Any] = []
        mapping[key] = items
        opened.append((column, items))
    elif not dash and column > above:
        inner: dict[str, Any] = {}
        mapping[key] = inner
        opened.append((column, inner))
    else:
        mapping[key] = None


def _owner(opened: list[_Open], column: int, dash: bool) -> dict[str, Any]:
    """The mapping the key at ``column`` goes in: collections right of it are closed (and the
    item before, when the line starts an item), then it must be the innermost one's key."""
    while opened[-1][0] > column or (
        dash and opened[-1][0] == column and type(opened[-1][1]) is dict
    ):
        opened.pop()  # never the top-level mapping: its column is 0, an item's at least 2
    inner_column, inner = opened[-1]
    if inner_column != column or (type(inner) is list) != dash:
        raise _DeclinedError  # indented as no open collection is: PyYAML reads it otherwise
    if isinstance(inner, dict):
        return inner
    item: dict[str, Any] = {}
    inner.append(item)
    opened.append((column, item))
    return item


def _literal(lines: list[str], at_line: int, column: int, keep_break: bool) -> tuple[str, int]:
    """The literal block under the key at ``column``, and the line after it: its lines less the
    indentation of the first; ``keep_break`` (``|``) keeps the final line break, ``|-`` drops
    it."""
    first = lines[at_line] if at_line < len(lines) else ""
    indent = len(first) - len(first.lstrip(" "))
    if not first.strip(" "):
        raise _DeclinedError  # blank lines in a block: PyYAML's rules for them are subtle
    if indent <= column:
        return "", at_line  # no line is indented enough: the block is empty
    prefix = " " * indent
    body = []
    while at_line < len(lines):
        line = lines[at_line]
        if not line.strip(" "):
            raise _DeclinedError
        if not line.startswith(prefix):
            break
        body.append(line[indent:])
        at_line += 1
    text = "\n".join(body)
    if _unusual(text):
        raise _DeclinedError
    return (text + "\n" if keep_break else text), at_line


def _is_text_key(key: str) -> bool:
    if not _KEY.fullmatch(key) or scalar(key) != key:
        return False
    if len(_TEXT_KEYS) < _TYPED_MAX:
        _TEXT_KEYS.add(key)
    return True


def _typed(text: str) -> Any:
    """``text`` as PyYAML reads it after a key's ``: ``, or UNREAD: where it is not one scalar
    on its line (``a: b``, ``a #b``, a trailing space, an indicator first, an unclosed quote),
    holds a character YAML treats specially, or is not one of the types jobzone writes."""
    if not text or _unusual(text):
        return UNREAD
    if text[0] == "'":
        quoted = _SINGLE_QUOTED.fullmatch(text)
        return UNREAD if quoted is None else quoted[1].replace("''", "'")
    if (
        text[0] in _NOT_PLAIN_START
        or (text[0] in "-?:" and text[1:2] in ("", " "))
        or ": " in text
        or " #" in text
        or text[-1] in ": "
    ):
        return UNREAD
    if _TIMESTAMP.fullmatch(text):  # PyYAML's timestamp, as its resolver would say: one a row
        return _timestamp(text)
    tag = _resolve(yaml.ScalarNode, text, (True, False))
    if tag == _STR:
        return text
    if tag not in _BUILT:
        return UNREAD  # ``=`` and ``<<``: PyYAML's value and merge keys
    if tag.endswith("timestamp"):
        return UNREAD  # in no form but jobzone's: ``2026-05-01``, ``...T09:30:00Z``
    try:  # the constructor of the tag, not construct_object: that remembers every node
        return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, yaml.ScalarNode(tag, text))
    except ValueError:  # an integer too long for Python to read quickly
        return UNREAD


def _unusual(text: str) -> bool:
    """Whether ``text`` holds a character of :data:`_UNUSUAL`. The pattern for any text is
    compiled only when a text beyond ASCII comes (a Unicode class takes milliseconds to)."""
    if text.isascii():  # known without a look at the text
        return _UNUSUAL_ASCII.search(text) is not None
    return re.search(_UNUSUAL, text) is not None


def _timestamp(text: str) -> Any:
    """A timestamp in the one form jobzone writes, which ``fromisoformat`` reads as PyYAML
    does (a test holds the two to it); no such day declines."""
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return UNREAD
