"""A recorded drafting session for ``make demo``: no key, no network, the real pipeline.

``cassette.yaml`` holds the four HTTP exchanges of one clean ``jobzone draft`` run, recorded
against the loopback fake server in ``tests/fake_openai.py`` (canned, fictional answers, not a
model's). ``roles/`` is the canonical set it was recorded with: the prompts carry that set's
calibration, so replaying needs exactly these files in the scratch workspace. Replaying sends the
same requests as recording only with the title, model and date below.

Re-record with ``python -m tests.record_cassettes --demo`` after a change to the prompts, the
canonical snapshot or the drafting flow (tests/cassettes/README.md).
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
CASSETTE = HERE / "cassette.yaml"
ROLES = HERE / "roles"
TITLE = "Site Reliability Engineer"
MODEL = "gpt-5-mini"
ASSESSED_ON = "2026-11-21"
#: Where the replayed SDK believes it sends requests; nothing is sent, vcrpy answers first.
BASE_URL = "http://model.invalid/v1"
