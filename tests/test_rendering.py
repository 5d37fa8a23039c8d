"""The renderer: every figure on the page is the scorer's, in Markdown and in HTML."""

from __future__ import annotations

import copy
import datetime as dt
import html
import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result

from jobzone.assessment import Assessment
from jobzone.canonical import CanonicalSet, load_canonical
from jobzone.rendering import FORMATS, render
from jobzone.workspace import Workspace

RunCli = Callable[..., Result]

SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _assessment(data: dict[str, Any]) -> Assessment:
    return Assessment.model_validate(data)


def _canonical(folder: Path, *roles: dict[str, Any]) -> CanonicalSet:
    """A canonical set loaded, as the CLI loads it, from ``folder/roles`` holding ``roles``."""
    (folder / "roles").mkdir(parents=True, exist_ok=True)
    for data in roles:
        text = yaml.safe_dump(data, sort_keys=False)
        (folder / "roles" / f"{data['slug']}.yaml").write_text(text, encoding="utf-8")
    return load_canonical(Workspace(folder))


def _table(page: str, header: str) -> list[list[str]]:
    """The body rows of the Markdown table whose header row starts with ``header``, as cells."""
    lines = page.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header)) + 2
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]])
    return rows


def _render(data: dict[str, Any], fmt: str, canonical: CanonicalSet | None = None) -> str:
    """The page as a reader sees it: HTML entities decoded, so figures read the same in both."""
    out = render(_assessment(data), canonical or CanonicalSet(), fmt)
    return html.unescape(out) if fmt == "html" else out


def _commentary(page: str) -> str:
    """The part of a rendered page from the commentary heading on."""
    _, sep, rest = page.partition("Assessor Commentary")
    assert sep, "no commentary section"
    return rest


def _devops(example_data: dict[str, Any]) -> dict[str, Any]:
    """A second role built from the seed's data: every task more exposed, all displacement."""
    data = example_data
    data["slug"] = "devops-engineer"
    data["title"] = "DevOps Engineer"
    for task, task_score in zip(data["tasks"], [4, 4, 5, 5, 4, 4, 3], strict=True):
        task["score"] = task_score
        task["impact"] = "displacement"
    data["evidence"]["company_actions"]["score"] = -1
    return data


@pytest.mark.parametrize("fmt", FORMATS)
def test_seed_figures_appear_as_computed(example_data: dict[str, Any], fmt: str) -> None:
    page = _render(example_data, fmt)
    for figure in (
        "AIJRI 42.6",
        "Yellow (Urgent)",
        "2/9",
        "protective 2 + growth +1 = 3: Likely Yellow",
        "6.00 - 2.95 = 3.05",
        "25% displacement, 65% augmentation, 10% not involved",
        "1/10",
        "1.0 + (5 x 0.04) = 1.20",
        "1.0 + (1 x 0.02) = 1.02",
        "1.0 + (1 x 0.05) = 1.05",
        "3.05 x 1.20 x 1.02 x 1.05 = 3.9199",
        "(3.9199 - 0.54) / 7.93 x 100 = 42.6",
        "Yellow (Green >= 48.0; Yellow 25.0 to under 48.0; Red under 25.0)",
        "70%",
        "Yellow (Urgent): AIJRI 25.0 to under 48.0 and share of task time scoring 3+ >= 40%",
        "5.4 points below the Green threshold (48.0)",
        "17.6 points above the Yellow threshold (25.0)",
    ):
        assert figure in page, figure
    assert "clamped" not in page


def test_markdown_task_table_weights_each_task(example_data: dict[str, Any]) -> None:
    rows = _table(_render(example_data, "md"), "| Task |")
    assert [row[1:5] for row in rows] == [
        ["20%", "2", "0.40", "AUGMENTATION"],
        ["20%", "3", "0.60", "AUGMENTATION"],
        ["15%", "3", "0.45", "AUGMENTATION"],
        ["15%", "4", "0.60", "DISPLACEMENT"],
        ["10%", "4", "0.40", "DISPLACEMENT"],
        ["10%", "3", "0.30", "AUGMENTATION"],
        ["10%", "2", "0.20", "NOT INVOLVED"],
        ["**100%**", "", "**2.95**", ""],
    ]
    assert all(len(row) == 6 for row in rows)


