"""Commands on one assessment: score, validate, render."""

from __future__ import annotations

from pathlib import Path

import click

from jobzone.canonical import load_canonical, load_role
from jobzone.cli.app import json_option, print_json, resolve_target, workspace
from jobzone.documents import read_yaml
from jobzone.errors import EXIT_FINDINGS
from jobzone.rendering import FORMATS, render
from jobzone.scoring import Score
from jobzone.validation import Report, validate_document


@click.command("score")
@click.argument("target", metavar="PATH|SLUG")
@json_option
def score_cmd(target: str, as_json: bool) -> None:
    """Compute every figure of an assessment.

    Scores any assessment whose structure and ranges are valid, even with content findings; a
    structural problem is an input error (exit 2).
    """
    scored = load_role(resolve_target(target)).score
    if as_json:
        print_json(scored.to_dict())
    else:
        click.echo(format_score(scored))


def format_score(s: Score) -> str:
    d = s.to_dict()
    split = d["split"]
    assert isinstance(split, dict)
    lines = [
        f"AIJRI           {d['aijri']}  {s.sub_label}"
        + (f"  (formula {d['formula_aijri']}, overridden)" if s.overridden else ""),
        f"raw             {s.shown_raw}"
        + (f"  (clamped to {s.shown_formula_aijri})" if s.clamped else ""),
        f"task total      {s.shown_task_total}   task resistance {s.shown_task_resistance}",
        f"share 3+        {s.share_3plus}%",
        "split           " + " / ".join(f"{k.replace('_', ' ')} {v}%" for k, v in split.items()),
        f"protective      {s.protective_total}   growth {d['growth']:+d}"
        f"   evidence {d['evidence_total']:+d}   barriers {s.barrier_total}",
        f"quick screen    {s.quick_screen}",
    ]
    return "\n".join(lines)


@click.command("validate")
@click.argument("target", metavar="PATH|SLUG")
@json_option
def validate_cmd(target: str, as_json: bool) -> None:
    """Apply every rule of the rubric; exit 1 when there are errors.

    Schema problems (unknown or missing fields, wrong types, out-of-range scores) are reported as
    errors like any other finding; a file that is not YAML at all is an input error (exit 2).
    """
    path = resolve_target(target)
    ws = workspace()
    expected = path.stem if path.resolve().parent == ws.roles_dir else None
    report = validate_document(read_yaml(path), load_canonical(ws), expected_slug=expected)
    if as_json:
        print_json(report.to_dict())
    else:
        click.echo(format_report(report, str(path)))
    if not report.ok:
        raise click.exceptions.Exit(EXIT_FINDINGS)


def format_report(report: Report, label: str) -> str:
    lines = [
        f"{f.severity.value:7} {f.code:32} {f.path}: {f.message}"
        for f in report.errors + report.warnings
    ]
    lines.append(f"{label}: {len(report.errors)} errors, {len(report.warnings)} warnings")
    return "\n".join(lines)


@click.command("render")
@click.argument("target", metavar="PATH|SLUG")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="md",
    show_default=True,
    help="Markdown, or one self-contained HTML page.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (atomically) instead of standard output.",
)
def render_cmd(target: str, fmt: str, output: Path | None) -> None:
    """Render an assessment as Markdown or HTML, with every figure from the scorer."""
    from jobzone.documents import atomic_write

    assessment = load_role(resolve_target(target)).assessment
    text = render(assessment, load_canonical(workspace()), fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        atomic_write(output, text)
