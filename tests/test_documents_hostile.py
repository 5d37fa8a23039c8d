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
    """The texts each loader jobzone makes from now on is given: one loader, one parse."""
    texts: list[str] = []

    class Counting(documents._LOADER):  # type: ignore[name-defined,misc]
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
