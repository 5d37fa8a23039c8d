"""The draft page shows a revision side by side with the canonical version it changes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from jobzone.web.app import create_app
from jobzone.web.draft_page import DIFF_CONTEXT, side_by_side_rows

from .factories import make_draft


def rescored(assessment: dict[str, Any]) -> None:
    assessment["tasks"][0]["score"] = 3


def page_of(workspace: Path, draft_id: str) -> str:
    client = TestClient(create_app(workspace, reviewer="Ann"), base_url="http://127.0.0.1")
    answer = client.get(f"/drafts/{draft_id}")
    assert answer.status_code == 200
    return answer.text


def test_a_changed_line_sits_beside_the_line_it_replaces(workspace: Path) -> None:
    draft = make_draft(workspace, "rescored", change=rescored)
    html = page_of(workspace, draft.id)

    changed = re.findall(
        r'<tr class="diff-replace"><td><pre>(.*?)</pre></td><td><pre>(.*?)</pre></td></tr>', html
    )
    assert ("  score: 2", "  score: 3") in changed
    assert 'class="diff-fold"' in html  # the unchanged rest is folded


def test_a_revision_changing_nothing_says_so(workspace: Path) -> None:
    draft = make_draft(workspace, "same")
    html = page_of(workspace, draft.id)
    assert "no changes against the canonical version" in html
    assert "diff-replace" not in html


def test_rows_keep_context_around_changes_and_fold_the_rest() -> None:
    before = [f"line {n}\n" for n in range(20)]
    after = [*before[:5], "changed\n", *before[6:]]
    rows = side_by_side_rows(before, after)
    shown = [r for r in rows if r is not None]
    assert [(r.kind, r.before, r.after) for r in shown if r.kind != "equal"] == [
        ("replace", "line 5", "changed")
    ]
    assert len(shown) == 1 + 2 * DIFF_CONTEXT
    inserted = side_by_side_rows(["a\n"], ["a\n", "b\n"])
    assert [(r.kind, r.after) for r in inserted if r is not None] == [
        ("equal", "a"),
        ("insert", "b"),
    ]
