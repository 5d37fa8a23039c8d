"""Benchmark: is the review page quick on a queue of 10,000 drafts?

Builds a temporary workspace with N drafts (default 10,000, written as ``queue_bench.py`` writes
them) and times requests through the review app in-process (Starlette's test client: server time
and the client's own overhead, no network), each warm (after one request that builds the queue
index):

  - the queue page, first page of 50 rows: target under 300 ms;
  - one draft's page: target under 100 ms;
  - one task edit with its re-check and re-score (the time share moved by one point and back):
    target under 100 ms.

    .venv/bin/python bench/web_bench.py [--drafts N] [--runs K]

Prints the median and the slowest of K runs for each, with PASS/FAIL; exit 1 when one fails.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from starlette.testclient import TestClient  # noqa: E402
from tests.factories import SEED_PATH  # noqa: E402

from jobzone.web.app import create_app  # noqa: E402
from jobzone.workspace import MARKER  # noqa: E402
from queue_bench import write_drafts  # noqa: E402

TARGETS = {"queue page": 0.300, "draft page": 0.100, "task edit": 0.100}
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_OPENED = re.compile(r'name="opened" value="([^"]+)"')


def workspace(root: Path, drafts: int) -> Path:
    (root / "roles").mkdir(parents=True)
    (root / "drafts").mkdir()
    (root / MARKER).write_text("approvals_required: 1\n", encoding="utf-8")
    shutil.copy(SEED_PATH, root / "roles" / SEED_PATH.name)
    write_drafts(root, drafts)
    return root


def timed(action: Callable[[], None], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def ok(client: TestClient, method: str, url: str, **kwargs: object) -> str:
    response = client.request(method, url, **kwargs)  # type: ignore[arg-type]
    if response.status_code >= 400:
        raise SystemExit(f"{method} {url} answered {response.status_code}: {response.text[:300]}")
    return response.text


def run(root: Path, runs: int) -> dict[str, list[float]]:
    client = TestClient(create_app(root, reviewer="bench"), base_url="http://127.0.0.1:8765")
    ok(client, "GET", "/")  # builds the queue index: the cold request
    draft = "draft-000000"
    page = ok(client, "GET", f"/drafts/{draft}")
    results = {
        "queue page": timed(lambda: ok(client, "GET", "/"), runs),
        "draft page": timed(lambda: ok(client, "GET", f"/drafts/{draft}"), runs),
    }
    shares = [0]

    def edit() -> None:
        current = ok(client, "GET", f"/drafts/{draft}")
        token = _CSRF.search(current)
        opened = _OPENED.search(current)
        assert token and opened, "the page holds no edit form"
        shares[0] ^= 1
        start = time.perf_counter()
        ok(
            client,
            "POST",
            f"/drafts/{draft}/tasks/0",
            data={
                "csrf": token.group(1),
                "opened": opened.group(1),
                "time_pct": str(20 + shares[0]),
                "score": "2",
                "impact": "augmentation",
            },
            headers={"HX-Request": "true"},
        )
        edits.append(time.perf_counter() - start)

    edits: list[float] = []
    assert page
    for _ in range(runs):
        edit()
    results["task edit"] = edits
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--drafts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="jobzone-web-bench-") as scratch:
        root = workspace(Path(scratch) / "ws", args.drafts)
        results = run(root, args.runs)
    failed = False
    print(f"{args.drafts:,} drafts, {args.runs} warm runs each (in-process, test client)")
    for name, times in results.items():
        median, slowest = statistics.median(times), max(times)
        verdict = "PASS" if median < TARGETS[name] else "FAIL"
        failed |= verdict == "FAIL"
        print(
            f"{name}: median {median * 1000:.1f} ms, slowest {slowest * 1000:.1f} ms  "
            f"[target < {TARGETS[name] * 1000:.0f} ms] {verdict}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
