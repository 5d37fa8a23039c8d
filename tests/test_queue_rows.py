"""A draft's row read fast (``review.draft_rows.fast_row``, ``review.block_yaml``) is the row the
precise reader reads, or nothing: never another row.

The precise reader parses the row's fields with PyYAML and validates them with pydantic
(``draft_rows.read_row``); the fast one reads the forms jobzone writes and declines the rest. Its
copy of the models' fields is held to the models, its YAML to PyYAML's on texts that differ from
jobzone's in every way a hand edit could, and it must read what jobzone writes, else a cold
listing silently falls back to the slow path.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from jobzone import forking
from jobzone.documents import parse_yaml
from jobzone.drafts import Approval, Draft, FindingRecord, Findings, RowFields
from jobzone.errors import InputError
from jobzone.history import Acknowledgement
from jobzone.review import block_yaml, draft_rows, queue
from jobzone.scoring import ShownScore
from jobzone.states import Kind, Status
from jobzone.workspace import Workspace

from .factories import (
    CREATED_AT,
    SEED_PATH,
    SEED_TEXT,
    make_draft,
    make_workspace,
    old_source,
    tasks_sum_95_and_duplicate,
    write_draft,
)


def exactly(value: Any) -> Any:
    """``value`` with the type of every part beside it: ``1 == 1.0 == True``, but a row that
    shows 1.0 where the other shows 1 is another row."""
    if isinstance(value, dict):
        return {k: exactly(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value), [exactly(v) for v in value]
    if isinstance(value, dt.datetime):
        return type(value), value.isoformat()
    return type(value), value


# --- The fast reader's copy of the models ------------------------------------------------------


def test_the_row_fields_are_those_of_the_model() -> None:
    fields = RowFields.model_fields
    assert set(fields) == draft_rows.ROW_FIELDS
    assert {name for name, f in fields.items() if f.is_required()} == draft_rows.REQUIRED_FIELDS
    assert fields["revision"].default == 1 and fields["approvals"].default_factory is list


def test_the_score_fields_are_those_of_the_model_in_its_order() -> None:
    """In its order too: the score is read in one piece when written in that order."""
    fields = ShownScore.model_fields
    assert [(name, f.annotation) for name, f in fields.items()] == list(
        draft_rows.SCORE_FIELDS.items()
    )
    assert all(f.is_required() for f in fields.values())
    assert ShownScore.model_config.get("extra") == "forbid"


def test_the_findings_and_approvals_are_those_of_the_models() -> None:
    assert set(Findings.model_fields) == {"errors", "warnings"}
    assert not any(f.is_required() for f in Findings.model_fields.values())
    record = FindingRecord.model_fields
    assert set(record) == draft_rows.FINDING_FIELDS
    assert all(f.annotation is str and f.is_required() for f in record.values())
    approval = Approval.model_fields
    assert set(approval) == draft_rows.APPROVAL_FIELDS
    required = {name for name, f in approval.items() if f.is_required()}
    assert required == draft_rows.REQUIRED_APPROVAL_FIELDS
    for model in (Findings, FindingRecord, Approval, RowFields):
        assert model.model_config.get("extra") == "forbid"


# --- YAML as PyYAML reads it -------------------------------------------------------------------


def precise(text: str) -> Any:
    """What the precise reader makes of ``text``: its mapping, or None when it refuses it."""
    try:
        return exactly(parse_yaml(text, "x.yaml"))
    except InputError:
        return None


def agrees(text: str) -> bool:
    fast = block_yaml.load(text)
    return fast is None or exactly(fast) == precise(text)


READ = [
    "a: 1\nb: text here\nc: 2.5\nd: true\ne: null\nf: []\ng: {}\n",
    "a: yes\nb: 'on'\nc: ~\nd: 1e5\ne: 0x1f\nf: 0o17\ng: '012'\nh: 1_000\ni: .inf\nj: 1:30\n",
    "a: -1\nb: -x\nc: a:b\nd: C#\ne: 'it''s'\nf: ''\ng: R&D\nh: x*y\n",
    "created_at: 2026-05-01 09:30:00+00:00\nat: 2026-05-01 09:30:00.250000+00:00\n",
    "findings:\n  errors:\n  - code: a.b\n    path: tasks[0]\n    message: m\n  warnings: []\n",
    "approvals:\n- reviewer: Ada\n  at: 2026-05-01 09:30:00+00:00\n  note: null\n- reviewer: Bo\n"
    "  at: 2026-05-01 09:30:00+00:00\n  note: fine\n",
    "m: |-\n  one\n    two\n  three\nn: |\n  kept\nafter: 1\n",
    "score:\n  split:\n    a: 1\n    b: 2\n  distance:\n    green: 5.4\n  zone: Yellow\n",
    "a:\n  - b: 1\n    c:\n    - d: 2\n  - e: 3\nf: 4\n",
    "a:\nb:\n  c:\nd: 1\n",
]
DECLINED = [
    "a: 1\na: 2\n",  # a key repeated
    "on: 1\n",  # a key PyYAML reads as a boolean
    "null: 1\n",
    "a: 1 # note\n",
    "# note\na: 1\n",
    "a: 1\n\nb: 2\n",
    "a: 1\n  b: 2\n",  # a text over two lines
    "a: one\n  two\n",
    "a:\tb\n",
    "a: [1]\n",
    "a: {b: 1}\n",
    'a: "quoted"\n',
    "a: 'open\n  quote'\n",
    "a: &x 1\nb: *x\n",
    "a: !!str 1\n",
    "a: >-\n  folded\n",
    "a: |+\n  kept\n",
    "a: |2-\n    indented\n",
    "a: |-\n  one\n\n  two\n",
    "a: b: c\n",
    "a: 2026-01-01\n",
    "a: 2026-05-01T09:30:00Z\n",
    "a: 2026-02-30 09:30:00+00:00\n",
    "a: 'x' y\n",
    "a: \n",
    "a:b\n",
    "- a: 1\n",
    "a:\n- b: 1\n c: 2\n",
    "a:\n  - b: 1\n  c: 2\n",
    "a: =\n",
    "<<: 1\n",
    "a: 1\r\nb: 2\n",
    "a: x\u2028y\n",
    "a: 1\n---\nb: 2\n",
]


@pytest.mark.parametrize("text", READ)
def test_what_the_fast_reader_reads_it_reads_as_pyyaml_does(text: str) -> None:
    fast = block_yaml.load(text)
    assert fast is not None
    assert exactly(fast) == precise(text)


@pytest.mark.parametrize("text", DECLINED)
def test_what_the_fast_reader_cannot_tell_it_declines(text: str) -> None:
    assert block_yaml.load(text) is None


@settings(max_examples=300, deadline=None)
@given(
    when=st.datetimes(timezones=st.just(dt.UTC)),
    fraction=st.booleans(),
)
def test_timestamps_as_jobzone_writes_them_are_read_as_pyyaml_reads_them(
    when: dt.datetime, fraction: bool
) -> None:
    written = (when if fraction else when.replace(microsecond=0)).isoformat(" ")
    text = f"at: {written}\nquoted: '{written}'\n"
    fast = block_yaml.load(text)
    assert fast is not None and exactly(fast) == precise(text)


KEYS = st.sampled_from(["a", "b", "c", "on", "null", "y", "key_1", "1a", "A"])
VALUES = st.one_of(
    st.sampled_from(
        [
            "x",
            "text here",
            "1",
            "-1",
            "2.5",
            "1e5",
            "0x1f",
            "012",
            "1_0",
            "1:30",
            ".inf",
            "yes",
            "No",
            "~",
            "null",
            "[]",
            "{}",
            "[1]",
            "'q'",
            "'q''q'",
            "'open",
            '"dq"',
            "|-",
            "|",
            ">",
            "a: b",
            "a #b",
            "a#b",
            "- x",
            "-x",
            "&a x",
            "*a",
            "!t x",
            "=",
            "2026-01-01",
            "2026-05-01 09:30:00+00:00",
            "2026-05-01 09:30:00.5+00:00",
            "x ",
            "",
            "?x",
            ":x",
            "%x",
            "@x",
        ]
    ),
    st.text(st.characters(codec="utf-8"), max_size=6),
)
LINES = st.one_of(
    st.tuples(st.sampled_from([0, 0, 1, 2, 2, 4, 6]), st.booleans(), KEYS, st.none() | VALUES),
    st.sampled_from(["", "  ", "# c", "  body text", "    deeper body", "- x", "\t"]),
)


def render(line: tuple[int, bool, str, str | None] | str) -> str:
    if isinstance(line, str):
        return line
    indent, dash, key, value = line
    return (
        " " * indent + ("- " if dash else "") + key + ":" + ("" if value is None else " " + value)
    )


@settings(max_examples=1500, deadline=None)
@given(st.lists(LINES, min_size=1, max_size=8))
@example([(0, False, "a", "|"), "  one", "  two", (0, False, "b", "1")])
@example([(0, False, "a", None), (0, True, "b", "1"), (2, False, "c", "2"), (0, False, "d", "x")])
def test_on_any_text_the_fast_reader_agrees_with_pyyaml_or_declines(lines: list[Any]) -> None:
    assert agrees("\n".join(render(line) for line in lines) + "\n")


#: Mostly what the reader takes, so that what it reads is tested as much as what it declines.
NAMES = st.one_of(*[st.sampled_from(["a", "b", "c", "key_1", "y"])] * 3, KEYS)
SCALARS = st.one_of(
    *[st.sampled_from(["x", "text here", "2.5", "-1", "true", "No", "null", "[]", "{}"])] * 3,
    st.sampled_from(["'q''q'", "''", "C#", "a:b", "0x1f", "1:30", "2026-05-01 09:30:00+00:00"]),
    VALUES,
)
BODY = st.sampled_from(["one", "two words", "a: b", "# no comment", "- item", "x  ", "'q'"])


@st.composite
def mapping_lines(draw: st.DrawFn, indent: int = 0, depth: int = 0) -> list[str]:
    """The lines of a block mapping at ``indent``, as jobzone writes one or nearly: nested
    mappings and sequences indented by various steps, literal blocks, scalars of every kind."""
    lines: list[str] = []
    for key in draw(st.lists(NAMES, min_size=1, max_size=4, unique=True)):
        head = " " * indent + key + ":"
        shapes = ["scalar", "literal", "mapping", "sequence"] if depth < 3 else ["scalar"]
        shape = draw(st.sampled_from(shapes))
        if shape == "scalar":
            lines.append(f"{head} {draw(SCALARS)}")
        elif shape == "literal":
            lines.append(f"{head} {draw(st.sampled_from(['|-', '|']))}")
            step = indent + draw(st.sampled_from([0, 1, 2, 4]))
            body = draw(st.lists(st.tuples(st.sampled_from([0, 0, 2]), BODY), max_size=3))
            lines += [" " * (step + extra) + text for extra, text in body]
        elif shape == "mapping":
            lines.append(head)
            lines += draw(mapping_lines(indent + draw(st.sampled_from([1, 2, 4])), depth + 1))
        else:
            lines.append(head)
            dash = indent + draw(st.sampled_from([0, 2]))
            for _ in range(draw(st.integers(1, 3))):
                item = draw(mapping_lines(dash + 2, depth + 1))
                lines += [" " * dash + "- " + item[0][dash + 2 :], *item[1:]]
    return lines


@settings(max_examples=400, deadline=None)
@given(lines=mapping_lines(), data=st.data())
def test_on_nearly_jobzone_yaml_the_fast_reader_agrees_with_pyyaml_or_declines(
    lines: list[str], data: st.DataObject
) -> None:
    """Mostly texts it reads, some with one line edited the way a hand edit might."""
    if data.draw(st.booleans(), label="edited"):
        at = data.draw(st.integers(0, len(lines)), label="at")
        edit = data.draw(st.sampled_from(["insert", "indent", "dedent", "delete"]), label="edit")
        if edit == "insert":
            lines.insert(at, render(data.draw(LINES, label="line")))
        elif at < len(lines):
            line = lines.pop(at)
            lines[at:at] = {"indent": [" " + line], "dedent": [line[1:]], "delete": []}[edit]
    assert agrees("\n".join(lines) + "\n")


# --- Rows ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A workspace for drafts written and rewritten by the tests of this module."""
    root = tmp_path_factory.mktemp("rows")
    make_workspace(root)
    (root / "roles" / SEED_PATH.name).write_text(SEED_TEXT, encoding="utf-8")
    return Workspace(root)


