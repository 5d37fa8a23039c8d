"""Markdown pages escape the assessment's text.

Each page is read back as a publication would show it: rendered to HTML by a CommonMark renderer
(with GFM tables and strikethrough, raw HTML allowed, and every link destination accepted, so the
page cannot lean on the renderer to drop a bad url). Hostile text must show as the characters it
is, add no element, attribute or link, and leave the page's blocks as the template lays them out.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from jobzone.assessment import Assessment
from jobzone.canonical import CanonicalRole, CanonicalSet
from jobzone.rendering import render
from jobzone.scoring import score

from .conftest import EXAMPLE_PATH

EXAMPLE: dict[str, Any] = yaml.safe_load(EXAMPLE_PATH.read_text(encoding="utf-8"))

COMMONMARK = MarkdownIt("commonmark").enable(["table", "strikethrough"])
COMMONMARK.validateLink = lambda url: True

HOSTILE = {
    "script": "<script>alert(1)</script>",
    "img": "<img src=x onerror=alert(1)>",
    "html block": "<div onclick=alert(1)>\nhi\n</div>",
    "link": "[click](javascript:alert(1))",
    "image": "![x](javascript:alert(1))",
    "autolink": "<javascript:alert(1)>",
    "reference link": "see [click]\n\n[click]: javascript:alert(1)",
    "entities": "&lt;script&gt; &#60;b&#62; &amp;",
    "emphasis": "*bold* _it_ ~~gone~~ `code`",
    "backslash": "a \\*b\\* \\",
    "heading": "Data Engineer\n\n# Fake heading",
    "closing hashes": "Engineer ##",
    "setext heading": "Fake heading\n===",
    "setext dashes": "Fake heading\n--",
    "pipe": "a | b",
    "table": "a\n\n| x | y |\n|---|---|\n| 1 | 2 |",
    "quote": "intro\n> quoted",
    "bullet": "intro\n- item\n+ item",
    "ordered": "intro\n1. item\n\n2) item",
    "indented code": "intro\n\n    indented code",
    "backtick fence": "intro\n```\nfenced\n```",
    "tilde fence": "intro\n~~~\nfenced\n~~~",
    "thematic break": "intro\n\n***\n\n- - -",
    "carriage return": "intro\r# heading\r| x |",
}

#: Every kind of place the assessment's own text goes, as paths into its mapping; the override
#: and the where-to-look-next entry are those ``_base`` adds.
FIELDS = [
    ("title",),
    ("role", "seniority"),
    ("role", "primary_function"),
    ("role", "not_this_role"),
    ("role", "typical_experience"),
    ("role", "seniority_note"),
    ("protective", "embodied_physicality", "rationale"),
    ("growth", "rationale"),
    ("tasks", 0, "name"),
    ("tasks", 0, "rationale"),
    ("reinstatement", "rationale"),
    ("evidence", "wage_trends", "text"),
    ("evidence", "wage_trends", "sources", 0, "title"),
    ("evidence", "wage_trends", "sources", 0, "url"),
    ("barriers", "physical_presence", "rationale"),
    ("override", "justification"),
    ("override", "by"),
    ("commentary", "score_vs_reality"),
    ("commentary", "numbers_dont_capture", 0),
    ("commentary", "who_should_worry"),
    ("commentary", "outlook"),
    ("commentary", "survival_strategy", 0),
    ("commentary", "where_to_look_next", 0, "reason"),
    ("commentary", "timeline"),
]


@dataclass(frozen=True)
class Reading:
    """A Markdown page as a CommonMark renderer shows it."""

    html: str
    tags: list[tuple[str, dict[str, str]]]
    text: str
    blocks: list[str]


class _Elements(HTMLParser):
    """Every element with its attributes, and the visible text (a ``<br>`` read as a space)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))
        if tag == "br":
            self.chunks.append(" ")

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)


def _words(text: str) -> str:
    """``text`` with every run of whitespace one space: how a browser lays text out."""
    return " ".join(text.split())


