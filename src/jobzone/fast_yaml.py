"""Reading YAML fast, exactly as PyYAML reads it, or declining to.

yaml-rs parses several times faster than libyaml through PyYAML, but it reads YAML 1.2, where
PyYAML reads YAML 1.1. They disagree mostly on plain (unquoted) scalars: ``yes``, ``on`` or
``12:30`` are text to yaml-rs and a boolean or a number to PyYAML; ``1e5``, ``0o17`` or ``09`` the
other way round; and yaml-rs makes a date of quoted text that looks like one. A few corners
differ too (tabs, NEL as a line break, a block of empty lines), found by the differential test
in ``tests/test_scale_yaml.py``. So the fast reading is taken only when nothing in the document
could be read differently:

- the text has nothing jobzone refuses or only PyYAML reads: anchors, tags, directives, tabs,
  characters YAML forbids or YAML 1.1 alone takes for line breaks;
- no plain number is written in a form the two read differently (leading zeros, ``0o``,
  underscores, an exponent);
- the result is one mapping, no deeper than jobzone's files go, with no integer too long for
  Python to read quickly, no text key PyYAML reads otherwise (``on:``), and no text that is only
  white space or that PyYAML would read as something else when plain, except dates: yaml-rs
  returns every date as text (``parse_datetime=False``), and a date is made of each one unless
  the text also holds it quoted.

Anything else, and any error, returns None: the caller reads the text with PyYAML, which is then
the reading (and gives the precise message). jobzone writes YAML that takes the fast path: see
:mod:`jobzone.documents`, which quotes every text a YAML 1.2 reader would take for a number.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from typing import Any

import yaml
import yaml_rs

#: Anchors (``&x``), aliases (``*x``) and tags (``!!binary``, ``!custom``) start a node: after a
#: line's start, a space or a flow mark (``R&D`` or ``a & b`` in a text is neither). Each
#: pattern here starts with a character class, which Python's ``re`` scans for in C: a pattern
#: starting with an alternation is tried at every position, ten times slower.
_NODE_MARK = re.compile(r"[\s\[{,](?:[&*][^\s\[\]{},]|!)")
#: Plain numbers YAML 1.1 and 1.2 read differently: leading zeros (``010`` is 8 or 10, ``09``
#: text or 9), ``0o17``, underscores, an exponent (``1e5``: text or 100000.0), as a whole token
#: (``3e5a`` is text to both), where a plain value starts: after ``: ``, ``- ``, an indentation
#: or a flow mark. One pattern for each, each starting with a literal or a small class: in prose
#: a match is rare, and costs only the slower reading.
_NUMBER = r"[-+]?(?:0[0-9_oO]|[0-9][0-9_.]*[_eE]|\.[0-9_]+[eE])[0-9_.eE+-]*(?![^\s,\]}#])"
_RISKY_NUMBERS = tuple(
    re.compile(start + _NUMBER) for start in (": +", "- +", "\n[ \t]+", "[\\[{,] *")
)
#: An explicit key's mark (``? key``): at a line's start, after a space or a flow mark.
_EXPLICIT_KEY = re.compile(r"(?:^|[\s\[{,])\?(?:\s|$)")
#: A flow collection with something in it (``[]`` and ``{}`` are empty). A brace of ``{{`` is
#: passed over: commentary writes references as ``{{ aijri }}``, and a flow mapping that did start
#: so would have a mapping for its first key, which :func:`_agree` leaves to PyYAML anyway.
_FLOW = re.compile(r"[\[{](?<!\{\{)[^\]}{]")
#: Characters YAML forbids (PyYAML refuses them: its ``Reader.NON_PRINTABLE``, whose pattern
#: this copies), and those only YAML 1.1 takes for line breaks (NEL, the line and paragraph
#: separators), raw in the text.
_UNLIKE_CHARACTERS = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
#: Python reads an integer of more digits than this only slowly, so PyYAML refuses it.
_MAX_INT_BITS = int(sys.get_int_max_str_digits() * 3.32)
#: Deeper than any jobzone file nests (a draft's deepest field is about six levels down).
MAX_DEPTH = 32
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_STR = "tag:yaml.org,2002:str"
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_Pending = list[tuple[Any, Any, Any]]


def fast_load(text: str) -> Any | None:
    """The data in ``text`` as PyYAML's safe loader reads it, or None when this cannot tell."""
    # Anchors and aliases (refused), tags and directives are PyYAML's to read or refuse, and
    # libyaml refuses tabs where yaml-rs takes them for spaces.
    if "\t" in text or text.startswith(("%", "&", "*", "!")) or "\n%" in text:
        return None
    marks = "&" in text or "*" in text or "!" in text
    if marks and _NODE_MARK.search(text):
        return None
    # Flow collections with something in them are rare: jobzone writes only ``[]`` and ``{}``.
    flow = _FLOW.search(text) is not None
    if any(p.search(text) for p in _RISKY_NUMBERS[: None if flow else -1]):
        return None
    if not _plain_characters(text):
        return None
    try:
        data = yaml_rs.loads(text, parse_datetime=False)
    except Exception:  # whatever yaml-rs objects to, PyYAML's path says it better
        return None
    if not isinstance(data, dict):
        return None
    return data if _agree(data, text) else None


