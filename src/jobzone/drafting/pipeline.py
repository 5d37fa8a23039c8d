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
import re
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from pydantic import ValidationError

from jobzone.assessment import Assessment
from jobzone.calls import CallRecord
from jobzone.canonical import BaseVersion, CanonicalRole, CanonicalSet, profile_of
from jobzone.checking import check, score_or_none
from jobzone.documents import schema_problems
from jobzone.drafting.assemble import answer_path, assemble, empty_commentary, raw_answer, slugify
from jobzone.drafting.budget import Budget
from jobzone.drafting.editor_occupation import chosen_occupation, editor_candidate
from jobzone.drafting.grounding import (
    candidates,
    is_occupation,
    listed_occupation,
    occupation_tasks,
)
from jobzone.drafting.journal import Journal, RunOutcome
from jobzone.drafting.model import Call, Message, Model
from jobzone.drafting.prompts import prompt_versions, repair_messages, stage_messages
from jobzone.drafting.stages import (
    COMMENTARY,
    PROFILE,
    ROLE,
    TASKS,
    Stage,
    owner_of,
    stand_in,
    stated_reason,
    verdict_problem,
)
from jobzone.drafts import Repair
from jobzone.errors import InputError, NotAJobTitleError, TruncatedError
from jobzone.figures import basis_of
from jobzone.progress import Notice, Notify, StageAnswered, StageStarted, Waiting, ignore
from jobzone.references import shown_figures
from jobzone.rubric import load_rubric
from jobzone.similarity import Profile, name_key

MAX_TITLE_CHARS = 120
CALIBRATION_ROLES = 3
COMMENTARY_ROLES = 8
T = TypeVar("T")


#: Phrases that make a text an instruction to an assistant rather than the name of a job.
#: Single words are not enough: a Prompt Engineer and a Print Production Manager are jobs.
_INSTRUCTION_RE = re.compile(
    r"\b(ignore|disregard|forget|override)\b.*\b(previous|prior|above|earlier|instructions?|rules)\b"
    r"|\b(print|reveal|show|repeat|output|leak)\b.*\b(your|the|my)\s+(system\s+)?"
    r"(prompt|instructions)\b|\bsystem prompt\b|\byou are\b|\bpretend\b|\bact as\b",
    re.IGNORECASE,
)
MAX_TITLE_WORDS = 8


def not_a_title(title: str) -> str | None:
    """Why ``title`` cannot be a job title on its face (a sentence, an order, too many words),
    or None. The model's own judgement comes after: this check cannot be talked round."""
    words = len(title.split())
    if words > MAX_TITLE_WORDS:
        return f"it has {words} words, and job titles have at most {MAX_TITLE_WORDS}"
    if title.rstrip().endswith((".", "!", "?", ":")):
        return "it ends as a sentence does"
    match = _INSTRUCTION_RE.search(title)
    if match:
        return f"it reads as an instruction ({match.group(0)!r})"
    return None


def check_title(title: str, *, force: bool = False) -> str:
    """The title, trimmed; refused before any call when empty, too long, with control chars,
    or (unless ``force``) when it is plainly not a job title."""
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
    problem = None if force else not_a_title(cleaned)
    if problem:
        raise NotAJobTitleError(cleaned, f"{problem}; pass --force-title if it is one")
    return cleaned


def find_canonical(canonical: CanonicalSet, title: str) -> CanonicalRole | None:
    """The canonical role this title names (title, alias or slug), making the draft a revision."""
    key, slug = name_key(title), slugify(title)
    for role in canonical:
        # Names from the role's summary: reading each assessment would load the whole set.
        if slug == role.slug or any(key == name_key(n) for n in (role.title, *role.aliases)):
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


class Activity(Protocol):
    """Hears when a run's work splits into threads and when each ends, for a model that must
    know whether any of a run's threads is still working (a batch waits until every run of a
    set is waiting for it)."""

    def forked(self, jobs: int) -> None:
        """``jobs`` threads are about to start; the calling thread waits for them meanwhile."""

    def ended(self) -> None:
        """One of the forked threads ended (the last one hands the work back to the caller)."""


