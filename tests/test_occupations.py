"""O*NET occupations shipped with jobzone: title search and its reasons, one occupation with its
tasks, labels and BLS figures, and the CLI over both (issue 10, points 1 and 2)."""

from __future__ import annotations

import json
import re

import click
import pytest

from jobzone.cli import cli
from jobzone.errors import InputError, NotFoundError
from jobzone.occupations import has_code, known_title, occupation, search, task

from .conftest import REPO, RunCli

README = (REPO / "README.md").read_text(encoding="utf-8")


# --- search -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("RN", "29-1141.00"),
        ("Registered Nurse", "29-1141.00"),
        ("registered   NURSES!", "29-1141.00"),
        ("Payroll Clerk", "43-3051.00"),
        ("payroll clerks", "43-3051.00"),
        ("Electrician", "47-2111.00"),
        ("CEO", "11-1011.00"),
        ("HR manager", "11-3121.00"),
    ],
)
def test_titles_not_verbatim_in_onet_find_their_occupation_first(text: str, code: str) -> None:
    assert search(text, 5)[0].code == code


def test_a_term_onet_does_not_know_is_searched_by_its_words() -> None:
    """O*NET 29.3 has no "MLOps": it is searched as machine learning operations."""
    first = search("MLOps engineer", 3)[0]
    assert first.code.startswith("15-")
    assert "Machine Learning" in first.matched


def test_each_match_says_which_field_and_text_matched() -> None:
    rn = search("RN", 1)[0]
    assert (rn.field, rn.matched) == ("alternate title", "Registered Nurse (RN)")
    electrician = search("Electrician", 1)[0]
    assert (electrician.field, electrician.matched) == ("title", "Electricians")
    assert electrician.title == "Electricians"


def test_a_word_only_descriptions_hold_matches_by_description() -> None:
    found = search("feedstock", 3)
    assert found[0].code == "11-9041.01"  # Biofuels/Biodiesel Technology and ... Managers
    assert found[0].field == "description"
    assert "feedstock" in found[0].matched
    assert found[0].matched in occupation("11-9041.01").description


def test_title_matches_rank_above_description_matches() -> None:
    fields = [m.field for m in search("canal", 10)]
    assert "description" in fields and "alternate title" in fields
    assert fields == sorted(fields, key=lambda f: f == "description")


@pytest.mark.parametrize(
    "text",
    ['"AND OR NEAR(', "nurse*", "title: nurse", "^nurse", "NOT nurse", "'; DROP TABLE names; --"],
)
def test_fts_syntax_in_the_query_is_read_as_plain_words(text: str) -> None:
    found = search(text, 5)
    assert isinstance(found, list)
    if "nurse" in text:
        assert any("Nurse" in m.title for m in found)


@pytest.mark.parametrize("text", ["", "   ", "?!()", '"'])
def test_text_without_a_letter_or_digit_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError, match="no letters or digits"):
        search(text)


def test_text_matching_nothing_finds_nothing() -> None:
    assert search("zzqxv") == []


@pytest.mark.parametrize("limit", [0, 101])
def test_a_limit_out_of_range_is_an_input_error(limit: int) -> None:
    with pytest.raises(InputError, match="limit"):
        search("nurse", limit)


# --- one occupation -----------------------------------------------------------------------------


def test_an_occupation_lists_core_tasks_first_with_their_labels() -> None:
    rn = occupation("29-1141.00")
    assert rn.title == "Registered Nurses"
    assert rn.job_zone == 4
    types = [t.type for t in rn.tasks]
    assert types == sorted(types, key=lambda t: t != "Core")
    assert types[0] == "Core" and "Supplemental" in types
    record = next(t for t in rn.tasks if t.id == 1841)
    assert (record.human, record.gpt4, record.gpt4_automation) == ("E2", "E2", "T3")
    assert record.text == "Record patients' medical information and vital signs."