def test_html_task_table_weights_each_task(example_data: dict[str, Any]) -> None:
    page = render(_assessment(example_data), CanonicalSet(), "html")
    weighted = re.findall(
        r'<td class="num">\d+%</td><td class="num">\d</td><td class="num">([\d.]+)<', page
    )
    assert weighted == ["0.40", "0.60", "0.45", "0.60", "0.40", "0.30", "0.20"]
    assert '<td class="num">100%</td><td></td><td class="num">2.95</td>' in page


def test_templates_hold_no_rubric_figures() -> None:
    """Coefficients and thresholds come from the rubric data, never from template text."""
    folder = resources.files("jobzone") / "templates"
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".j2"))
    assert {"role.md.j2", "role.html.j2"} <= set(names)
    for name in names:
        text = (folder / name).read_text("utf-8")
        for literal in ("0.04", "0.02", "0.05", "0.54", "7.93", "48", "25.0", "40%"):
            assert literal not in text, f"{name} hard-codes {literal}"


@pytest.mark.parametrize("fmt", FORMATS)
def test_commentary_references_are_filled(example_data: dict[str, Any], fmt: str) -> None:
    page = _render(example_data, fmt)
    assert "{{" not in page
    assert "}}" not in page
    commentary = _commentary(page)
    assert "Yellow (Urgent) at 42.6 describes" in commentary
    assert "evidence total of +5" in commentary
    assert "70% of task time scores 3 or more and 25% is already" in commentary
    assert "Sitting 5.4 points under the Green threshold" in commentary


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_score_edit_changes_every_figure(example_data: dict[str, Any], fmt: str) -> None:
    """Scoring the first task 1 instead of 2 moves the page and the prose together."""
    before = _render(example_data, fmt)
    example_data["tasks"][0]["score"] = 1
    page = _render(example_data, fmt)
    assert page != before
    for figure in (
        "AIJRI 45.9",
        "6.00 - 2.75 = 3.25",
        "3.25 x 1.20 x 1.02 x 1.05 = 4.1769",
        "(4.1769 - 0.54) / 7.93 x 100 = 45.9",
        "2.1 points below the Green threshold (48.0)",
    ):
        assert figure in page, figure
    assert "42.6" not in page
    assert "3.9199" not in page
    commentary = _commentary(page)
    assert "Yellow (Urgent) at 45.9 describes" in commentary
    assert "Sitting 2.1 points under the Green threshold" in commentary


