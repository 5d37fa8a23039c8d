"""Hostile or broken YAML: every file jobzone reads is refused with one InputError, quickly.

A file may be written by anyone with access to the workspace. Whatever it holds, reading it must
end in data or in one InputError naming the file, the line and a stable rule code: never a hang,
a traceback or a message megabytes long. Each test runs with libyaml's loader and with PyYAML's
pure-Python one (used when libyaml is missing), as they fail in different ways.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import yaml

from jobzone import documents
from jobzone.assessment import Assessment
from jobzone.documents import load_model, parse_yaml
from jobzone.errors import InputError

from .conftest import EXAMPLE_PATH

SEED_TEXT = EXAMPLE_PATH.read_text(encoding="utf-8")


@pytest.fixture(params=["libyaml", "python"], autouse=True)
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run each test with either loader jobzone may use."""
    if request.param == "python":
        monkeypatch.setattr(documents, "_LOADER", documents._loader_class(yaml.SafeLoader))
    elif not hasattr(yaml, "CSafeLoader"):
        pytest.skip("PyYAML was built without libyaml")


def parse_error(text: str) -> InputError:
    with pytest.raises(InputError) as info:
        parse_yaml(text, "roles/hostile.yaml")
    err = info.value
    assert err.file == "roles/hostile.yaml"
    assert err.message.endswith(f"[{err.rule}]")
    return err


# --- Anchors and aliases -------------------------------------------------------------------------

LOL = '["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'


def billion_laughs() -> str:
    """Nine anchors, each a list of nine aliases to the one before: 9**9 strings once expanded.
    The last is the title, which the schema types as text, so a complaint about it quotes it."""
    lines = [f"a: &a {LOL}"]
    for before, name in zip("abcdefg", "bcdefgh", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{before}"] * 9) + "]")
    bomb = "\n".join(lines) + "\n"
    title = "title: &i [" + ",".join(["*h"] * 9) + "]\n"
    return bomb + re.sub(r"(?m)^title: .*\n", title, SEED_TEXT, count=1)


def test_billion_laughs_is_refused_within_a_second(tmp_path: Path) -> None:
    path = tmp_path / "laughs.yaml"
    path.write_text(billion_laughs(), encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(InputError) as info:
        load_model(Assessment, path)
    assert time.perf_counter() - start < 1.0
    err = info.value
    assert (err.file, err.rule) == (str(path), "yaml.alias")
    assert "line 1, column 4: anchors and aliases" in err.message


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("a: 1\nb: &x 2\n", "line 2, column 4"),
        ("a: 1\nb:\n  - &first {c: 1}\n", "line 3, column 5"),
        ("a: &x\n  b: 1\n", "line 1, column 4"),
        ("a: &unused 1\n", "line 1, column 4"),
        ("a: [1, 2]\nb: *x\n", "line 2, column 4"),
        ("- &x 1\n- *x\n", "line 1, column 3"),
        ("&x a: 1\n", "line 1, column 1"),
    ],
)
def test_anchors_and_aliases_are_refused(text: str, where: str) -> None:
    err = parse_error(text)
    assert err.rule == "yaml.alias"
    assert err.detail == (
        f"{where}: anchors and aliases (&name, *name) are not allowed in jobzone files; "
        "write the value out"
    )


def count_loaders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The text given to each loader jobzone makes from now on: one loader, one parse. The fast
    reading (jobzone.fast_yaml) is set aside, so that every text reaches PyYAML's loader."""
    texts: list[str] = []
    monkeypatch.setattr(documents, "fast_load", lambda text: None)

    class Counting(documents._LOADER):
        def __init__(self, stream: str) -> None:
            texts.append(stream)
            super().__init__(stream)

    monkeypatch.setattr(documents, "_LOADER", Counting)
    return texts


