"""``jobzone eval labels``: a model rates O*NET tasks, and its ratings are set beside people's.

The model sees a stratified sample (:mod:`jobzone.evals.sample`) in batches, one structured-output
call per batch, and gives each task a score on the rubric's 1-5 task scale and an exposure label
(E0, E1, E2) under the rubric of Eloundou et al. Each batch is a case: its answers are journalled
as a draft's are, an answer that leaves out a task, adds one or rates one twice is asked again
with those findings (at most ``max_repairs`` times), and a task still unrated is recorded as such.

The scores are compared with GPT-4's automation levels through the mapping the second opinion
uses (:data:`~jobzone.occupations.crosscheck.T_TO_SCORE`: T0 is 1 ... T4 is 5), the exposure
labels with people's.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from jobzone.calls import CallRecord
from jobzone.drafting.budget import Budget
from jobzone.drafting.journal import RunRequest
from jobzone.drafting.model import Call, Message, Model, ModelChoice
from jobzone.drafting.prompts import (
    data_message,
    render_template,
    repair_messages,
    template_version,
)
from jobzone.drafting.stages import Answer, Stage
from jobzone.errors import BudgetExceededError, ConfigError, ModelCallError, TruncatedError
from jobzone.evals.runs import CaseJournal, EvalKind, EvalRun, EvalSettings, new_run_id
from jobzone.evals.sample import LabelledTask, labelled_tasks, stratified_sample
from jobzone.history import now
from jobzone.progress import Notice, Notify, StageAnswered, StageStarted, Waiting
from jobzone.rubric import DEFAULT_RUBRIC, load_rubric
from jobzone.workflow import Workflow
from jobzone.workflow.runs import DEFAULT_REPAIRS, model_for

#: Tasks per call, at most (the answer schema's bound).
MAX_BATCH = 50
DEFAULT_BATCH = 10
DEFAULT_SAMPLE = 100
Exposure = Literal["E0", "E1", "E2"]


class TaskLabel(Answer):
    id: int = Field(ge=1, le=99_999_999, description="The task's id, as the data gives it.")
    score: int = Field(ge=1, le=5, description="The rubric's task score, 1..5.")
    exposure: Exposure = Field(description="E0 no exposure, E1 direct, E2 through software.")


class TaskLabelsAnswer(Answer):
    labels: Annotated[list[TaskLabel], Field(min_length=1, max_length=MAX_BATCH)]


LABELS = Stage("labels", TaskLabelsAnswer, (), 4_000)
TEMPLATES = ("labels", "repair")


class LabelItem(BaseModel):
    """One task of the sample: its published labels and the model's (None: left unrated)."""

    model_config = ConfigDict(extra="forbid")

    id: int
    code: str
    occupation: str
    text: str
    human: str
    gpt4: str
    gpt4_automation: str
    score: int | None
    exposure: str | None


class LabelBatch(BaseModel):
    """A batch's result: its tasks, and the calls and repairs it took."""

    model_config = ConfigDict(extra="forbid")

    items: list[LabelItem]
    calls: int
    repairs: int
    prompt_tokens: int
    completion_tokens: int


@dataclass(frozen=True)
class LabelsOptions:
    model: ModelChoice = field(default_factory=ModelChoice)
    sample: int = DEFAULT_SAMPLE
    seed: int = 0
    batch_size: int = DEFAULT_BATCH
    max_repairs: int = DEFAULT_REPAIRS


