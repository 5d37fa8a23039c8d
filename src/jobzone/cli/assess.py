"""Commands on one assessment: score, validate, render.

Each takes a file path, the slug of a canonical role, or a draft (its id, a unique start of it,
or its role's slug when no canonical role has that slug), so a draft can be previewed as it
would be published.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from jobzone.cli.app import fail, json_option, print_json, reading, resolve_path, workspace_option
from jobzone.errors import EXIT_FINDINGS
from jobzone.wording import plural

TARGET_HELP = "PATH|SLUG|ID"


@dataclass(frozen=True)
class Target:
    """An assessment to look at, whichever way it was named."""

    #: How messages name it: a path, or "draft ID".
    label: str
    data: dict[str, Any]
    #: How advice names it (a slug or a draft id), for "jobzone commentary ...".
    subject: str | None
    #: The role file it was read from, if it was read from one.
    path: Path | None = None

    def expected_slug(self, roles_dir: Path) -> str | None:
        """The slug its file name implies, for a file in ``roles_dir``."""
        if self.path is None or self.path.resolve().parent != roles_dir:
            return None
        return self.path.stem


def load_target(target: str) -> Target:
    """Read what ``target`` names; a draft file or id gives the draft's assessment."""
    from jobzone.documents import read_yaml
    from jobzone.errors import NotFoundError
    from jobzone.review.targets import resolve_draft
    from jobzone.workspace import check_name

    path = resolve_path(target)
    if path is not None:
        data = read_yaml(path)
        if isinstance(data.get("assessment"), dict) and "kind" in data:
            draft_id = data.get("id")
            return Target(str(path), data["assessment"], str(draft_id) if draft_id else None)
        slug = data.get("slug")
        return Target(str(path), data, slug if isinstance(slug, str) else None, path)
    wf = reading()
    role_path = wf.workspace.role_path(check_name(target))
    if role_path.exists() or role_path.is_symlink():
        data = read_yaml(role_path, inside=wf.workspace.root)
        return Target(wf.workspace.relative(role_path), data, target, role_path)
    try:
        draft_id = resolve_draft(wf.workspace, target)
    except NotFoundError as exc:
        raise NotFoundError(
            f"no canonical role {target!r} and no draft by that name; {exc.detail}",
            file=str(role_path),
            rule="target.exists",
        ) from None
    from jobzone.drafts import load_draft  # here alone: a role or a file needs no draft models

    draft = load_draft(wf.workspace, draft_id)
    return Target(f"draft {draft.id}", draft.assessment, draft.id)


def _assessment(target: Target) -> Any:
    """The target parsed as an assessment (its schema problems are input errors here)."""
    from jobzone.assessment import Assessment
    from jobzone.documents import parse_model

    return parse_model(Assessment, target.data, target.label)


@click.command("score")
@click.argument("target", metavar=TARGET_HELP)
@json_option
@workspace_option
def score_cmd(target: str, as_json: bool) -> None:
    """Compute every figure of an assessment.

    Scores any assessment whose structure and ranges are valid, even with content findings; a
    structural problem, or task time shares that do not sum to 100, is an input error (exit 2).
    """
    from jobzone.errors import InputError, UnscorableError
    from jobzone.scoring import score

    chosen = load_target(target)
    try:
        scored = score(_assessment(chosen))
    except UnscorableError as exc:
        raise InputError(exc.message, file=chosen.label, field=exc.field, rule=exc.rule) from None
    shown = scored.shown()
    if as_json:
        print_json(shown.model_dump())
    else:
        click.echo(format_score(shown))


def format_score(s: Any) -> str:
    """Every figure of ``score --json``, as lines a person reads."""
    from jobzone.references import signed

    distances = "   ".join(f"to {zone.title()} {d}" for zone, d in s.distance.items())
    return "\n".join(
        [
            f"AIJRI           {s.aijri}  {s.sub_label}"
            + (
                f"  (formula {s.formula_aijri}, {s.formula_sub_label}; overridden)"
                if s.overridden
                else ""
            ),
            f"raw             {s.raw}" + ("  (formula clamped to the scale)" if s.clamped else ""),
            f"task total      {s.task_total}   task resistance {s.task_resistance}",
            f"share 3+        {s.share_3plus}%",
            "split           "
            + " / ".join(f"{k.replace('_', ' ')} {v}%" for k, v in s.split.items()),
            f"protective      {s.protective_total}   growth {signed(s.growth)}"
            f"   evidence {signed(s.evidence_total)}   barriers {s.barrier_total}",
            f"modifiers       evidence {s.evidence_modifier:.2f}   barrier "
            f"{s.barrier_modifier:.2f}   growth {s.growth_modifier:.2f}",
            f"quick screen    {s.quick_screen} (protective + growth = {s.quick_screen_total})",
            f"distance        {distances} points",
        ]
    )


@click.command("validate")
@click.argument("target", metavar=TARGET_HELP)
@json_option
@workspace_option
def validate_cmd(target: str, as_json: bool) -> None:
    """Apply every rule of the rubric; exit 1 when there are errors.

    Schema problems (unknown or missing fields, wrong types, out-of-range scores) are reported as
    errors like any other finding; a file that is not YAML at all is an input error (exit 2).
    """
    from jobzone.canonical import load_canonical
    from jobzone.checking import check

    chosen = load_target(target)
    wf = reading(quiet=as_json)
    expected = chosen.expected_slug(wf.workspace.roles_dir)
    canonical = load_canonical(wf.workspace, wf.notify)
    report = check(chosen.data, canonical, expected_slug=expected, subject=chosen.subject).report
    if as_json:
        print_json(report.to_dict())
    else:
        lines = [
            f"{f.severity.value:7} {f.code:32} {f.path}: {f.message}"
            for f in report.errors + report.warnings
        ]
        lines.append(
            f"{chosen.label}: {plural(len(report.errors), 'error')}, "
            f"{plural(len(report.warnings), 'warning')}"
        )
        click.echo("\n".join(lines))
    if not report.ok:
        fail(EXIT_FINDINGS)


@click.command("render")
@click.argument("target", metavar=TARGET_HELP)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("md", "html")),
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
@workspace_option
def render_cmd(target: str, fmt: str, output: Path | None) -> None:
    """Render an assessment as Markdown or HTML, with every figure from the scorer."""
    from jobzone.canonical import load_canonical
    from jobzone.documents import atomic_write
    from jobzone.errors import InputError, UnscorableError
    from jobzone.rendering import render

    chosen = load_target(target)
    wf = reading()
    canonical = load_canonical(wf.workspace, wf.notify)
    try:
        text = render(_assessment(chosen), canonical, fmt)
    except UnscorableError as exc:
        raise InputError(exc.message, file=chosen.label, field=exc.field, rule=exc.rule) from None
    if output is None:
        click.echo(text, nl=False)
    else:
        atomic_write(output, text)