def _plain_characters(text: str) -> bool:
    """Whether ``text`` has none of the characters YAML forbids or YAML 1.1 alone takes for line
    breaks. Text in ASCII (most) is checked in C as printable once its line breaks are gone (a
    tab was refused before)."""
    if text.isascii():
        return text.translate(_NO_BREAKS).isprintable()
    return _UNLIKE_CHARACTERS.search(text) is None


_NO_BREAKS = str.maketrans("", "", "\n\r")


def _agree(root: dict[Any, Any], text: str) -> bool:
    """Whether ``root`` (yaml-rs's reading of ``text``) is PyYAML's, once the texts that PyYAML
    reads as dates are made dates (in place). Iterative: nesting cannot exhaust the stack, and
    nesting deeper than jobzone's files ever are is left to PyYAML, which has its own limits.
    Tuned: it looks at every value of every file read, so most texts are passed by their first
    character alone."""
    stack: list[tuple[Any, int]] = [(root, 0)]
    dates: _Pending = []
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return False
        if type(node) is dict:
            for key in node:
                # jobzone's keys are names, some quoted (``'on':``); anything else (a plain
                # ``on:``, ``1:``) is left to PyYAML.
                if key not in _TEXT_KEYS and not (
                    type(key) is str and (_key_is_text(key) or _only_quoted(key, text))
                ):
                    return False
            items: Any = node.items()
        else:
            items = enumerate(node)
        for where, value in items:
            kind = type(value)
            if kind is str:
                # Passed at once: no implicit type starts so, or one with a space (only a date
                # and time, which starts with a digit, has one). Else looked at closely.
                first = value[:1]
                claimed = first in _FIRST and (" " not in value or first.isdigit())
                if (claimed or first.isspace()) and not _keep(value, text, node, where, dates):
                    return False
            elif kind is dict or kind is list:
                stack.append((value, depth + 1))
            elif kind is int and value.bit_length() > _MAX_INT_BITS:
                return False
    for container, where, value in dates:
        container[where] = value
    return True


def _keep(value: str, text: str, container: Any, where: Any, dates: _Pending) -> bool:
    """Whether the text ``value`` at ``container[where]`` is read alike, noting a date to make."""
    if not value:  # plain, it would be null: so it was quoted, and is text to both
        return True
    tag = _tag(value)
    if tag == _STR:
        # A block of empty lines is "" to PyYAML (and to YAML 1.2) but not to yaml-rs.
        return not value.isspace()
    if tag != _TIMESTAMP or f"'{value}" in text or f'"{value}' in text:
        return False
    try:
        if len(value) == 10:  # YYYY-MM-DD: a date alone, read as PyYAML reads it, but in C
            date: Any = dt.date.fromisoformat(value)
        else:
            date = _CONSTRUCTOR.construct_yaml_timestamp(yaml.ScalarNode(_TIMESTAMP, value))
    except ValueError:  # no such day: PyYAML's path names it
        return False
    dates.append((container, where, date))
    return True


_RESOLVERS = yaml.resolver.Resolver.yaml_implicit_resolvers
#: The first characters of texts that some implicit type of PyYAML's may claim ("" for null).
_FIRST = frozenset(_RESOLVERS)
#: Keys already found to be plain text: a file repeats the same few names hundreds of times.
_TEXT_KEYS: set[str] = set()


def _key_is_text(key: str) -> bool:
    if key in _TEXT_KEYS:
        return True
    if _tag(key) != _STR:
        return False
    if len(_TEXT_KEYS) < 10_000:  # a hostile file's million keys are not all remembered
        _TEXT_KEYS.add(key)
    return True


def _only_quoted(key: str, text: str) -> bool:
    """Whether the key ``key``, which PyYAML would read as something else if it were plain
    (``on`` is true to it), is written quoted in ``text`` and nowhere plain: both readers then
    read it as text. jobzone quotes the override's ``'on':``, which a role with an override has.
    Anything that looks like the key before a colon (``based on: the``), and any explicit key
    (``? on``, whose colon may come after a comment), declines."""
    if f"'{key}':" not in text and f'"{key}":' not in text:
        return False
    if _EXPLICIT_KEY.search(text):
        return False
    return re.search(rf"(?<![\w'\"]){re.escape(key)}\s*:", text) is None


def _tag(value: str) -> str:
    """The tag PyYAML gives ``value`` written plain: a text's own, or a date's, a number's..."""
    first = value[:1]
    resolvers = _RESOLVERS.get(first)
    # Of PyYAML's implicit types only a date and time has a space, and it starts with a digit;
    # none ends with a line break (which PyYAML's patterns, ending in ``$``, would let through).
    if not resolvers or (" " in value and not first.isdigit()) or value.endswith("\n"):
        return _STR
    for tag, pattern in resolvers:
        if pattern.match(value):
            return str(tag)
    return _STR
