"""A run's results as people read them: a table on the terminal, one JSON object, and an HTML
report (``report.html``, one self-contained page: inline SVG and CSS, nothing fetched).

Every figure is computed by :mod:`jobzone.evals.summary` and :mod:`jobzone.evals.charts`; the
template only lays them out, with autoescape on.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from jobzone.evals.charts import BarChart, Matrix, bar_chart, confusion
from jobzone.evals.drafts_eval import DraftCase
from jobzone.evals.labels import LabelItem
from jobzone.evals.runs import EvalKind, EvalRun
from jobzone.evals.summary import DRAFT_METRICS, LABEL_METRICS, MetricValue, Unit, summarise
from jobzone.occupations.crosscheck import T_TO_SCORE
from jobzone.rubric import load_rubric

REPORT = "report.html"
SUMMARY = "summary.json"
NOT_SCORABLE = "not scorable"
EXPOSURES = ("E0", "E1", "E2")


def shown(value: float | None, unit: Unit) -> str:
    """A metric's value as the table shows it."""
    if value is None:
        return "-"
    match unit:
        case Unit.share:
            return f"{value:.1%}"
        case Unit.kappa:
            return f"{value:.2f}"
        case Unit.tokens:
            return f"{value:,.0f}"
        case Unit.usd:
            return f"${value:.4f}"
        case Unit.seconds:
            return f"{value:.1f} s"
        case _:
            return f"{value:.1f}"


def shown_delta(value: float | None, unit: Unit) -> str:
    """A difference between two runs' values, signed (shares in percentage points)."""
    if value is None:
        return "-"
    match unit:
        case Unit.share:
            return f"{value * 100:+.1f} pp"
        case Unit.kappa:
            return f"{value:+.2f}"
        case Unit.tokens:
            return f"{value:+,.0f}"
        case Unit.usd:
            return f"{'-' if value < 0 else '+'}${abs(value):.4f}"
        case Unit.seconds:
            return f"{value:+.1f} s"
        case _:
            return f"{value:+.1f}"


# -- what each case says -----------------------------------------------------------------------


def draft_row(case: DraftCase) -> dict[str, Any]:
    """One role's result, as JSON and the tables show it."""
    c = case.comparison

    def figures(side: str) -> dict[str, Any] | None:
        f = getattr(c, side) if c is not None else None
        if f is None:
            return None
        return {
            "aijri": float(f.aijri),
            "zone": f.zone,
            "sub_label": f.sub_label,
            "quick_screen": f.quick_screen,
        }

    error = c.aijri_error if c is not None else None
    u = case.usage
    return {
        "slug": case.slug,
        "title": case.title,
        "notes": case.notes,
        "approved": figures("approved"),
        "drafted": figures("drafted"),
        "aijri_error": float(error) if error is not None else None,
        "zone_agrees": c.agrees("zone") if c else None,
        "sub_label_agrees": c.agrees("sub_label") if c else None,
        "quick_screen_agrees": c.agrees("quick_screen") if c else None,
        "approved_tasks": c.approved_tasks if c else None,
        "drafted_tasks": c.drafted_tasks if c else None,
        "aligned_tasks": len(c.tasks) if c else None,
        "time_overlap": c.time_share_overlap if c else None,
        "tasks": [p.model_dump(mode="json") for p in c.tasks] if c else [],
        "errors": case.errors,
        "warnings": case.warnings,
        "calls": u.calls,
        "failed_calls": u.failed_calls,
        "repairs": u.repairs,
        "prompt_tokens": u.prompt_tokens,
        "completion_tokens": u.completion_tokens,
        "cost_usd": u.cost_usd,
        "wall_seconds": u.wall_seconds,
    }


@dataclass(frozen=True)
class Results:
    """A finished run with its cases and metrics, in every form it is shown."""

    run: EvalRun
    metrics: list[MetricValue]
    rows: list[dict[str, Any]]
    charts: list[BarChart]
    matrices: list[Matrix]

    @property
    def report_path(self) -> Path:
        return self.run.root / REPORT

    def to_json(self) -> dict[str, Any]:
        ws = self.run.workspace
        return {
            "run": self.run.settings.model_dump(mode="json", exclude={"task_ids"}),
            "metrics": [m.to_json() for m in self.metrics],
            "cases": self.rows,
            "workspace": str(ws.root),
            "folder": ws.relative(self.run.root),
            "report": ws.relative(self.report_path),
        }


def draft_results(run: EvalRun, cases: Sequence[DraftCase]) -> Results:
    zones = [z.name for z in load_rubric().zones]
    pairs = [
        (
            c.comparison.approved.zone,
            c.comparison.drafted.zone if c.comparison.drafted else NOT_SCORABLE,
        )
        for c in cases
        if c.comparison is not None
    ]
    rows = [draft_row(c) for c in cases]
    return Results(
        run=run,
        metrics=summarise(DRAFT_METRICS, cases),
        rows=rows,
        charts=[bar_chart([(r["slug"], r["aijri_error"]) for r in rows], "points")],
        matrices=[
            confusion(
                "Zones: approved (rows) against drafted (columns)",
                pairs,
                zones,
                row_title="approved",
                col_title="drafted",
                extra_cols=(NOT_SCORABLE,),
            )
        ],
    )


