"""Benchmark: ``jobzone check`` on a large canonical set against a plain YAML load of its files.

Generates N valid, varied roles (default 5,000) shaped like the seed role into a workspace
(``roles/`` holds them, ``drafts/`` stays empty), written as jobzone writes YAML, then times, in
one run:

  (a) a plain YAML load of the same files: read each file and ``yaml.load`` it with the fastest
      plain loader available (``yaml.CSafeLoader`` when PyYAML has libyaml, else ``SafeLoader``);
  (b) ``jobzone check --json`` on that workspace with no role cache (``.jobzone-cache/`` removed):
      the first check, which reads, validates and scores every file and fills the cache;
  (c) ``jobzone check --json`` again, no file changed: what every later check costs;

each as a subprocess of the installed ``jobzone`` script (start-up and imports included: what a
user waits for), with its peak memory (``ru_maxrss``); ``--mode in-process`` or ``both`` also
runs them in-process (``jobzone.cli.cli``, no start-up), for the library's own share.

Targets (issue 14): (b) at most 1.0x (a); (c) at most 0.2x (a); (b)'s peak memory under 300 MiB
(the issue sets it at 20,000 roles: ``--roles 20000``). The generated roles must pass ``check``
with zero errors, and both checks must print the same report: anything else exits 2.

    .venv/bin/python bench/check_bench.py [--roles N] [--keep DIR] [--seed S]
                                          [--mode subprocess|in-process|both]

Exit status: 0 PASS, 1 FAIL (too slow or too big), 2 the run is not valid.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import itertools
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import yaml

from jobzone.assessment import Assessment
from jobzone.canonical import load_canonical
from jobzone.cli import cli
from jobzone.documents import schema_header, text_style
from jobzone.figures import basis_of
from jobzone.scoring import score
from jobzone.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "roles" / "mlops-engineer.yaml"
COLD_RATIO = 1.0
WARM_RATIO = 0.2
MEMORY_MIB = 300

PLAIN_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER_BASE: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_DUMPER_BASE):  # type: ignore[valid-type,misc]
    """Like jobzone's writer (its text styles: long text as ``|`` blocks, what a YAML 1.2
    reader would misread quoted; no anchors: jobzone refuses them), on libyaml's emitter."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=text_style(value))


_Dumper.add_representer(str, _represent_str)

# --- Word lists: titles differ and share words, so similarity rules have work to do -----------

DOMAINS = (
    "Cloud", "Data", "Payroll", "Clinical", "Retail", "Logistics", "Marketing", "Security",
    "Network", "Finance", "Insurance", "Supply Chain", "Customer", "Content", "Legal",
    "Procurement", "Energy", "Manufacturing", "Research", "Education", "Hospitality", "Property",
    "Media", "Transport", "Public Sector", "Pharmacy", "Banking", "Telecoms", "Game", "Robotics",
    "Laboratory", "Warehouse", "Quality", "Risk", "Tax", "Museum", "Aviation", "Maritime",
    "Agriculture", "Construction",
)  # fmt: skip
SPECIALISMS = (
    "Platform", "Operations", "Analytics", "Compliance", "Support", "Infrastructure",
    "Automation", "Systems", "Reporting", "Integration", "Planning", "Experience", "Records",
    "Safety", "Pricing", "Forecasting", "Design", "Testing", "Governance", "Service",
    "Training", "Workflow", "Documentation", "Field", "Audit", "Product", "Release",
    "Monitoring", "Billing", "Scheduling",
)  # fmt: skip
TITLES = (
    "Engineer", "Analyst", "Manager", "Specialist", "Coordinator", "Technician", "Consultant",
    "Administrator", "Designer", "Officer", "Architect", "Lead", "Advisor", "Scientist",
    "Associate",
)  # fmt: skip
LEVELS = ("", "Senior ", "Junior ", "Principal ", "Assistant ")
#: Seniority by the title's first word; titles without a level are mid-level.
SENIORITY = {
    "Senior": "Senior",
    "Junior": "Entry-level",
    "Principal": "Principal",
    "Assistant": "Entry-level",
}

