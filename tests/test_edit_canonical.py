"""``jobzone edit SLUG``: a canonical role corrected by hand, queued as a revision for review."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from jobzone.assessment import Assessment
from jobzone.calls import Usage
from jobzone.canonical import load_canonical
from jobzone.checking import content_sha256
from jobzone.documents import load_model
from jobzone.drafts import Draft, Kind, Status
from jobzone.errors import ConflictError
from jobzone.history import Action
from jobzone.workflow import Workflow, review
from jobzone.workflow.editing import BY_HAND, Choice, EditOutcome, EditResult, edit_in_editor
from jobzone.workspace import Workspace

from .conftest import RunCli
from .factories import (
    SEED_SLUG,
    hermetic_env,
    kept_versions,
    make_draft,
    read_draft,
    read_role,
    retitle_first_task,
)
from .test_review_edit import editor, leftovers

hermetic = pytest.fixture(autouse=True)(hermetic_env)

#: An editor that scores the first task one higher (so the figures move) and logs what it opened.
RESCORE = """\
import sys
path = sys.argv[1]
with open(sys.argv[0] + ".log", "a", encoding="utf-8") as log:
    log.write(path + "\\n")
text = open(path, encoding="utf-8").read()
text = text.replace("time_pct: 20\\n  score: 2\\n", "time_pct: 20\\n  score: 3\\n", 1)
open(path, "w", encoding="utf-8").write(text)
"""
#: The block ``jobzone occupations suggest`` has an editor add under ``role:``.
OCCUPATION = """\
  occupation:
    code: 15-1299.08
    title: Computer Systems Engineers/Architects
    match: proxy
    note: O*NET has no MLOps occupation; this one designs and runs the systems MLOps builds on.
