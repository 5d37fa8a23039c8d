"""Commands on the canonical set: roles, check."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from jobzone.canonical import CanonicalRole


@click.command("roles")
@json_option
@workspace_option
def roles_cmd(as_json: bool) -> None:
    """List the canonical set with aijri, zone and sub-label.

    Role files that cannot be read are listed after the rest (exit 2).
    """
    from jobzone.canonical import load_canonical

    wf = reading(quiet=as_json)
    canonical = load_canonical(wf.workspace, wf.notify)
    rows = [
        {
            "slug": r.slug,
            "title": r.title,
            "aijri": float(r.shown.aijri),
            "zone": r.shown.zone,
            "sub_label": r.shown.sub_label,
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
    from jobzone.set_check import check_set, write_json

    wf = reading(quiet=as_json)
    # Every file hashed: a hand edit that kept the file's modification time is seen.
    canonical = load_canonical(wf.workspace, wf.notify, verify=True)

    def each(roles: list[CanonicalRole]) -> Iterator[CanonicalRole]:
        # Progress on a terminal only: scripts and --json get clean output.
        hidden = as_json or not sys.stderr.isatty()
        with click.progressbar(roles, label="checking", file=sys.stderr, hidden=hidden) as bar:
            yield from bar

    checked = check_set(wf.workspace, canonical, notify=wf.notify, each=each)
    failed = bool(canonical.unreadable) or checked.failed
    unreadable = [e.to_dict() for e in canonical.unreadable]
    if as_json:
        write_json(click.echo, checked, unreadable)
    else:
        stale = []
        for row in checked.rows():
            errors, warnings = row["errors"], row["warnings"]
            assert isinstance(errors, list) and isinstance(warnings, list)
            status = "ok" if not errors else "FAIL"
            click.echo(
                f"{status:4} {row['slug']:40} {row['aijri']:5.1f}  "
                f"{plural(len(errors), 'error')}, {plural(len(warnings), 'warning')}"
            )
            for f in errors + warnings:
                click.echo(f"       {f['code']} {f['path']}: {f['message']}")
            if _has_code(warnings, "commentary.stale"):
                stale.append(str(row["slug"]))
        for problem in canonical.unreadable:
            click.echo(f"FAIL unreadable: {problem.message}")
        click.echo(
            f"{plural(checked.count, 'role')} checked, {len(canonical.unreadable)} unreadable"
        )
        if stale:
            click.echo(
                f"{plural(len(stale), 'role')} with stale commentary ({', '.join(stale[:5])}"
                f"{', ...' if len(stale) > 5 else ''}): run `jobzone commentary --stale`"
            )
    if failed:
        fail(EXIT_FINDINGS)


def _has_code(findings: object, code: str) -> bool:
    return isinstance(findings, list) and any(f["code"] == code for f in findings)
