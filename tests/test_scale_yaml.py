"""jobzone's YAML reads the same to YAML 1.1 and 1.2 readers, and its fast reading is PyYAML's.

Issue 14: jobzone writes every text that a YAML 1.2 reader (yaml-rs) would take for a number, a
boolean or null quoted, so that PyYAML (YAML 1.1) and yaml-rs read a file alike, dates staying
dates; and :mod:`jobzone.fast_yaml` takes yaml-rs's reading only when it is PyYAML's, leaving
anything else to PyYAML (which then gives the precise message).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml
import yaml_rs
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from jobzone.assessment import Assessment
from jobzone.documents import dump_model, dump_yaml, parse_yaml
from jobzone.fast_yaml import fast_load

from .test_scoring import assessment_data

#: Texts that some YAML reader takes for something else when written plain.
TRICKY = [
    "4416e85084221594", "631e181093293599", "1e5", "1E5", "1.5e3", "0o17", "0x1F", "0b101",
    "010", "09", "1_000", ".inf", "-.Inf", ".nan", "12:30", "1:20:30", "yes", "No", "on", "OFF",
    "y", "N", "true", "False", "null", "~", "", "2026-04-26", "2026-04-26 10:00:00",
    "2026-04-26T10:00:00Z", "<<", "=", "+12", "-0", ".5", "1.", "3.0", "0", "- 1", "a: b",
]  # fmt: skip
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def as_yaml_12(data: Any) -> Any:
    """``data`` as yaml-rs reads it back without making dates: dates as PyYAML writes them."""
    if isinstance(data, dict):
        return {key: as_yaml_12(value) for key, value in data.items()}
    if isinstance(data, list):
        return [as_yaml_12(value) for value in data]
    if isinstance(data, dt.datetime):
        return data.isoformat(" ")
    if isinstance(data, dt.date):
        return data.isoformat()
    return data


@st.composite
def tricky_assessment(draw: st.DrawFn) -> Assessment:
    """A valid assessment whose short texts are the tricky ones, and whose commentary records
    fingerprints (hexadecimal, often read as a number by YAML 1.2)."""
    data = draw(assessment_data())
    texts = st.sampled_from(TRICKY) | st.text(max_size=12)
    for task in data["tasks"]:
        task["rationale"] = draw(texts)
    data["role"]["aliases"] = draw(st.lists(texts, max_size=3))
    data["commentary"]["numbers_dont_capture"] = draw(st.lists(texts, min_size=1, max_size=3))
    hexadecimal = st.text("0123456789abcdef", min_size=16, max_size=16)
    data["commentary"]["written_against"] = {
        "score": draw(hexadecimal),
        "roles": draw(st.dictionaries(st.sampled_from(["a-role", "b-role"]), hexadecimal)),
    }
    return Assessment.model_validate(data)


@SETTINGS
@given(tricky_assessment())
def test_yaml_1_1_and_1_2_readers_read_what_jobzone_writes_alike(assessment: Assessment) -> None:
    data = assessment.model_dump(mode="python")
    text = dump_model(assessment, "assessment")

    assert yaml.load(text, Loader=yaml.SafeLoader) == data  # YAML 1.1, dates as dates
    assert yaml_rs.loads(text, parse_datetime=False) == as_yaml_12(data)  # YAML 1.2
    back = parse_yaml(text, "round-trip.yaml")  # jobzone's reading: the fast one when it can
    assert back == data
    assert Assessment.model_validate(back) == assessment
    assert isinstance(back["assessed_on"], dt.date)


def test_a_fingerprint_is_quoted_and_a_date_is_not() -> None:
    text = dump_yaml({"score": "4416e85084221594", "on": dt.date(2026, 4, 26), "x": "0o17"})
    assert text == "score: '4416e85084221594'\n'on': 2026-04-26\nx: '0o17'\n"


def test_the_repository_role_takes_the_fast_path_as_jobzone_writes_it() -> None:
    from .factories import SEED_TEXT

    assessment = Assessment.model_validate(yaml.safe_load(SEED_TEXT))
    text = dump_model(assessment, "assessment")
    assert fast_load(text) == yaml.load(text, Loader=yaml.CSafeLoader)


# --- The fast reading is PyYAML's, or declined --------------------------------------------------

TOKENS = [
    *TRICKY, "plain text", "It's", "a & b", "*x", "&x a", "!!str 12", "!!binary aGk=", "[1, 010]",
    "{a: 1e5}", "[yes, on]", "2026-02-30", "1" * 30, "\u2028", "\x07", "#",
]  # fmt: skip


@st.composite
def yaml_document(draw: st.DrawFn) -> str:
    """A mapping of tokens, each plain, single- or double-quoted, or in a block scalar."""
    lines = []
    for i in range(draw(st.integers(1, 6))):
        token = draw(st.sampled_from(TOKENS) | st.text(max_size=8))
        style = draw(st.sampled_from(["plain", "single", "double", "block", "item", "key"]))
        if style == "single":
            token = "'" + token.replace("'", "''") + "'"
        elif style == "double":
            token = '"' + token.replace("\\", "\\\\").replace('"', '\\"') + '"'
        elif style == "block":
            token = "|\n  " + token
        elif style == "item":
            token = "\n- " + token
        elif style == "key":
            lines.append(f"{token}: {i}")
            continue
        lines.append(f"k{i}: {token}")
    return "\n".join(lines) + "\n"


@settings(max_examples=600, deadline=None)
@given(yaml_document())
@example("a: 010\nb: 1e5\n")
@example("a: '2026-04-26'\nb: 2026-04-26\n")
@example("on: 1\n")
@example("a:\n  09\n")
@example("a: [0o17]\n")
@example("'on': 1\n")
@example("a: {{b: 1}: 1e5}\n")
@example("a: [{{b: 1}: 2}, 1e5]\n")
@example("a: '{{ x }}'\nb: [010]\n")
@example('a: "\\x7f"\nb: "\x0b"\n')
@example("'on': 1\nx: \"on: 2\"\n")
@example("? on # the colon comes later\n: 1\nx: \"'on': y\"\n")
def test_the_fast_reading_is_pyyamls_or_none(text: str) -> None:
    try:
        expected: Any = yaml.load(text, Loader=yaml.CSafeLoader)
    except (yaml.YAMLError, ValueError, TypeError, AttributeError, LookupError):
        expected = None  # PyYAML refuses it: so must the fast reading
    got = fast_load(text)
    if got is not None:  # compared by repr: nan is not equal to itself, and types count
        assert repr(got) == repr(expected)


def test_a_key_only_ever_written_quoted_takes_the_fast_path() -> None:
    text = "override:\n  by: ann\n  'on': 2026-04-26\n"
    assert fast_load(text) == {"override": {"by": "ann", "on": dt.date(2026, 4, 26)}}


@pytest.mark.parametrize(
    "text",
    [
        "'on': 1\nb: |\n  based on: what we saw\n",  # written plain too, in a text
        "'on': 1\n? on\n: 2\n",  # an explicit key
        '"on": 1\nx: {on: 2}\n',  # plain in a flow mapping
    ],
)
def test_a_quoted_key_that_may_also_stand_plain_is_left_to_pyyaml(text: str) -> None:
    assert fast_load(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "a: '{{ x }}'\nb: [1e5]\n",  # a reference does not hide a flow sequence's number
        "a: x\x0by\n",  # a control character in ASCII text
        "a: x\x7f\n",
        "a: 1\na: 2\n",  # a repeated key: PyYAML's path names it
        "a: &x 1\nb: *x\n",  # anchors: refused there
        "a: !!binary aGk=\n",  # a tag
        "- a\n- b\n",  # not a mapping
        "a: 2026-02-30\n",  # no such day
        "a: " + "1" * 5000 + "\n",  # too many digits for Python to read quickly
        "a:" + " [" * 40 + " ]" * 40 + "\n",  # deeper than jobzone's files
    ],
)
def test_what_pyyaml_refuses_or_reads_otherwise_is_left_to_it(text: str) -> None:
    assert fast_load(text) is None
