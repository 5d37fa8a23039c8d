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


# --- Anchors and aliases --------------------------------------------------------------------------

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
