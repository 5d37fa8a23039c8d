"""How many calls, how long, and how many tokens a draft costs, against a server with set latency.

    .venv/bin/python bench/draft_bench.py [--drafts 5] [--latency 200] [--title TITLE]
                                          [--roles N]

Starts the loopback fake server (tests/fake_openai.py) with ``--latency`` milliseconds per
answer, then runs ``--drafts`` clean ``jobzone draft`` runs, each in a fresh temporary workspace
holding a copy of this repository's roles/, through the real CLI, openai SDK, pipeline, validator,
scorer and queue. Per draft it prints the calls, the calls on the critical path (the longest chain
of calls each starting after the previous one ended, from the call records' start times and
latencies), prompt, cached and completion tokens, and wall time. Then it runs one draft whose
tasks first sum to 95 and prints the size of the repair prompt against the first attempt's.

With ``--roles N`` (issue 14: 2,000), the drafts run instead in one workspace of N roles generated
as ``bench/check_bench.py`` does, whose role cache a first ``jobzone roles`` has filled (as in a
workspace in use), and each line also gives the time the canonical set cost the draft: loading
it, reading the assessments it was asked for, and building its look-up tables (similarity index,
names).

Targets: a clean draft makes 4 calls and waits for at most 3 in sequence (role, then tasks and
profile together, then commentary); with ``--roles``, the canonical set costs under 0.5 s of
each draft. Prints PASS or FAIL and exits 1 on FAIL. The answers are canned, so the figures
measure jobzone and the SDK, not a model.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from click.testing import CliRunner  # noqa: E402
from tests.drafting_support import call_spans, sequential_calls  # noqa: E402
from tests.fake_openai import FakeOpenAI  # noqa: E402

from jobzone.cli import cli  # noqa: E402
from jobzone.drafts import Draft, load_draft  # noqa: E402
from jobzone.workspace import Workspace  # noqa: E402

CRITICAL_PATH_TARGET = 3
CLEAN_CALLS = 4
CANONICAL_SECONDS = 0.5
DATE = "2026-11-21"


class CanonicalClock:
    """The time spent on the canonical set: loading it, reading the assessments it is asked for,
    and building its look-up tables, measured by wrapping the functions that do it."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._depth = 0

    def wrap(self, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            self._depth += 1
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self._depth -= 1
                if not self._depth:  # nested calls are counted once
                    self.seconds += time.perf_counter() - start

        return timed

    def install(self) -> None:
        from jobzone import canonical, role_loading

        role_loading.load_set = self.wrap(role_loading.load_set)  # type: ignore[assignment]
        role_loading.CachedRoles.load = self.wrap(role_loading.CachedRoles.load)  # type: ignore[method-assign]
        canonical.CanonicalSet.table = self.wrap(canonical.CanonicalSet.table)  # type: ignore[method-assign]
        index = functools.cached_property(self.wrap(canonical._Roles.index.func))
        index.__set_name__(canonical._Roles, "index")
        canonical._Roles.index = index  # type: ignore[method-assign,assignment]


CLOCK = CanonicalClock()


def make_workspace(scratch: Path) -> None:
    shutil.copytree(REPO / "roles", scratch / "roles")
    (scratch / "drafts").mkdir()
    (scratch / "jobzone.yaml").write_text("approvals_required: 1\n", encoding="utf-8")


def draft_once(server: FakeOpenAI, title: str, scratch: Path) -> tuple[Draft, float]:
    """One ``jobzone draft`` in the workspace ``scratch``; the queued draft and the wall time."""
    os.environ.update(OPENAI_BASE_URL=server.url, OPENAI_API_KEY="bench", JOBZONE_MODEL="bench")
    os.environ.pop("JOBZONE_WORKSPACE", None)
    started = time.perf_counter()
    result = CliRunner().invoke(
        cli, ["--workspace", str(scratch), "draft", title, "--date", DATE, "--json"]
    )
    wall = time.perf_counter() - started
    if result.exit_code not in (0, 1):
        raise SystemExit(f"draft failed (exit {result.exit_code}):\n{result.output}")
    summary: dict[str, Any] = json.loads(result.stdout)
    return load_draft(Workspace(scratch), summary["id"]), wall


def clean_drafts(count: int, latency: int, title: str, large: Path | None) -> bool:
    print(f"clean drafts of {title!r}, server latency {latency} ms per call")
    header = (
        f"{'#':>2}  {'calls':>5}  {'critical':>8}  {'prompt':>7}  {'cached':>6}  "
        f"{'completion':>10}  {'wall s':>6}  {'wall/latency':>12}  errors"
    )
    print(header + ("  canonical s" if large else ""))
    ok = True
    with FakeOpenAI("clean", latency_ms=latency) as server:
        for i in range(1, count + 1):
            CLOCK.seconds = 0.0
            if large is not None:
                draft, wall = draft_once(server, title, large)
            else:
                with tempfile.TemporaryDirectory() as scratch:
                    make_workspace(Path(scratch))
                    draft, wall = draft_once(server, title, Path(scratch))
            calls = draft.provenance.calls
            critical = sequential_calls(call_spans(calls))
            usage = draft.provenance.usage
            errors = len(draft.findings.errors)
            ratio = wall / (latency / 1000) if latency else float("nan")
            canonical = f"  {CLOCK.seconds:>11.3f}" if large else ""
            print(
                f"{i:>2}  {len(calls):>5}  {critical:>8}  {usage.prompt_tokens:>7,}  "
                f"{usage.cached_tokens:>6,}  {usage.completion_tokens:>10,}  {wall:>6.2f}  "
                f"{ratio:>12.2f}  {errors}{canonical}"
            )
            ok &= len(calls) == CLEAN_CALLS and critical <= CRITICAL_PATH_TARGET
            if large is None:
                ok &= errors == 0  # in a generated set a draft may warn or err on its neighbours
            elif CLOCK.seconds >= CANONICAL_SECONDS:
                print(
                    f"    FAIL: the canonical set cost {CLOCK.seconds:.3f} s of this draft "
                    f"(target: under {CANONICAL_SECONDS:g} s)"
                )
                ok = False
    return ok


def repair_size(latency: int, title: str) -> None:
    """One draft whose tasks first sum to 95: the repair prompt against the first attempt's."""
    with FakeOpenAI("tasks-95-once", latency_ms=latency) as server:
        with tempfile.TemporaryDirectory() as scratch:
            make_workspace(Path(scratch))
            draft, _ = draft_once(server, title, Path(scratch))
            journal = Path(scratch) / "drafts" / ".runs" / draft.id / "answers"
            last_answer = json.loads((journal / "tasks-r0.json").read_text("utf-8"))["content"]
        tasks = [c for c in server.calls if c.stage == "tasks"]
    first, repair = (c for c in tasks if not c.repair), (c for c in tasks if c.repair)
    f, r = next(first), next(repair)
    records = [c for c in draft.provenance.calls if c.stage == "tasks"]
    # As the SDK sends it: compact JSON, one more message in the list.
    answer_chars = (
        len(json.dumps({"role": "assistant", "content": last_answer}, separators=(",", ":"))) + 1
    )
    print()
    print(f"repair of the tasks stage ({len(draft.provenance.repairs)} round, sum 95 -> 100)")
    print(
        f"  first attempt   {f.prompt_chars:>7,} chars  {records[0].usage.prompt_tokens:>6,} tokens"
    )
    print(
        f"  repair          {r.prompt_chars:>7,} chars  {records[1].usage.prompt_tokens:>6,} "
        f"tokens  ({r.prompt_chars / f.prompt_chars:.2f}x; "
        f"{records[1].usage.cached_tokens:,} cached)"
    )
    extra = r.prompt_chars - f.prompt_chars
    print(
        f"  the repair adds {extra:,} chars: the stage's last answer ({answer_chars:,}) and the "
        f"findings with the repair instructions ({extra - answer_chars:,}); nothing else"
    )


def large_workspace(scratch: Path, roles: int) -> Path:
    """A workspace of ``roles`` generated roles whose role cache is filled."""
    sys.path.insert(0, str(REPO / "bench"))
    from check_bench import generate

    started = time.perf_counter()
    generate(scratch, roles, 20260426)
    CliRunner().invoke(cli, ["--workspace", str(scratch), "roles"])
    print(f"generated {roles} roles ({time.perf_counter() - started:.1f} s); role cache filled")
    return scratch


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--drafts", type=int, default=5, metavar="N")
    parser.add_argument("--latency", type=int, default=200, metavar="MS")
    parser.add_argument("--title", default="Site Reliability Engineer")
    parser.add_argument("--roles", type=int, metavar="N", help="draft among N generated roles")
    args = parser.parse_args()
    CLOCK.install()
    with tempfile.TemporaryDirectory() as scratch:
        large = large_workspace(Path(scratch), args.roles) if args.roles else None
        ok = clean_drafts(args.drafts, args.latency, args.title, large)
    if not args.roles:
        repair_size(args.latency, args.title)
    print()
    verdict = "PASS" if ok else "FAIL"
    among = (
        f" among {args.roles} roles, the canonical set costing under {CANONICAL_SECONDS:g} s each"
        if args.roles
        else " and no errors"
    )
    print(
        f"{verdict}: every clean draft made {CLEAN_CALLS} calls with at most "
        f"{CRITICAL_PATH_TARGET} on the critical path{among}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
