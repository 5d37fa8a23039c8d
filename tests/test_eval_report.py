"""The evaluation's report and notes: text from data is escaped in the HTML page, which fetches
nothing; ``--notes`` finds the notes the approved version was drafted with."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import yaml

from jobzone.canonical import load_canonical
from jobzone.drafting.journal import Journal, RunRequest
from jobzone.evals.compare import finished_labels
from jobzone.evals.drafts_eval import approved_notes
from jobzone.evals.report import html, label_results, text
from jobzone.workspace import Workspace

from .factories import SEED_SLUG
from .test_eval_compare import labels_run

HOSTILE = '<script>alert("x")</script> & <img src=x>'


def test_the_report_escapes_what_the_data_says_and_fetches_nothing(workspace: Path) -> None:
    run = labels_run(workspace, "run-a", [1, 2, 3, 4, 5])
    batch = json.loads((run.case_dir("batch-001") / "result.json").read_text("utf-8"))
    batch["items"][0]["text"] = HOSTILE
    run.write("cases/batch-001/result.json", json.dumps(batch))
    page = html(label_results(run, list(finished_labels(run).values())))
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;img src=x&gt;" in page
    assert "<script" not in page and "<img" not in page and "http" not in page.split("<body>")[1]


def test_the_table_names_the_run_and_each_metric(workspace: Path) -> None:
    run = labels_run(workspace, "run-a", [1, 2, 3, 4, 5])
    lines = text(label_results(run, list(finished_labels(run).values()))).splitlines()
    assert lines[0].startswith("evaluation run-a  (labels, run-a at model.invalid, 5 tasks)")
    exact = next(line for line in lines if "T-level: exact" in line)
    assert exact.split()[-2:] == ["100.0%", "65.0%"]  # every score is its level's


def test_notes_are_those_the_approved_version_was_drafted_with(workspace: Path) -> None:
    ws = Workspace(workspace)
    role_file = ws.role_path(SEED_SLUG)
    data = yaml.safe_load(role_file.read_text("utf-8"))
    (role,) = load_canonical(ws)
    assert approved_notes(ws, role) is None  # imported, never drafted
    at = dt.datetime(2026, 11, 21, tzinfo=dt.UTC)
    data["history"] = [
        *data.get("history", []),
        {
            "at": at,
            "by": "Ann",
            "action": "approved",
            "draft": "mlops-1",
            "version": 2,
            "content_sha256": "0" * 64,
        },
    ]
    role_file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    (role,) = load_canonical(ws)
    assert approved_notes(ws, role) is None  # the run is not kept
    request = RunRequest(
        id="mlops-1",
        title="MLOps Engineer",
        notes="platform teams in fintech",
        model="m",
        temperature=None,
        max_repairs=2,
        assessed_on=at.date(),
        created_at=at,
        by="Ann",
    )
    Journal.create(ws, request)
    assert approved_notes(ws, role) == "platform teams in fintech"