def label_results(run: EvalRun, items: Sequence[LabelItem]) -> Results:
    rated = [i for i in items if i.score is not None and i.exposure is not None]
    scores = [str(s) for s in sorted(set(T_TO_SCORE.values()))]
    return Results(
        run=run,
        metrics=summarise(LABEL_METRICS, items),
        rows=[i.model_dump(mode="json") for i in items],
        charts=[],
        matrices=[
            confusion(
                "Task scores: GPT-4's T-level as a score (rows) against the model's (columns)",
                [(str(T_TO_SCORE[i.gpt4_automation]), str(i.score)) for i in rated],
                scores,
                row_title="GPT-4",
                col_title="model",
            ),
            confusion(
                "Exposure: people's label (rows) against the model's (columns)",
                [(i.human, str(i.exposure)) for i in rated],
                EXPOSURES,
                row_title="people",
                col_title="model",
            ),
        ],
    )


# -- writing -----------------------------------------------------------------------------------


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("jobzone.evals", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def html(results: Results) -> str:
    template = _environment().get_template(REPORT + ".j2")
    return template.render(
        settings=results.run.settings,
        metrics=[(m, shown(m.value, m.unit), shown(m.published, m.unit)) for m in results.metrics],
        published=any(m.published is not None for m in results.metrics),
        rows=results.rows,
        charts=results.charts,
        matrices=results.matrices,
        drafts=results.run.settings.kind is EvalKind.drafts,
    )


def save(results: Results) -> None:
    """Write the run's summary and report beside its cases."""
    results.run.write(SUMMARY, json.dumps(results.to_json(), indent=1, ensure_ascii=False))
    results.run.write(REPORT, html(results))


def text(results: Results) -> str:
    """The run as a terminal table: each case, then each metric (with the published figure)."""
    s = results.run.settings
    lines = [
        f"evaluation {s.id}  ({s.kind.value}, {s.model} at {s.endpoint_host}, "
        f"{len(results.rows)} {'roles' if s.kind is EvalKind.drafts else 'tasks'})",
        "",
    ]
    if s.kind is EvalKind.drafts:
        lines += [*_draft_table(results.rows), ""]
    published = any(m.published is not None for m in results.metrics)
    width = max(len(m.label) for m in results.metrics)
    head = f"{'metric':<{width}}  {'value':>10}" + (f"  {'published':>10}" if published else "")
    lines.append(head)
    for m in results.metrics:
        line = f"{m.label:<{width}}  {shown(m.value, m.unit):>10}"
        if published:
            line += f"  {shown(m.published, m.unit):>10}" if m.published is not None else ""
        lines.append(line.rstrip())
    lines += ["", f"report    {_from_here(results.report_path)}"]
    return "\n".join(lines)


def _from_here(path: Path) -> Path:
    """``path`` relative to the current folder when it lies inside it, else as it is."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _draft_table(rows: list[dict[str, Any]]) -> list[str]:
    def aijri(figures: dict[str, Any] | None) -> str:
        return f"{figures['aijri']:.1f} {figures['zone']}" if figures else NOT_SCORABLE

    width = max([len("role"), *(len(r["slug"]) for r in rows)])
    lines = [
        f"{'role':<{width}}  {'approved':<13} {'drafted':<13} {'error':>5}  zone  "
        f"{'tasks':>5}  overlap  calls  repairs  {'tokens':>8}  {'cost':>8}  {'time':>7}"
    ]
    for r in rows:
        error = f"{r['aijri_error']:.1f}" if r["aijri_error"] is not None else "-"
        zone = {True: "yes", False: "no", None: "-"}[r["zone_agrees"]]
        tasks = f"{r['aligned_tasks']}/{r['approved_tasks']}" if r["approved_tasks"] else "-"
        overlap = f"{r['time_overlap']:.0%}" if r["time_overlap"] is not None else "-"
        tokens = r["prompt_tokens"] + r["completion_tokens"]
        cost = f"${r['cost_usd']:.4f}" if r["cost_usd"] is not None else "-"
        lines.append(
            f"{r['slug']:<{width}}  {aijri(r['approved']):<13} {aijri(r['drafted']):<13} "
            f"{error:>5}  {zone:<4}  {tasks:>5}  {overlap:>7}  {r['calls']:>5}  "
            f"{r['repairs']:>7}  {tokens:>8,}  {cost:>8}  {r['wall_seconds']:>5.1f} s"
        )
    return lines