VERBS = (
    "Design", "Review", "Maintain", "Monitor", "Document", "Negotiate", "Coordinate", "Audit",
    "Plan", "Troubleshoot", "Report on", "Configure", "Prioritise", "Explain", "Test",
    "Forecast", "Reconcile", "Train staff on", "Escalate", "Budget for",
)  # fmt: skip
OBJECTS = (
    "data pipelines", "vendor contracts", "service incidents", "release schedules",
    "customer requests", "compliance controls", "dashboards", "access rights",
    "quality checks", "stakeholder priorities", "field visits", "cost models", "user research",
    "capacity plans", "training material", "risk registers", "supplier performance",
    "deployment tooling", "internal policies", "team rotas",
)  # fmt: skip

OPENERS = (
    "Most of this work follows patterns that current tools can recognise",
    "The routine part is shrinking as assistants draft the first version",
    "Context that lives in people's heads still decides how this is done",
    "Software already handles the repetitive steps of this work",
    "Judgement about trade-offs keeps a person at the centre of it",
    "The inputs are messy and rarely arrive in the same form twice",
    "Mistakes here are costly, so a person signs off on every outcome",
    "Tools speed up the preparation while the decision stays human",
)  # fmt: skip
CLAUSES = (
    "and the remaining effort goes into checking what the tools produce",
    "though unusual cases still need someone who knows the history",
    "while trust between colleagues carries much of the outcome",
    "and vendors are adding features that cover more of it each year",
    "yet accountability for the result cannot be handed to a system",
    "so the share of time spent here is likely to fall",
    "which keeps demand for experienced practitioners steady",
    "although regulators expect a named person to answer for it",
)  # fmt: skip
CLOSERS = (
    "The balance shifts towards review rather than production.",
    "Experience with edge cases is what still sets people apart.",
    "Teams that adopt the tools early report less rework.",
    "The work changes shape more than it disappears.",
    "Smaller teams can now cover the same ground.",
    "Local knowledge remains the scarce ingredient.",
)  # fmt: skip
SOURCE_TITLES = (
    "National labour market bulletin", "Industry salary survey", "Vendor product documentation",
    "Trade association hiring report", "Academic working paper on automation",
    "Recruiter market update", "Government occupational outlook", "Analyst market forecast",
    "Professional body member survey", "Company annual report",
)  # fmt: skip
TAGS = ("technology", "services", "operations", "finance", "health", "public", "industry")


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def prose(rng: random.Random, sentences: int = 2) -> str:
    parts = [f"{rng.choice(OPENERS)}, {rng.choice(CLAUSES)}." for _ in range(max(1, sentences - 1))]
    parts.append(rng.choice(CLOSERS))
    return " ".join(parts)


def shares(rng: random.Random, n: int) -> list[int]:
    cuts = sorted(rng.sample(range(1, 100), n - 1))
    return [b - a for a, b in itertools.pairwise([0, *cuts, 100])]


def impact_for(rng: random.Random, task_score: int) -> str:
    """An impact consistent with the score, so the roles raise no impact warnings."""
    if task_score >= 4:
        return "displacement"
    if task_score == 3:
        return "augmentation"
    return rng.choice(("augmentation", "not_involved"))


def titles(rng: random.Random, n: int) -> list[str]:
    combos = len(LEVELS) * len(DOMAINS) * len(SPECIALISMS) * len(TITLES)
    if n > combos:
        raise SystemExit(f"at most {combos} distinct titles; asked for {n}")
    picked = rng.sample(range(combos), n)
    out = []
    for index in picked:
        index, t = divmod(index, len(TITLES))
        index, s = divmod(index, len(SPECIALISMS))
        level, d = divmod(index, len(DOMAINS))
        out.append(f"{LEVELS[level]}{DOMAINS[d]} {SPECIALISMS[s]} {TITLES[t]}")
    return out


