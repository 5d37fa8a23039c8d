"""The drafting run: four stages, concurrent where they can be, repaired against the validator.

Critical path of a clean draft: role -> (tasks || profile) -> commentary, three sequential calls.
A stage whose answer the validator rejects is asked again with its own last answer and the
findings (never a growing transcript), at most ``max_repairs`` times; then the draft is kept with
its findings. Every answer goes to the run journal as it arrives, so a resumed run pays only for
what it had not yet been answered.

A run only drafts: it returns the assessment it assembled and the record of its calls. Queueing
it (checking, saving, history) is :mod:`jobzone.workflow`'s job.
"""

from __future__ import annotations

import queue
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import ValidationError

from jobzone.assessment import Assessment
from jobzone.calls import CallRecord
from jobzone.canonical import BaseVersion, CanonicalRole, CanonicalSet, profile_of
from jobzone.checking import check, score_or_none
from jobzone.documents import schema_problems
from jobzone.drafting.assemble import answer_path, assemble, empty_commentary, raw_answer, slugify
from jobzone.drafting.budget import Budget
from jobzone.drafting.journal import Journal, RunOutcome
from jobzone.drafting.model import Call, Message, Model
from jobzone.drafting.prompts import prompt_versions, repair_messages, stage_messages
from jobzone.drafting.stages import COMMENTARY, PROFILE, ROLE, TASKS, Stage, owner_of
from jobzone.drafts import Repair
from jobzone.errors import InputError, NotAJobTitleError
from jobzone.figures import basis_of
from jobzone.progress import Notify, StageAnswered, StageStarted, Waiting, ignore
from jobzone.references import shown_figures
from jobzone.rubric import load_rubric
from jobzone.similarity import Profile, name_key

MAX_TITLE_CHARS = 120
CALIBRATION_ROLES = 3
COMMENTARY_ROLES = 8
T = TypeVar("T")


def check_title(title: str) -> str:
    """The title, trimmed; refused before any call when empty, too long or with control chars."""
    cleaned = title.strip()
    if not cleaned:
        raise InputError("the title is empty", field="title", rule="title.empty")
    if len(cleaned) > MAX_TITLE_CHARS:
        raise InputError(
            f"the title has {len(cleaned)} characters; the limit is {MAX_TITLE_CHARS}",
            field="title",
            rule="title.length",
        )
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in cleaned):
        raise InputError(
            "the title contains control characters or line breaks",
            field="title",
            rule="title.control",
        )
    return cleaned


def find_canonical(canonical: CanonicalSet, title: str) -> CanonicalRole | None:
    """The canonical role this title names (title, alias or slug), making the draft a revision."""
    for role in canonical:
        names = [role.title, *role.assessment.role.aliases]
        if any(name_key(title) == name_key(name) for name in names) or slugify(title) == role.slug:
            return role
    return None


def revision_base(canonical: CanonicalSet, title: str) -> BaseVersion | None:
    """The canonical version a draft of ``title`` revises, if the title names a role."""
    role = find_canonical(canonical, title)
    return role.base_version() if role else None


def calibration(role: CanonicalRole) -> dict[str, Any]:
    """A canonical role, compactly, as calibration data for the prompts."""
    a, s = role.assessment, role.score
    p = a.protective
    return {
        "slug": role.slug,
        "title": role.title,
        "aijri": str(s.shown_aijri),
        "sub_label": s.sub_label,
        "tasks": [
            {"name": t.name, "time_pct": t.time_pct, "score": t.score, "impact": t.impact.value}
            for t in a.tasks
        ],
        "protective": "/".join(str(getattr(p, name).score) for name in type(p).model_fields),
        "growth": f"{s.growth:+d}",
        "evidence_total": f"{s.evidence_total:+d}",
        "barrier_total": s.barrier_total,
    }


def run_together(*jobs: Callable[[], T]) -> list[T]:
    """Run ``jobs`` at once and return their results in order; raise the first error.

    Each runs in a daemon thread while this thread waits in short steps, so Ctrl-C stops the run
    at once: nothing waits for a call in flight, and a call cut off leaves only what the journal
    already holds (each answer is written whole, or not at all)."""
    results: queue.Queue[tuple[int, T | None, BaseException | None]] = queue.Queue()

    def work(index: int, job: Callable[[], T]) -> None:
        try:
            results.put((index, job(), None))
        except BaseException as exc:
            results.put((index, None, exc))

    for index, job in enumerate(jobs):
        threading.Thread(target=work, args=(index, job), daemon=True).start()
    done: dict[int, T] = {}
    errors: list[BaseException] = []
    while len(done) + len(errors) < len(jobs):
        try:
            index, value, error = results.get(timeout=0.1)
        except queue.Empty:
            continue
        if error is not None:
            errors.append(error)
        else:
            done[index] = value  # type: ignore[assignment]
    if errors:
        raise errors[0]
    return [done[i] for i in range(len(jobs))]


