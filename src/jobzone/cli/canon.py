"""Commands on the canonical set: roles, check."""

from __future__ import annotations

import sys

import click

from jobzone.cli.app import (
    fail,
    json_option,
    print_json,
    reading,
    workspace_option,
)
from jobzone.errors import EXIT_FINDINGS, EXIT_INPUT
from jobzone.wording import plural


@click.command("roles")
@json_option
@workspace_option
def roles_cmd(as_json: bool) -> None:
    """List the canonical set with aijri, zone and sub-label.

    Role files that cannot be read are listed after the rest (exit 2).
    """
    from jobzone.canonical import load_canonical

    canonical = load_canonical(reading(quiet=as_json).workspace)
    rows = [
        {
            "slug": r.slug,
            "title": r.title,
            "aijri": float(r.score.shown_aijri),
            "zone": r.score.zone,
            "sub_label": r.score.sub_label,
        }
        for r in sorted(canonical, key=lambda r: r.slug)
    ]
    if as_json:
        print_json({"roles": rows, "unreadable": [e.to_dict() for e in canonical.unreadable]})
    else:
        for row in rows:
            click.echo(f"{row['slug']:40} {row['aijri']:5.1f}  {row['sub_label']}")
        for problem in canonical.unreadable:
            click.echo(f"jobzone: error: unreadable role: {problem.message}", err=True)
    if canonical.unreadable:
        fail(EXIT_INPUT)


@click.command("check")
@json_option
@workspace_option
def check_cmd(as_json: bool) -> None:
    """Validate and score every canonical role; exit 1 on any error or unreadable file."""
    from jobzone.canonical import load_canonical
    from jobzone.validation import validate

    canonical = load_canonical(reading(quiet=as_json).workspace)
    results = []
    failed = bool(canonical.unreadable)
    roles = sorted(canonical, key=lambda r: r.slug)
    # Progress on a terminal only: scripts and --json get clean output.
    bar = click.progressbar(
        roles,
        label="checking",
        file=sys.stderr,
        hidden=as_json or not sys.stderr.isatty(),
    )
    with bar:
        for role in bar:
            report = validate(
                role.assessment, canonical, scored=role.score, expected_slug=role.path.stem
            )
            failed = failed or not report.ok
            results.append(
                {"slug": role.slug, "aijri": float(role.score.shown_aijri), **report.to_dict()}
            )
    unreadable = [e.to_dict() for e in canonical.unreadable]
    if as_json:
        print_json({"ok": not failed, "roles": results, "unreadable": unreadable})
    else:
        for row in results:
            errors, warnings = row["errors"], row["warnings"]
            assert isinstance(errors, list) and isinstance(warnings, list)
            status = "ok" if not errors else "FAIL"
            click.echo(
                f"{status:4} {row['slug']:40} {row['aijri']:5.1f}  "
                f"{plural(len(errors), 'error')}, {plural(len(warnings), 'warning')}"
            )
            for f in errors + warnings:
                click.echo(f"       {f['code']} {f['path']}: {f['message']}")
        for problem in canonical.unreadable:
            click.echo(f"FAIL unreadable: {problem.message}")
        click.echo(
            f"{plural(len(results), 'role')} checked, {len(canonical.unreadable)} unreadable"
        )
        stale = [str(r["slug"]) for r in results if _has_code(r["warnings"], "commentary.stale")]
        if stale:
            click.echo(
                f"{plural(len(stale), 'role')} with stale commentary ({', '.join(stale[:5])}"
                f"{', ...' if len(stale) > 5 else ''}): run `jobzone commentary --stale`"
            )
    if failed:
        fail(EXIT_FINDINGS)


def _has_code(findings: object, code: str) -> bool:
    return isinstance(findings, list) and any(f["code"] == code for f in findings)