def approved_by(draft: Draft, *reviewers: str, note: str | None = None) -> Draft:
    draft.approvals = [
        Approval(reviewer=name, at=CREATED_AT + dt.timedelta(hours=1), note=note)
        for name in reviewers
    ]
    return draft


def variants(ws: Workspace) -> dict[str, Draft]:
    """Drafts as jobzone writes them, of every shape a row reads."""
    return {
        "clean": make_draft(ws, "v-1", save=False),
        "errors": make_draft(
            ws, "v-2", kind=Kind.new, change=tasks_sum_95_and_duplicate, save=False
        ),
        "warning": make_draft(ws, "v-3", change=old_source, status=Status.changes_requested),
        "approved": approved_by(make_draft(ws, "v-4", save=False), "Ada Editor", "Bo"),
        "noted": approved_by(make_draft(ws, "v-5", save=False), "Ada", note="Checked: fine"),
        "commentary": make_draft(ws, "v-6", kind=Kind.commentary, save=False),
        "redrafted": make_draft(ws, "v-7", save=False).model_copy(update={"revision": 3}),
        "odd title": make_draft(ws, "v-8", title="yes", save=False),
        "long title": make_draft(ws, "v-9", title="Lead " * 20 + "Engineer", save=False),
        "fraction": make_draft(
            ws, "v-10", created_at=CREATED_AT + dt.timedelta(microseconds=250), save=False
        ),
    }


