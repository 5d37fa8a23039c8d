"""How much faster does a set of titles draft at once, and how few batches does it take?

    .venv/bin/python bench/bulk_bench.py [--titles 100] [--latency 200] [--concurrency 8]

Starts the loopback fake server (tests/fake_openai.py), in a process of its own as a real
endpoint would be, with ``--latency`` milliseconds per answer and drafts ``--titles`` distinct
titles with ``jobzone draft --from FILE`` through the real CLI, openai SDK, pipeline, validator,
scorer and queue, each time in a fresh workspace holding a copy of this repository's roles/:

1. one after another (``--concurrency 1``: the sequential wall time);
2. ``--concurrency N`` at once;
3. ``--batch``, against the fake server's Batch API, with the tasks of about a third of the
   titles summing to 95 the first time (so one round of repairs is needed); polls wait 10 ms.

Targets: (2) takes at most a fifth of (1)'s wall time; (3) makes at most as many batch
submissions as a draft has sequential stages (role, tasks and profile, commentary: 3) plus the
repair rounds its drafts needed, however many titles. Prints tokens and the estimated cost of
each, at list prices and (batch) at batch prices, then PASS or FAIL; exits 1 on FAIL. The
answers are canned, so the figures measure jobzone and the SDK, not a model.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from click.testing import CliRunner  # noqa: E402
from tests.fake_openai import FakeOpenAI  # noqa: E402

from jobzone.cli import cli  # noqa: E402
from jobzone.cli.app import Deps  # noqa: E402
from jobzone.drafting.model import Model, ModelChoice  # noqa: E402
from jobzone.drafting.openai_model import OpenAIModel  # noqa: E402
from jobzone.drafting.settings import ModelSettings  # noqa: E402
from jobzone.drafts import load_draft  # noqa: E402
from jobzone.workspace import Workspace  # noqa: E402

DATE = "2026-11-21"
SEQUENTIAL_STAGES = 3
SPEED_UP = 5
TRADES = ["Nurse", "Clerk", "Analyst", "Technician", "Inspector", "Planner", "Designer",
          "Coordinator", "Operator", "Estimator"]  # fmt: skip
FIELDS = ["Harbour", "Orchard", "Textile", "Railway", "Bakery", "Mining", "Forestry", "Museum",
          "Laboratory", "Vineyard"]  # fmt: skip


def titles(count: int) -> list[str]:
    """Distinct titles; those naming a Nurse, Clerk or Analyst are the ones the batch run's
    scenario repairs."""
    made = [f"{field} {trade}" for field in FIELDS for trade in TRADES]
    while len(made) < count:
        made += [f"Senior {t}" for t in made[: count - len(made)]]
    return made[:count]


class ServedApart:
    """The fake server in a process of its own, as a real endpoint is: its CPU work (HTTP, JSON,
    canned answers) must not share the drafting process's interpreter lock, or the bench would
    charge the server's time to jobzone's threads. ``created``: the batches it was sent."""

    def __init__(self, scenario: str, latency_ms: int) -> None:
        context = multiprocessing.get_context("spawn")
        self._said: multiprocessing.Queue[Any] = context.Queue()
        self._stop = context.Event()
        self._process = context.Process(
            target=_serve, args=(scenario, latency_ms, self._said, self._stop), daemon=True
        )
        self.url = ""
        self.created = 0

    def __enter__(self) -> ServedApart:
        self._process.start()
        self.url = self._said.get(timeout=60)
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self.created = self._said.get(timeout=60)
        self._process.join(timeout=10)


def _serve(scenario: str, latency_ms: int, said: Any, stop: Any) -> None:
    with FakeOpenAI(scenario, latency_ms=latency_ms) as server:
        said.put(server.url)
        stop.wait()
        said.put(server.batches.created)


def run_set(server: ServedApart, names: list[str], *args: str) -> tuple[dict[str, Any], float]:
    """``jobzone draft --from`` in a fresh workspace: its JSON report, and its wall time."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        shutil.copytree(REPO / "roles", root / "roles")
        (root / "drafts").mkdir()
        (root / "jobzone.yaml").write_text("approvals_required: 1\n", encoding="utf-8")
        path = root / "titles.txt"
        path.write_text("".join(f"{n}\n" for n in names), encoding="utf-8")
        os.environ.update(
            OPENAI_BASE_URL=server.url, OPENAI_API_KEY="bench", JOBZONE_MODEL="gpt-5-mini"
        )
        os.environ.pop("JOBZONE_WORKSPACE", None)

        def models(choice: ModelChoice) -> Model:
            return OpenAIModel(ModelSettings.from_env(choice), sleep=lambda _s: time.sleep(0.01))

        argv = ["--workspace", scratch, "draft", "--from", str(path), "--date", DATE, "--json"]
        started = time.perf_counter()
        result = CliRunner().invoke(cli, [*argv, *args], obj=Deps(models=models))
        wall = time.perf_counter() - started
        if result.exit_code not in (0, 1):
            raise SystemExit(f"the set failed (exit {result.exit_code}):\n{result.output}")
        report: dict[str, Any] = json.loads(result.stdout)
        repairs = [
            max(
                (r.round for r in load_draft(Workspace(root), row["draft"]).provenance.repairs),
                default=0,
            )
            for row in report["lines"]
            if row["draft"]
        ]
        report["repair_rounds"] = max(repairs, default=0)
    return report, wall


