"""Drafts for tests, built from the seed role without a model.

:func:`make_draft` builds a :class:`~jobzone.drafts.Draft` the way ``jobzone draft`` would: a new
role or a revision of a canonical one (``base`` = sha256 of the current canonical file), findings
and score computed by the library from the assessment, fake provenance (two calls, one retried,
and a cost), and a ``drafted`` history entry. It is saved into the workspace unless asked not to.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from jobzone.assessment import Assessment
from jobzone.calls import CallOutcome, CallRecord, Usage
from jobzone.canonical import BaseVersion, load_canonical
from jobzone.checking import check
from jobzone.documents import dump_model, load_model
from jobzone.drafts import Draft, Kind, Provenance, Status, draft_path, load_draft
from jobzone.history import Action, HistoryEntry
from jobzone.workspace import CACHE_DIR, MARKER, Workspace

#: The example role at version 1, frozen for the tests (see conftest.EXAMPLE_PATH).
SEED_PATH = Path(__file__).resolve().parent / "data" / "example" / "mlops-engineer.yaml"
SEED_SLUG = "mlops-engineer"
NEW_SLUG = "ml-platform-engineer"
NEW_TITLE = "ML Platform Engineer"
CREATED_AT = dt.datetime(2026, 5, 1, 9, 30, tzinfo=dt.UTC)
COST_USD = 0.0123
MODEL = "gpt-test-mini"


def _with_source_urls(text: str) -> str:
    """The role file's text with an address for each source that has none, all else as it was."""

    def address(match: re.Match[str]) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", match["title"].lower()).strip("-")
        return f"{match['head']}url: https://example.org/{slug}"

    return re.sub(r"(?P<head>- title: (?P<title>.+)\n\s+)url: null", address, text)


#: The seed role as tests hold it: the repository's file, whose sources have no URL yet, with one
#: for each, so that a draft made from it is clean (``evidence.source-no-url`` is quiet).
SEED_TEXT = _with_source_urls(SEED_PATH.read_text(encoding="utf-8"))
_SEED: dict[str, Any] = yaml.safe_load(SEED_TEXT)


def seed_assessment() -> dict[str, Any]:
    """The seed role as a draft holds it: a fresh mapping without the canonical bookkeeping."""
    data = copy.deepcopy(_SEED)
    data.pop("version", None)
    data.pop("history", None)
    return data


def as_workspace(workspace: Path | Workspace) -> Workspace:
    return workspace if isinstance(workspace, Workspace) else Workspace(Path(workspace).resolve())


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fake_calls(at: dt.datetime = CREATED_AT) -> list[CallRecord]:
    """A rate-limited attempt that was retried, then a good answer."""
    return [
        CallRecord(
            stage="role",
            round=0,
            attempt=1,
            outcome=CallOutcome.http_error,
            status=429,
            at=at,
            latency_ms=120,
            max_completion_tokens=4000,
            usage=Usage(),
            error="rate limited",
        ),
        CallRecord(
            stage="role",
            round=0,
            attempt=2,
            outcome=CallOutcome.ok,
            at=at,
            latency_ms=2300,
            max_completion_tokens=4000,
            usage=Usage(prompt_tokens=1800, completion_tokens=950, cached_tokens=600),
        ),
    ]


def provenance(at: dt.datetime = CREATED_AT) -> Provenance:
    calls = fake_calls(at)
    return Provenance(
        model=MODEL,
        endpoint_host="api.example.test",
        temperature=None,
        prompt_versions={"role": "r1", "tasks": "t1", "profile": "p1", "commentary": "c1"},
        rubric="aijri-v1",
        calls=calls,
        repairs=[],
        usage=sum((c.usage for c in calls), Usage()),
        cost_usd=COST_USD,
        prices="built-in",
    )


def make_draft(
    workspace: Path | Workspace,
    draft_id: str = "draft-1",
    *,
    kind: Kind = Kind.revision,
    status: Status = Status.pending,
    slug: str | None = None,
    title: str | None = None,
    change: Callable[[dict[str, Any]], None] | None = None,
    created_at: dt.datetime = CREATED_AT,
    by: str = "drafting bot",
    save: bool = True,
) -> Draft:
    """A draft of the seed role (a revision of it, or a new role under another slug).

    ``change`` edits the assessment mapping in place before findings and score are computed, e.g.
    to break a rule. A revision's ``base`` is the sha256 of ``roles/<slug>.yaml`` as it is now.
    """
    ws = as_workspace(workspace)
    assessment = seed_assessment()
    if kind is Kind.new:
        assessment["slug"] = slug or NEW_SLUG
        assessment["title"] = title or NEW_TITLE
    else:
        assessment["slug"] = slug or SEED_SLUG
        if title is not None:
            assessment["title"] = title
    if change is not None:
        change(assessment)
    role_slug = str(assessment["slug"])
    base = None
    if kind is Kind.revision:
        role_file = ws.role_path(role_slug)
        version = yaml.safe_load(role_file.read_text("utf-8")).get("version", 1)
        base = BaseVersion(slug=role_slug, sha256=file_sha256(role_file), version=version)
    checked = check(assessment, load_canonical(ws), subject=draft_id)
    draft = Draft(
        id=draft_id,
        kind=kind,
        status=status,
        title=str(assessment["title"]),
        slug=role_slug,
        base=base,
        created_at=created_at,
        assessment=assessment,
        findings=checked.findings,
        score=checked.shown,
        provenance=provenance(created_at),
        history=[
            HistoryEntry(
                at=created_at,
                by=by,
                action=Action.drafted,
                note=f"drafted by {MODEL} from the title {assessment['title']!r}",
                content_sha256=checked.content_sha256,
            )
        ],
    )
    if save:
        write_draft(ws, draft)
    return draft


