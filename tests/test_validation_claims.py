"""The literal-figure detector on prose: mismatches are errors, agreeing literals are warnings,
numbers that are not figure claims are nothing.

The seed scores AIJRI 42.6, Yellow (Urgent): 5.4 points under Green, 17.6 above the Yellow
threshold, 70% of task time scoring 3 or more, split 25 / 65 / 10, evidence +5, barriers 1,
protective 2, growth +1, task total 2.95, task resistance 3.05, raw 3.9199. The canonical DevOps
Engineer built in test_validation scores 9.4, 33.2 points below the seed.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from jobzone.validation import Finding
from jobzone.validation.claims import Figure, Masked, has_digit

from .test_validation import DEVOPS, check, override, seed

MISMATCH = "commentary.figure-mismatch"
LITERAL = "commentary.literal-figure"
SEED_AIJRI = Decimal("42.6")


def claim_findings(text: str, section: str = "score_vs_reality") -> list[Finding]:
    data = seed()
    data["commentary"][section] = text
    return [f for f in check(data).findings if f.code in (MISMATCH, LITERAL)]


def test_the_devops_fixture_scores_as_the_prose_below_assumes() -> None:
    assert DEVOPS.score.shown_aijri == Decimal("9.4")


@pytest.mark.parametrize(
    ("text", "phrase", "expected"),
    [
        ("An AIJRI of 41.2 undersells it.", "AIJRI of 41.2", "42.6"),
        ("AIJRI: 40 at best.", "AIJRI: 40", "42.6"),
        ("It sits at 41.2, well short of Green.", "sits at 41.2", "42.6"),
        ("It scores 44.0 and keeps climbing.", "scores 44.0", "42.6"),
        ("A score of 41.2 is low.", "score of 41.2", "42.6"),
        ("Scored 41.2/100 overall.", "41.2/100", "42.6"),
        ("It is 6.4 points below the Green threshold.", "6.4 points below the Green", "5.4"),
        ("It sits 4 points under Green.", "4 points under Green", "5.4"),
        ("It is 18.6 points above Red.", "18.6 points above Red", "17.6"),
        ("60% of task time scores 3 or more.", "60% of task time scores 3 or more", "70%"),
        ("60 percent of its time is on tasks scoring 3+.", "60 percent", "70%"),
        ("35% displacement is the headline.", "35% displacement", "25%"),
        ("30% of task time is already being displaced.", "30% of task time", "25%"),
        ("55% augmentation.", "55% augmentation", "65%"),
        ("20% not involved.", "20% not involved", "10%"),
        ("With an evidence total of +4 demand is fine.", "evidence total of +4", "+5"),
        ("Evidence +3 overall.", "Evidence +3", "+5"),
        ("The barrier total 2 is low.", "barrier total 2", "1"),
        ("A protective total of 3.", "protective total of 3", "2"),
        ("Task resistance 3.10 is middling.", "Task resistance 3.10", "3.05"),
        ("A task total of 2.90.", "task total of 2.90", "2.95"),
        ("The raw 3.9200 composite.", "raw 3.9200", "3.9199"),
        ("Growth correlation of 0 would be wrong.", "Growth correlation of 0", "+1"),
        ("Growth -1 would be wrong.", "Growth -1", "+1"),
        ("DevOps Engineer (12.0) is far below.", "DevOps Engineer (12.0", "9.4"),
        ("Compare DevOps Engineer (AIJRI 12.0, Red).", "DevOps Engineer (AIJRI 12.0", "9.4"),
        ("DevOps Engineer at 12.0 is exposed.", "DevOps Engineer at 12.0", "9.4"),
        ("DevOps Engineer's AIJRI of 12.0.", "DevOps Engineer's AIJRI of 12.0", "9.4"),
        ("Most DevOps engineers (12.0) feel it.", "DevOps engineers (12.0", "9.4"),
        (
            "{{ role:devops-engineer.title }} (12.0).",
            "{{ role:devops-engineer.title }} (12.0",
            "9.4",
        ),
        ("It is 30.0 points above DevOps Engineer.", "30.0 points above DevOps Engineer", "33.2"),
        ("MLOps Engineer (AIJRI 40.0) is the role.", "MLOps Engineer (AIJRI 40.0", "42.6"),
        ("An ML Platform Engineer at 40.0 is this role.", "ML Platform Engineer at 40.0", "42.6"),
        ("Red (Imminent) at {{ aijri }} says it all.", "Red (Imminent) at {{ aijri }}", "Yellow"),
        ("It is in Green at {{ aijri }}.", "Green at {{ aijri }}", "Yellow"),
        ("{{ aijri }} puts it in Green.", "{{ aijri }} puts it in Green", "Yellow"),
        ("At {{ aijri }} (Red) it is exposed.", "{{ aijri }} (Red", "Yellow"),
    ],
)
def test_figure_that_disagrees_is_an_error(text: str, phrase: str, expected: str) -> None:
    [finding] = claim_findings(text)
    assert finding.code == MISMATCH
    assert finding.path == "commentary.score_vs_reality"
    assert f'"{phrase}' in finding.message
    assert f" is {expected}" in finding.message


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("An AIJRI of 42.6 is right.", "{{ aijri }}"),
        ("An AIJRI of about 43 is right.", "{{ aijri }}"),
        ("It sits at 42.6, in the middle.", "{{ aijri }}"),
        ("It scored 42.6/100.", "{{ aijri }}"),
        ("It is 5.4 points below the Green threshold.", "{{ distance.green }}"),
        ("It is 17.6 points above Red.", "{{ distance.yellow }}"),
        ("It is 17.6 points clear of the Yellow line.", "{{ distance.yellow }}"),
        ("70% of task time scores 3 or more.", "{{ share_3plus }}"),
        ("70% of task time scores at least three.", "{{ share_3plus }}"),
        ("25% displacement.", "{{ split.displacement }}"),
        ("65% of the time is augmented.", "{{ split.augmentation }}"),
        ("10% not involved.", "{{ split.not_involved }}"),
        ("An evidence total of +5.", "{{ evidence_total }}"),
        ("Evidence +5.", "{{ evidence_total }}"),
        ("A barrier total of 1.", "{{ barrier_total }}"),
        ("A protective total of 2.", "{{ protective_total }}"),
        ("Task resistance 3.05.", "{{ task_resistance }}"),
        ("Task total: 2.95.", "{{ task_total }}"),
        ("The raw score is 3.9199.", "{{ raw }}"),
        ("Growth +1.", "{{ growth }}"),
        ("DevOps Engineer (9.4) is far below.", "{{ role:devops-engineer.aijri }}"),
        ("DevOps Engineer, at 9.4, is far below.", "{{ role:devops-engineer.aijri }}"),
        ("It is 33.2 points above DevOps Engineer.", "{{ aijri }} and {{ role:devops-engineer"),
        (
            "It is 33.2 points above {{ role:devops-engineer }}.",
            "{{ aijri }} and {{ role:devops-engineer",
        ),
        ("Yellow (Urgent) at {{ aijri }}.", "{{ sub_label }}"),
        ("{{ aijri }} (Yellow) is fair.", "{{ zone }}"),
    ],
)
def test_figure_that_agrees_is_a_warning_naming_the_reference(text: str, reference: str) -> None:
    [finding] = claim_findings(text)
    assert finding.code == LITERAL
    assert reference in finding.message


@pytest.mark.parametrize(
    "text",
    [
        "{{ sub_label }} at {{ aijri }}: {{ share_3plus }} of task time scores 3 or more.",
        "Three to five years for the job to change, through 2028 to 2030.",
        "The MLOps market grows at a 24.7% CAGR.",
        "Tools improve at 1.5 times the pace of hiring.",
        "Some tasks score 3, others score 4 or 5.",
        "An average task score of 2.9 hides the spread.",
        "Evidence from 2025 shows steady demand.",
        "There is evidence of 5 companies cutting teams.",
        "Job growth of 12% a year is expected.",
        "Pay rose 8.5% at 3 large banks.",
        "Juniors (2 years or less) are most exposed.",
        "Principal engineers would land in Green (Transforming).",
        "It stays short of Green at {{ aijri }}.",
        "At {{ aijri }} (Green is {{ distance.green }} away) it is close.",
        "The platform team (10.7) was cut.",
        "The DevOps Engineer (2024) survey agrees.",
        "DevOps Engineer, which sits at 9.9, works differently.",
        "Meetings take 4.5 hours a week.",
        "Employees rate the work at 4.2.",
        "Demand is growing at 3.5, by one index.",
        "A 5 points of margin rule.",
        "It gained 10 points from the new tooling.",
        "ML engineers earn 20% more.",
        "{{ aijri }} and {{ role:devops-engineer.aijri }} differ by {{ distance.green }}.",
    ],
)
def test_numbers_that_are_not_claims_are_left_alone(text: str) -> None:
    assert claim_findings(text) == []


def test_every_commentary_section_is_read() -> None:
    [finding] = claim_findings("An AIJRI of 41.2.", section="timeline")
    assert finding.path == "commentary.timeline"
    data = seed()
    data["commentary"]["survival_strategy"][1] = "Aim above AIJRI 41.2."
    paths = [f.path for f in check(data).findings if f.code == MISMATCH]
    assert paths == ["commentary.survival_strategy[1]"]


def test_each_claim_is_reported_once() -> None:
    findings = claim_findings("AIJRI of 41.2/100, 6.4 points below Green, at 41.2.")
    assert [f.code for f in findings] == [MISMATCH] * 3


def test_with_an_override_the_formula_score_also_agrees() -> None:
    data = seed()
    override(45.0)(data)
    data["commentary"]["score_vs_reality"] = "The formula gave AIJRI 42.6; AIJRI 45.0 stands."
    findings = [f for f in check(data).findings if f.code in (MISMATCH, LITERAL)]
    assert [f.code for f in findings] == [LITERAL, LITERAL]
    assert "{{ formula_aijri }}" in findings[0].message
    assert "{{ aijri }}" in findings[1].message


def test_a_role_outside_the_canonical_set_is_not_matched_by_name() -> None:
    """Without DevOps Engineer in the set, its name is just words: the number reads as this
    role's AIJRI, and disagrees."""
    data = seed()
    data["commentary"]["score_vs_reality"] = "DevOps Engineer sits at 9.4."
    [finding] = [f for f in check(data, roles=()).findings if f.code in (MISMATCH, LITERAL)]
    assert finding.code == MISMATCH
    assert "this role's AIJRI is 42.6" in finding.message