def test_an_occupation_carries_its_bls_figures_with_their_reference_periods() -> None:
    rn = occupation("29-1141.00")
    assert rn.wage is not None and rn.projection is not None
    assert (rn.wage.median_annual, rn.wage.employment) == (77_600, 3_047_530)
    assert (rn.wage.soc_code, rn.wage.period) == ("29-1141", "May 2021")
    assert (rn.projection.change_pct, rn.projection.period) == (9.0, "2020-2030")
    assert rn.projection.title == "Registered nurses"


def test_a_specialty_takes_the_figures_of_its_soc_occupation() -> None:
    acute = occupation("29-1141.01")
    assert acute.wage is not None and acute.wage.soc_title == "Registered Nurses"
    assert acute.projection is not None and acute.projection.title == "Registered nurses"


def test_related_occupations_come_in_onet_rank_order_with_titles() -> None:
    related = occupation("29-1141.00").related
    assert [r.rank for r in related] == sorted(r.rank for r in related)
    assert related[0].tier == "Primary-Short"
    assert all(r.title for r in related)


def test_a_soc_code_without_its_suffix_means_the_00_occupation() -> None:
    assert occupation("47-2111").code == "47-2111.00"


@pytest.mark.parametrize("code", ["99-9999.00", "29-1141.77"])
def test_an_unknown_code_is_an_error_naming_it(code: str) -> None:
    with pytest.raises(NotFoundError, match=re.escape(code)):
        occupation(code)


def test_a_malformed_code_is_an_error_saying_what_a_code_looks_like() -> None:
    with pytest.raises(NotFoundError, match="'nurse' is not an O\\*NET-SOC code"):
        occupation("nurse")


def test_codes_and_task_ids_can_be_checked_cheaply() -> None:
    assert has_code("29-1141.00")
    assert not has_code("29-1141")  # only the exact form a role file would hold
    found = task(1841)
    assert found is not None and found.code == "29-1141.00"
    assert task(99_999_999) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("registered nurse", ("29-1141.00", "title")),
        ("Payroll Clerks", ("43-3051.00", "alternate title")),
        ("Prompt Engineer", None),  # not an O*NET title of any kind
        ("Compile and record employee time", None),  # words of a description only
        ("Nurses Registered", None),  # the words of a title, not the title
    ],
)
def test_a_title_is_known_only_as_an_onet_title_or_alternate_title(
    text: str, expected: tuple[str, str] | None
) -> None:
    found = known_title(text)
    assert ((found.code, found.field) if found else None) == expected


# --- CLI ----------------------------------------------------------------------------------------


def test_search_lists_codes_titles_and_what_matched(run_cli: RunCli) -> None:
    result = run_cli("occupations", "search", "RN", "--limit", "3")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:2] == [
        "29-1141.00  Registered Nurses",
        "            alternate title: Registered Nurse (RN)",
    ]
    assert len([line for line in lines if re.match(r"\d\d-\d{4}\.\d\d ", line)]) == 3


def test_search_json_shape(run_cli: RunCli) -> None:
    result = run_cli("occupations", "search", "Payroll Clerk", "--json", "--limit", "2")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["query"] == "Payroll Clerk"
    assert len(data["matches"]) == 2
    first = data["matches"][0]
    assert set(first) == {"code", "title", "score", "matched_field", "matched_text"}
    assert (first["code"], first["matched_field"], first["matched_text"]) == (
        "43-3051.00",
        "alternate title",
        "Payroll Clerk",
    )


def test_search_finding_nothing_says_so_and_succeeds(run_cli: RunCli) -> None:
    result = run_cli("occupations", "search", "zzqxv")
    assert (result.exit_code, result.stdout) == (0, "")
    assert "no O*NET occupation matches 'zzqxv'" in result.stderr


def test_search_without_words_exits_2_with_one_line(run_cli: RunCli) -> None:
    result = run_cli("occupations", "search", "  ")
    assert result.exit_code == 2
    assert result.stderr.startswith("jobzone: error: text: give a job title to search for")


