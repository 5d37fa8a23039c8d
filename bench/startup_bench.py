"""Benchmark: how long do jobzone's quick commands take to start, against the libraries they need?

A command that only reads should cost little more than the libraries it cannot do without:

  - ``jobzone --help`` and ``jobzone --version`` need click alone: at most 2x the wall time of
    ``python -c "import click"``;
  - ``jobzone roles``, ``queue``, ``show ID`` and ``score mlops-engineer`` read YAML into pydantic
    models: at most 2x ``python -c "import click, yaml, pydantic"``.

It builds a scratch workspace (``jobzone init`` through the installed script, the repository's
``roles/mlops-engineer.yaml``, and one pending draft revising that role, written by the test
factory), then runs rounds: each round starts every command and every baseline once as a
subprocess of this Python, in a new random order, so that a busy spell on a shared machine
slows them alike. The verdict compares minimum wall times over the rounds: noise only ever adds
time, so the minimum is the figure least disturbed by other work. The median, the 90th
percentile and the median of the per-round ratios are printed beside it to show the spread.

Reference rows are timed too, against the pydantic baseline, with no target: the first pydantic
model a process defines (pydantic builds its machinery then, whatever the model), importing the
role file's models (``jobzone.assessment``: every command that reads a role needs them) and the
draft file's models (``jobzone.drafts``: queue and show read drafts). They are floors: a command
that needs those models cannot start faster than importing them.

Byte code: the children run with ``PYTHONPYCACHEPREFIX`` set to a scratch folder and without
``PYTHONDONTWRITEBYTECODE``, so the first (uncounted) round compiles every module once for all
later ones, jobzone's as well as the libraries', as on a user's machine (an installed wheel is
compiled when it is installed). Otherwise, where ``PYTHONDONTWRITEBYTECODE`` is set, every run of
a command would compile jobzone's source again while the libraries load their installed byte code.

Each command is then run once more under a probe that lists ``sys.modules`` at exit, to print how
many modules it imported and whether pydantic, openai, httpx, httpx2 or jinja2 were among them.

    .venv/bin/python bench/startup_bench.py [--rounds N] [--keep DIR]

Exit status: 0 every command within its target, 1 some command over it, 2 the run is not valid
(the workspace could not be built, or a command failed).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # for tests.factories: the draft is built as the tests build one

from tests.factories import SEED_PATH, make_draft, retitle_first_task  # noqa: E402

TARGET = 2.0
DRAFT_ID = "mlops-engineer-bench"
#: Imports a quick command must not pay for; pydantic only matters to --help and --version.
WATCHED = ("pydantic", "openai", "httpx", "httpx2", "jinja2")
CLICK = "import click"
PYDANTIC = "import click, yaml, pydantic"
#: Prepended to the code a probe runs: writes the names in sys.modules to the file named by the
#: first argument when the process exits, however it exits.
PROBE = (
    "import atexit, sys\n"
    "_out = sys.argv.pop(1)\n"
    "def _dump():\n"
    "    with open(_out, 'w', encoding='utf-8') as f:\n"
    "        f.write('\\n'.join(sorted(sys.modules)))\n"
    "atexit.register(_dump)\n"
)
#: What the installed ``jobzone`` script does, for the probe.
RUN_JOBZONE = "sys.argv[0] = 'jobzone'\nfrom jobzone.cli import main\nmain()\n"


@dataclass
class Item:
    """One thing timed: a command against its baseline, a baseline, or a reference floor."""

    label: str
    argv: list[str]
    #: Python code doing the same as ``argv``, run under :data:`PROBE` to list its imports.
    code: str
    code_args: list[str] = field(default_factory=list)
    #: The code of the baseline it is compared with; None for a baseline itself.
    baseline: str | None = None
    #: The largest ratio to the baseline that passes; None for a reference row (no target).
    target: float | None = None
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    modules: list[str] = field(default_factory=list)


def jobzone_script() -> str:
    local = Path(sys.executable).with_name("jobzone")
    found = local if local.exists() else shutil.which("jobzone")
    if not found:
        raise SystemExit("the jobzone script is not installed next to this Python or on PATH")
    return str(found)


def python_item(label: str, code: str, baseline: str | None = None) -> Item:
    return Item(label, [sys.executable, "-c", code], code, baseline=baseline)


def items(script: str) -> list[Item]:
    commands = [
        (["--help"], CLICK),
        (["--version"], CLICK),
        (["roles"], PYDANTIC),
        (["queue"], PYDANTIC),
        (["show", DRAFT_ID], PYDANTIC),
        (["score", "mlops-engineer"], PYDANTIC),
    ]
    model = f"{PYDANTIC}\nclass M(pydantic.BaseModel):\n    x: int\n"
    return [
        python_item(CLICK, CLICK),
        python_item(PYDANTIC, PYDANTIC),
        python_item("first pydantic model", model, PYDANTIC),
        python_item("import jobzone.assessment", f"{PYDANTIC}, jobzone.assessment", PYDANTIC),
        python_item("import jobzone.drafts", f"{PYDANTIC}, jobzone.drafts", PYDANTIC),
        *(
            Item(
                " ".join(["jobzone", *args]),
                [script, *args],
                RUN_JOBZONE,
                args,
                baseline=baseline,
                target=TARGET,
            )
            for args, baseline in commands
        ),
    ]


def environment(pycache: Path) -> dict[str, str]:
    """This environment without jobzone's or the model's settings, which could change a run, and
    with byte code written to ``pycache`` (see the module's docstring)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("JOBZONE_", "OPENAI_")) and k != "PYTHONDONTWRITEBYTECODE"
    }
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def build_workspace(root: Path, script: str, env: dict[str, str]) -> None:
    subprocess.run([script, "init", str(root)], check=True, capture_output=True, env=env)
    shutil.copy(SEED_PATH, root / "roles" / SEED_PATH.name)
    make_draft(root, DRAFT_ID, change=retitle_first_task)


