"""The rendered page of a role grounded in O*NET: career context, second opinion, coverage, the
data's notices, and the sources' verification (issue 10).

Every figure expected here is read from the occupations look-up, not copied, so the tests hold
for any build of the dataset. Pages are compared as a reader sees them: Markdown through a
CommonMark renderer, HTML with its entities decoded, both as visible text.
"""

from __future__ import annotations

import html
import itertools
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from jobzone.assessment import Assessment
from jobzone.canonical import CanonicalRole, CanonicalSet
from jobzone.career import BLS_NOTICE, LABELS_NOTICE
from jobzone.occupations import occupation, task
from jobzone.occupations.crosscheck import DISAGREEMENT
from jobzone.occupations.dataset import DATA_DIR, TOP_CODE_ANNUAL
from jobzone.occupations.index import default_index
from jobzone.rendering import FORMATS, UNREADABLE, render
from jobzone.role_loading import summarise
from jobzone.scoring import round_half_up, score

from .conftest import RunCli, write_yaml
from .factories import seed_assessment
from .test_rendering_escape import HOSTILE, read

NURSES = "29-1141.00"
#: An occupation O*NET relates to Registered Nurses.
PRACTICAL_NURSES = "29-2061.00"
#: The HTML tags that part words on a page; inline ones (strong, code) do not.
BLOCK_TAG = re.compile(r"</?(?:t[dhr]|li|p|d[tdl]|h\d|ul|table|thead|tbody|section)\b[^>]*>")


def grounded(
    code: str = NURSES,
    *,
    match: str = "direct",
    note: str = "",
    slug: str = "registered-nurse",
    title: str = "Registered Nurse",
) -> dict[str, Any]:
    """The seed role re-cast as a role assessed against ``code``, citing no statement yet."""
    data = seed_assessment()
    data["slug"], data["title"] = slug, title
    found = occupation(code)
    data["role"]["occupation"] = {"code": code, "title": found.title, "match": match}
    if note:
        data["role"]["occupation"]["note"] = note
    return data


def nurse_tasks(level: str) -> list[int]:
    """Ids of Registered Nurses' statements GPT-4 labelled ``level``."""
    return [t.id for t in occupation(NURSES).tasks if t.gpt4_automation == level]


def canonical(*roles: dict[str, Any]) -> CanonicalSet:
    return CanonicalSet.of([_role(data) for data in roles])


def _role(data: dict[str, Any]) -> CanonicalRole:
    assessment = Assessment.model_validate(data)
    return CanonicalRole(Path(f"{assessment.slug}.yaml"), assessment, score(assessment))