@pytest.mark.parametrize("fmt", FORMATS)
def test_override_shows_override_and_formula_score(example_data: dict[str, Any], fmt: str) -> None:
    example_data["override"] = {
        "aijri": 55.0,
        "justification": "Platform work at this level is broader than the task list suggests.",
        "by": "R. Reviewer",
        "on": dt.date(2026, 4, 28),
    }
    page = _render(example_data, fmt)
    assert (
        "55.0, Green (Transforming) (formula score 42.6, Yellow (Urgent)), "
        "set by R. Reviewer on 2026-04-28." in page
    )
    assert "Platform work at this level is broader than the task list suggests." in page
    assert "AIJRI 55.0: Green (Transforming)" in page
    assert "(3.9199 - 0.54) / 7.93 x 100 = 42.6" in page
    assert "Green (Transforming) at 55.0 describes" in _commentary(page)


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_override_says_the_formula_stands(example_data: dict[str, Any], fmt: str) -> None:
    assert "none; the formula score of 42.6 stands." in _render(example_data, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_where_to_look_next_shows_current_canonical_figures(
    example_data: dict[str, Any], fmt: str, tmp_path: Path
) -> None:
    """The entry carries the other role's score as the canonical set has it now."""
    devops = _devops(copy.deepcopy(example_data))
    example_data["commentary"]["where_to_look_next"] = [
        {"slug": "devops-engineer", "reason": "Same toolkit, at {{ role:devops-engineer.aijri }}."}
    ]
    bold = "**{}**" if fmt == "md" else "<strong>{}</strong>"
    entry = bold.format("DevOps Engineer") + " (AIJRI {0}, Red (Imminent)): Same toolkit, at {0}."

    page = _render(example_data, fmt, _canonical(tmp_path, example_data, devops))
    assert entry.format("19.4") in page

    devops["tasks"][6]["score"] = 2
    rescored = _render(example_data, fmt, _canonical(tmp_path, devops))
    assert entry.format("20.9") in rescored
    assert "19.4" not in rescored


@pytest.mark.parametrize("fmt", FORMATS)
def test_where_to_look_next_names_a_role_outside_the_set(
    example_data: dict[str, Any], fmt: str
) -> None:
    example_data["commentary"]["where_to_look_next"] = [
        {"slug": "data-engineer", "reason": "Pipelines without the models."}
    ]
    page = _render(example_data, fmt)
    assert "data-engineer" in page
    assert "(not in the canonical set): Pipelines without the models." in page


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_where_to_look_next(example_data: dict[str, Any], fmt: str) -> None:
    assert example_data["commentary"]["where_to_look_next"] == []
    assert "No comparable roles of the canonical set are listed yet." in _render(example_data, fmt)


def test_the_role_itself_is_not_a_comparison(example_data: dict[str, Any], tmp_path: Path) -> None:
    """A reference to the role's own slug is not resolved from the canonical set."""
    example_data["commentary"]["timeline"] = "Compare {{ role:mlops-engineer.aijri }}."
    canonical = _canonical(tmp_path, example_data)
    assert canonical.get("mlops-engineer") is not None
    page = render(_assessment(example_data), canonical, "md")
    assert "Compare {{ role:mlops-engineer.aijri }}." in page


@pytest.mark.parametrize("fmt", FORMATS)
def test_commentary_is_data_not_template_code(example_data: dict[str, Any], fmt: str) -> None:
    example_data["commentary"]["timeline"] = "Soon {{ 6 + 7 }} {% if true %}yes{% endif %}."
    page = _render(example_data, fmt)
    assert "Soon {{ 6 + 7 }} {% if true %}yes{% endif %}." in page
    assert "Soon 13" not in page


def test_html_escapes_markup_in_rationales_and_commentary(example_data: dict[str, Any]) -> None:
    example_data["tasks"][0]["rationale"] = f"Risky {SCRIPT} text."
    example_data["commentary"]["score_vs_reality"] = f"Prose {SCRIPT} here."
    example_data["commentary"]["survival_strategy"][0] = f"Point {SCRIPT}."
    page = render(_assessment(example_data), CanonicalSet(), "html")
    assert "<script" not in page.lower()
    assert f"Risky {ESCAPED_SCRIPT} text." in page
    assert f"Prose {ESCAPED_SCRIPT} here." in page
    assert f"Point {ESCAPED_SCRIPT}." in page


def test_markdown_escapes_no_plain_punctuation(example_data: dict[str, Any]) -> None:
    """The example holds nothing that could make markup, so its page gains no escape at all."""
    page = render(_assessment(example_data), CanonicalSet(), "md")
    assert "ML pipeline design & architecture" in page
    assert "&amp;" not in page
    assert "\\" not in page


def test_html_page_is_self_contained(example_data: dict[str, Any]) -> None:
    url = "https://example.org/mlops-report"
    example_data["evidence"]["wage_trends"]["sources"][0]["url"] = url
    page = render(_assessment(example_data), CanonicalSet(), "html")
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "<title>MLOps Engineer: AIJRI 42.6, Yellow (Urgent)</title>" in page
    assert "<style>" in page
    assert f"Glassdoor, MLOps Engineer salaries (US) (2026-04-01, {url})" in page
    lowered = page.lower()
    for forbidden in ("<script", "<link", "<img", "<iframe", "@import", "url("):
        assert forbidden not in lowered, forbidden
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", lowered)


def test_markdown_table_cells_escape_pipes_and_newlines(example_data: dict[str, Any]) -> None:
    example_data["tasks"][0]["rationale"] = "Either | or.\nSecond line."
    example_data["barriers"]["physical_presence"]["rationale"] = "A|B"
    page = render(_assessment(example_data), CanonicalSet(), "md")
    assert "| Either \\| or.<br>Second line. |" in page
    assert "| Physical Presence | 0 | A\\|B |" in page
    task_row = next(line for line in page.splitlines() if "Either" in line)
    assert len(re.findall(r"(?<!\\)\|", task_row)) == 7


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_clamped_score_shows_the_clamp(example_data: dict[str, Any], fmt: str) -> None:
    for task in example_data["tasks"]:
        task["score"] = 1
        task["impact"] = "not_involved"
    for item in example_data["evidence"].values():
        item["score"] = 2
    for barrier in example_data["barriers"].values():
        barrier["score"] = 2
    example_data["growth"]["score"] = 2
    page = _render(example_data, fmt)
    assert "5.00 x 1.40 x 1.20 x 1.10 = 9.2400" in page
    assert "(9.2400 - 0.54) / 7.93 x 100 = 109.7, clamped to 100.0" in page
    assert "clamped to 100.0." in page
    assert "Green (Accelerated): AIJRI >= 48.0 and AI growth correlation >= +2" in page


def test_sub_label_reason_spells_out_earlier_rules(example_data: dict[str, Any]) -> None:
    """Green (Stable) holds only because the earlier Green rules did not."""
    example_data["override"] = {
        "aijri": 60,
        "justification": "A test override that lifts the role into the Green zone.",
        "by": "R. Reviewer",
        "on": dt.date(2026, 4, 28),
    }
    for task in example_data["tasks"]:
        task["score"] = 2
        task["impact"] = "augmentation"
    page = render(_assessment(example_data), CanonicalSet(), "md")
    assert (
        "Green (Stable): AIJRI >= 48.0 and AI growth correlation below +2 and share of task "
        "time scoring 3+ below 40%" in page
    )


def test_unknown_format_is_refused(example: Assessment) -> None:
    with pytest.raises(ValueError, match="unknown format 'pdf'"):
        render(example, CanonicalSet(), "pdf")


def test_cli_renders_markdown_by_default(run_cli: RunCli) -> None:
    result = run_cli("render", "mlops-engineer")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# MLOps Engineer\n")
    assert "(3.9199 - 0.54) / 7.93 x 100 = 42.6" in result.output


def test_cli_renders_html(run_cli: RunCli) -> None:
    result = run_cli("render", "mlops-engineer", "--format", "html")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("<!DOCTYPE html>")
    assert "(3.9199 - 0.54) / 7.93 x 100 = 42.6" in result.output


def test_cli_writes_output_file(run_cli: RunCli, workspace: Path) -> None:
    result = run_cli("render", "mlops-engineer", "--format", "html", "--output", "page.html")
    assert result.exit_code == 0, result.output
    assert result.output == ""
    written = (workspace / "page.html").read_text(encoding="utf-8")
    assert written.startswith("<!DOCTYPE html>")
    assert "AIJRI 42.6: Yellow (Urgent)" in written


def test_cli_fills_look_next_from_the_workspace(
    run_cli: RunCli, workspace: Path, example_data: dict[str, Any]
) -> None:
    devops = _devops(copy.deepcopy(example_data))
    example_data["commentary"]["where_to_look_next"] = [
        {"slug": "devops-engineer", "reason": "Same toolkit."}
    ]
    _canonical(workspace, example_data, devops)
    result = run_cli("render", "mlops-engineer")
    assert result.exit_code == 0, result.output
    assert "- **DevOps Engineer** (AIJRI 19.4, Red (Imminent)): Same toolkit." in result.output
