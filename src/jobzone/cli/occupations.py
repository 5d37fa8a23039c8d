"""``jobzone occupations``: find O*NET occupations by title; read one with its tasks and labels."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import click

from jobzone.cli.app import json_option, print_json, workspace_option
from jobzone.wording import plural

if TYPE_CHECKING:
    from jobzone.occupations import Occupation, Task, Wage

#: O*NET's names for its job zones (preparation levels; unrelated to the AIJRI zones).
JOB_ZONES = {
    1: "little or no preparation needed",
    2: "some preparation needed",
    3: "medium preparation needed",
    4: "considerable preparation needed",
    5: "extensive preparation needed",
}
SOURCES = (
    "Sources: O*NET 29.3 Database (USDOL/ETA, CC BY 4.0); task labels: Eloundou et al., "
    '"GPTs are GPTs" (MIT); wages, employment and projections: U.S. Bureau of Labor Statistics.'
)
LEGEND = (
    "Labels (Eloundou et al.): human / GPT-4 exposure E0 none, E1 direct exposure to an LLM, E2 "
    "exposure through LLM-powered software; GPT-4 automation T0 none ... T4 fully automatable; "
    "- not labelled."
)
WIDTH = 100


@click.group("occupations")
@workspace_option
def occupations_group() -> None:
    """Look up O*NET occupations: search them by job title, show one with its tasks and labels.

    The data (O*NET 29.3, the task exposure labels of Eloundou et al., BLS wages and projections)
    ships with jobzone; no network is needed. The first look-up builds an index in the cache
    folder ($JOBZONE_CACHE_DIR, else $XDG_CACHE_HOME/jobzone, else ~/.cache/jobzone).
    """


@occupations_group.command("search")
@click.argument("text")
@click.option(
    "--limit",
    type=click.IntRange(1, 100),
    default=10,
    show_default=True,
    metavar="N",
    help="How many occupations to list.",
)
@json_option
def search_cmd(text: str, limit: int, as_json: bool) -> None:
    """Rank O*NET occupations for a job title, saying what matched in each.

    Titles are matched on O*NET's occupation titles, alternate titles, the titles incumbents
    reported, and descriptions; case, punctuation and plurals do not matter. No match is not an
    error (exit 0, nothing listed).
    """
    from jobzone.occupations import search

    matches = search(text, limit)
    if as_json:
        print_json({"query": text, "matches": [m.to_json() for m in matches]})
        return
    for m in matches:
        click.echo(f"{m.code}  {m.title}")
        click.echo(f"            {m.field}: {_shorten(m.matched, WIDTH - 24)}")
    if matches:
        click.echo("details: jobzone occupations show CODE", err=True)
    else:
        click.echo(f"no O*NET occupation matches {text!r}", err=True)


@occupations_group.command("show")
@click.argument("code")
@json_option
def show_cmd(code: str, as_json: bool) -> None:
    """Show an O*NET occupation: description, tasks with their labels, related occupations, job
    zone, wage and projection with their reference periods.

    CODE is an O*NET-SOC code such as 29-1141.00 (29-1141 means 29-1141.00). Exit 2 when there
    is no such occupation.
    """
    from jobzone.occupations import occupation

    occ = occupation(code)
    if as_json:
        print_json(occ.to_json())
        return
    click.echo("\n".join(_describe(occ)))


def _shorten(text: str, width: int) -> str:
    return textwrap.shorten(text, width, placeholder="...")


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent) or [indent]


def _money(
    value: float | None, top_coded: bool, top_code: float, unit: str, digits: int
) -> str | None:
    if top_coded:
        return f"at least ${top_code:,.{digits}f} a {unit} (BLS top code)"
    return None if value is None else f"${value:,.{digits}f} a {unit}"


def _wage_lines(wage: Wage | None) -> list[str]:
    if wage is None:
        return ["Wage and employment: not published by BLS (OEWS) for this occupation"]
    from jobzone.occupations.dataset import TOP_CODE_ANNUAL, TOP_CODE_HOURLY

    group = " (broad group)" if wage.group == "broad" else ""
    source = f"BLS OEWS {wage.period}, SOC {wage.soc_code} {wage.soc_title}{group}"
    median = _money(
        wage.median_annual, wage.median_annual_top_coded, TOP_CODE_ANNUAL, "year", 0
    ) or _money(wage.median_hourly, wage.median_hourly_top_coded, TOP_CODE_HOURLY, "hour", 2)
    employment = f"{wage.employment:,}" if wage.employment is not None else "not published"
    return [
        f"Median wage: {median or 'not published'} ({source})",
        f"Employment: {employment} ({source})",
    ]


def _label(value: str | None) -> str:
    return value or "-"


def _task_lines(tasks: list[Task]) -> list[str]:
    lines: list[str] = []
    for kind in dict.fromkeys(t.type or "Not classified" for t in tasks):
        group = [t for t in tasks if (t.type or "Not classified") == kind]
        lines += ["", f"  {kind} tasks ({len(group)})", "   task id  human E  GPT-4 E  GPT-4 T"]
        for t in group:
            labels = f"{_label(t.human):>7}  {_label(t.gpt4):>7}  {_label(t.gpt4_automation):>7}"
            head = f"  {t.id:>8}  {labels}  "
            text = textwrap.wrap(t.text, WIDTH - len(head)) or [""]
            lines.append(head + text[0])
            lines += [" " * len(head) + more for more in text[1:]]
    return lines


def _describe(occ: Occupation) -> list[str]:
    lines = [f"{occ.code}  {occ.title}", "", *_wrap(occ.description, "")]
    lines.append("")
    if occ.job_zone is not None:
        lines.append(
            f"Job zone (O*NET preparation level; not an AIJRI zone): {occ.job_zone} of 5, "
            f"{JOB_ZONES.get(occ.job_zone, 'unknown')}"
        )
    lines += _wage_lines(occ.wage)
    if occ.projection is None:
        lines.append("Projected employment change: no BLS projection matches this title")
    else:
        p = occ.projection
        lines.append(
            f"Projected employment change: {p.change_pct:+.1f}% over {p.period} "
            f"(BLS Employment Projections, as {p.title!r})"
        )
    core = sum(t.type == "Core" for t in occ.tasks)
    lines += ["", f"Tasks (O*NET): {plural(len(occ.tasks), 'task')}, {core} of them Core"]
    if occ.tasks:
        lines += [*_task_lines(occ.tasks), "", *_wrap(LEGEND, "  ")]
    else:
        lines.append("  O*NET lists no tasks for this occupation")
    lines += ["", "Related occupations (O*NET, by relatedness):"]
    lines += [f"  {r.rank:>2}. {r.code}  {r.title} ({r.tier})" for r in occ.related] or ["  none"]
    lines += ["", *_wrap(SOURCES, "")]
    return lines