@dataclass
class StageState:
    """Where one stage stands: its first messages, latest answer and round."""

    stage: Stage
    first: list[Message]
    content: str = ""
    round: int = 0
    schema_error: ValidationError | None = None


@dataclass(frozen=True)
class Drafted:
    """What a run produced: the assessment it assembled and the record of how."""

    assessment: dict[str, Any]
    calls: list[CallRecord]
    repairs: list[Repair]
    prompt_versions: dict[str, str]


class _Listener:
    """The run's ears on each attempt: the budget, the journal, progress."""

    def __init__(self, budget: Budget, journal: Journal, notify: Notify) -> None:
        self.budget = budget
        self.journal = journal
        self.notify = notify

    def before_attempt(self, call: Call, attempt: int, max_completion_tokens: int) -> None:
        self.budget.gate(call.stage.name, call.messages, max_completion_tokens)
        if attempt == 1:
            self.notify(StageStarted(call.stage.name, call.round))

    def after_attempt(self, record: CallRecord) -> None:
        self.journal.record_call(record)
        self.budget.settle(record)

    def waiting(self, call: Call, reason: str, seconds: float) -> None:
        self.notify(Waiting(call.stage.name, reason, seconds))


@dataclass
class DraftRun:
    """One drafting run. ``fixed`` makes it a commentary run: the stage that writes commentary
    alone, against that assessment, whose other parts stay as they are."""

    canonical: CanonicalSet
    journal: Journal
    model: Model
    budget: Budget
    notify: Notify = ignore
    fixed: Assessment | None = None
    repairs: list[Repair] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rubric = load_rubric()
        self.listener = _Listener(self.budget, self.journal, self.notify)
        request = self.journal.request
        self.similar = [
            calibration(role)
            for role, _ in self.canonical.most_similar(
                Profile.of([request.title], []), limit=CALIBRATION_ROLES
            )
        ]

    # -- asking -----------------------------------------------------------------------------------

    def _ask(self, state: StageState, messages: list[Message]) -> StageState:
        """The stage's answer for its current round: from the journal if paid for already."""
        name, round_ = state.stage.name, state.round
        content = self.journal.answer(name, round_)
        replayed = content is not None
        started = time.monotonic()
        if content is None:
            content = self.model.ask(Call(state.stage, round_, messages), self.listener)
            self.journal.save_answer(name, round_, content)
        self.notify(StageAnswered(name, round_, time.monotonic() - started, replayed))
        state.content = content
        try:
            state.stage.answer.model_validate_json(content)
            state.schema_error = None
        except ValidationError as exc:
            state.schema_error = exc
        return state

    def _first(self, stage: Stage, data: dict[str, Any], **context: Any) -> StageState:
        messages = stage_messages(self.rubric, stage.name, data, **context)
        return self._ask(StageState(stage=stage, first=messages), messages)

    def _repair(self, state: StageState, findings: list[dict[str, str]]) -> StageState:
        state.round += 1
        self.repairs.append(
            Repair(
                stage=state.stage.name,
                round=state.round,
                findings=[f"{f['code']} at {f['path']}" for f in findings],
            )
        )
        messages = repair_messages(state.first, state.content, findings)
        return self._ask(state, messages)

    # -- the run ----------------------------------------------------------------------------------

    def _data(self, **more: Any) -> dict[str, Any]:
        """What every stage is given as data: the title, the notes, similar canonical roles."""
        request = self.journal.request
        return {
            "title": request.title,
            "notes": request.notes or "",
            "calibration": self.similar,
            **more,
        }

    def _context(self) -> dict[str, Any]:
        """What fills the instructions: jobzone's own flags and dates only."""
        request = self.journal.request
        return {
            "calibration": bool(self.similar),
            "notes": bool(request.notes),
            "today": request.assessed_on,
        }

    def execute(self) -> Drafted:
        """Draft a whole role, or, for a commentary run, only its commentary."""
        if self.fixed is not None:
            states: dict[str, StageState] = {}
            self._write_commentary(states)
            return self._finish(states)
        request = self.journal.request
        role = self._first(ROLE, self._data(), **self._context())
        role_answer = raw_answer(role.content)
        if role.schema_error is None and role_answer.get("is_job_title") is False:
            reason = str(role_answer.get("not_a_title_reason") or "no reason given")
            self.journal.finish(RunOutcome.not_a_title, reason)
            raise NotAJobTitleError(request.title, reason)

        data = self._data(role=role_answer)
        tasks, profile = run_together(
            lambda: self._first(TASKS, data, **self._context()),
            lambda: self._first(PROFILE, data, **self._context()),
        )
        states = {ROLE.name: role, TASKS.name: tasks, PROFILE.name: profile}
        self._repair_rounds(states, (ROLE, TASKS, PROFILE))
        assessed = self._parsed(self._assemble(states))
        if assessed is not None and score_or_none(assessed) is not None:
            self._write_commentary(states)
        return self._finish(states)

    def _write_commentary(self, states: dict[str, StageState]) -> None:
        """The commentary stage, against the scored assessment: the same for new drafts and for
        commentary runs."""
        assessment = self._parsed(self._assemble(states))
        assert assessment is not None, "commentary is written only for a scorable assessment"
        states[COMMENTARY.name] = self._first(
            COMMENTARY, self._commentary_data(assessment), **self._context()
        )
        self._repair_rounds(states, (COMMENTARY,))

    def _repair_rounds(self, states: dict[str, StageState], stages: tuple[Stage, ...]) -> None:
        for _ in range(self.journal.request.max_repairs):
            due = self._stage_findings(states, stages)
            if not due:
                return
            run_together(
                *(
                    (lambda state=states[name], found=found: self._repair(state, found))
                    for name, found in due.items()
                )
            )

    def _assemble(self, states: dict[str, StageState]) -> dict[str, Any]:
        commentary = states.get(COMMENTARY.name)
        written = raw_answer(commentary.content) if commentary else None
        if self.fixed is not None:
            kept = self.fixed.model_dump(mode="python", exclude={"version", "history"})
            return {**kept, "commentary": written if written is not None else empty_commentary()}
        request = self.journal.request
        role = raw_answer(states[ROLE.name].content)
        base = request.base
        slug = base.slug if base else slugify(str(role.get("title") or request.title))
        return assemble(
            slug=slug,
            assessed_on=request.assessed_on,
            role=role,
            tasks=raw_answer(states[TASKS.name].content),
            profile=raw_answer(states[PROFILE.name].content),
            commentary=written,
        )

    @staticmethod
    def _parsed(assessment: dict[str, Any]) -> Assessment | None:
        try:
            return Assessment.model_validate(assessment)
        except ValidationError:
            return None

    def _stage_findings(
        self, states: dict[str, StageState], stages: tuple[Stage, ...]
    ) -> dict[str, list[dict[str, str]]]:
        """Errors owned by ``stages``, in each stage's own answer paths: an answer's schema
        problems and the validator's errors on the parts it owns, all of them together."""
        due: dict[str, list[dict[str, str]]] = {}
        for stage in stages:
            error = states[stage.name].schema_error
            if error is not None:
                due[stage.name] = [
                    {"code": p.code, "path": p.path, "message": p.message}
                    for p in schema_problems(error)
                ]
        report = check(self._assemble(states), self.canonical).report
        for finding in report.errors:
            owner = owner_of(finding.path)
            if owner in stages and states[owner.name].schema_error is None:
                due.setdefault(owner.name, []).append(
                    {
                        "code": finding.code,
                        "path": answer_path(owner, finding.path),
                        "message": finding.message,
                    }
                )
        return {name: found for name, found in due.items() if found}

    def _commentary_data(self, assessment: Assessment) -> dict[str, Any]:
        scored = score_or_none(assessment)
        assert scored is not None, "commentary is written only for a scorable assessment"
        others = self.canonical.without(assessment.slug)
        similar = others.most_similar(profile_of(assessment), COMMENTARY_ROLES)
        return {
            "title": assessment.title,
            "notes": self.journal.request.notes or "",
            "assessment": assessment.model_dump(
                mode="json", exclude={"version", "history", "commentary"}
            ),
            "figures": shown_figures(scored),
            "canonical_roles": [
                {
                    "slug": role.slug,
                    "title": role.title,
                    "aijri": str(role.score.shown_aijri),
                    "sub_label": role.score.sub_label,
                }
                for role, _ in similar
            ],
        }

    def _with_basis(self, assessment: dict[str, Any]) -> dict[str, Any]:
        """Record in the commentary the figures it was written against, when it parses."""
        parsed = self._parsed(assessment)
        scored = score_or_none(parsed) if parsed is not None else None
        if parsed is None or scored is None:
            return assessment
        basis = basis_of(parsed.commentary, scored, self.canonical.without(parsed.slug))
        commentary = {**assessment["commentary"], "written_against": basis.model_dump()}
        return {**assessment, "commentary": commentary}

    def _finish(self, states: dict[str, StageState]) -> Drafted:
        return Drafted(
            assessment=self._with_basis(self._assemble(states)),
            calls=self.journal.calls(),
            repairs=self.repairs,
            prompt_versions=prompt_versions(),
        )
