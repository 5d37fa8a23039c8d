"""How the model is reached: the timeout and the structured-output mode, from the environment
or the options, refused with the variable's name when they make no sense (issue 9, points 3, 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobzone.drafting.model import ModelChoice
from jobzone.drafting.settings import DEFAULT_TIMEOUT, ModelSettings
from jobzone.errors import ConfigError

from .conftest import RunCli


@pytest.fixture(autouse=True)
def endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "JOBZONE_TIMEOUT", "JOBZONE_STRUCTURED_OUTPUT", "JOBZONE_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")


def test_defaults_wait_two_minutes_of_silence_and_detect_the_mode() -> None:
    settings = ModelSettings.from_env()
    assert (settings.read_timeout, settings.structured_output) == (DEFAULT_TIMEOUT, "auto")


def test_the_environment_sets_them_and_the_options_override_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JOBZONE_TIMEOUT", "600")
    monkeypatch.setenv("JOBZONE_STRUCTURED_OUTPUT", "json_object")
    from_env = ModelSettings.from_env()
    chosen = ModelSettings.from_env(ModelChoice(timeout=30, structured_output="tools"))

    assert (from_env.read_timeout, from_env.structured_output) == (600, "json_object")
    assert (chosen.read_timeout, chosen.structured_output) == (30, "tools")


@pytest.mark.parametrize("value", ["soon", "0", "-5", "nan"])
def test_a_timeout_that_is_no_positive_number_is_refused(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("JOBZONE_TIMEOUT", value)
    with pytest.raises(ConfigError) as caught:
        ModelSettings.from_env()
    assert f"JOBZONE_TIMEOUT={value!r}" in caught.value.message


def test_an_unknown_mode_is_refused_with_the_modes_there_are(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JOBZONE_STRUCTURED_OUTPUT", "grammar")
    with pytest.raises(ConfigError) as caught:
        ModelSettings.from_env()
    assert "auto, json_schema, tools, json_object" in caught.value.message


def test_bad_settings_stop_a_draft_before_anything_is_written(
    workspace: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOBZONE_TIMEOUT", "soon")

    from_env = run_cli("draft", "Registered Nurse")
    option = run_cli("draft", "Registered Nurse", "--timeout", "0")
    mode = run_cli("draft", "Registered Nurse", "--structured-output", "grammar")

    assert from_env.exit_code == 2 and "JOBZONE_TIMEOUT='soon'" in from_env.stderr
    assert option.exit_code == 2 and "--timeout" in option.stderr
    assert mode.exit_code == 2 and "--structured-output" in mode.stderr
    assert not (workspace / "drafts" / ".runs").exists()