@pytest.fixture(scope="module")
def drafts(place: Workspace) -> dict[str, Draft]:
    return variants(place)


def rows_of(ws: Workspace, draft: Draft) -> tuple[queue.Row | None, queue.Row | InputError]:
    """The draft's row read fast and read precisely, from the file jobzone writes."""
    write_draft(ws, draft)
    text = (ws.drafts_dir / f"{draft.id}.yaml").read_text("utf-8")
    try:
        slow: queue.Row | InputError = draft_rows.read_row(ws, draft.id)
    except InputError as exc:
        slow = exc
    return draft_rows.fast_row(text, draft.id), slow


@pytest.mark.parametrize(
    "name",
    [
        "clean",
        "errors",
        "warning",
        "approved",
        "noted",
        "commentary",
        "redrafted",
        "odd title",
        "long title",
        "fraction",
    ],
)
def test_what_jobzone_writes_is_read_fast_as_the_whole_draft_reads(
    place: Workspace, drafts: dict[str, Draft], name: str
) -> None:
    draft = drafts[name]
    fast, slow = rows_of(place, draft)
    assert fast is not None
    assert exactly(fast) == exactly(slow) == exactly(queue.Row.of(draft))


@pytest.mark.parametrize("name", ["clean", "warning", "approved"])
def test_a_score_as_jobzone_writes_it_is_read_in_one_piece(
    place: Workspace, drafts: dict[str, Draft], name: str
) -> None:
    write_draft(place, drafts[name])
    text = (place.drafts_dir / f"{drafts[name].id}.yaml").read_text("utf-8")
    [block] = [block for key, block in draft_rows._row_blocks(text) if key == "score"]
    score = draft_rows._written_score(block)
    assert score is not None
    assert exactly(score) == precise(block)["score"]