def run_once(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, int]:
    """Wall and CPU seconds (user + system) of one run, and its exit status.

    ``posix_spawn`` and ``wait4`` rather than :mod:`subprocess`: the child's own resource usage
    comes back with its exit, and the parent adds as little as it can to the wall time.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        actions = [(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
        here = Path.cwd()
        os.chdir(cwd)
        try:
            start = time.perf_counter()
            pid = os.posix_spawn(argv[0], argv, env, file_actions=actions)
            _, status, usage = os.wait4(pid, 0)
            wall = time.perf_counter() - start
        finally:
            os.chdir(here)
    finally:
        os.close(devnull)
    return wall, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)


def probe(item: Item, cwd: Path, env: dict[str, str], out: Path) -> list[str]:
    """The modules ``item`` has imported when it exits."""
    argv = [sys.executable, "-c", PROBE + item.code, str(out), *item.code_args]
    subprocess.run(argv, cwd=cwd, env=env, check=True, capture_output=True)
    return out.read_text("utf-8").split("\n")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:6.1f}"


def report(table: list[Item], rounds: int) -> bool:
    """Print the tables; whether every command is within its target."""
    by_code = {i.code: i for i in table if i.baseline is None}
    print(
        f"\n{rounds} rounds; wall time in ms (min, median, 90th percentile) and the least CPU "
        "time (user + system) of a run;\nratio = min wall / the baseline's min wall; per-round = "
        "the median of the ratios within each round\n"
    )
    head = (
        f"{'':34} {'min':>6} {'median':>6} {'p90':>6} {'cpu':>6}  "
        f"{'baseline':28} {'ratio':>5} {'per-round':>9} {'target':>6}  verdict"
    )
    print(head)
    print("-" * len(head))
    ok = True
    floors_over: list[str] = []
    for item in table:
        figures = (
            f"{item.label:34} {ms(min(item.wall))} {ms(statistics.median(item.wall))} "
            f"{ms(percentile(item.wall, 0.9))} {ms(min(item.cpu))}  "
        )
        if item.baseline is None:
            print(figures + "(baseline)")
            continue
        base = by_code[item.baseline]
        ratio = min(item.wall) / min(base.wall)
        paired = statistics.median(w / b for w, b in zip(item.wall, base.wall, strict=True))
        if item.target is None:
            target, verdict = "-", "floor, no target"
            if ratio > TARGET:
                floors_over.append(f"{item.label} ({ratio:.2f}x)")
        else:
            target = f"{item.target:.1f}x"
            verdict = "PASS" if ratio <= item.target else "FAIL"
            ok = ok and ratio <= item.target
        print(figures + f"{base.label:28} {ratio:5.2f} {paired:9.2f} {target:>6}  {verdict}")
    if floors_over:
        print(
            f"\nover {TARGET:.0f}x before any command runs: {', '.join(floors_over)}; a command "
            "that needs those models cannot meet the target"
        )
    print(f"\n{'imports at exit':34} {'modules':>7} {'jobzone':>7}  " + "  ".join(WATCHED))
    for item in table:
        names = set(item.modules)
        seen = "  ".join(f"{'yes' if w in names else '-':>{len(w)}}" for w in WATCHED)
        own = sum(1 for n in names if n == "jobzone" or n.startswith("jobzone."))
        print(f"{item.label:34} {len(names):7} {own:7}  {seen}")
    return ok


def run(root: Path, rounds: int) -> int:
    with tempfile.TemporaryDirectory(prefix="jobzone-startup-pycache-") as pycache:
        return measure(root, rounds, environment(Path(pycache)))


def measure(root: Path, rounds: int, env: dict[str, str]) -> int:
    script = jobzone_script()
    build_workspace(root, script, env)
    table = items(script)
    print(f"workspace {root}: {SEED_PATH.name} and draft {DRAFT_ID}")
    order = list(table)
    # Round 0 writes the byte code and warms the page cache; it is not counted.
    for n in range(rounds + 1):
        random.shuffle(order)
        for item in order:
            wall, cpu, code = run_once(item.argv, root, env)
            if code != 0:
                print(f"INVALID: `{' '.join(item.argv)}` exited {code}", file=sys.stderr)
                subprocess.run(item.argv, cwd=root, env=env, check=False)
                return 2
            if n:
                item.wall.append(wall)
                item.cpu.append(cpu)
        if sys.stderr.isatty():
            print(f"\rround {n}/{rounds}", end="", file=sys.stderr, flush=True)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    out = root / ".modules.txt"
    for item in table:
        item.modules = probe(item, root, env, out)
    out.unlink()
    ok = report(table, rounds)
    print(f"\n{'PASS' if ok else 'FAIL'}: every command at most {TARGET:.0f}x its baseline")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time jobzone's quick commands against the libraries they cannot avoid."
    )
    parser.add_argument("--rounds", type=int, default=30, help="timed rounds [30]")
    parser.add_argument(
        "--keep", type=Path, metavar="DIR", help="build the workspace in DIR and keep it"
    )
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.keep is None:
        with tempfile.TemporaryDirectory(prefix="jobzone-startup-") as tmp:
            return run(Path(tmp), args.rounds)
    root = args.keep.resolve()
    if root.exists() and any(root.iterdir()):
        parser.error(f"--keep {root}: the folder exists and is not empty")
    return run(root, args.rounds)


if __name__ == "__main__":
    sys.exit(main())