def test_show_gives_tasks_core_first_labels_and_figures_with_periods(run_cli: RunCli) -> None:
    result = run_cli("occupations", "show", "29-1141.00")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("29-1141.00  Registered Nurses\n")
    assert out.index("Core tasks (15)") < out.index("Supplemental tasks (12)")
    assert re.search(r"^\s+1841\s+E2\s+E2\s+T3  Record patients' medical information", out, re.M)
    assert "Median wage: $77,600 a year (BLS OEWS May 2021, SOC 29-1141 Registered Nurses)" in out
    assert "Employment: 3,047,530 (BLS OEWS May 2021" in out
    assert "+9.0% over 2020-2030" in out
    assert "Job zone (O*NET preparation level; not an AIJRI zone): 4 of 5" in out
    assert "29-2061.00  Licensed Practical and Licensed Vocational Nurses (Primary-Short)" in out
    assert "CC BY 4.0" in out


def test_show_json_shape(run_cli: RunCli) -> None:
    result = run_cli("occupations", "show", "47-2111", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == {
        "code", "title", "description", "job_zone", "tasks", "related", "wage", "projection"
    }  # fmt: skip
    assert data["code"] == "47-2111.00"
    assert set(data["tasks"][0]) == {
        "id", "code", "text", "type", "human", "gpt4", "gpt4_automation"
    }  # fmt: skip
    assert data["tasks"][0]["type"] == "Core"
    assert data["wage"]["period"] == "May 2021"
    assert data["projection"] == {"title": "Electricians", "change_pct": 9.1, "period": "2020-2030"}


def test_show_of_an_unknown_code_exits_2_naming_it(run_cli: RunCli) -> None:
    result = run_cli("occupations", "show", "11-1111.11")
    assert result.exit_code == 2
    assert "no occupation 11-1111.11 in O*NET 29.3" in result.stderr
    assert "jobzone occupations search" in result.stderr
    result = run_cli("occupations", "show", "11-1111.11", "--json")
    assert json.loads(result.stdout)["error"] == "NotFoundError"


def test_an_occupation_without_tasks_or_figures_says_so(run_cli: RunCli) -> None:
    result = run_cli("occupations", "show", "55-3016.00")  # Infantry: no OEWS wage, no tasks
    assert result.exit_code == 0, result.output
    assert "Wage and employment: not published by BLS (OEWS) for this occupation" in result.stdout
    assert "O*NET lists no tasks for this occupation" in result.stdout


def _section(name: str) -> str:
    match = re.search(rf"^### `jobzone {re.escape(name)}[^`]*`\n(.*?)(?=^#)", README, re.M | re.S)
    assert match, f"README has no section '### `jobzone {name}`'"
    return match.group(1)


@pytest.mark.parametrize("name", ["search", "show"])
def test_each_occupations_command_has_a_readme_section_naming_its_options(name: str) -> None:
    group = cli.get_command(click.Context(cli), "occupations")
    assert isinstance(group, click.Group)
    command = group.get_command(click.Context(group), name)
    assert command is not None
    section = _section(f"occupations {name}")
    for param in command.params:
        for opt in param.opts:
            if opt.startswith("--"):
                assert opt in section, f"README's `jobzone occupations {name}` omits {opt}"


def test_an_occupation_bls_pays_by_the_hour_shows_its_hourly_median(run_cli: RunCli) -> None:
    """Actors (27-2011.00): OEWS publishes an hourly median only."""
    wage = occupation("27-2011.00").wage
    assert wage is not None and wage.median_annual is None and wage.median_hourly is not None

    result = run_cli("occupations", "show", "27-2011.00")

    assert result.exit_code == 0, result.output
    assert f"Median wage: ${wage.median_hourly:,.2f} an hour (BLS OEWS" in result.stdout