def page(data: dict[str, Any], fmt: str, others: CanonicalSet | None = None) -> str:
    """The page's visible text, whitespace runs as one space."""
    out = render(Assessment.model_validate(data), others or CanonicalSet(), fmt)
    if fmt == "md":
        return read(out).text
    spaced = BLOCK_TAG.sub(" ", out)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", spaced)).split())


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("fmt", FORMATS)
def test_career_context_shows_each_figure_with_its_source_and_period(fmt: str) -> None:
    found = occupation(NURSES)
    wage, projection = found.wage, found.projection
    assert wage is not None and projection is not None and found.job_zone is not None

    text = page(grounded(), fmt)

    assert "Career context" in text
    assert f"O*NET occupation: {found.code} {found.title} (direct match" in text
    source = f"BLS OEWS, {wage.period} (SOC {wage.soc_code} {wage.soc_title})"
    assert f"Median wage ${wage.median_annual:,} a year {source}" in text
    assert f"Employment {wage.employment:,} {source}" in text
    change = f"{projection.change_pct:+.1f}% over {projection.period}"
    assert f"{change} BLS Employment Projections, {projection.period}" in text
    assert f"not the AIJRI zone) {found.job_zone} of 5" in text
    assert "O*NET 29.3" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_role_without_an_occupation_shows_no_o_net_data_and_opens_no_index(
    fmt: str, example_data: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def unused() -> None:
        raise AssertionError("the index was opened for a role that needs nothing from it")

    monkeypatch.setattr("jobzone.rendering.default_index", unused)
    text = page(example_data, fmt)
    for absent in ("Career context", "O*NET", "Data sources", "Bureau of Labor Statistics"):
        assert absent not in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_canonical_roles_in_related_occupations_are_listed_with_their_scores(fmt: str) -> None:
    related = grounded(PRACTICAL_NURSES, slug="practical-nurse", title="Practical Nurse")
    unrelated = grounded("15-1252.00", slug="developer", title="Software Developer")
    role = _role(related)
    assert PRACTICAL_NURSES in {r.code for r in occupation(NURSES).related}
    title = occupation(PRACTICAL_NURSES).title

    text = page(grounded(), fmt, canonical(grounded(), related, unrelated))

    aijri, label = role.score.shown_aijri, role.score.sub_label
    assert (
        f"Practical Nurse (AIJRI {aijri}, {label}): assessed against {PRACTICAL_NURSES} {title}"
        in text
    )
    assert "Software Developer" not in text
    assert "Registered Nurse (AIJRI" not in text  # the role is not related to itself


class CountingStore:
    """A role store, as the role cache is to roles loaded by their summary, that counts reads."""

    def __init__(self, *roles: dict[str, Any]) -> None:
        self.by_name = {f"{data['slug']}.yaml": Assessment.model_validate(data) for data in roles}
        self.read: list[str] = []

    def load(self, path: Path, sha256: str) -> Assessment:
        self.read.append(path.name)
        return self.by_name[path.name]


def test_related_roles_are_found_and_shown_by_their_summaries_reading_no_assessment() -> None:
    """A set loaded by its summaries, as from the role cache: the related roles are found by the
    occupation code each summary keeps, and shown with the figures it keeps: none is read."""
    related = grounded(PRACTICAL_NURSES, slug="practical-nurse", title="Practical Nurse")
    others = [grounded("15-1252.00", slug=f"developer-{n}", title="Developer") for n in range(3)]
    store = CountingStore(related, *others, seed_assessment())
    roles = [
        CanonicalRole(name, summary=summarise(name, assessment, score(assessment)), store=store)
        for name, assessment in store.by_name.items()
    ]

    text = page(grounded(), "md", CanonicalSet.of(roles))

    assert f"Practical Nurse (AIJRI {_role(related).score.shown_aijri}," in text
    assert store.read == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_related_role_in_the_canonical_set_is_said(fmt: str) -> None:
    text = page(grounded(), fmt)
    assert "No role of the canonical set is assessed against an occupation O*NET relates" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_proxy_shows_what_differs(fmt: str) -> None:
    note = "A school nurse works alone in a school, not on a hospital ward."
    text = page(grounded(match="proxy", note=note), fmt)
    assert "(proxy: the nearest occupation, which differs from the role)" in text
    assert f"What differs: {note}" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_top_coded_wage_is_shown_as_the_least_it_can_be(fmt: str) -> None:
    [row] = default_index().rows(
        "SELECT code FROM occupations WHERE wage LIKE '%\"median_annual_top_coded\": true%' LIMIT 1"
    )
    text = page(grounded(row["code"]), fmt)
    assert f"Median wage at least ${TOP_CODE_ANNUAL:,} a year (BLS top code)" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_occupation_without_a_projection_says_none_matches(fmt: str) -> None:
    [row] = default_index().rows(
        "SELECT code FROM occupations WHERE projection IS NULL AND wage IS NOT NULL LIMIT 1"
    )
    assert occupation(row["code"]).projection is None
    text = page(grounded(row["code"]), fmt)
    assert "Projected employment change no projection matches this occupation's title" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_code_o_net_does_not_have_shows_no_figures(fmt: str) -> None:
    data = grounded()
    data["role"]["occupation"]["code"] = "11-1111.11"
    text = page(data, fmt)
    assert "O*NET 29.3 has no occupation 11-1111.11." in text
    assert "Median wage" not in text
    assert "Data sources" not in text


def _onet_notice() -> str:
    """The O*NET notice as the data's own README gives it."""
    readme = (DATA_DIR / "README.md").read_text("utf-8")
    [line] = [line for line in readme.splitlines() if line.startswith("This product includes")]
    return line


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_page_showing_o_net_data_carries_its_notices(fmt: str) -> None:
    text = page(grounded(), fmt)
    sources = text.split("Data sources", 1)[1]
    assert _onet_notice() in sources
    assert "https://creativecommons.org/licenses/by/4.0/" in sources
    assert words(BLS_NOTICE) in sources
    assert "GPTs are GPTs" not in sources  # no task cites a statement, so no label is shown


@pytest.mark.parametrize("fmt", FORMATS)
def test_labels_shown_add_the_notice_of_their_authors(fmt: str) -> None:
    data = seed_assessment()
    data["tasks"][0]["onet_tasks"] = nurse_tasks("T1")[:1]
    text = page(data, fmt)
    sources = text.split("Data sources", 1)[1]
    assert words(LABELS_NOTICE) in sources
    assert _onet_notice() in sources
    assert "Bureau of Labor Statistics" not in sources  # no wage or projection is shown


def _second_opinion_role() -> dict[str, Any]:
    """Registered Nurses with a disagreeing first task (T1 statements, which suggest 2, scored
    4) and an agreeing second one (a T2 statement, which suggests 3, scored 3)."""
    data = grounded()
    data["tasks"][0].update(score=4, impact="displacement", onet_tasks=nurse_tasks("T1")[:3])
    data["tasks"][1].update(score=3, onet_tasks=nurse_tasks("T2")[:1])
    return data


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_citing_task_shows_its_statements_labels_and_suggestion(fmt: str) -> None:
    data = _second_opinion_role()
    first, second = data["tasks"][0], data["tasks"][1]

    text = page(data, fmt)

    assert "3 statements, T1/T1/T1: suggests 2 (disagrees)" in text
    assert "1 statement, T2: suggests 3" in text
    assert "1 statement, T2: suggests 3 (disagrees)" not in text
    assert f"{first['name']}: suggests 2, scored 4 ({DISAGREEMENT} or more apart)." in text
    assert f"{second['name']}: suggests 3, scored 3. Cites" in text
    for cited in first["onet_tasks"]:
        statement = task(cited)
        assert statement is not None
        labels = (
            f"{cited} (human {statement.human}, GPT-4 {statement.gpt4}, "
            f"GPT-4 {statement.gpt4_automation})"
        )
        assert labels in text


def test_the_markdown_task_table_gains_a_column_only_for_citing_roles(
    example_data: dict[str, Any],
) -> None:
    plain = render(Assessment.model_validate(example_data), CanonicalSet(), "md")
    cited = render(Assessment.model_validate(_second_opinion_role()), CanonicalSet(), "md")
    for out, cells in ((plain, 6), (cited, 7)):
        lines = out.splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("| Task |"))
        rows = list(itertools.takewhile(lambda line: line.startswith("|"), lines[start:]))
        assert len(rows) == 2 + len(example_data["tasks"]) + 1  # head, rule, tasks, total
        assert {len(re.findall(r"(?<!\\)\|", row)) - 1 for row in rows} == {cells}


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_coverage_of_the_core_tasks_is_shown_and_flagged_when_low(fmt: str) -> None:
    core = [t.id for t in occupation(NURSES).tasks if t.type == "Core"]
    data = grounded()
    data["tasks"][0]["onet_tasks"] = core[:2]
    low = page(data, fmt)
    data["tasks"][1]["onet_tasks"] = core[2:]
    full = page(data, fmt)

    share = round_half_up(Fraction(200, len(core)), 0)
    assert f"the tasks cover 2 of the {len(core)} Core tasks of {NURSES} ({share}%); under" in low
    assert f"the tasks cover {len(core)} of the {len(core)} Core tasks of {NURSES} (100%)." in full
    assert "minimum" not in full