"""


def queued(workspace: Path) -> list[str]:
    return sorted(p.stem for p in (workspace / "drafts").glob("*.yaml"))


def role_file(workspace: Path) -> Path:
    return workspace / "roles" / f"{SEED_SLUG}.yaml"


def run(
    workspace: Path, reference: str, step: Callable[[Path], int | None], *, answer: Choice
) -> EditResult:
    """``edit_in_editor`` with an editor that runs ``step`` (its exit status, default 0) and a
    person who always answers ``answer``."""

    def run_editor(path: Path) -> int:
        return step(path) or 0

    wf = Workflow(Workspace(workspace))
    return edit_in_editor(wf, reference, "carol", run_editor, lambda _problem: answer)


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# -- a change is queued, reviewed and promoted ----------------------------------------------------


def test_a_changed_role_is_queued_as_a_revision_and_approval_promotes_it(
    workspace: Path, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    role = load_canonical(Workspace(workspace)).get(SEED_SLUG)
    assert role is not None
    before = role_file(workspace).read_bytes()
    script = editor(tmp_path, monkeypatch, RESCORE)

    result = run_cli("edit", SEED_SLUG, "--reviewer", "carol")

    assert result.exit_code == 0, result.output
    [draft_id] = queued(workspace)
    assert draft_id.startswith(f"{SEED_SLUG}-")
    draft = read_draft(workspace, draft_id)
    assert result.stdout.startswith(f"queued {draft_id}, a revision of {SEED_SLUG} v1 for review")
    [opened] = script.with_name("editor.py.log").read_text("utf-8").splitlines()
    assert Path(opened).parent == workspace.resolve() / "drafts" / ".edits"
    assert leftovers(workspace, ".edits") == []
    assert (draft.kind, draft.status, draft.base) == (
        Kind.revision,
        Status.pending,
        role.base_version(),
    )
    assert draft.assessment["tasks"][0]["score"] == 3
    assert draft.findings.errors == []
    assert draft.score is not None and draft.score.aijri != float(role.score.shown_aijri)
    drafted, edited = draft.history
    assert (drafted.action, drafted.by) == (Action.drafted, "carol")
    assert drafted.note == f"opened by hand from v1 of {SEED_SLUG}"
    assert drafted.content_sha256 == content_sha256(role.assessment.model_dump(mode="json"))
    assert (edited.action, edited.by) == (Action.edited, "carol")
    assert edited.note is not None and edited.note.endswith("after the edit")
    assert edited.content_sha256 == content_sha256(draft.assessment)
    assert role_file(workspace).read_bytes() == before  # untouched until approval

    approved = run_cli(
        "approve", draft_id, "--reviewer", "dave", "--accept-warnings", "--note", "checked"
    )

    assert approved.exit_code == 0, approved.output
    assert "is now version 2" in approved.stdout
    promoted = read_role(workspace)
    assert promoted.version == 2 and promoted.tasks[0].score == 3
    assert kept_versions(workspace) == ["v1.yaml", "v2.yaml"]
    kept = load_model(Assessment, workspace / "roles" / ".versions" / SEED_SLUG / "v1.yaml")
    assert kept.content() == role.assessment.content()
    rescored = load_canonical(Workspace(workspace)).get(SEED_SLUG)
    assert rescored is not None and float(rescored.score.shown_aijri) == draft.score.aijri
    assert [(e.action, e.by, e.draft) for e in promoted.history[-3:]] == [
        (Action.drafted, "carol", draft_id),
        (Action.edited, "carol", draft_id),
        (Action.approved, "dave", draft_id),
    ]


def test_a_hand_revision_says_no_model_wrote_it(
    workspace: Path, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor(tmp_path, monkeypatch, RESCORE)
    assert run_cli("edit", SEED_SLUG, "--reviewer", "carol").exit_code == 0
    [draft_id] = queued(workspace)

    provenance = read_draft(workspace, draft_id).provenance
    shown = run_cli("show", draft_id)
    listed = run_cli("queue")

    assert (provenance.model, provenance.calls, provenance.repairs) == (BY_HAND, [], [])
    assert (provenance.usage, provenance.cost_usd) == (Usage(), 0.0)
    assert provenance.prompt_versions == {}
    section = shown.stdout.split("== provenance ==\n", 1)[1].split("\n\n", 1)[0]
    assert section == "model      none (edited by hand)\ncalls      none: no tokens used, no cost"
    assert f"kind revision of {SEED_SLUG}; status pending" in shown.stdout
    assert "opened by hand from v1 of mlops-engineer" in shown.stdout
    assert "-  score: 2\n+  score: 3\n" in shown.stdout  # the change against v1
    [row] = [line for line in listed.stdout.splitlines() if line.startswith(draft_id)]
    assert row.split()[1:3] == ["pending", "revision"]


def test_the_occupation_suggest_proposes_is_added_through_a_hand_revision(
    workspace: Path,
) -> None:
    def step(path: Path) -> None:
        replace_in(path, "  tags:\n", OCCUPATION + "  tags:\n")

    result = run(workspace, SEED_SLUG, step, answer=Choice.reopen)

    assert (result.outcome, result.role) == (EditOutcome.changed, SEED_SLUG)
    assert result.draft is not None and result.draft.findings.errors == []
    assert result.draft.assessment["role"]["occupation"]["code"] == "15-1299.08"
    assert "occupation" not in yaml.safe_load(role_file(workspace).read_text("utf-8"))["role"]


def test_json_names_the_queued_draft_and_the_role(
    workspace: Path, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor(tmp_path, monkeypatch, RESCORE)

    result = run_cli("edit", SEED_SLUG, "--reviewer", "carol", "--json")

    [draft_id] = queued(workspace)
    out = json.loads(result.stdout)
    assert out == {
        "id": draft_id,
        "role": SEED_SLUG,
        "outcome": "changed",
        "kept": None,
        "errors": 0,
        "warnings": out["warnings"],
    }


# -- nothing is queued unless a change is saved ---------------------------------------------------


def test_an_unchanged_role_queues_nothing_and_says_so(
    workspace: Path, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = role_file(workspace).read_bytes()
    editor(tmp_path, monkeypatch, "import sys\n")

    result = run_cli("edit", SEED_SLUG, "--reviewer", "carol")
    as_json = run_cli("edit", SEED_SLUG, "--reviewer", "carol", "--json")

    assert (result.exit_code, result.stdout) == (0, "no changes; nothing queued\n")
    assert as_json.exit_code == 0
    assert json.loads(as_json.stdout) == {
        "id": None,
        "role": SEED_SLUG,
        "outcome": "unchanged",
        "kept": None,
        "errors": None,
        "warnings": None,
    }
    assert queued(workspace) == [] and leftovers(workspace, ".edits") == []
    assert role_file(workspace).read_bytes() == before


def test_an_editor_that_exits_with_an_error_queues_nothing(
    workspace: Path, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """vim's :cq: nothing is queued; the typed text is kept aside."""
    before = role_file(workspace).read_bytes()
    editor(tmp_path, monkeypatch, RESCORE + "sys.exit(1)\n")

    result = run_cli("edit", SEED_SLUG, "--reviewer", "carol")

    assert result.exit_code == 1
    assert "change discarded, nothing queued; the edited text is kept in" in result.stdout
    assert queued(workspace) == [] and leftovers(workspace, ".edits") == []
    [kept] = leftovers(workspace, ".set-aside")
    assert "time_pct: 20\n  score: 3\n" in (workspace / "drafts/.set-aside" / kept).read_text()
    assert role_file(workspace).read_bytes() == before


