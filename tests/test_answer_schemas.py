"""The answer schemas are at least as strict as the file format they feed (issue 9, point 2).

A server that constrains decoding to a stage's schema can then only send answers the file
accepts: no free-text dates, no names over several lines, no unbounded lists. Hypothesis draws
answers from each stage's JSON Schema (as the SDK sends it) and checks that, assembled with good
answers for the other stages, none of them breaks the file's structure on the parts the stage
owns.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openai.lib._pydantic import to_strict_json_schema

from jobzone.canonical import CanonicalSet
from jobzone.checking import check
from jobzone.drafting.assemble import assemble
from jobzone.drafting.stages import COMMENTARY, PROFILE, ROLE, STAGES, TASKS, Stage, owner_of

from .fake_openai import SRE

#: Findings that say an answer broke the file's format, not the rubric's judgement.
FORMAT_CODES = ("field.", "text.single-line", "tasks.count", "evidence.no-source")


def assembled(answers: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return assemble(
        slug="site-reliability-engineer",
        title="Site Reliability Engineer",
        assessed_on=dt.date(2026, 11, 21),
        role=answers["role"],
        tasks=answers["tasks"],
        profile=answers["profile"],
        commentary=answers.get("commentary"),
    )


def format_problems(stage: Stage, answer: dict[str, Any]) -> list[str]:
    answers = {name: dict(SRE[name]) for name in ("role", "tasks", "profile", "commentary")}
    answers[stage.name] = answer
    report = check(assembled(answers), CanonicalSet()).report
    return [
        f"{f.code} at {f.path}: {f.message}"
        for f in report.errors
        if f.code.startswith(FORMAT_CODES) and owner_of(f.path) is stage
    ]


def instances(node: dict[str, Any], defs: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values a JSON Schema allows, for the keywords the answer schemas use (strict structured
    outputs allow little else: a test in test_drafting.py holds them to that)."""
    if "$ref" in node:
        return st.deferred(lambda: instances(defs[node["$ref"].rsplit("/", 1)[1]], defs))
    if "anyOf" in node:
        return st.one_of([instances(option, defs) for option in node["anyOf"]])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    kind = node.get("type")
    if kind == "object":
        return st.fixed_dictionaries(
            {name: instances(sub, defs) for name, sub in node["properties"].items()}
        )
    if kind == "array":
        return st.lists(
            instances(node["items"], defs),
            min_size=node.get("minItems", 0),
            max_size=node.get("maxItems", 6),
        )
    if kind == "string":
        pattern = node.get("pattern")
        return st.from_regex(pattern, fullmatch=True) if pattern else st.text(max_size=40)
    if kind == "integer":
        return st.integers(node.get("minimum"), node.get("maximum"))
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    raise AssertionError(f"a schema keyword this generator does not know: {node}")


def schema_of(stage: Stage) -> dict[str, Any]:
    schema: dict[str, Any] = to_strict_json_schema(stage.answer)
    return schema


def test_the_canned_answers_fit_the_file() -> None:
    """The baseline the property below varies one stage of at a time is itself clean."""
    for stage in (ROLE, TASKS, PROFILE, COMMENTARY):
        assert format_problems(stage, dict(SRE[stage.name])) == [], stage.name


@pytest.mark.parametrize("stage", sorted(STAGES))
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_answer_the_schema_allows_fits_the_file(stage: str, data: st.DataObject) -> None:
    schema = schema_of(STAGES[stage])
    answer = data.draw(instances(schema, schema.get("$defs", {})))
    assert format_problems(STAGES[stage], answer) == []


def _patterns(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
        return found + [p for value in node.values() for p in _patterns(value)]
    if isinstance(node, list):
        return [p for value in node for p in _patterns(value)]
    return []


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_patterns_are_ones_every_server_can_enforce(stage: str) -> None:
    """What llama.cpp's grammar converter was seen to do: it ignores ``\\S``-style escapes,
    lets ``.`` or a negated class emit a raw quote, and reads a class byte by byte, so a
    character beyond ASCII written as itself let raw quotes through. The patterns are anchored,
    ASCII, and escape nothing but characters beyond ASCII, as ``\\uXXXX``."""
    for pattern in _patterns(schema_of(STAGES[stage])):
        assert pattern.startswith("^") and pattern.endswith("$"), pattern
        assert pattern.isascii(), pattern
        assert re.sub(r"\\u[0-9a-f]{4}", "", pattern).count("\\") == 0, pattern
        assert "[^" not in pattern, pattern
        assert not re.search(r"(?<!\\)\.(?![^\[]*\])", pattern), f"a bare . in {pattern}"


def test_source_dates_and_names_are_constrained_in_the_schema() -> None:
    """What a real model broke: a date like '>(2020-01-01T00:00:00+00:00:00' and an alias list
    repeated until the token limit."""
    text = json.dumps(schema_of(PROFILE))
    assert "-(0[1-9]|1[0-9]|2[0-8])" in text
    source = schema_of(PROFILE)["$defs"]["SourceAnswer"]["properties"]["date"]["anyOf"][0]
    assert not re.match(source["pattern"], ">(2020-01-01T00:00:00+00:00:00")
    assert re.match(source["pattern"], "2026-03-31")
    assert not re.match(source["pattern"], "2026-02-30")
    aliases = schema_of(ROLE)["properties"]["aliases"]
    assert aliases["maxItems"] == 6


def test_prose_is_bounded_so_a_runaway_answer_ends() -> None:
    """What the real model did in the smoke bench: a rationale of "0, 0, 0, ..." and another
    of "-yet-not-yet-not..." until the 6,000-token limit. A bounded pattern makes a
    constrained decoder close the string instead."""
    rationale = schema_of(PROFILE)["$defs"]["PrincipleAnswer"]["properties"]["rationale"]
    pattern = rationale["pattern"]
    assert re.fullmatch(pattern, "Keeps services up; decides what wakes someone — and why (75%).")
    assert re.fullmatch(pattern, "Works with “quoted” words, naïve café prices in €.")
    assert not re.fullmatch(pattern, "0, " * 2000)
    assert not re.fullmatch(pattern, 'a "raw" quote')
    assert not re.fullmatch(pattern, "two\nlines")


@pytest.mark.parametrize(
    "slug",
    [
        "otorhinolaryngologist",
        "telecommunications-engineer",
        "information-security-administrator-lead",
        "heating-ventilation-and-air-conditioning-technician",
    ],
)
def test_a_look_next_slug_can_name_any_real_role(slug: str) -> None:
    look_next = schema_of(COMMENTARY)["$defs"]["LookNextAnswer"]["properties"]["slug"]
    assert re.fullmatch(look_next["pattern"], slug)
