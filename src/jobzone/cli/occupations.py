"""``jobzone occupations``: find O*NET occupations by title; read one with its tasks and labels;
propose one for each canonical role that has none yet."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import click

from jobzone.cli.app import fail, json_option, print_json, reading, workspace_option
from jobzone.errors import EXIT_INPUT
from jobzone.wording import plural

if TYPE_CHECKING:
    from jobzone.occupations import Occupation, Task, Wage
    from jobzone.occupations.suggest import Assessed, Candidate, Suggestion

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

    `suggest` proposes one for each canonical role of the workspace that has none yet.

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


@occupations_group.command("suggest")
@click.argument("slugs", nargs=-1, metavar="[SLUG]...")
@click.option(
    "--limit",
    type=click.IntRange(1, 20),
    default=5,
    show_default=True,
    metavar="N",
    help="How many occupations to list for each role, the proposed one first.",
)
@json_option
@workspace_option
def suggest_cmd(slugs: tuple[str, ...], limit: int, as_json: bool) -> None:
    """Propose an O*NET occupation for each canonical role that has none (or for the roles
    named), with the runner-ups and what matched; writes nothing.

    Each role is searched by its title and aliases. The proposal says how the role would relate
    to it: direct (the name is O*NET's title), alternate-title (one of its alternate or reported
    titles) or proxy (only part of a name, or the description, matched). Confirm it with
    `jobzone edit SLUG`. Exit 2 for a SLUG that is not a canonical role, or a role file that
    cannot be read.
    """
    from jobzone.canonical import load_canonical
    from jobzone.occupations.suggest import suggest

    wf = reading(quiet=as_json)
    canonical = load_canonical(wf.workspace, wf.notify)
    # Only the roles named are read (a slug that is none of them is still refused by suggest).
    named = (r for r in canonical if not slugs or r.slug in slugs)
    found = suggest((r.assessment for r in named), slugs, limit)
    if as_json:
        print_json(
            {
                "suggestions": [s.to_json() for s in found.suggestions],
                "assessed": [a.to_json() for a in found.assessed],
                "unreadable": [e.to_dict() for e in canonical.unreadable],
            }
        )
    elif found.suggestions or found.assessed:
        lines = [line for s in found.suggestions for line in _suggestion_lines(s)]
        click.echo("\n".join([*lines, *_assessed_lines(found.assessed)]))
    else:
        click.echo("no canonical roles in this workspace: nothing to suggest", err=True)
    for problem in canonical.unreadable:
        click.echo(f"jobzone: error: unreadable role: {problem.message}", err=True)
    if canonical.unreadable:
        fail(EXIT_INPUT)


def _suggestion_lines(suggestion: Suggestion) -> list[str]:
    lines = [f"{suggestion.slug}  {suggestion.title}"]
    if not suggestion.candidates:
        return [
            *lines,
            "  no O*NET occupation matches its title or aliases: look with "
            "`jobzone occupations search TEXT`",
            "",
        ]
    for i, candidate in enumerate(suggestion.candidates):
        lines += _candidate_lines("proposed" if i == 0 else "or", candidate)
    best = suggestion.candidates[0]
    tied = sum(round(c.score, 4) == round(best.score, 4) for c in suggestion.candidates)
    if tied > 1:
        lines.append(f"  the first {tied} score alike: choose among them by their tasks")
    lines += [
        f"  its tasks: `jobzone occupations show {best.found.code}`",
        f"  to confirm: `jobzone edit {suggestion.slug}`, and add under `role:`",
        *_block(best),
        "  then list in each task's `onet_tasks` the ids of the task statements it covers",
        "",
    ]
    return lines


def _candidate_lines(label: str, candidate: Candidate) -> list[str]:
    found = candidate.found
    searched = "alias" if candidate.by_alias else "title"
    return [
        f"  {label:8}  {found.code}  {found.title}  ({candidate.match}, {candidate.score:.2f})",
        f"{'':12}{searched} {candidate.name!r} matched its {found.field} "
        f"{_shorten(found.matched, WIDTH - 50)!r}",
    ]


def _block(candidate: Candidate) -> list[str]:
    """The ``occupation:`` block to paste under ``role:``; a proxy's note is left to write."""
    from jobzone.assessment import OccupationMatch
    from jobzone.documents import dump_yaml

    found, proxy = candidate.found, candidate.match is OccupationMatch.proxy
    block = {"code": found.code, "title": found.title, "match": candidate.match.value}
    lines = dump_yaml({"occupation": block | ({"note": ""} if proxy else {})}).splitlines()
    if proxy:
        lines[-1] += "  # say in a sentence how the role differs from this occupation"
    return [f"      {line}" for line in lines]


def _assessed_lines(assessed: list[Assessed]) -> list[str]:
    if not assessed:
        return []
    lines = [f"{plural(len(assessed), 'role')} with an occupation already:"]
    for a in assessed:
        occ = a.occupation
        lines.append(f"  {a.slug}  {occ.code}  {occ.title} ({occ.match})")
    return lines


def _shorten(text: str, width: int) -> str:
    return textwrap.shorten(text, width, placeholder="...")


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent) or [indent]


def _wage_lines(wage: Wage | None) -> list[str]:
    if wage is None:
        return ["Wage and employment: not published by BLS (OEWS) for this occupation"]
    from jobzone.career import median_wage

    group = " (broad group)" if wage.group == "broad" else ""
    source = f"BLS OEWS {wage.period}, SOC {wage.soc_code} {wage.soc_title}{group}"
    employment = f"{wage.employment:,}" if wage.employment is not None else "not published"
    return [
        f"Median wage: {median_wage(wage)} ({source})",
        f"Employment: {employment} ({source})",
    ]


def _task_lines(tasks: list[Task]) -> list[str]:
    from jobzone.second_opinion import label

    lines: list[str] = []
    for kind in dict.fromkeys(t.type or "Not classified" for t in tasks):
        group = [t for t in tasks if (t.type or "Not classified") == kind]
        lines += ["", f"  {kind} tasks ({len(group)})", "   task id  human E  GPT-4 E  GPT-4 T"]
        for t in group:
            labels = f"{label(t.human):>7}  {label(t.gpt4):>7}  {label(t.gpt4_automation):>7}"
            head = f"  {t.id:>8}  {labels}  "
            text = textwrap.wrap(t.text, WIDTH - len(head)) or [""]
            lines.append(head + text[0])
            lines += [" " * len(head) + more for more in text[1:]]
    return lines


def _describe(occ: Occupation) -> list[str]:
    lines = [f"{occ.code}  {occ.title}", "", *_wrap(occ.description, "")]
    lines.append("")
    if occ.job_zone is not None:
        from jobzone.career import JOB_ZONES

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
