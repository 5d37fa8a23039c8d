"""The committed JSON Schemas match the models, and every YAML file points editors at one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jobzone.schemas import SCHEMAS, schema_text, write_schemas

from .conftest import REPO


@pytest.mark.parametrize("stem", sorted(SCHEMAS))
def test_committed_schema_matches_models(stem: str) -> None:
    committed = (REPO / "schemas" / f"{stem}.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(stem), (
        f"schemas/{stem}.schema.json is stale: run `make schemas` and commit the result"
    )


def test_schema_carries_rubric_ranges() -> None:
    schema = json.loads(schema_text("assessment"))
    task = schema["$defs"]["Task"]["properties"]
    assert (task["score"]["minimum"], task["score"]["maximum"]) == (1, 5)
    assert schema["$defs"]["Task"]["additionalProperties"] is False
    assert schema["properties"]["tasks"]["minItems"] == 4
    assert schema["properties"]["tasks"]["maxItems"] == 10


def test_draft_schema_links_the_assessment_schema() -> None:
    schema = json.loads(schema_text("draft"))
    assert schema["properties"]["assessment"]["$ref"] == "assessment.schema.json"
    assert schema["additionalProperties"] is False


def test_write_schemas_creates_one_file_per_model(tmp_path: Path) -> None:
    written = write_schemas(tmp_path)
    assert sorted(p.name for p in written) == sorted(f"{s}.schema.json" for s in SCHEMAS)
    for path in written:
        json.loads(path.read_text(encoding="utf-8"))


def _workspace_yaml_files() -> list[Path]:
    return sorted((REPO / "roles").glob("*.yaml")) + sorted((REPO / "drafts").rglob("*.yaml"))


@pytest.mark.parametrize("path", _workspace_yaml_files(), ids=lambda p: p.name)
def test_yaml_files_name_their_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=../schemas/")
    target = (path.parent / first.split("$schema=", 1)[1]).resolve()
    assert target.is_file(), f"{path.name} points at a missing schema {target}"