def write_draft(workspace: Path | Workspace, draft: Draft) -> None:
    """Put a draft file in the queue as jobzone writes one (tests set up states this way)."""
    ws = as_workspace(workspace)
    path = draft_path(ws, draft.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_model(draft, "draft"), encoding="utf-8")


def make_workspace(root: Path) -> Path:
    """An empty workspace: its marker, roles/ and drafts/."""
    (root / "roles").mkdir(parents=True, exist_ok=True)
    (root / "drafts").mkdir(exist_ok=True)
    (root / MARKER).write_text("approvals_required: 1\n", encoding="utf-8")
    return root


# -- changes that break rules ---------------------------------------------------------------------


def retitle_first_task(assessment: dict[str, Any]) -> None:
    """A small, clean change: the kind a revision makes."""
    assessment["tasks"][0]["name"] = "ML pipeline design and architecture"


def tasks_sum_95_and_duplicate(assessment: dict[str, Any]) -> None:
    """Two errors: task shares sum to 95 (at ``tasks``) and tasks[1] repeats tasks[0]'s name."""
    assessment["tasks"][0]["time_pct"] = 15
    assessment["tasks"][1]["name"] = assessment["tasks"][0]["name"]


def old_source(assessment: dict[str, Any]) -> None:
    """One warning, the scores unchanged: the first job-postings source is years old."""
    assessment["evidence"]["job_posting_trends"]["sources"][0]["date"] = dt.date(2019, 1, 8)


#: Fixes what ``tasks_sum_95_and_duplicate`` broke, and logs the file it was given.
FIXER = """\
import sys, yaml
path = sys.argv[1]
with open(sys.argv[0] + ".log", "a", encoding="utf-8") as log:
    log.write(path + "\\n")
text = open(path, encoding="utf-8").read()
assert text.startswith("# Editing the assessment of draft "), text[:80]
data = yaml.safe_load(text)
data["tasks"][0]["time_pct"] = 20
data["tasks"][1]["name"] = "Model deployment & serving infrastructure"
with open(path, "w", encoding="utf-8") as out:
    out.write(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
"""


# -- the environment and the workspace as a test sees them ----------------------------------------

#: Variables that would change what a review command does; tests start without any of them.
_ENV_VARS = (
    "JOBZONE_REVIEWER",
    "JOBZONE_WORKSPACE",
    "JOBZONE_CRASH_AT",
    "VISUAL",
    "EDITOR",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "JOBZONE_MODEL",
)


def hermetic_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No reviewer, editor, endpoint or crash point from the environment, and no git user name.

    Test modules make it an autouse fixture: ``pytest.fixture(autouse=True)(hermetic_env)``.
    """
    for name in _ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("jobzone.identity.git_user_name", lambda: None)


def jobzone_argv(workspace: Path, *args: str) -> list[str]:
    """The real command line, run by this interpreter, on ``workspace``."""
    return [sys.executable, "-m", "jobzone", "--workspace", str(workspace), *args]


def crash_approval(workspace: Path, draft_id: str, step: str = "role") -> None:
    """Approve ``draft_id`` in a process of its own that dies at ``step`` of the promotion
    (``JOBZONE_CRASH_AT``), as a kill -9 would leave it."""
    from jobzone.faults import CRASH_EXIT

    crashed = subprocess.run(
        jobzone_argv(workspace, "approve", draft_id, "--reviewer", "alice"),
        env=subprocess_env(JOBZONE_CRASH_AT=step),
        capture_output=True,
        check=False,
    )
    assert crashed.returncode == CRASH_EXIT, crashed.stderr


def subprocess_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _ENV_VARS}
    env.update(extra)
    return env


def read_role(workspace: Path, slug: str = SEED_SLUG) -> Assessment:
    return load_model(Assessment, workspace / "roles" / f"{slug}.yaml")


def read_draft(workspace: Path, draft_id: str) -> Draft:
    return load_draft(as_workspace(workspace), draft_id)


def kept_versions(workspace: Path, slug: str = SEED_SLUG) -> list[str]:
    """The names of the files in ``roles/.versions/<slug>/``, sorted."""
    folder = workspace / "roles" / ".versions" / slug
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (relative path -> bytes), except the workspace lock file and
    the cache folder (what jobzone may rebuild at any time: no record)."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".jobzone.lock" and CACHE_DIR not in p.relative_to(root).parts
    }