def line(name: str, report: dict[str, Any], wall: float) -> str:
    states = [row["state"] for row in report["lines"]]
    queued = states.count("queued")
    cost = report["cost_usd"]
    priced = f"${cost:.4f}" if cost is not None else "no price"
    return (
        f"{name:28} {wall:>8.1f} s  {queued:>4}/{len(states)} queued  "
        f"{report['tokens']:>11,} tokens  {priced}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--titles", type=int, default=100, metavar="N")
    parser.add_argument("--latency", type=int, default=200, metavar="MS")
    parser.add_argument("--concurrency", type=int, default=8, metavar="N")
    args = parser.parse_args()
    names = titles(args.titles)
    print(f"{args.titles} titles, fake server latency {args.latency} ms per answer")
    with ServedApart("clean", args.latency) as server:
        sequential, seq_wall = run_set(server, names, "--concurrency", "1")
        print(line("one after another", sequential, seq_wall))
        together, wall = run_set(server, names, "--concurrency", str(args.concurrency))
        print(line(f"--concurrency {args.concurrency}", together, wall))
    with ServedApart("batch-some-repairs", args.latency) as batch_server:
        batched, batch_wall = run_set(batch_server, names, "--batch")
    submitted = batch_server.created
    print(line("--batch", batched, batch_wall))
    ratio = wall / seq_wall
    allowed = SEQUENTIAL_STAGES + batched["repair_rounds"]
    live_cost = together["cost_usd"]
    print()
    print(
        f"speed-up {seq_wall / wall:.1f}x: concurrency {args.concurrency} took {ratio:.2f} of "
        f"the sequential wall time (target at most {1 / SPEED_UP:.2f})"
    )
    print(
        f"batch: {submitted} submissions for {args.titles} titles; at most {allowed} allowed "
        f"({SEQUENTIAL_STAGES} sequential stages + {batched['repair_rounds']} repair round(s)); "
        f"{batched['tokens']:,} tokens at batch prices ${batched['cost_usd']:.4f}, against "
        f"${live_cost:.4f} for the live set's {together['tokens']:,} tokens"
    )
    complete = all(
        {row["state"] for row in r["lines"]} == {"queued"} for r in (sequential, together, batched)
    )
    ok = ratio <= 1 / SPEED_UP and submitted <= allowed and complete
    print(f"{'PASS' if ok else 'FAIL'}: speed-up, batch submissions, every title queued")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