def run_together(*jobs: Callable[[], T], activity: Activity | None = None) -> list[T]:
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
        finally:
            if activity is not None:
                activity.ended()

    if activity is not None:
        activity.forked(len(jobs))
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


#: The answer a stage is taken to have given when it was cut off by the token limit twice.
CUT_OFF = ""
CUT_OFF_FINDING = (
    "the answer was cut off by the token limit, even with twice the room: answer again in full, "
    "keeping every text well under its limit and every list short"
)


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
    #: The model's own wording of the title, when it differs from the one kept.
    suggested_title: str | None = None


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

    def kept(self, call: Call, attempt: int, content: str, why: str) -> None:
        self.journal.keep(call.stage.name, call.round, attempt, content, why)

    def noticed(self, call: Call, text: str) -> None:
        self.notify(Notice(f"{call.stage.name}: {text}"))


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
    #: Told when the run's work splits into threads (see :class:`Activity`).
    activity: Activity | None = None

    def __post_init__(self) -> None:
        self.rubric = load_rubric()
        self.listener = _Listener(self.budget, self.journal, self.notify)
        request = self.journal.request
        revised = self.canonical.get(request.base.slug) if request.base else None
        #: The draft's title is the editor's (or, for a revision, the role's); never the model's.
        self.title = self.fixed.title if self.fixed else revised.title if revised else request.title
        #: The occupation O*NET lists the title under: the data's answer when the model gives
        #: none (a small model was seen to leave "Registered Nurse" unassigned).
        self.listed = (
            None
            if self.fixed
            else chosen_occupation(request.occupation, request.title)
            if request.occupation
            else listed_occupation(request.title)
        )
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
            try:
                content = self.model.ask(Call(state.stage, round_, messages), self.listener)
            except TruncatedError:
                # Cut off even with twice the room (the text is in unusable/): a model that
                # runs away is asked again, with that finding, like any unusable answer.
                content = CUT_OFF
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
        last = state.content or "(this answer was cut off at the token limit)"
        messages = repair_messages(state.first, last, findings)
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

    def _context(self, data: dict[str, Any] | None = None) -> dict[str, Any]:
        """What fills the instructions: jobzone's own flags and dates only (whether ``data``
        holds occupations or task statements, not what they say)."""
        request = self.journal.request
        data = data or {}
        return {
            "calibration": bool(self.similar),
            "notes": bool(request.notes),
            "today": request.assessed_on,
            "occupations": bool(data.get("occupations")),
            "occupation_tasks": bool(data.get("occupation_tasks")),
        }

    def execute(self) -> Drafted:
        """Draft a whole role, or, for a commentary run, only its commentary."""
        if self.fixed is not None:
            states: dict[str, StageState] = {}
            self._write_commentary(states)
            return self._finish(states)
        request = self.journal.request
        found = self._data(
            occupations=[editor_candidate(request.occupation)]
            if request.occupation
            else candidates(request.title, request.notes)
        )
        role = self._first(ROLE, found, **self._context(found))
        self._repair_rounds({ROLE.name: role}, (ROLE,))  # a verdict must be consistent first
        role_answer = raw_answer(role.content)
        if role_answer.get("is_job_title") is False and not request.force_title:
            reason = stated_reason(role_answer) or "the model gave no reason of its own"
            self.journal.finish(RunOutcome.not_a_title, reason)
            raise NotAJobTitleError(
                request.title, f"{reason} (the model's verdict; pass --force-title to insist)"
            )

        data = self._data(role=role_answer)
        chosen = self._role_answer(role_answer).get("occupation")
        statements = occupation_tasks(chosen.get("code") if isinstance(chosen, dict) else None)
        grounded = {**data, "occupation_tasks": statements}
        tasks, profile = run_together(
            lambda: self._first(TASKS, grounded, **self._context(grounded)),
            lambda: self._first(PROFILE, data, **self._context(data)),
            activity=self.activity,
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
        """Ask every stage with findings again, together, round after round, until none has
        findings or repairs left (``max_repairs`` per stage over the whole run: the role's verdict
        repaired first counts against the role's repairs afterwards)."""
        most = self.journal.request.max_repairs
        while True:
            due = {
                name: found
                for name, found in self._stage_findings(states, stages).items()
                if states[name].round < most
            }
            if not due:
                return
            run_together(
                *(
                    (lambda state=states[name], found=found: self._repair(state, found))
                    for name, found in due.items()
                ),
                activity=self.activity,
            )

    def _assemble(
        self, states: dict[str, StageState], stand_ins: frozenset[str] = frozenset()
    ) -> dict[str, Any]:
        """The assessment from the stages' answers; a stage named in ``stand_ins`` is taken to
        have given the plainest valid answer instead of its own."""
        answers = {
            name: stand_in(state.stage.answer) if name in stand_ins else raw_answer(state.content)
            for name, state in states.items()
        }
        written = answers.get(COMMENTARY.name)
        if self.fixed is not None:
            kept = self.fixed.model_dump(mode="python", exclude={"version", "history"})
            return {**kept, "commentary": written if written is not None else empty_commentary()}
        request = self.journal.request
        return assemble(
            slug=request.base.slug if request.base else slugify(self.title),
            title=self.title,
            assessed_on=request.assessed_on,
            role=self._role_answer(answers[ROLE.name]),
            tasks=answers[TASKS.name],
            profile=answers[PROFILE.name],
            commentary=written,
        )

    def _role_answer(self, answer: dict[str, Any]) -> dict[str, Any]:
        """The role answer, assessed against the occupation O*NET lists the title under when
        the model chose none, or a code O*NET does not have (small models invent codes)."""
        chosen = answer.get("occupation")
        code = chosen.get("code") if isinstance(chosen, dict) else None
        if self.listed is not None and not is_occupation(code):
            return {**answer, "occupation": self.listed}
        return answer

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
        problems, and the validator's errors on the parts each answer owns, all at once.

        A broken answer must not hide the others' errors: while the rubric is applied, a stage
        whose answer breaks its schema (or the file's) is taken to have said the plainest valid
        thing, so the other stages are judged on their own answers."""
        due: dict[str, list[dict[str, str]]] = {}

        def add(stage: Stage, code: str, path: str, message: str) -> None:
            due.setdefault(stage.name, []).append({"code": code, "path": path, "message": message})

        for stage in stages:
            error = states[stage.name].schema_error
            if states[stage.name].content == CUT_OFF:
                add(stage, "answer.cut-off", "", CUT_OFF_FINDING)
            elif error is not None:
                for problem in schema_problems(error):
                    add(stage, problem.code, problem.path, problem.message)
            if stage is ROLE and error is None and not self.journal.request.force_title:
                verdict = verdict_problem(raw_answer(states[stage.name].content))
                if verdict:
                    add(stage, "answer.verdict", "is_job_title", verdict)
        if set(states) == {ROLE.name}:
            return due  # the verdict alone is judged before the other stages exist
        stand_ins = frozenset(n for n, state in states.items() if state.schema_error is not None)
        while True:
            checked = check(self._assemble(states, stand_ins), self.canonical)
            errors = [(owner_of(f.path), f) for f in checked.report.errors]
            refused = {o.name for o, _ in errors if o is not None} - stand_ins
            if checked.assessment is None and refused:
                # The file refused parts an answer schema let through: those stages' findings
                # are these, and the rest are judged without their parts.
                for owner, finding in errors:
                    if owner in stages and owner is not None and owner.name in refused:
                        add(owner, finding.code, answer_path(owner, finding.path), finding.message)
                stand_ins |= refused
                continue
            for owner, finding in errors:
                if owner in stages and owner is not None and owner.name not in stand_ins:
                    add(owner, finding.code, answer_path(owner, finding.path), finding.message)
            return due

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
        role = states.get(ROLE.name)
        suggested = raw_answer(role.content).get("title") if role else None
        differs = (
            isinstance(suggested, str)
            and bool(suggested.strip())
            and name_key(suggested) != name_key(self.title)
        )
        return Drafted(
            assessment=self._with_basis(self._assemble(states)),
            calls=self.journal.calls(),
            repairs=self.repairs,
            prompt_versions=prompt_versions(),
            suggested_title=" ".join(str(suggested).split()) if differs else None,
        )