def read(markdown: str) -> Reading:
    """``markdown`` rendered, with its elements, visible text and blocks (paragraphs aside)."""
    tokens = COMMONMARK.parse(markdown)
    html = COMMONMARK.renderer.render(tokens, COMMONMARK.options, {})
    parser = _Elements()
    parser.feed(html)
    parser.close()
    blocks = [
        f"{t.type} {t.tag}"
        for t in tokens
        if t.type not in ("inline", "paragraph_open", "paragraph_close")
    ]
    return Reading(html, parser.tags, _words("".join(parser.chunks)), blocks)


def _markdown(data: dict[str, Any], canonical: CanonicalSet | None = None) -> str:
    return render(Assessment.model_validate(data), canonical or CanonicalSet(), "md")


def _with(data: dict[str, Any], path: tuple[str | int, ...], value: str) -> dict[str, Any]:
    """A copy of ``data`` with the field at ``path`` set to ``value``."""
    data = copy.deepcopy(data)
    *parents, last = path
    target = data
    for key in parents:
        target = target[key]
    target[last] = value
    return data


def _base() -> dict[str, Any]:
    """The example with an override and a where-to-look-next entry, so every text field shows."""
    data = copy.deepcopy(EXAMPLE)
    data["override"] = {
        "aijri": 55.0,
        "justification": "Platform work here is broader than the task list suggests.",
        "by": "R. Reviewer",
        "on": dt.date(2026, 4, 28),
    }
    data["commentary"]["where_to_look_next"] = [
        {"slug": "data-engineer", "reason": "Pipelines without the models."}
    ]
    return data


CLEAN_BASE = read(_markdown(_base()))


def _assert_no_markup_added(page: Reading, clean: Reading) -> None:
    """No script, image, event handler or javascript: url, no element the clean page lacks, and
    the clean page's headings, tables and other blocks, no more and no fewer."""
    lowered = page.html.lower()
    assert "<script" not in lowered
    assert "<img" not in lowered
    handlers = [(tag, a) for tag, attrs in page.tags for a in attrs if a.startswith("on")]
    assert not handlers, handlers
    urls = [attrs[a] for _, attrs in page.tags for a in ("href", "src") if a in attrs]
    assert not [u for u in urls if u.strip().lower().startswith("javascript:")], urls
    assert {tag for tag, _ in page.tags} <= {tag for tag, _ in clean.tags} | {"br"}
    assert page.blocks == clean.blocks, "headings, tables, lists or other blocks changed"


@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("field", FIELDS, ids=[".".join(map(str, f)) for f in FIELDS])
def test_hostile_text_shows_as_text(field: tuple[str | int, ...], hostile: str) -> None:
    page = read(_markdown(_with(_base(), field, hostile)))
    _assert_no_markup_added(page, CLEAN_BASE)
    assert _words(hostile) in page.text


@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_title_of_a_role_to_look_at_next(hostile: str) -> None:
    other = _with(EXAMPLE, ("title",), hostile)
    other["slug"] = "data-engineer"
    role = Assessment.model_validate(other)
    canonical = CanonicalSet.of([CanonicalRole(Path("data-engineer.yaml"), role, score(role))])
    page = read(_markdown(_base(), canonical))
    _assert_no_markup_added(page, CLEAN_BASE)
    assert _words(hostile) in page.text


CLEAN_EXAMPLE = read(_markdown(EXAMPLE))

#: Any character, with Markdown's syntax and line breaks drawn often.
MARKDOWN_PRONE = st.one_of(
    st.sampled_from("\n\r\t #>-+*=_~`|[]()!<>&;:\\1."),
    st.characters(exclude_categories=("Cs", "Cc")),
)


@given(
    title=st.text(MARKDOWN_PRONE, min_size=1, max_size=40),
    task_rationale=st.text(MARKDOWN_PRONE, max_size=40),
    prose=st.text(MARKDOWN_PRONE, max_size=40),
)
def test_any_text_keeps_its_characters_and_the_page_its_shape(
    title: str, task_rationale: str, prose: str
) -> None:
    """The title (a heading and a cell), a table cell and a prose paragraph hold any text."""
    data = _with(EXAMPLE, ("title",), title)
    data = _with(data, ("tasks", 0, "rationale"), task_rationale)
    data = _with(data, ("reinstatement", "rationale"), prose)
    page = read(_markdown(data))
    for text in (title, task_rationale, prose):
        assert _words(text) in page.text
    assert page.blocks == CLEAN_EXAMPLE.blocks
