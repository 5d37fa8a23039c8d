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

#: File name stem (``schemas/<stem>.schema.json``) -> the model it describes.
SCHEMAS: dict[str, type[BaseModel]] = {"assessment": Assessment}


def schema_text(model: type[BaseModel]) -> str:
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    written = []
    for stem, model in SCHEMAS.items():
        path = folder / f"{stem}.schema.json"
        atomic_write(path, schema_text(model))
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("schemas")
    for written_path in write_schemas(target):
        print(written_path)
