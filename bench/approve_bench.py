"""Benchmark: does ``jobzone approve`` answer within a second in a workspace of 20,000 roles?

Generates N valid roles (default 20,000) as ``bench/check_bench.py`` does, or takes a workspace
it generated and kept (``--workspace DIR``, from ``check_bench.py --roles N --keep DIR``); adds
the seed role (``tests/data/example/mlops-engineer.yaml``) and queues clean revisions of it that
change its primary function (``tests/factories.py``'s ``make_draft``, one per approval). Then, as
subprocesses of the installed
``jobzone`` script (what a user waits for, start-up included):

  - ``jobzone roles`` once, which fills the role cache as any earlier command in a workspace in
    use has (timed, for scale: the first command after every role file changed);
  - ``jobzone approve ID --accept-warnings --note ...``: checks the draft against the whole set
    under the lock, keeps the versions, replaces the role file, closes the draft and updates the
    queue's index.

Each approval is timed ``--runs`` times (a new revision each time), and the median taken; the
same approvals are timed in a workspace holding only the seed role, for scale. Target (issue
14): the median approval in the large workspace under 1 s.

    .venv/bin/python bench/approve_bench.py [--roles N] [--workspace DIR] [--seed S] [--runs K]

Exit status: 0 PASS, 1 FAIL (too slow), 2 the run is not valid (a command failed).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "bench")]  # tests.factories and check_bench

from tests.factories import SEED_PATH, make_draft  # noqa: E402

from check_bench import generate, jobzone_script  # noqa: E402

TARGET_SECONDS = 1.0
REVIEWER = "Bench Reviewer"


class InvalidRunError(Exception):
    """A command failed, so its time means nothing."""


def jobzone(ws: Path, *args: str) -> float:
    """Run ``jobzone --workspace WS ARGS``; its wall time."""
    start = time.perf_counter()
    done = subprocess.run(
        [jobzone_script(), "--workspace", str(ws), *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "JOBZONE_REVIEWER": REVIEWER},
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 2) or (done.returncode == 2 and args[0] != "roles"):
        raise InvalidRunError(f"jobzone {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return elapsed


def approval(ws: Path, draft_id: str) -> float:
    """Queue a clean revision of the seed role that changes its primary function, and time its
    approval (which writes a new version of the role file)."""

    def revise(assessment: dict[str, Any]) -> None:
        role = assessment["role"]
        role["primary_function"] = f"{role['primary_function']} (Revised in {draft_id}.)"

    make_draft(ws, draft_id, change=revise)
    return jobzone(ws, "approve", draft_id, "--accept-warnings", "--note", "bench approval")


def approvals(ws: Path, runs: int) -> list[float]:
    """``runs`` approvals one after another, each of a new revision."""
    return [approval(ws, f"bench-approval-{time.time_ns()}") for _ in range(runs)]


def _each(times: list[float]) -> str:
    """The runs a median was taken of."""
    return "runs: " + ", ".join(f"{t:.3f}" for t in times)


def run(ws: Path, n: int, seed_value: int, generated: bool, runs: int) -> int:
    if not generated:
        start = time.perf_counter()
        generate(ws, n, seed_value)
        print(f"generated {n} roles in {ws} ({time.perf_counter() - start:.1f} s)")
    n = sum(1 for p in (ws / "roles").glob("*.yaml") if p.name != SEED_PATH.name)
    # The seed role afresh (a kept workspace holds the versions an earlier run approved).
    shutil.rmtree(ws / "roles" / ".versions" / SEED_PATH.stem, ignore_errors=True)
    shutil.copy(SEED_PATH, ws / "roles" / SEED_PATH.name)
    small = Path(tempfile.mkdtemp(prefix="jobzone-approve-small-"))
    try:
        (small / "roles").mkdir()
        (small / "drafts").mkdir()
        (small / "jobzone.yaml").write_text("approvals_required: 1\n", encoding="utf-8")
        shutil.copy(SEED_PATH, small / "roles" / SEED_PATH.name)
        try:
            warming = jobzone(ws, "roles")
            large_runs = approvals(ws, runs)
            jobzone(small, "roles")
            alone_runs = approvals(small, runs)
        except InvalidRunError as exc:
            print(f"INVALID: {exc}")
            return 2
    finally:
        shutil.rmtree(small, ignore_errors=True)
    large, alone = statistics.median(large_runs), statistics.median(alone_runs)
    print(f"jobzone roles (fills the role cache):          {warming:6.2f} s  ({n + 1} roles)")
    print(f"jobzone approve, {n + 1} roles:               {large:6.3f} s  ({_each(large_runs)})")
    print(f"jobzone approve, the seed role alone:          {alone:6.3f} s  ({_each(alone_runs)})")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    outcome = "PASS" if large < TARGET_SECONDS else "FAIL"
    print(
        f"{outcome}: `jobzone approve` in a workspace of {n + 1} roles takes {large:.3f} s "
        f"(target: under {TARGET_SECONDS:g} s)"
    )
    return 0 if outcome == "PASS" else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--roles", type=int, default=20_000, help="roles to generate [20000]")
    parser.add_argument(
        "--workspace", type=Path, metavar="DIR", help="a workspace check_bench.py generated"
    )
    parser.add_argument("--seed", type=int, default=20260426, help="random seed [20260426]")
    parser.add_argument("--runs", type=int, default=3, help="approvals timed in each [3]")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    if args.workspace is not None:
        return run(args.workspace.resolve(), args.roles, args.seed, generated=True, runs=args.runs)
    with tempfile.TemporaryDirectory(prefix="jobzone-approve-bench-") as tmp:
        return run(Path(tmp), args.roles, args.seed, generated=False, runs=args.runs)


if __name__ == "__main__":
    sys.exit(main())