@pytest.mark.parametrize("fmt", FORMATS)
def test_sources_say_whether_a_person_verified_them(fmt: str) -> None:
    data = seed_assessment()
    wage = data["evidence"]["wage_trends"]["sources"]
    wage[0].update(added_by="Ann")
    wage[1].update(added_by="model", verified_by="Bo", verified_on="2026-05-02")
    postings = data["evidence"]["job_posting_trends"]["sources"]
    postings[0].update(verified_by=" ", verified_on="2026-05-02")

    text = page(data, fmt)

    assert cited_as(text, wage[0], "unverified, added by Ann")
    assert cited_as(text, wage[1], "verified by Bo on 2026-05-02")
    assert cited_as(text, postings[0], "unverified, suggested by the model")
    assert cited_as(text, postings[1], "unverified, suggested by the model")


def cited_as(text: str, source: dict[str, Any], verification: str) -> bool:
    """Whether ``text`` cites ``source`` (its title, then its date and address in brackets)
    followed by ``verification`` in brackets."""
    pattern = rf"{re.escape(source['title'])} \([^()]*\) \({re.escape(verification)}\)"
    return re.search(pattern, text) is not None


def lose_the_dataset(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The packaged dataset gone from here on: opening the index is a ConfigError, as with a
    broken install."""
    monkeypatch.setattr(
        "jobzone.occupations.index.dataset_path", lambda: tmp_path / "missing.json.xz"
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_data_that_cannot_be_read_leaves_a_note_and_the_page_stands(
    fmt: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    data = _second_opinion_role()
    lose_the_dataset(monkeypatch, tmp_path)

    text = page(data, fmt)

    assert f"O*NET occupation: {NURSES} Registered Nurses" in text
    assert text.count(UNREADABLE) == 2  # the career context, and the second opinion
    for absent in ("Median wage", "suggests", "Data sources"):
        assert absent not in text


def test_render_on_the_command_line_degrades_too(
    run_cli: RunCli,
    workspace: Path,
    example_data: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    example_data["role"]["occupation"] = grounded()["role"]["occupation"]
    write_yaml(workspace / "roles" / "mlops-engineer.yaml", example_data)
    lose_the_dataset(monkeypatch, tmp_path)

    result: Result = run_cli("render", "mlops-engineer")

    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert UNREADABLE in read(result.output).text


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unwritable_cache_folder_still_gives_the_figures(
    fmt: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The index is then kept in memory for the process: the page loses nothing."""
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("JOBZONE_CACHE_DIR", str(blocker / "cache"))
    wage = occupation(NURSES).wage
    assert wage is not None and wage.employment is not None

    text = page(grounded(), fmt)

    assert f"Employment {wage.employment:,}" in text
    assert UNREADABLE not in text


CLEAN_GROUNDED = read(
    render(Assessment.model_validate(_second_opinion_role()), CanonicalSet(), "md")
)


@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("field", ["note", "task"])
def test_hostile_text_in_the_grounded_parts_shows_as_text(field: str, hostile: str) -> None:
    data = _second_opinion_role()
    if field == "note":
        data["role"]["occupation"].update(match="proxy", note=hostile)
    else:
        data["tasks"][0]["name"] = hostile

    shown = read(render(Assessment.model_validate(data), CanonicalSet(), "md"))

    assert "<script" not in shown.html.lower()
    assert "<img" not in shown.html.lower()
    assert {tag for tag, _ in shown.tags} <= {tag for tag, _ in CLEAN_GROUNDED.tags} | {"br"}
    assert shown.blocks == CLEAN_GROUNDED.blocks
    assert words(hostile) in shown.text


def test_html_escapes_the_grounded_parts() -> None:
    data = _second_opinion_role()
    data["role"]["occupation"].update(match="proxy", note="Unlike <script>alert(1)</script>.")
    out = render(Assessment.model_validate(data), CanonicalSet(), "html")
    assert "<script" not in out.lower()
    assert "Unlike &lt;script&gt;alert(1)&lt;/script&gt;." in out
