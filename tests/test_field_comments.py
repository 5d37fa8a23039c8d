"""Comments on single fields when asking for changes: each reaches the redraft's guidance naming
the field it is about (issue 11: "a comment on task 3's score reaches redraft as guidance")."""

from __future__ import annotations

from pathlib import Path

from jobzone.drafts import Status
from jobzone.workflow.drafting import guidance

from .conftest import RunCli
from .factories import make_draft, read_draft, tree


def test_a_comment_on_a_field_is_a_line_of_the_guidance_naming_it(
    workspace: Path, run_cli: RunCli
) -> None:
    draft = make_draft(workspace, "asked")

    result = run_cli(
        "request-changes", draft.id, "--reviewer", "Ada", "--note", "Rework the tasks.",
        "--on", "tasks[2].score", "Monitoring  is more\nautomated than 3.",
        "--on", "evidence.wage_trends", "Find a newer pay survey.",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    after = read_draft(workspace, draft.id)
    assert after.status is Status.changes_requested
    assert guidance(after, "Original notes.").splitlines() == [
        "Original notes.",
        "Reviewers asked for these changes to the previous draft:",
        "- Ada: Rework the tasks.",
        "On tasks[2].score: Monitoring is more automated than 3.",
        "On evidence.wage_trends: Find a newer pay survey.",
    ]


def test_a_field_the_draft_does_not_have_is_refused_and_changes_nothing(
    workspace: Path, run_cli: RunCli
) -> None:
    draft = make_draft(workspace, "asked")
    before = tree(workspace)

    for field in ("tasks[99].score", "tasks[2].colour", "tasks[2]].score", "../roles"):
        result = run_cli(
            "request-changes", draft.id, "--reviewer", "Ada", "--note", "x", "--on", field, "y"
        )
        assert result.exit_code == 2, (field, result.output)
        assert "is no field of this draft" in result.stderr
    assert tree(workspace) == before
