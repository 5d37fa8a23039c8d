"""Commands on the canonical set: roles, check."""

from __future__ import annotations

import sys

import click

from jobzone.canonical import load_canonical
from jobzone.cli.app import json_option, print_json, workspace
from jobzone.errors import EXIT_FINDINGS
from jobzone.validation import validate


@click.command("roles")
@json_option
def roles_cmd(as_json: bool) -> None:
    """List the canonical set with aijri, zone and sub-label."""
    canonical = load_canonical(workspace())
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
        print_json({"roles": rows, "broken": [e.to_dict() for e in canonical.broken]})
        return
    for row in rows:
        click.echo(f"{row['slug']:40} {row['aijri']:5.1f}  {row['sub_label']}")
    for broken in canonical.broken:
        click.echo(f"unreadable: {broken.message}", err=True)


@click.command("check")
@json_option
def check_cmd(as_json: bool) -> None:
    """Validate and score every canonical role; exit 1 on any error."""
    canonical = load_canonical(workspace())
    results = []
    failed = bool(canonical.broken)
    roles = sorted(canonical, key=lambda r: r.slug)
    # Progress on a terminal only: scripts and --json get clean output.
    bar = click.progressbar(
        roles, label="checking", file=sys.stderr, hidden=as_json or not sys.stderr.isatty()
    )
    with bar:
        for role in bar:
            report = validate(
                role.assessment, canonical, expected_slug=role.path.stem, scored=role.score
            )
            failed = failed or not report.ok
            results.append(
                {"slug": role.slug, "aijri": float(role.score.shown_aijri), **report.to_dict()}
            )
    if as_json:
        print_json(
            {"ok": not failed, "roles": results, "broken": [e.to_dict() for e in canonical.broken]}
        )
    else:
        for row in results:
            errors, warnings = row["errors"], row["warnings"]
            assert isinstance(errors, list) and isinstance(warnings, list)
            status = "ok" if not errors else "FAIL"
            click.echo(
                f"{status:4} {row['slug']:40} {row['aijri']:5.1f}  "
                f"{len(errors)} errors, {len(warnings)} warnings"
            )
            for f in errors + warnings:
                click.echo(f"       {f['code']} {f['path']}: {f['message']}")
        for broken in canonical.broken:
            click.echo(f"FAIL {broken.message}")
        click.echo(f"{len(results)} roles checked, {len(canonical.broken)} unreadable")
        stale = [str(r["slug"]) for r in results if _has_code(r["warnings"], "commentary.stale")]
        if stale:
            click.echo(
                f"{len(stale)} roles with stale commentary ({', '.join(stale[:5])}"
                f"{', ...' if len(stale) > 5 else ''}): run `jobzone commentary --stale`"
            )
    if failed:
        raise click.exceptions.Exit(EXIT_FINDINGS)


def _has_code(findings: object, code: str) -> bool:
    return isinstance(findings, list) and any(f["code"] == code for f in findings)