def test_accepted_warnings_are_left_to_the_precise_reader(place: Workspace) -> None:
    draft = approved_by(make_draft(place, "w-1", change=old_source, save=False), "Ada")
    finding = draft.findings.warnings[0]
    draft.approvals[0].accepted_warnings = [
        Acknowledgement(code=finding.code, path=finding.path, message=finding.message)
    ]
    fast, slow = rows_of(place, draft)
    assert fast is None
    assert isinstance(slow, queue.Row) and slow.approvers == ("Ada",)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1),
    reviewer=st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1),
    note=st.none() | st.text(max_size=200),
)
def test_any_title_reviewer_or_note_is_read_fast_as_precisely_or_declined(
    place: Workspace, drafts: dict[str, Draft], title: str, reviewer: str, note: str | None
) -> None:
    draft = approved_by(drafts["clean"].model_copy(update={"title": title}), reviewer, note=note)
    fast, slow = rows_of(place, draft)
    assert fast is None or exactly(fast) == exactly(slow)


WORDS = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=st.lists(WORDS.filter(bool), min_size=2, max_size=8))
def test_ordinary_titles_are_read_fast(
    place: Workspace, drafts: dict[str, Draft], words: list[str]
) -> None:
    """What a title usually is, words and figures, must not send a cold listing down the slow
    path (two words: one alone may be a number, ``yes`` or ``null``, which jobzone quotes)."""
    draft = approved_by(drafts["clean"].model_copy(update={"title": " ".join(words)}), "Ada")
    fast, slow = rows_of(place, draft)
    assert fast is not None and exactly(fast) == exactly(slow)


