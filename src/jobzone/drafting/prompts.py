"""The prompt templates in ``prompts/``: loading, versioning and building the messages of a call.

Only jobzone's own text (the rubric's data, the figure names) is rendered into instructions.
Everything read from files or typed by people (the title, editor notes, the canonical roles used
for calibration, with their titles and task names) and earlier model answers travel in a
separate user message as JSON data, so nothing in a file can become an instruction.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from jobzone.drafting.model import Message
from jobzone.errors import ConfigError
from jobzone.references import meanings
from jobzone.rubric import Rubric

TEMPLATE_NAMES = ("system", "role", "tasks", "profile", "commentary", "repair")


def prompts_dir() -> Path:
    """Installed wheels carry the templates inside the package; a source checkout has them at
    the repository's top level."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "prompts", here.parent.parent / "prompts"):
        if (candidate / "system.md.j2").is_file():
            return candidate
    raise ConfigError("prompt templates not found (expected a prompts/ folder)")


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(prompts_dir()),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # prompts are plain text sent to a model, not HTML
        keep_trailing_newline=True,
        trim_blocks=True,
    )


def template_version(name: str) -> str:
    """A short hash of the template's text: what the draft records as its version."""
    text = (prompts_dir() / f"{name}.md.j2").read_bytes()
    return hashlib.sha256(text).hexdigest()[:12]


def prompt_versions() -> dict[str, str]:
    return {name: template_version(name) for name in TEMPLATE_NAMES}


def render_template(name: str, **context: Any) -> str:
    return _environment().get_template(f"{name}.md.j2").render(**context).strip() + "\n"


def system_prompt(rubric: Rubric) -> str:
    zones = {z.name: str(float(z.min)) for z in rubric.zones}
    return render_template("system", rubric=rubric, zones=zones)


def data_message(data: dict[str, Any]) -> Message:
    """Untrusted and model-made content, as JSON data in a user message."""
    return {"role": "user", "content": json.dumps(data, ensure_ascii=False, indent=1, default=str)}


def stage_messages(
    rubric: Rubric, stage: str, data: dict[str, Any], **context: Any
) -> list[Message]:
    """The first attempt of a stage: one system message (the rubric, then the stage's
    instructions: some chat templates join two system messages without a break), then the data.

    ``context`` fills the instructions and must hold only jobzone's own values (flags, dates);
    anything from a file belongs in ``data``."""
    instructions = render_template(stage, rubric=rubric, references=meanings(), **context)
    return [
        {"role": "system", "content": f"{system_prompt(rubric)}\n{instructions}"},
        data_message(data),
    ]


def repair_messages(
    first: list[Message],
    last_answer: str,
    findings: list[dict[str, str]],
) -> list[Message]:
    """A repair: the first attempt's messages, the stage's own last answer and the findings.

    Earlier repairs are not carried along, so a repair never grows with the number of rounds.
    """
    return [
        *first,
        {"role": "assistant", "content": last_answer},
        {
            "role": "user",
            "content": render_template("repair")
            + json.dumps({"findings": findings}, ensure_ascii=False, indent=1),
        },
    ]
