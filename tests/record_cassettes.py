"""Re-record the drafting cassettes, then replay them to check they pass.

    .venv/bin/python -m tests.record_cassettes            # everything, against the fake server
    .venv/bin/python -m tests.record_cassettes --demo     # only src/jobzone/demo/cassette.yaml
    .venv/bin/python -m tests.record_cassettes --eval     # only jobzone eval's: the tests'
                                                          # and src/jobzone/evals/demo/cassette.yaml
    .venv/bin/python -m tests.record_cassettes --commentary   # only test_commentary.py's
    .venv/bin/python -m tests.record_cassettes --real     # test_drafting.py against a real
                                                          # endpoint (OPENAI_API_KEY/BASE_URL)
    .venv/bin/python -m tests.record_cassettes --local URL    # test_local_model.py against
                                                          # llama-server at URL (.../v1)

Against the fake server, each test starts its own tests/fake_openai.py server on 127.0.0.1 with
the scenario of its ``fake_scenario`` marker (see drafting_support.py); nothing leaves the
machine. ``--real`` records the tests of tests/test_drafting.py whose scenario is clean with the
endpoint in the environment; the scripted faults of test_drafting_faults.py need the fake server
and are left as they are, and so are the commentary cassettes of test_commentary.py (they expect
the fake server's canned commentary and its wrong-figure scenarios). Run from the repository's
root.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COMMENTARY_TESTS = "tests/test_commentary.py"
TEST_FILES = (
    "tests/test_drafting.py",
    "tests/test_drafting_faults.py",
    COMMENTARY_TESTS,
    "tests/test_batch_drafting.py",
)
LOCAL_TESTS = "tests/test_local_model.py"
EVAL_TESTS = ("tests/test_eval_drafts.py", "tests/test_eval_labels.py")


def pytest(*args: str, env: dict[str, str] | None = None) -> int:
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args]
    print("+", " ".join(command), flush=True)
    return subprocess.call(command, cwd=REPO, env=env)


def record_demo() -> None:
    """The demo's review loop (:func:`jobzone.demo.play`) in a scratch workspace holding the
    demo's canonical snapshot, recorded through the same vcrpy options the tests replay with."""
    import vcr
    from click.testing import CliRunner

    from jobzone import demo
    from jobzone.cli import cli
    from jobzone.workflow.setup import init

    from .drafting_support import cassette_config
    from .fake_openai import FakeOpenAI

    demo.CASSETTE.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as scratch, FakeOpenAI("clean") as server:
        workspace = init(Path(scratch)).root
        shutil.copytree(demo.ROLES, workspace / "roles", dirs_exist_ok=True)
        os.environ.pop("JOBZONE_WORKSPACE", None)
        os.environ.update(
            OPENAI_BASE_URL=server.url, OPENAI_API_KEY="recording", JOBZONE_MODEL=demo.MODEL
        )

        def run(argv: list[str]) -> None:
            result = CliRunner().invoke(
                cli, ["--workspace", str(workspace), *argv], catch_exceptions=False
            )
            print(result.output)
            if result.exit_code != 0:
                raise SystemExit(f"jobzone {argv[0]} failed (exit {result.exit_code})")

        with vcr.VCR().use_cassette(str(demo.CASSETTE), **cassette_config("all")) as cassette:
            demo.play(run, workspace, print)
        if len(cassette.requests) != 8:
            raise SystemExit(f"expected 8 model calls, recorded {len(cassette.requests)}")
    print(f"recorded {demo.CASSETTE.relative_to(REPO)}")


def record_eval_demo() -> None:
    """``jobzone eval drafts --demo``'s recording: the evaluation of the roles in
    src/jobzone/evals/demo/roles/, against the fake server, through the same vcrpy options."""
    import vcr

    from jobzone.evals import demo, drafts_eval
    from jobzone.evals.report import draft_results, save
    from jobzone.workflow import Workflow

    from .drafting_support import cassette_config
    from .fake_openai import FakeOpenAI

    demo.CASSETTE.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as scratch, FakeOpenAI("clean") as server:
        model = demo.model(server.url, "recording")
        wf = Workflow(demo.workspace(Path(scratch)), models=lambda choice: model)
        with vcr.VCR().use_cassette(str(demo.CASSETTE), **cassette_config("all")) as cassette:
            run, asked = drafts_eval.start(wf, [], drafts_eval.DraftsOptions())
            save(draft_results(run, drafts_eval.execute(wf, run, asked)))
        recorded = len(cassette.requests)
        if recorded != demo.CALLS:
            raise SystemExit(f"expected {demo.CALLS} model calls, recorded {recorded}")
    print(f"recorded {demo.CASSETTE.relative_to(REPO)}")


def record_eval() -> int:
    """jobzone eval's cassettes: the demo's, then the tests' (replayed afterwards)."""
    record_eval_demo()
    env = {**os.environ, "JOBZONE_RECORD_AGAINST": "fake"}
    code = pytest(*EVAL_TESTS, "--record-mode=rewrite", "-q", env=env)
    return code or pytest(*EVAL_TESTS, "tests/test_eval_demo.py", "-q")


def main() -> int:
    parser = argparse.ArgumentParser(description="Re-record the drafting cassettes.")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--demo", action="store_true", help="record the demo cassette only")
    group.add_argument("--eval", action="store_true", help="record jobzone eval's cassettes only")
    group.add_argument("--real", action="store_true", help="record against $OPENAI_BASE_URL")
    group.add_argument(
        "--commentary", action="store_true", help="record test_commentary.py's cassettes only"
    )
    group.add_argument(
        "--local",
        metavar="URL",
        help="record test_local_model.py against a llama-server at URL (../shared/tools/"
        "local-model.sh prints its port); slow: minutes per draft on a CPU",
    )
    args = parser.parse_args()
    if args.local:
        env = {
            **os.environ,
            "JOBZONE_RECORD_AGAINST": "env",
            "OPENAI_BASE_URL": args.local,
            "OPENAI_API_KEY": "local",
        }
        code = pytest(LOCAL_TESTS, "--record-mode=rewrite", "-q", env=env)
        return code or pytest(LOCAL_TESTS, "-q")
    if args.demo:
        record_demo()
        return pytest("tests/test_drafting.py", "-k", "demo_replays", "-q")
    if args.eval:
        return record_eval()
    if args.commentary:
        env = {**os.environ, "JOBZONE_RECORD_AGAINST": "fake"}
        code = pytest(COMMENTARY_TESTS, "--record-mode=rewrite", "-q", env=env)
        return code or pytest(COMMENTARY_TESTS, "-q")
    if args.real:
        if not (os.environ.get("OPENAI_API_KEY") or os.environ.get("OPENAI_BASE_URL")):
            raise SystemExit("set OPENAI_API_KEY and/or OPENAI_BASE_URL to record for real")
        env = {**os.environ, "JOBZONE_RECORD_AGAINST": "env"}
        code = pytest(TEST_FILES[0], "--record-mode=rewrite", "-q", env=env)
        return code or pytest(*TEST_FILES, "-q")
    record_demo()
    env = {**os.environ, "JOBZONE_RECORD_AGAINST": "fake"}
    code = pytest(*TEST_FILES, "--record-mode=rewrite", "-q", env=env)
    return code or pytest(*TEST_FILES, "-q") or record_eval()


if __name__ == "__main__":
    sys.exit(main())