def row_lines(lines: list[str]) -> list[int]:
    """Where the top-level fields a row shows are, with the lines under them."""
    shown, key = [], ""
    for at, line in enumerate(lines):
        if line[:1] not in ("", " ", "#", "-"):
            key = line.split(":")[0]
        if key in draft_rows.ROW_FIELDS:
            shown.append(at)
    return shown


#: Lines a hand edit might leave in a draft's row fields.
EDITS = st.sampled_from(
    [
        "",
        "  ",
        "# note",
        "status: approved",
        "revision: 2",
        "revision: 0",
        "revision: '2'",
        "title: 'Quoted'",
        "title: yes",
        "title: 12",
        "kind: other",
        "slug: Not_A_Slug",
        "id: other-id",
        "created_at: 2026-05-01",
        "score: null",
        "score:",
        "findings: {}",
        "findings:",
        "approvals: []",
        "approvals:",
        "- reviewer: Ada",
        "  at: 2026-05-01",
        "  errors: []",
        "  warnings:",
        "  - code: x",
        "    path: y",
        "    message: z",
        "  aijri: 42",
        "  aijri: '42.6'",
        "  zone: null",
        "  extra: 1",
        "  split: {}",
        "    green: 1",
        "  note: null",
        "\tx: 1",
        "score: {}",
    ]
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(["clean", "errors", "warning", "approved", "noted"]),
    data=st.data(),
)
def test_a_hand_edited_draft_is_read_fast_as_precisely_or_declined(
    place: Workspace, drafts: dict[str, Draft], name: str, data: st.DataObject
) -> None:
    draft = drafts[name]
    write_draft(place, draft)
    path = place.drafts_dir / f"{draft.id}.yaml"
    lines = path.read_text("utf-8").split("\n")
    shown = row_lines(lines)
    at = data.draw(st.sampled_from(shown + [i + 1 for i in shown]), label="at")
    action = data.draw(st.sampled_from(["insert", "replace", "delete", "indent", "dedent"]))
    if action == "insert":
        lines.insert(at, data.draw(EDITS, label="line"))
    elif action == "replace":
        lines[at] = data.draw(EDITS, label="line")
    elif action == "delete":
        del lines[at]
    elif action == "indent":
        lines[at] = " " + lines[at]
    else:
        lines[at] = lines[at][1:]
    text = "\n".join(lines)
    path.write_text(text, encoding="utf-8")
    try:
        slow: queue.Row | InputError = draft_rows.read_row(place, draft.id)
    except InputError as exc:
        slow = exc
    fast = draft_rows.fast_row(text, draft.id)
    assert fast is None or exactly(fast) == exactly(slow)


def test_a_row_is_stored_and_read_back_as_it_was(drafts: dict[str, Draft]) -> None:
    for draft in drafts.values():
        row = queue.Row.of(draft)
        stored = row.stored((1, 2, 3, 4))
        assert stored[: queue.KEY_LENGTH] == [1, 2, 3, 4]
        assert exactly(queue.Row.from_stored(draft.id, stored)) == exactly(row)


# --- Listing ----------------------------------------------------------------------------------


def test_a_cold_listing_split_between_two_processes_lists_what_one_does(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = Workspace(workspace)
    for i, draft in enumerate(variants(ws).values()):
        write_draft(ws, draft.model_copy(update={"id": f"d-{i}"}))
    (workspace / "drafts" / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    alone = queue.listing(ws)
    (workspace / "drafts" / queue.INDEX_NAME).unlink()
    forked: list[int] = []
    monkeypatch.setattr(forking, "MIN_ITEMS", 2)
    monkeypatch.setattr(forking, "second_core", lambda: True)
    real_fork = os.fork

    def fork() -> int:
        forked.append(1)
        return real_fork()

    monkeypatch.setattr(os, "fork", fork)
    split = queue.listing(ws)
    assert forked
    assert exactly(split.rows) == exactly(alone.rows)
    assert [e.to_dict() for e in split.unreadable] == [e.to_dict() for e in alone.unreadable]


def test_a_drafts_folder_that_is_a_link_lists_every_draft_as_unreadable(
    workspace: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    make_draft(workspace, "d-1")
    (workspace / "drafts").rename(elsewhere / "drafts")
    (workspace / "drafts").symlink_to(elsewhere / "drafts", target_is_directory=True)
    found = queue.listing(Workspace(workspace))
    assert found.rows == []
    assert [e.rule for e in found.unreadable] == ["file.symlink"]