@pytest.mark.parametrize(
    "text",
    [
        "title: R&D lead\n",
        "note: '*important*'\n",
        'note: "&x *y"\n',
        "note: |\n  a & b\n  *c\n",
        "# &anchor in a comment\na: 1\n",
        "a: b&c\nd: e*f\n",
    ],
)
def test_only_text_with_ampersand_or_star_is_scanned_for_anchors_first(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = count_loaders(monkeypatch)
    assert parse_yaml("a: 1\nb: [2, 3]\n", "x.yaml") == {"a": 1, "b": [2, 3]}
    assert len(parsed) == 1
    # These characters in text are no anchors: scanned, then loaded as they are.
    assert parse_yaml(text, "x.yaml") == yaml.safe_load(text)
    assert len(parsed) == 3


# --- Duplicate keys ------------------------------------------------------------------------------


def line_of(text: str, start: str, after: int = 0) -> int:
    """The 1-based number of the first line of ``text`` starting with ``start`` past line
    ``after``."""
    lines = text.splitlines()
    return next(i for i in range(after, len(lines)) if lines[i].startswith(start)) + 1


def test_a_second_top_level_block_is_refused_not_silently_used() -> None:
    growth = SEED_TEXT[SEED_TEXT.index("\ngrowth:") + 1 :].split("\ntasks:")[0]
    text = SEED_TEXT + growth.replace("score: ", "score: 1 #", 1) + "\n"
    first = line_of(text, "growth:")
    second = line_of(text, "growth:", first)
    err = parse_error(text)
    assert (err.field, err.rule) == ("growth", "yaml.duplicate-key")
    assert (
        err.detail == f"line {second}: key 'growth' appears twice (first at line {first}); keep one"
    )


def test_a_repeated_key_in_a_list_item_names_its_path() -> None:
    lines = SEED_TEXT.splitlines(keepends=True)
    tasks = line_of(SEED_TEXT, "tasks:")
    third = [i for i in range(tasks, len(lines)) if lines[i].startswith("- name: ")][2]
    lines.insert(third + 1, "  name: Another name\n")
    err = parse_error("".join(lines))
    assert (err.field, err.rule) == ("tasks[2].name", "yaml.duplicate-key")
    assert err.detail.startswith(
        f"line {third + 2}: key 'name' appears twice (first at line {third + 1})"
    )


@pytest.mark.parametrize(
    ("text", "field", "detail"),
    [
        ("a: {b: 1, b: 2}\n", "a.b", "line 1: key 'b' appears twice (first at line 1); keep one"),
        ("a:\n  - b:\n      c: 1\n      c: 2\n", "a[0].b.c", "line 4: key 'c' appears twice"),
        ("1: a\n'1': b\n1: c\n", "1", "line 3: key 1 appears twice (first at line 1)"),
        ("? x\n: 1\nx: 2\n", "x", "line 3: key 'x' appears twice (first at line 1)"),
    ],
)
def test_repeated_keys_anywhere(text: str, field: str, detail: str) -> None:
    err = parse_error(text)
    assert (err.field, err.rule) == (field, "yaml.duplicate-key")
    assert err.detail.startswith(detail)


# --- Impossible values and deep nesting -----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (
            "2026-02-30",
            "cannot read '2026-02-30' as a date or time (day is out of range for month)",
        ),
        ("2026-13-01", "cannot read '2026-13-01' as a date or time (month must be in 1..12)"),
        ("2026-04-26 25:00:00", "cannot read '2026-04-26 25:00:00' as a date or time (hour must"),
        ("2026-04-26T10:00:00+99:00", "cannot read '2026-04-26T10:00:00+99:00' as a date or time"),
        ("9" * 4301, "cannot read '99999"),
        ("9" * 4301, "as a whole number (it has 4301 digits; the limit is 4300)"),
        ("-" + "1" * 5000, "as a whole number (it has 5000 digits; the limit is 4300)"),
        ("!!timestamp soon", "cannot read 'soon' as a date or time"),
        ("!!int twelve", "cannot read 'twelve' as a whole number"),
        ("!!int", "cannot read '' as a whole number"),
        ("!!float 1e", "cannot read '1e' as a number"),
        ("!!bool maybe", "cannot read 'maybe' as true or false"),
    ],
)
def test_impossible_values_are_one_input_error(value: str, words: str) -> None:
    text = SEED_TEXT.replace("\nassessed_on: 2026-04-26\n", f"\nassessed_on: {value}\n", 1)
    line = line_of(text, "assessed_on:")
    err = parse_error(text)
    assert (err.field, err.rule) == ("assessed_on", "yaml.value")
    assert err.detail.startswith(f"line {line}: cannot read ")
    assert words in err.detail
    assert len(err.message) < 300


