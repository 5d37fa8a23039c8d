"""``jobzone occupations suggest``: an O*NET occupation proposed for each canonical role that has
none, with the match it implies and what matched, for an editor to confirm (issue 10, point 7)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from jobzone.canonical import CanonicalSet, load_canonical
from jobzone.checking import check
from jobzone.cli import cli
from jobzone.errors import NotFoundError
from jobzone.occupations.suggest import suggest
from jobzone.workspace import Workspace

from .conftest import REPO, RunCli, write_yaml
from .factories import SEED_SLUG, make_workspace, tree

README = (REPO / "README.md").read_text(encoding="utf-8")
PROXY_NOTE = "Runs machine-learning models in production, which this occupation does not name."


def add_role(
    workspace: Path,
    base: dict[str, Any],
    slug: str,
    title: str,
    aliases: list[str] | None = None,
    occupation: dict[str, str] | None = None,
) -> None:
    """The seed role under another slug, title and aliases, with ``occupation`` or none."""
    data = {**base, "slug": slug, "title": title}
    data["role"] = {**base["role"], "aliases": aliases or []}
    data["role"].pop("occupation", None)
    if occupation is not None:
        data["role"]["occupation"] = occupation
    write_yaml(workspace / "roles" / f"{slug}.yaml", data)


def suggested(workspace: Path, *slugs: str) -> dict[str, Any]:
    roles = (r.assessment for r in load_canonical(Workspace(workspace)))
    found = suggest(roles, slugs)
    return {s.slug: s.candidates for s in found.suggestions} | {
        a.slug: a.occupation for a in found.assessed
    }


@pytest.fixture
def roles(workspace: Path, example_data: dict[str, Any]) -> Path:
    """The seed role without an occupation, a nurse, a payroll clerk and a role with its code."""
    add_role(workspace, example_data, SEED_SLUG, "MLOps Engineer", ["ML Platform Engineer"])
    add_role(workspace, example_data, "registered-nurse", "Registered Nurse")
    add_role(workspace, example_data, "payroll-clerk", "Payroll Clerk")
    add_role(
        workspace,
        example_data,
        "electrician",
        "Electrician",
        occupation={"code": "47-2111.00", "title": "Electricians", "match": "direct"},
    )
    return workspace


# --- the library --------------------------------------------------------------------------------


def test_a_title_that_is_onets_title_is_proposed_as_direct(roles: Path) -> None:
    best = suggested(roles, "registered-nurse")["registered-nurse"][0]
    assert (best.found.code, best.found.title, best.match) == (
        "29-1141.00",
        "Registered Nurses",
        "direct",
    )
    assert (best.name, best.by_alias, best.found.field) == ("Registered Nurse", False, "title")


def test_a_title_that_is_an_alternate_title_is_proposed_as_alternate_title(roles: Path) -> None:
    best = suggested(roles, "payroll-clerk")["payroll-clerk"][0]
    assert (best.found.code, best.match) == ("43-3051.00", "alternate-title")
    assert (best.found.field, best.found.matched) == ("alternate title", "Payroll Clerk")


def test_a_title_onet_does_not_list_is_proposed_as_a_proxy(roles: Path) -> None:
    found = suggested(roles, SEED_SLUG)[SEED_SLUG]
    assert found[0].found.code.startswith("15-")
    assert "Machine Learning" in found[0].found.matched
    assert {c.match for c in found} == {"proxy"}
    assert len(found) == len({c.found.code for c in found}) > 1


def test_an_alias_finds_what_the_title_does_not(workspace: Path, example_data: Any) -> None:
    add_role(workspace, example_data, "ward-sister", "Ward Sister", ["Registered Nurse"])
    best = suggested(workspace, "ward-sister")["ward-sister"][0]
    assert (best.found.code, best.match, best.by_alias) == ("29-1141.00", "direct", True)


def test_the_title_counts_before_an_alias(workspace: Path, example_data: Any) -> None:
    """Charge Nurse (an alternate title) scores a little below Payroll Clerk (another), but
    the title's occupations come before the alias's."""
    add_role(workspace, example_data, "charge-nurse", "Charge Nurse", ["Payroll Clerk"])
    found = suggested(workspace, "charge-nurse")["charge-nurse"]
    assert found[0].found.code == "29-1141.00"
    assert not found[0].by_alias
    clerk = next(c for c in found if c.found.code == "43-3051.00")
    assert clerk.by_alias and clerk.score < found[0].score
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)


def test_roles_with_an_occupation_are_listed_as_such(roles: Path) -> None:
    found = suggested(roles)
    assert sorted(found) == ["electrician", SEED_SLUG, "payroll-clerk", "registered-nurse"]
    assert found["electrician"].code == "47-2111.00"


def test_an_unknown_slug_is_an_error_naming_it(roles: Path) -> None:
    with pytest.raises(NotFoundError, match="no canonical role 'nurse'"):
        suggested(roles, "nurse")


# --- the command --------------------------------------------------------------------------------


def test_suggest_proposes_says_why_and_prints_the_block_to_add(
    roles: Path, run_cli: RunCli
) -> None:
    result = run_cli("occupations", "suggest", "--limit", "3")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert (
        "registered-nurse  Registered Nurse\n  proposed  29-1141.00  Registered Nurses  (direct"
        in out
    )
    assert "title 'Registered Nurse' matched its title 'Registered Nurses'" in out
    assert "to confirm: `jobzone edit registered-nurse`, and add under `role:`" in out
    assert "        code: 29-1141.00\n        title: Registered Nurses\n" in out
    assert (
        "1 role with an occupation already:\n  electrician  47-2111.00  Electricians (direct)"
        in out
    )
    assert "electrician  Electrician\n" not in out


def test_the_printed_block_pasted_under_role_is_a_valid_occupation(
    roles: Path, run_cli: RunCli, example_data: dict[str, Any]
) -> None:
    """A proxy's note is left empty, so the validator holds the role until the editor writes
    it; a direct match needs nothing more."""
    for slug, note in (("registered-nurse", None), (SEED_SLUG, PROXY_NOTE)):
        out = run_cli("occupations", "suggest", slug).stdout
        block = re.search(r"^( {6}occupation:\n(?: {8}.*\n)+)", out, re.M)
        assert block is not None, out
        occupation = yaml.safe_load(block.group(1))["occupation"]
        data = {**example_data, "role": {**example_data["role"], "occupation": occupation}}
        codes = _error_codes(data)
        assert codes == ({"occupation.proxy-note"} if note else set())
        if note:
            occupation["note"] = note
            assert _error_codes(data) == set()


def _error_codes(data: dict[str, Any]) -> set[str]:
    return {f.code for f in check(data, CanonicalSet()).report.errors}


def test_suggest_json_shape(roles: Path, run_cli: RunCli) -> None:
    result = run_cli("occupations", "suggest", "--json", "--limit", "2")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"suggestions", "assessed", "unreadable"}
    assert [s["slug"] for s in data["suggestions"]] == [
        SEED_SLUG,
        "payroll-clerk",
        "registered-nurse",
    ]
    nurse = data["suggestions"][2]
    assert set(nurse) == {"slug", "title", "candidates"}
    assert len(nurse["candidates"]) == 2
    assert nurse["candidates"][0] == {
        "code": "29-1141.00",
        "title": "Registered Nurses",
        "score": nurse["candidates"][0]["score"],
        "matched_field": "title",
        "matched_text": "Registered Nurses",
        "match": "direct",
        "searched_field": "title",
        "searched_text": "Registered Nurse",
    }
    assert data["assessed"] == [
        {
            "slug": "electrician",
            "title": "Electrician",
            "occupation": {
                "code": "47-2111.00",
                "title": "Electricians",
                "match": "direct",
                "note": "",
            },
        }
    ]
    assert data["unreadable"] == []


def test_suggest_writes_nothing(roles: Path, run_cli: RunCli) -> None:
    before = tree(roles)
    assert run_cli("occupations", "suggest").exit_code == 0
    assert tree(roles) == before


def test_a_role_nothing_matches_says_where_to_look(
    workspace: Path, run_cli: RunCli, example_data: dict[str, Any]
) -> None:
    add_role(workspace, example_data, "zzqxv", "Zzqxv")
    result = run_cli("occupations", "suggest", "zzqxv")
    assert result.exit_code == 0, result.output
    assert "no O*NET occupation matches its title or aliases" in result.stdout


def test_an_unknown_slug_exits_2_with_one_line(roles: Path, run_cli: RunCli) -> None:
    result = run_cli("occupations", "suggest", "registered-nurse", "nurse")
    assert result.exit_code == 2
    assert result.stderr.startswith("jobzone: error: slug: no canonical role 'nurse'")
    result = run_cli("occupations", "suggest", "nurse", "--json")
    assert json.loads(result.stdout)["error"] == "NotFoundError"


def test_a_workspace_without_roles_says_so(tmp_path: Path, run_cli: RunCli) -> None:
    empty = make_workspace(tmp_path / "empty")
    result = run_cli("occupations", "suggest", "--workspace", str(empty))
    assert (result.exit_code, result.stdout) == (0, "")
    assert "no canonical roles in this workspace" in result.stderr


def test_an_unreadable_role_is_named_and_exits_2(roles: Path, run_cli: RunCli) -> None:
    (roles / "roles" / "broken.yaml").write_text("slug: [\n", encoding="utf-8")
    result = run_cli("occupations", "suggest")
    assert result.exit_code == 2
    assert "registered-nurse  Registered Nurse" in result.stdout
    assert "jobzone: error: unreadable role:" in result.stderr


def test_the_readme_section_names_every_option() -> None:
    group = cli.get_command(click.Context(cli), "occupations")
    assert isinstance(group, click.Group)
    command = group.get_command(click.Context(group), "suggest")
    assert command is not None
    match = re.search(r"^### `jobzone occupations suggest[^`]*`\n(.*?)(?=^#)", README, re.M | re.S)
    assert match, "README has no section for `jobzone occupations suggest`"
    for param in command.params:
        for opt in param.opts:
            if opt.startswith("--"):
                assert opt in match.group(1), f"the section omits {opt}"