@pytest.mark.parametrize(
    ("written", "shown", "agrees"),
    [
        ("42.6", "42.6", True),
        ("42.60", "42.6", True),
        ("43", "42.6", True),
        ("42", "42.6", False),
        ("42.5", "42.6", False),
        ("3.1", "3.05", True),
        ("+5", "+5", True),
        ("5", "-5", False),
        ("\u22125", "-5", True),
        ("70", "70%", True),
        ("Yellow", "Yellow", True),
        ("Red", "Yellow", False),
    ],
)
def test_figure_agreement(written: str, shown: str, agrees: bool) -> None:
    assert Figure("x", shown, "{{ x }}").agrees(written) is agrees


def test_masking_keeps_references_out_of_reach_and_restores_them() -> None:
    masked = Masked.of("{{ share_3plus }} then {{ role:devops-engineer }} and {{ nope }}")
    assert not any(c.isdigit() for c in masked.text)
    assert [r.name if r else None for r in masked.references] == ["share_3plus", "role", None]
    assert masked.unmask(masked.text) == masked.originals[0] + " then " + masked.originals[1] + (
        " and " + masked.originals[2]
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "no number here",
        "in 2028",
        "Arabic-Indic three: \u0663",
        "fullwidth three: \uff13",
        "a masked reference \ue000 alone",
        "a masked reference \ue000 and 7",
        "superscript two \u00b2 is no decimal digit",
    ],
)
def test_has_digit_answers_as_the_digit_pattern_does(text: str) -> None:
    """The quick test that lets prose without numbers skip the finders matches what ``\\d``
    matches, in ASCII prose and outside it."""
    assert has_digit(text) is (re.search(r"\d", text) is not None)
