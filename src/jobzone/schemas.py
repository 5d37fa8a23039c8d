"""JSON Schemas of the files people edit, generated from the models.

``python -m jobzone.schemas [DIR]`` (``make schemas``) rewrites them; a test fails when the
committed ``schemas/`` folder drifts from what the models generate.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from jobzone.assessment import Assessment
from jobzone.documents import atomic_write
from jobzone.drafts import Draft

#: File name stem (``schemas/<stem>.schema.json``) -> the model it describes.
SCHEMAS: dict[str, type[BaseModel]] = {"assessment": Assessment, "draft": Draft}

#: Fields that hold a whole document of another schema, linked rather than repeated.
LINKS: dict[str, dict[str, str]] = {"draft": {"assessment": "assessment"}}


def schema_text(stem: str) -> str:
    schema = SCHEMAS[stem].model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    for field_name, target in LINKS.get(stem, {}).items():
        linked = schema["properties"][field_name]
        schema["properties"][field_name] = {
            "$ref": f"{target}.schema.json",
            "description": linked["description"],
        }
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    written = []
    for stem in SCHEMAS:
        path = folder / f"{stem}.schema.json"
        atomic_write(path, schema_text(stem))
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("schemas")
    for written_path in write_schemas(target):
        print(written_path)
