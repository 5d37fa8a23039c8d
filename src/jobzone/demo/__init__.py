"""A recorded review loop for ``make demo``: no key, no network, the real pipeline.

The loop is the README's: draft, queue, show, request changes, redraft, approve, roles, history
(:func:`play`). ``cassette.yaml`` holds the HTTP exchanges of its two model runs (the draft and
the redraft, four calls each), recorded
against the loopback fake server in ``tests/fake_openai.py`` (canned, fictional answers, not a
model's). ``roles/`` is the canonical set it was recorded with: the prompts carry that set's
calibration, so replaying needs exactly these files in the scratch workspace. Replaying sends the
same requests as recording only with the title, model and date below.

Re-record with ``python -m tests.record_cassettes --demo`` after a change to the prompts, the
canonical snapshot or the drafting flow (tests/cassettes/README.md).
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
CASSETTE = HERE / "cassette.yaml"
ROLES = HERE / "roles"
TITLE = "Site Reliability Engineer"
MODEL = "gpt-5-mini"
ASSESSED_ON = "2026-11-21"
#: Where the replayed SDK believes it sends requests; nothing is sent, vcrpy answers first.
BASE_URL = "http://model.invalid/v1"
REVIEWER = "Demo Reviewer"
CHANGE_NOTE = "Say more about on-call load and incident response."
APPROVAL_NOTE = "Checked the task split and the sources."


def play(
    run: Callable[[list[str]], None],
    workspace: Path,
    say: Callable[[str], None],
    *,
    approve: bool = True,
) -> None:
    """The review loop, one ``jobzone`` command at a time; ``run`` executes a command's
    arguments (without ``--workspace``) and must fail loudly when the command fails. Without
    ``approve`` the redrafted draft is left pending, for a reviewer to approve in the browser."""

    def step(*argv: str) -> None:
        say(f"\n$ jobzone {shlex.join(argv)}")
        run(list(argv))

    step("draft", TITLE, "--date", ASSESSED_ON)
    [path] = sorted((workspace / "drafts").glob("*.yaml"))
    draft_id, slug = path.stem, yaml.safe_load(path.read_text("utf-8"))["slug"]
    step("queue")
    step("show", draft_id)
    step("request-changes", draft_id, "--reviewer", REVIEWER, "--note", CHANGE_NOTE)
    step("redraft", draft_id)
    if approve:
        step("approve", draft_id, "--reviewer", REVIEWER, "--note", APPROVAL_NOTE)
    step("roles")
    step("history", slug)