def test_text_that_does_not_parse_is_set_aside_without_a_terminal(
    workspace: Path, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = role_file(workspace).read_bytes()
    editor(
        tmp_path,
        monkeypatch,
        "import sys\nopen(sys.argv[1], 'a', encoding='utf-8').write('tasks: [unclosed\\n')\n",
    )

    result = run_cli("edit", SEED_SLUG, "--reviewer", "carol")

    assert result.exit_code == 1
    assert "malformed YAML" in result.stderr
    [kept] = leftovers(workspace, ".set-aside")
    assert result.stdout == f"set aside, nothing queued: {workspace / 'drafts/.set-aside' / kept}\n"
    assert queued(workspace) == [] and role_file(workspace).read_bytes() == before


def test_text_that_does_not_parse_can_be_reopened_and_then_queued(workspace: Path) -> None:
    rounds: list[str] = []

    def step(path: Path) -> None:
        rounds.append(path.read_text("utf-8"))
        if len(rounds) == 1:
            replace_in(path, "seniority: Mid-level", "seniority: [Senior")
        else:  # the editor's broken text comes back; now it is fixed
            replace_in(path, "seniority: [Senior", "seniority: Senior")

    result = run(workspace, SEED_SLUG, step, answer=Choice.reopen)

    assert len(rounds) == 2 and "seniority: [Senior" in rounds[1]
    assert result.outcome is EditOutcome.changed and result.draft is not None
    assert result.draft.assessment["role"]["seniority"] == "Senior"
    assert leftovers(workspace, ".edits") == leftovers(workspace, ".set-aside") == []


# -- one open revision per role -------------------------------------------------------------------


def test_a_role_with_an_open_revision_is_refused_naming_it(
    workspace: Path, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_one = f"{SEED_SLUG}-20260501-093000-ab12"
    make_draft(workspace, open_one, change=retitle_first_task)
    script = editor(tmp_path, monkeypatch, RESCORE)

    result = run_cli("edit", SEED_SLUG, "--reviewer", "carol")
    as_json = run_cli("edit", SEED_SLUG, "--reviewer", "carol", "--json")

    assert result.exit_code == as_json.exit_code == 1
    assert f"already has a revision open in the queue ({open_one})" in result.stderr
    assert f"`jobzone edit {open_one}`" in result.stderr
    hint = f"Edit that draft instead: `jobzone edit {open_one}`"
    assert json.loads(as_json.stdout)["hint"] == hint
    assert not script.with_name("editor.py.log").exists()  # the editor never opened
    assert queued(workspace) == [open_one] and leftovers(workspace, ".edits") == []


def test_a_revision_queued_while_the_editor_is_open_is_a_conflict_and_the_text_is_kept(
    workspace: Path,
) -> None:
    def step(path: Path) -> None:
        replace_in(path, "seniority: Mid-level", "seniority: Senior")
        make_draft(workspace, "meanwhile", change=retitle_first_task)

    with pytest.raises(ConflictError, match="already has a revision open") as caught:
        run(workspace, SEED_SLUG, step, answer=Choice.reopen)

    assert caught.value.hint == "Edit that draft instead: `jobzone edit meanwhile`"
    assert queued(workspace) == ["meanwhile"]
    [kept] = leftovers(workspace, ".set-aside")
    assert kept in caught.value.message
    assert "seniority: Senior" in (workspace / "drafts/.set-aside" / kept).read_text("utf-8")


def test_a_version_approved_while_the_editor_is_open_leaves_the_revision_to_rebase(
    workspace: Path, run_cli: RunCli
) -> None:
    """The revision records the version the editor saw; approving it over a newer one is refused
    like any stale revision, and ``rebase`` carries the edit across."""
    wf = Workflow(Workspace(workspace))

    def step(path: Path) -> None:
        replace_in(path, "seniority: Mid-level", "seniority: Senior")
        make_draft(workspace, "meanwhile", change=retitle_first_task)
        review.approve(wf, "meanwhile", "dave", None, False)

    result = run(workspace, SEED_SLUG, step, answer=Choice.reopen)

    assert result.draft is not None and result.draft.base is not None
    assert result.draft.base.version == 1 and read_role(workspace).version == 2
    refused = run_cli("approve", result.draft.id, "--reviewer", "erin")
    assert refused.exit_code == 1 and "jobzone rebase" in refused.stderr
    assert run_cli("rebase", result.draft.id, "--reviewer", "carol").exit_code == 0
    rebased = read_draft(workspace, result.draft.id).assessment
    assert rebased["role"]["seniority"] == "Senior"
    assert rebased["tasks"][0]["name"] == "ML pipeline design and architecture"


# -- what the reference names ---------------------------------------------------------------------


def test_an_open_draft_whose_id_is_the_slug_keeps_meaning_the_draft(
    workspace: Path, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_draft(workspace, SEED_SLUG)
    editor(tmp_path, monkeypatch, RESCORE)

    result = run_cli("edit", SEED_SLUG, "--reviewer", "carol")

    assert result.exit_code == 0 and result.stdout.startswith(f"edited {SEED_SLUG}: 0 errors")
    assert queued(workspace) == [SEED_SLUG]
    draft = read_draft(workspace, SEED_SLUG)
    assert draft.history[-1].action is Action.edited
    assert draft.assessment["tasks"][0]["score"] == 3


@pytest.mark.parametrize("status", [Status.approved, Status.rejected])
@pytest.mark.parametrize("draft_id", [SEED_SLUG, f"{SEED_SLUG}-20260501-093000-ab12"])
def test_a_closed_draft_does_not_hide_the_role(
    workspace: Path, draft_id: str, status: Status
) -> None:
    """After an approval its draft stays in the queue, closed: the slug still opens the role."""
    make_draft(workspace, draft_id, status=status)

    def step(path: Path) -> None:
        replace_in(path, "seniority: Mid-level", "seniority: Senior")

    result = run(workspace, SEED_SLUG, step, answer=Choice.reopen)

    assert (result.outcome, result.role) == (EditOutcome.changed, SEED_SLUG)
    assert result.draft is not None and result.draft.id != draft_id
    assert read_draft(workspace, draft_id).status is status


def test_an_unknown_slug_exits_2(workspace: Path, run_cli: RunCli) -> None:
    result = run_cli("edit", "mlops-enginer", "--reviewer", "carol")
    as_json = run_cli("edit", "no-such-role", "--reviewer", "carol", "--json")

    assert result.exit_code == as_json.exit_code == 2
    assert "mlops-enginer is not in the canonical set (did you mean mlops-engineer?)" in (
        result.stderr
    )
    assert json.loads(as_json.stdout)["rule"] == "edit.target"
    assert queued(workspace) == [] and leftovers(workspace, ".edits") == []


def test_a_role_file_that_cannot_be_read_is_named(workspace: Path, run_cli: RunCli) -> None:
    (workspace / "roles" / "broken.yaml").write_text("slug: [\n", encoding="utf-8")

    result = run_cli("edit", "broken", "--reviewer", "carol")

    assert result.exit_code == 2
    assert "broken.yaml" in result.stderr and "not in the canonical set" not in result.stderr


def test_a_draft_named_by_its_slug_is_still_found_when_no_role_has_it(workspace: Path) -> None:
    make_draft(workspace, "new-1", kind=Kind.new)

    def step(path: Path) -> None:
        replace_in(path, "seniority: Mid-level", "seniority: Senior")

    result = run(workspace, "ml-platform-engineer", step, answer=Choice.reopen)

    assert (result.outcome, result.role) == (EditOutcome.changed, None)
    assert isinstance(result.draft, Draft) and result.draft.id == "new-1"