def make_role(
    rng: random.Random, seed: dict[str, Any], title: str, earlier: list[str]
) -> dict[str, Any]:
    """One valid assessment with the seed's structure and generated content."""
    slug = slugify(title)
    assessed_on = dt.date(2026, 4, 26) - dt.timedelta(days=rng.randint(0, 300))
    n = rng.randint(4, 10)
    names = rng.sample([f"{v} {o}" for v in VERBS for o in OBJECTS], n)
    tasks = []
    for name, pct in zip(names, shares(rng, n), strict=True):
        task_score = rng.randint(1, 5)
        tasks.append(
            {
                "name": name[0].upper() + name[1:],
                "time_pct": pct,
                "score": task_score,
                "impact": impact_for(rng, task_score),
                "rationale": prose(rng, rng.randint(1, 3)),
            }
        )

    def scored_text(low: int, high: int, sentences: int = 2) -> dict[str, Any]:
        return {"score": rng.randint(low, high), "rationale": prose(rng, sentences)}

    def evidence() -> dict[str, Any]:
        sources = []
        for _ in range(rng.randint(1, 3)):
            source: dict[str, Any] = {"title": rng.choice(SOURCE_TITLES)}
            if rng.random() < 0.5:
                source["url"] = f"https://example.org/{slug}/{rng.choice(TAGS)}"
            source["date"] = assessed_on - dt.timedelta(days=rng.randint(0, 400))
            sources.append(source)
        return {"score": rng.randint(-2, 2), "text": prose(rng, 3), "sources": sources}

    look_next = [
        {"slug": other, "reason": prose(rng, 1)}
        for other in rng.sample(earlier, min(len(earlier), rng.randint(0, 2)))
    ]
    compare = f" Compare {{{{ role:{look_next[0]['slug']} }}}}." if look_next else ""
    role: dict[str, Any] = {
        "rubric": seed["rubric"],
        "slug": slug,
        "title": title,
        "assessed_on": assessed_on,
        "role": {
            "seniority": SENIORITY.get(title.split(" ", 1)[0], "Mid-level"),
            "primary_function": prose(rng, 3),
            "not_this_role": prose(rng, 2),
            "typical_experience": prose(rng, 2),
            "seniority_note": prose(rng, 2),
            "aliases": [f"{title} ({tag})" for tag in rng.sample(TAGS, rng.randint(0, 2))],
            "tags": rng.sample(TAGS, rng.randint(1, 3)),
        },
        "protective": {k: scored_text(0, 3) for k in seed["protective"]},
        "growth": scored_text(-2, 2),
        "tasks": tasks,
        "reinstatement": {"new_tasks": rng.random() < 0.6, "rationale": prose(rng, 2)},
        "evidence": {k: evidence() for k in seed["evidence"]},
        "barriers": {k: scored_text(0, 2, 1) for k in seed["barriers"]},
        "override": None,
        "commentary": {
            "score_vs_reality": (
                "{{ sub_label }} at {{ aijri }} with {{ share_3plus }} of task time scoring "
                "three or more. " + prose(rng, 2) + compare
            ),
            "numbers_dont_capture": [prose(rng, 2) for _ in range(rng.randint(2, 4))],
            "who_should_worry": prose(rng, 3),
            "outlook": prose(rng, 3),
            "survival_strategy": [prose(rng, 1) for _ in range(rng.randint(2, 4))],
            "where_to_look_next": look_next,
            "timeline": prose(rng, 2),
        },
    }
    if rng.random() < 0.03:
        formula = float(score(Assessment.model_validate(role)).shown_formula_aijri)
        role["override"] = {
            "aijri": round(min(100.0, max(0.0, formula + rng.uniform(-5, 5))), 1),
            "justification": "The reviewer adjusted the score after weighing recent local "
            "hiring evidence that the formula does not capture.",
            "by": "bench",
            "on": assessed_on,
        }
    return role


def _write_roles(root: Path, titles_all: list[str], start: int, stop: int, seed_value: int) -> int:
    """Write roles ``start..stop-1``; each has its own random stream, so workers don't matter."""
    seed = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    header = schema_header("assessment")
    slugs = [slugify(t) for t in titles_all]
    size = 0
    for i in range(start, stop):
        rng = random.Random(f"{seed_value}:{i}")
        role = make_role(rng, seed, titles_all[i], slugs[max(0, i - 200) : i])
        Assessment.model_validate(role)  # the bench must time valid roles
        text = header + yaml.dump(
            role, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100
        )
        (root / "roles" / f"{role['slug']}.yaml").write_text(text, encoding="utf-8")
        size += len(text.encode("utf-8"))
    return size