def batch_ids(tasks: int, size: int) -> list[str]:
    return [f"batch-{n:03d}" for n in range(1, -(-tasks // size) + 1)]


def start(wf: Workflow, options: LabelsOptions) -> tuple[EvalRun, Model]:
    """A new run over a fresh sample, and its model."""
    sample = stratified_sample(labelled_tasks(), options.sample, options.seed)
    model = model_for(wf, options.model)
    at = now()
    settings = EvalSettings(
        id=new_run_id(EvalKind.labels, model.identity.name, at),
        kind=EvalKind.labels,
        created_at=at,
        by="jobzone eval",
        model=model.identity.name,
        endpoint_host=model.identity.endpoint_host,
        temperature=model.identity.temperature,
        prompt_versions={name: template_version(name) for name in TEMPLATES},
        rubric=DEFAULT_RUBRIC,
        max_repairs=options.max_repairs,
        cases=batch_ids(len(sample), options.batch_size),
        sample=options.sample,
        seed=options.seed,
        task_ids=[t.id for t in sample],
        batch_size=options.batch_size,
    )
    return EvalRun.create(wf.workspace, settings), model


def execute(
    wf: Workflow, run: EvalRun, model: Model, *, budget_tokens: int | None = None
) -> list[LabelItem]:
    """Ask for every batch not finished yet; every task's item, in the sample's order."""
    settings = run.settings
    by_id = {t.id: t for t in labelled_tasks()}
    tasks = [by_id[i] for i in settings.task_ids]
    size = settings.batch_size or DEFAULT_BATCH
    budget = Budget(budget_tokens, used=run.used_tokens())
    items: list[LabelItem] = []
    for number, case in enumerate(settings.cases):
        done = run.result(case, LabelBatch)
        if done is None:
            batch = tasks[number * size : (number + 1) * size]
            wf.notify(Notice(f"eval {run.id}: {case} ({number + 1} of {len(settings.cases)})"))
            done = _ask_batch(wf, run, model, case, batch, budget)
            run.save_result(case, done)
        items.extend(done.items)
    return items


@dataclass
class _Listener:
    """A batch's ears on each attempt: the budget, the journal, progress."""

    budget: Budget
    journal: CaseJournal
    notify: Notify
    name: str

    def before_attempt(self, call: Call, attempt: int, max_completion_tokens: int) -> None:
        self.budget.gate(self.name, call.messages, max_completion_tokens)
        if attempt == 1:
            self.notify(StageStarted(self.name, call.round))

    def after_attempt(self, record: CallRecord) -> None:
        self.journal.record_call(record)
        self.budget.settle(record)

    def waiting(self, call: Call, reason: str, seconds: float) -> None:
        self.notify(Waiting(self.name, reason, seconds))

    def kept(self, call: Call, attempt: int, content: str, why: str) -> None:
        self.journal.keep(LABELS.name, call.round, attempt, content, why)

    def noticed(self, call: Call, text: str) -> None:
        self.notify(Notice(f"{self.name}: {text}"))


def first_messages(tasks: Sequence[LabelledTask]) -> list[Message]:
    """The batch's question: the instructions, then the tasks as JSON data."""
    instructions = render_template("labels", rubric=load_rubric())
    data = {"tasks": [{"id": t.id, "occupation": t.occupation, "task": t.text} for t in tasks]}
    return [{"role": "system", "content": instructions}, data_message(data)]


def answer_findings(content: str, asked: Sequence[int]) -> list[dict[str, str]]:
    """What is wrong with an answer: its schema problems, else the tasks it leaves out, adds or
    rates twice."""
    if not content:
        return [_finding("answer.cut-off", "", "the answer was cut off: answer again, shorter")]
    try:
        answer = TaskLabelsAnswer.model_validate_json(content)
    except ValidationError as exc:
        return [
            _finding("answer.schema", ".".join(map(str, e["loc"])), e["msg"]) for e in exc.errors()
        ]
    given = Counter(label.id for label in answer.labels)
    wanted = set(asked)
    problems = [
        _finding("labels.missing", "labels", f"task {i} is not rated")
        for i in asked
        if i not in given
    ]
    problems += [
        _finding("labels.unknown", "labels", f"task {i} is not in the data")
        for i in sorted(set(given) - wanted)
    ]
    problems += [
        _finding("labels.repeated", "labels", f"task {i} is rated {n} times")
        for i, n in sorted(given.items())
        if n > 1 and i in wanted
    ]
    return problems


def _finding(code: str, path: str, message: str) -> dict[str, str]:
    return {"code": code, "path": path, "message": message}


def _ask_batch(
    wf: Workflow,
    run: EvalRun,
    model: Model,
    case: str,
    tasks: Sequence[LabelledTask],
    budget: Budget,
) -> LabelBatch:
    settings = run.settings
    request = RunRequest(
        id=case,
        title=f"O*NET task labels, {case}",
        notes=None,
        model=settings.model,
        temperature=settings.temperature,
        max_repairs=settings.max_repairs,
        assessed_on=settings.created_at.date(),
        created_at=now(),
        by=settings.by,
    )
    journal = run.journal(case, request)
    listener = _Listener(budget, journal, wf.notify, f"labels {case}")
    asked = [t.id for t in tasks]
    first = first_messages(tasks)
    messages, round_ = first, 0
    try:
        while True:
            content = _answer(model, journal, listener, Call(LABELS, round_, messages))
            findings = answer_findings(content, asked)
            if not findings or round_ >= settings.max_repairs:
                break
            round_ += 1
            messages = repair_messages(first, content or "(cut off)", findings)
    except (BudgetExceededError, ModelCallError, ConfigError) as exc:
        journal.stop(exc.message.rstrip("."))
        exc.hint = f"Evaluation {run.id} stopped: {_how_to_continue(run)}"
        raise
    except KeyboardInterrupt:
        journal.stop("interrupted (Ctrl-C)")
        wf.notify(Notice(f"interrupted: evaluation {run.id} stopped; {_how_to_continue(run)}"))
        raise
    calls = journal.calls()
    return LabelBatch(
        items=_items(tasks, content),
        calls=len(calls),
        repairs=round_,
        prompt_tokens=sum(c.usage.prompt_tokens for c in calls),
        completion_tokens=sum(c.usage.completion_tokens for c in calls),
    )


def _how_to_continue(run: EvalRun) -> str:
    return (
        f"its answers are kept; continue with `jobzone eval labels --resume {run.id}` without "
        "paying for them again"
    )


def _answer(model: Model, journal: CaseJournal, listener: _Listener, call: Call) -> str:
    """The round's answer: from the journal if paid for already, else from the model."""
    content = journal.answer(LABELS.name, call.round)
    replayed = content is not None
    started = time.monotonic()
    if content is None:
        try:
            content = model.ask(call, listener)
        except TruncatedError:
            content = ""
        journal.save_answer(LABELS.name, call.round, content)
    seconds = time.monotonic() - started
    listener.notify(StageAnswered(listener.name, call.round, seconds, replayed))
    return content


def _items(tasks: Sequence[LabelledTask], content: str) -> list[LabelItem]:
    """Each task with the model's labels (the first rating of a task rated twice), or None."""
    rated: dict[int, TaskLabel] = {}
    try:
        for label in TaskLabelsAnswer.model_validate_json(content).labels:
            rated.setdefault(label.id, label)
    except ValidationError:
        pass
    return [
        LabelItem(
            id=t.id,
            code=t.code,
            occupation=t.occupation,
            text=t.text,
            human=t.human,
            gpt4=t.gpt4,
            gpt4_automation=t.gpt4_automation,
            score=rated[t.id].score if t.id in rated else None,
            exposure=rated[t.id].exposure if t.id in rated else None,
        )
        for t in tasks
    ]
