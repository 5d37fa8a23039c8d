"""``jobzone eval``: measure draft quality (drafts against approved roles, task labels against
people) and compare two runs."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from jobzone.cli.app import (
    json_option,
    model_choice,
    model_options,
    print_json,
    progress,
    reading,
    workspace_option,
)
from jobzone.errors import ConfigError, InputError

if TYPE_CHECKING:
    from jobzone.drafting.model import Model, ModelChoice
    from jobzone.evals.compare import Comparison
    from jobzone.evals.report import Results
    from jobzone.evals.runs import EvalKind, EvalRun
    from jobzone.workflow import Workflow

F = TypeVar("F", bound=Callable[..., Any])


@click.group("eval")
@workspace_option
def eval_group() -> None:
    """Measure draft quality: drafts against approved roles, task labels against people.

    Each run is saved in evals/<run-id>/ (its settings, model, prompt versions, every case's
    draft or labels and metrics, summary.json and report.html) and printed as a table;
    `jobzone eval compare` sets two runs side by side with bootstrap confidence intervals.
    """


def _temperature(command: F) -> F:
    return click.option("--temperature", type=click.FloatRange(0, 2), help="Sampling temperature.")(
        command
    )


def _run_options(command: F) -> F:
    """What every evaluation that calls a model takes besides the model options."""
    for option in reversed(
        (
            click.option(
                "--max-repairs",
                type=click.IntRange(0, 10),
                default=2,
                show_default=True,
                help="Times an answer is asked again when it breaks the rules.",
            ),
            click.option(
                "--budget-tokens",
                type=click.IntRange(1),
                metavar="N",
                help="Stop cleanly before a call that could take the run past N tokens "
                "(counting what a resumed run has spent already).",
            ),
            click.option(
                "--resume",
                metavar="RUN_ID",
                help="Continue a run that stopped, without paying again for its answers.",
            ),
        )
    ):
        command = option(command)
    return command


@eval_group.command("drafts")
@click.argument("slugs", nargs=-1, metavar="[SLUG]...")
@click.option(
    "--notes",
    is_flag=True,
    help="Draft each role with the editor notes of the run that drafted its approved version.",
)
@click.option(
    "--demo",
    is_flag=True,
    help="Replay a recorded evaluation of two roles in a scratch workspace: no key needed.",
)
@model_options
@_temperature
@_run_options
@click.option(
    "--prices",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Price table (YAML) for cost estimates [default: $JOBZONE_PRICES, else built-in].",
)
@json_option
@workspace_option
def drafts_cmd(
    slugs: tuple[str, ...],
    notes: bool,
    demo: bool,
    model: str | None,
    timeout: float | None,
    structured_output: str | None,
    temperature: float | None,
    max_repairs: int,
    budget_tokens: int | None,
    resume: str | None,
    prices: Path | None,
    as_json: bool,
) -> None:
    """Draft each canonical role (or the SLUGs named) from its title and compare the draft with
    the approved assessment.

    The role is left out of its own calibration neighbours. Measures the aijri error, zone,
    sub-label and quick-screen agreement, the tasks aligned (by shared O*NET statements, else
    by name) with their time-share overlap, score agreement and kappa, and impact agreement, the
    evidence, barrier, protective and growth scores, and calls, tokens, cost, time and repairs
    per role. Needs OPENAI_API_KEY and/or OPENAI_BASE_URL, except with --demo.
    """
    from jobzone.evals import drafts_eval

    chosen = model_choice(model, timeout, structured_output, temperature)
    if demo:
        if slugs or resume:
            raise click.UsageError(
                "--demo evaluates its own recorded roles: give no SLUG or --resume"
            )
        _show(_demo(as_json), as_json)
        return
    wf = reading(quiet=as_json)
    if resume:
        if slugs:
            raise click.UsageError("give SLUGs or --resume RUN_ID, not both")
        run, asked = _resumed(wf, resume, "drafts", chosen)
    else:
        options = drafts_eval.DraftsOptions(chosen, max_repairs, notes)
        run, asked = drafts_eval.start(wf, list(slugs), options)
    _show(_drafts(wf, run, asked, budget_tokens, prices), as_json)


@eval_group.command("labels")
@click.option(
    "--sample",
    type=click.IntRange(1),
    default=100,
    show_default=True,
    metavar="N",
    help="How many O*NET tasks to rate, stratified by their published labels.",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, metavar="S", help="The sample's seed."
)
@click.option(
    "--batch-size",
    type=click.IntRange(1, 50),
    default=10,
    show_default=True,
    metavar="N",
    help="Tasks per call.",
)
@model_options
@_temperature
@_run_options
@json_option
@workspace_option
def labels_cmd(
    sample: int,
    seed: int,
    batch_size: int,
    model: str | None,
    timeout: float | None,
    structured_output: str | None,
    temperature: float | None,
    max_repairs: int,
    budget_tokens: int | None,
    resume: str | None,
    as_json: bool,
) -> None:
    """Ask the model to rate a stratified sample of O*NET tasks and set its ratings beside
    people's and GPT-4's.

    Each task gets a score on the rubric's 1-5 task scale (compared with GPT-4's automation
    levels T0-T4, as 1-5) and an exposure label E0-E2 (compared with people's), one
    structured-output call per batch; the published figures are printed beside: 65% exact, 96%
    within one and kappa 0.78 (people against GPT-4's levels), 65.6% (exposure labels).
    """
    from jobzone.evals import labels, report

    wf = reading(quiet=as_json)
    chosen = model_choice(model, timeout, structured_output, temperature)
    if resume:
        run, asked = _resumed(wf, resume, "labels", chosen)
    else:
        options = labels.LabelsOptions(chosen, sample, seed, batch_size, max_repairs)
        run, asked = labels.start(wf, options)
    _announce(wf, run)
    items = labels.execute(wf, run, asked, budget_tokens=budget_tokens)
    results = report.label_results(run, items)
    report.save(results)
    _show(results, as_json)


@eval_group.command("compare")
@click.argument("run_a", metavar="RUN_A")
@click.argument("run_b", metavar="RUN_B")
@click.option(
    "--seed", type=int, default=0, show_default=True, metavar="S", help="The bootstrap's seed."
)
@click.option(
    "--resamples",
    type=click.IntRange(100, 100_000),
    default=1000,
    show_default=True,
    metavar="N",
    help="Bootstrap resamples.",
)
@click.option(
    "--level",
    type=click.FloatRange(0.5, 0.999),
    default=0.95,
    show_default=True,
    help="Confidence level of the intervals.",
)
@json_option
@workspace_option
def compare_cmd(
    run_a: str, run_b: str, seed: int, resamples: int, level: float, as_json: bool
) -> None:
    """Compare two runs of the same evaluation: each metric's difference (B minus A) with a
    paired bootstrap confidence interval.

    Roles pair by slug, tasks by id (label runs drawn with the same --sample and --seed). The
    same runs, --seed and --resamples always give the same intervals.
    """
    from jobzone.evals.compare import compare
    from jobzone.evals.runs import EvalRun

    wf = reading(quiet=as_json)
    a, b = (EvalRun.open(wf.workspace, run) for run in (run_a, run_b))
    compared = compare(a, b, seed=seed, resamples=resamples, level=level)
    if as_json:
        print_json(compared.to_json())
    else:
        click.echo(_comparison_text(compared))


# -- helpers -------------------------------------------------------------------------------------


def _resumed(wf: Workflow, run_id: str, kind: str, choice: ModelChoice) -> tuple[EvalRun, Model]:
    from jobzone.evals.runs import EvalRun, resumed_model

    run = EvalRun.open(wf.workspace, run_id)
    if run.settings.kind.value != kind:
        raise InputError(
            f"run {run_id} evaluates {run.settings.kind.value}; continue it with "
            f"`jobzone eval {run.settings.kind.value} --resume {run_id}`",
            rule="eval.kind",
        )
    return run, resumed_model(wf, run, choice)


def _announce(wf: Workflow, run: EvalRun) -> None:
    from jobzone.progress import Notice

    wf.notify(Notice(f"evaluation run {run.id} in {wf.workspace.relative(run.root)}"))


def _drafts(
    wf: Workflow,
    run: EvalRun,
    model: Model,
    budget_tokens: int | None = None,
    prices: Path | None = None,
) -> Results:
    from jobzone.evals import drafts_eval, report

    _announce(wf, run)
    cases = drafts_eval.execute(wf, run, model, budget_tokens=budget_tokens, prices=prices)
    results = report.draft_results(run, cases)
    report.save(results)
    return results


def _demo(as_json: bool) -> Results:
    """The recorded evaluation, replayed in a scratch workspace that is left for reading."""
    try:
        import vcr
        from vcr.errors import CannotOverwriteExistingCassetteException
    except ImportError:
        raise ConfigError(
            "the demo replays a recording with vcrpy: pip install 'jobzone[demo]'"
        ) from None
    from jobzone.evals import demo, drafts_eval
    from jobzone.progress import Notice
    from jobzone.workflow import Workflow

    def replayed(choice: ModelChoice) -> Model:
        return demo.model()

    scratch = demo.workspace(Path(tempfile.mkdtemp(prefix="jobzone-eval-demo-")))
    wf = Workflow(scratch, progress(as_json), replayed)
    wf.notify(
        Notice(
            "this is a replay: the model's answers are a recording made against a test server "
            f"on loopback, not a live model; everything else runs for real, in {scratch.root}"
        )
    )
    recorder = vcr.VCR(record_mode="none", match_on=["method", "path", "body"])
    try:
        with recorder.use_cassette(str(demo.CASSETTE)) as cassette:
            run, model = drafts_eval.start(wf, [], drafts_eval.DraftsOptions())
            results = _drafts(wf, run, model)
    except CannotOverwriteExistingCassetteException:
        raise ConfigError(
            "the evaluation asked the model something its recording does not hold: re-record "
            "it (tests/cassettes/README.md)"
        ) from None
    if not cassette.all_played:
        raise ConfigError("the recording has answers the evaluation never asked for: re-record it")
    return results


def _show(results: Results, as_json: bool) -> None:
    from jobzone.evals.report import text

    if as_json:
        print_json(results.to_json())
    else:
        click.echo(text(results))


def _comparison_text(c: Comparison) -> str:
    from jobzone.evals.report import shown, shown_delta

    kind: EvalKind = c.a.settings.kind
    unit = "roles" if kind.value == "drafts" else "tasks"
    unpaired = [f"{n} only in {side}" for n, side in ((c.only_a, "A"), (c.only_b, "B")) if n]
    lines = [
        f"A  {c.a.id}  ({c.a.settings.model})",
        f"B  {c.b.id}  ({c.b.settings.model})",
        f"{c.paired} {unit} paired"
        + (f" ({', '.join(unpaired)})" if unpaired else "")
        + f"; {c.resamples} bootstrap resamples, seed {c.seed}",
        "",
    ]
    width = max(len(d.label) for d in c.deltas)
    interval = f"{c.level:.0%} interval"
    lines.append(f"{'metric':<{width}}  {'A':>10}  {'B':>10}  {'B - A':>11}  {interval}")
    for d in c.deltas:
        span = (
            f"[{shown_delta(d.low, d.unit)}, {shown_delta(d.high, d.unit)}]"
            if d.low is not None and d.high is not None
            else "-"
        )
        lines.append(
            f"{d.label:<{width}}  {shown(d.a, d.unit):>10}  {shown(d.b, d.unit):>10}  "
            f"{shown_delta(d.delta, d.unit):>11}  {span}"
        )
    return "\n".join(lines)