def generate(root: Path, n: int, seed_value: int) -> tuple[list[Path], int]:
    """N roles in ``root/roles`` (and an empty ``root/drafts``); their paths and total bytes."""
    (root / "roles").mkdir(parents=True, exist_ok=True)
    (root / "drafts").mkdir(exist_ok=True)
    (root / "jobzone.yaml").write_text("approvals_required: 1\n", encoding="utf-8")
    all_titles = titles(random.Random(seed_value), n)
    workers = max(1, min(os.cpu_count() or 1, 8, n // 250))
    bounds = [n * k // workers for k in range(workers + 1)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [
            pool.submit(_write_roles, root, all_titles, lo, hi, seed_value)
            for lo, hi in itertools.pairwise(bounds)
        ]
        size = sum(f.result() for f in futures)
    record_bases(root)
    return sorted((root / "roles").glob("*.yaml")), size


def record_bases(root: Path) -> None:
    """Record in each commentary the figures it is written against, as jobzone does when it
    writes one, so the generated set is fresh rather than stale throughout."""
    canonical = load_canonical(Workspace(root))
    header = schema_header("assessment")
    for role in canonical:
        a = role.assessment
        basis = basis_of(a.commentary, role.score, canonical.without(a.slug))
        data = yaml.load(role.path.read_text(encoding="utf-8"), Loader=PLAIN_LOADER)
        data["commentary"]["written_against"] = basis.model_dump()
        text = header + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True)
        role.path.write_text(text, encoding="utf-8")


# --- Timing -------------------------------------------------------------------------------------


def plain_load(paths: list[Path]) -> float:
    start = time.perf_counter()
    for path in paths:
        yaml.load(path.read_text(encoding="utf-8"), Loader=PLAIN_LOADER)
    return time.perf_counter() - start


def check_in_process(root: Path) -> tuple[float, int, str]:
    out = io.StringIO()
    start = time.perf_counter()
    try:
        with contextlib.redirect_stdout(out):
            code = cli.main(
                ["--workspace", str(root), "check", "--json"], "jobzone", standalone_mode=False
            )
    except Exception:  # a crash of check is a result to report, not a crash of the bench
        traceback.print_exc()
        code = 3
    elapsed = time.perf_counter() - start
    return elapsed, int(code or 0), out.getvalue()


def jobzone_script() -> str:
    local = Path(sys.executable).with_name("jobzone")
    found = local if local.exists() else shutil.which("jobzone")
    if not found:
        raise SystemExit("the jobzone script is not installed next to this Python or on PATH")
    return str(found)


#: Runs a command and reports its wall time and peak memory on stderr's last line. A process
#: forked from this bench would start with the bench's own memory as its peak (Linux keeps the
#: peak across exec): forked from this small launcher instead, the command's peak is its own.
LAUNCHER = """
import os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[1:])
_pid, status, usage = os.wait4(child.pid, 0)
elapsed = time.perf_counter() - start
print(f"\\n{os.waitstatus_to_exitcode(status)} {elapsed} {usage.ru_maxrss}", file=sys.stderr)
"""


def check_subprocess(root: Path) -> tuple[float, int, str, float]:
    """Wall time, exit status, output and peak memory (MiB) of ``jobzone check --json``."""
    command = [jobzone_script(), "--workspace", str(root), "check", "--json"]
    done = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *command],
        capture_output=True,
        text=True,
        check=False,
    )
    stderr, _, last = done.stderr.rstrip("\n").rpartition("\n")
    code, elapsed, kib = last.split()
    if not done.stdout.lstrip().startswith("{"):
        print(stderr.strip()[-3000:], file=sys.stderr)
    return float(elapsed), int(code), done.stdout, int(kib) / 1024


def startup_seconds() -> float:
    start = time.perf_counter()
    subprocess.run([jobzone_script(), "--version"], check=True, capture_output=True)
    return time.perf_counter() - start


def summarise(output: str, expected: int) -> tuple[int, int, int, Counter[str]] | None:
    """(errors, warnings, unreadable) from ``check --json`` and the finding codes seen; None when
    check printed no report (it crashed) or reported on a different number of roles."""
    try:
        data = json.loads(output)
    except json.JSONDecodeError:
        return None
    roles = data["roles"]
    if len(roles) != expected:
        print(f"check reported {len(roles)} roles, expected {expected}")
        return None
    codes: Counter[str] = Counter()
    errors = warnings = 0
    for role in roles:
        errors += len(role["errors"])
        warnings += len(role["warnings"])
        codes.update(f"error {f['code']}" for f in role["errors"])
        codes.update(f"warning {f['code']}" for f in role["warnings"])
    return errors, warnings, len(data["unreadable"]), codes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time `jobzone check` on generated roles against a plain YAML load."
    )
    parser.add_argument("--roles", type=int, default=5000, help="roles to generate [5000]")
    parser.add_argument(
        "--keep", type=Path, metavar="DIR", help="build the workspace in DIR and keep it"
    )
    parser.add_argument("--seed", type=int, default=20260426, help="random seed [20260426]")
    parser.add_argument(
        "--mode",
        choices=("subprocess", "in-process", "both"),
        default="subprocess",
        help="how to run check; the verdict uses the subprocess figure when there is one",
    )
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    if args.roles < 1:
        parser.error("--roles must be at least 1")
    if args.keep is None:
        with tempfile.TemporaryDirectory(prefix="jobzone-bench-") as tmp:
            return run(Path(tmp), args.roles, args.seed, args.mode)
    root = args.keep.resolve()
    if root.exists() and any(root.iterdir()):
        parser.error(f"--keep {root}: the folder exists and is not empty")
    return run(root, args.roles, args.seed, args.mode)


