"""``jobzone eval drafts --demo``: a recorded evaluation replayed with no key, no endpoint and no
workspace, leaving a real report to read."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobzone.cli import cli


@pytest.fixture
def nowhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No model configuration, no workspace; scratch folders go under the test's own."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "JOBZONE_MODEL", "JOBZONE_WORKSPACE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    here = tmp_path / "elsewhere"
    here.mkdir()
    monkeypatch.chdir(here)
    return tmp_path


def test_the_demo_replays_an_evaluation_of_two_roles_with_no_key(nowhere: Path) -> None:
    result = CliRunner().invoke(cli, ["eval", "drafts", "--demo", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "this is a replay" in result.stderr
    out = json.loads(result.stdout)
    assert [c["slug"] for c in out["cases"]] == ["devops-engineer", "mlops-engineer"]
    assert [c["calls"] for c in out["cases"]] == [4, 4]
    metrics = {m["key"]: m["value"] for m in out["metrics"]}
    assert metrics["aijri_error"] == pytest.approx(14.05)  # (|48.5 - 26.3| + |48.5 - 42.6|) / 2
    report = Path(out["workspace"]) / out["report"]
    assert report.is_file() and report.is_relative_to(nowhere)
    assert "<svg" in report.read_text("utf-8")


def test_the_demo_takes_no_roles_of_its_own(nowhere: Path) -> None:
    result = CliRunner().invoke(cli, ["eval", "drafts", "--demo", "devops-engineer"])
    assert result.exit_code == 2
    assert "--demo evaluates its own recorded roles" in result.output
