"""A recorded evaluation for ``jobzone eval drafts --demo``: no key, no network, the real code.

``roles/`` is the canonical set it evaluates (the demo's MLOps Engineer and a fictional DevOps
Engineer written for the tests): each is drafted from its title, the other being its only
calibration neighbour. ``cassette.yaml`` holds the HTTP exchanges of those two drafts (four calls
each), recorded against the loopback fake server in ``tests/fake_openai.py``, whose answers are
canned and fictional, not a model's. Replaying sends the same requests as recording only with
this model name and these role files.

Re-record with ``python -m tests.record_cassettes --eval-demo`` after a change to the prompts,
these roles or the drafting flow (tests/cassettes/README.md).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from jobzone.drafting.model import Model
from jobzone.workflow.setup import init
from jobzone.workspace import Workspace

HERE = Path(__file__).resolve().parent
CASSETTE = HERE / "cassette.yaml"
ROLES = HERE / "roles"
MODEL = "gpt-5-mini"
#: Where the replayed SDK believes it sends requests; nothing is sent, vcrpy answers first.
BASE_URL = "http://model.invalid/v1"
#: The model calls the recording holds: four for each of the two roles.
CALLS = 8


def workspace(folder: Path) -> Workspace:
    """``folder`` made a workspace holding the demo's canonical set."""
    root = init(folder).root
    shutil.copytree(ROLES, root / "roles", dirs_exist_ok=True)
    return Workspace(root)


def model(base_url: str = BASE_URL, api_key: str = "demo-replay") -> Model:
    """The real model (the openai SDK), pointed at ``base_url``: the recording, or the fake
    server while recording."""
    from jobzone.drafting.openai_model import OpenAIModel
    from jobzone.drafting.settings import ModelSettings

    return OpenAIModel(ModelSettings(model=MODEL, api_key=api_key, base_url=base_url))