def run(root: Path, n: int, seed_value: int, mode: str) -> int:
    start = time.perf_counter()
    paths, size = generate(root, n, seed_value)
    print(
        f"generated {len(paths)} roles in {root} "
        f"({size / 1_048_576:.1f} MiB, {time.perf_counter() - start:.1f} s)"
    )
    if len(paths) != n:
        print(f"INVALID: expected {n} role files, found {len(paths)} (duplicate slugs?)")
        return 2
    shutil.rmtree(root / ".jobzone-cache", ignore_errors=True)  # made by the generation

    plain = plain_load(paths)
    print(f"(a) plain load, yaml.load with {PLAIN_LOADER.__name__}:   {plain:7.2f} s")
    outputs: list[tuple[int, str]] = []
    figures: dict[str, float] = {}
    if mode in ("subprocess", "both"):
        print(f"    (`jobzone --version` alone takes {startup_seconds():.2f} s)")
        for label, name in (("first check, no cache", "cold"), ("second check, no change", "warm")):
            if name == "cold":
                shutil.rmtree(root / ".jobzone-cache", ignore_errors=True)
            elapsed, code, output, mib = check_subprocess(root)
            outputs.append((code, output))
            figures[name], figures[f"{name} MiB"] = elapsed, mib
            print(
                f"({'b' if name == 'cold' else 'c'}) {label}, subprocess: {elapsed:7.2f} s   "
                f"ratio {elapsed / plain:.2f}   peak memory {mib:.0f} MiB"
            )
    if mode in ("in-process", "both"):
        for label, name in (("first check, no cache", "cold"), ("second check, no change", "warm")):
            if name == "cold":
                shutil.rmtree(root / ".jobzone-cache", ignore_errors=True)
            elapsed, code, output = check_in_process(root)
            outputs.append((code, output))
            figures.setdefault(name, elapsed)
            print(
                f"    {label}, in-process: {elapsed:7.2f} s   ratio {elapsed / plain:.2f}"
                "   (no start-up; modules imported)"
            )

    invalid = False
    for code, output in outputs:
        summary = summarise(output, n)
        if summary is None:
            print(f"check: exit {code}, no usable JSON report (see above)")
            invalid = True
            continue
        errors, warnings, broken, codes = summary
        invalid = invalid or bool(errors or broken or code)
    if len({output for _code, output in outputs}) != 1:
        print("INVALID: the checks did not all print the same report")
        invalid = True
    elif not invalid and summary is not None:
        print(f"check: exit 0, {errors} errors, {warnings} warnings, {broken} unreadable")
        for name, count in codes.most_common():
            print(f"    {count:6}  {name}")
    if invalid:
        print("INVALID: the generated roles must check clean, so the timing means nothing")
        return 2

    verdicts = [
        (
            figures["cold"] / plain <= COLD_RATIO,
            f"first check {figures['cold'] / plain:.2f}x "
            f"the plain load (target: at most {COLD_RATIO:g}x)",
        ),
        (
            figures["warm"] / plain <= WARM_RATIO,
            f"second check, no change, "
            f"{figures['warm'] / plain:.2f}x the plain load (target: at most {WARM_RATIO:g}x)",
        ),
    ]
    if "cold MiB" in figures:
        verdicts.append(
            (
                figures["cold MiB"] < MEMORY_MIB,
                f"first check's peak memory {figures['cold MiB']:.0f}"
                f" MiB at {n} roles (target: under {MEMORY_MIB} MiB at 20,000)",
            )
        )
    for ok, text in verdicts:
        print(f"{'PASS' if ok else 'FAIL'}: {text}")
    return 0 if all(ok for ok, _ in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