@pytest.mark.parametrize(
    ("text", "field", "line"),
    [
        ("a:\n  - {b: 1}\n  - {b: 2026-02-29}\n", "a[1].b", 3),
        ("a: 1\nb:\n  c: [2026-02-29]\n", "b.c[0]", 3),
    ],
)
def test_an_impossible_value_names_its_path(text: str, field: str, line: int) -> None:
    err = parse_error(text)
    assert (err.field, err.rule) == (field, "yaml.value")
    assert err.detail.startswith(f"line {line}: cannot read '2026-02-29' as a date or time")


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 100_000,
        "a: " + "[" * 50_000 + "]" * 50_000 + "\n",
        "a: " + "{b: " * 50_000 + "}" * 50_000 + "\n",
        "".join(" " * depth + "k:\n" for depth in range(1200)),
        "a:\n" + "".join(" " * depth + "-\n" for depth in range(1, 1200)),
    ],
    ids=["unclosed-flow", "flow-lists", "flow-mappings", "block-mappings", "block-lists"],
)
def test_deep_nesting_is_one_input_error(text: str) -> None:
    assert len(text.encode("utf-8")) < documents.MAX_FILE_BYTES
    err = parse_error(text)
    assert err.rule == "yaml.depth"
    assert "nested too deeply" in err.detail


def test_a_huge_tag_is_not_quoted_in_full() -> None:
    err = parse_error("a: !" + "x" * 100_000 + " 1\n")
    assert err.rule == "yaml.syntax"
    assert "could not determine a constructor for the tag '!xxx" in err.message
    assert len(err.message) < 300


# --- Quoting input in schema messages -------------------------------------------------------------


def nested(depth: int) -> list[object]:
    value: list[object] = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("bad", "rule", "quoted"),
    [
        ("x" * 5_000_000, "field.length", "(got 'xxxxxxxx"),
        (nested(100_000), "field.type", "(got [[[[...]]]])"),
        ([list(range(100))] * 100, "field.type", "(got [[0, 1, 2, 3, 4, 5, ...], [0, 1, 2, "),
        (10**4000, "field.type", "(got 1000000000"),
    ],
    ids=["long-text", "deep-list", "wide-list", "huge-number"],
)
def test_schema_messages_quote_input_briefly(bad: object, rule: str, quoted: str) -> None:
    data = yaml.safe_load(SEED_TEXT)
    data["title"] = bad
    start = time.perf_counter()
    with pytest.raises(InputError) as info:
        documents.parse_model(Assessment, data, "roles/x.yaml")
    assert time.perf_counter() - start < 1.0
    err = info.value
    assert (err.field, err.rule) == ("title", rule)
    assert quoted in err.message
    assert len(err.detail) < 200


def test_a_long_key_is_cut_short_in_the_field_path() -> None:
    key = "k" * 100_000  # YAML wants a key this long written as "? key"
    err = parse_error(f"? {key}\n: 1\n? {key}\n: 2\n")
    assert err.rule == "yaml.duplicate-key"
    assert err.field == "k" * 77 + "..."
    assert len(err.message) < 300
    data = yaml.safe_load(SEED_TEXT)
    data["growth"][key] = 1
    with pytest.raises(InputError) as info:
        documents.parse_model(Assessment, data, "roles/x.yaml")
    assert (info.value.field, info.value.rule) == (f"growth.{'k' * 77}...", "field.unknown")
