"""Shared fixtures: the seed role as data, and workspaces to run commands in."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from jobzone.assessment import Assessment
from jobzone.cli import cli
from jobzone.cli.app import Deps
from jobzone.documents import dump_yaml

from .drafting_support import DraftingEnv, drafting_environment, vcr_config_for
from .factories import SEED_TEXT, make_workspace
from .models import ScriptedModel

REPO = Path(__file__).resolve().parent.parent
#: The example role as it entered the canonical set (version 1), frozen for the tests: the
#: repository's own roles/ moves on through the review workflow.
EXAMPLE_PATH = REPO / "tests" / "data" / "example" / "mlops-engineer.yaml"
#: The seed role as tests use it (with source URLs, see ``factories.SEED_TEXT``).
_EXAMPLE: dict[str, Any] = yaml.safe_load(SEED_TEXT)


@pytest.fixture(scope="session")
def occupations_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One occupations index for the session (it takes a second or two to build)."""
    return tmp_path_factory.mktemp("jobzone-cache")


@pytest.fixture(autouse=True)
def _occupations_cache_env(occupations_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never the user's cache folder: every test, and every process it starts, uses the
    session's."""
    monkeypatch.setenv("JOBZONE_CACHE_DIR", str(occupations_cache))


@pytest.fixture
def example_data() -> dict[str, Any]:
    """A fresh deep copy of the seed role's raw mapping, safe to mutate."""
    return copy.deepcopy(_EXAMPLE)


@pytest.fixture
def example() -> Assessment:
    return Assessment.model_validate(copy.deepcopy(_EXAMPLE))


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A workspace (jobzone.yaml, roles/ and drafts/) holding the seed role."""
    make_workspace(tmp_path)
    (tmp_path / "roles" / EXAMPLE_PATH.name).write_text(SEED_TEXT, encoding="utf-8")
    return tmp_path


RunCli = Callable[..., Result]


@pytest.fixture
def run_cli(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> RunCli:
    """Run ``jobzone ARGS`` in the test workspace; returns click's Result."""
    monkeypatch.delenv("JOBZONE_WORKSPACE", raising=False)
    monkeypatch.chdir(workspace)

    def run(*args: str, input: str | None = None, model: ScriptedModel | None = None) -> Result:
        """``model``: the model drafting commands ask (else the real one, from the env)."""
        deps = Deps(models=model.factory()) if model is not None else None
        return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False, obj=deps)

    return run


def write_yaml(path: Path, data: Any) -> Path:
    """Write ``data`` as jobzone writes YAML (no anchors: jobzone refuses them)."""
    path.write_text(dump_yaml(data), encoding="utf-8")
    return path


# --- Drafting: cassettes and the model endpoint (see tests/drafting_support.py) -------------------


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "fake_scenario(name): the fake server's scenario when recording this test"
    )
    config.addinivalue_line(
        "markers", "partial_replay: the test may leave recorded requests unplayed"
    )
    config.addinivalue_line(
        "markers",
        "local_model: recorded from a real model on llama.cpp's llama-server, never the fake",
    )


@pytest.fixture
def vcr_config(request: pytest.FixtureRequest, record_mode: str) -> dict[str, Any]:
    """pytest-recording's cassette options: replay only (unless recording), secrets scrubbed,
    requests matched on method, path and JSON body."""
    return vcr_config_for(request, record_mode)


@pytest.fixture
def drafting_env(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    record_mode: str,
) -> Iterator[DraftingEnv]:
    """A scratch workspace holding the snapshot canonical set, with OPENAI_BASE_URL,
    OPENAI_API_KEY and JOBZONE_MODEL set for replay; drafts are dated 2026-11-21."""
    with drafting_environment(request, tmp_path, monkeypatch, record_mode) as env:
        yield env
