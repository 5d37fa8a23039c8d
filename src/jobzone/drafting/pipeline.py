"""The drafting run: four stages, concurrent where they can be, repaired against the validator.

Critical path of a clean draft: role -> (tasks || profile) -> commentary, three sequential calls.
A stage whose answer the validator rejects is asked again with its own last answer and the
findings (never a growing transcript), at most ``max_repairs`` times; then the draft is kept with
its findings. Every answer goes to the run journal as it arrives, so a resumed run pays only for
what it had not yet been answered.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from openai.types.chat import ChatCompletionMessageParam
from pydantic import ValidationError

from jobzone.assessment import Assessment
from jobzone.canonical import BaseVersion, CanonicalRole, CanonicalSet, profile_of
from jobzone.documents import schema_problems
from jobzone.drafting.assemble import (
    EMPTY_COMMENTARY,
    answer_path,
    assemble,
    raw_answer,
    slugify,
)
from jobzone.drafting.budget import Budget
from jobzone.drafting.client import ModelClient
from jobzone.drafting.journal import Journal
from jobzone.drafting.prompts import prompt_versions, repair_messages, stage_messages
from jobzone.drafting.records import CallRecord
from jobzone.drafting.settings import ModelSettings
from jobzone.drafting.stages import COMMENTARY, PROFILE, ROLE, TASKS, Stage, owner_of
from jobzone.drafting.usage import PriceTable, Usage
from jobzone.drafts import (
    Draft,
    Kind,
    Provenance,
    Repair,
    Status,
    assessment_hash,
    findings_of,
    shown_score,
)
from jobzone.errors import InputError, NotAJobTitleError
from jobzone.figures import basis_of, self_figures
from jobzone.history import HistoryEntry
from jobzone.rubric import load_rubric
from jobzone.scoring import score
from jobzone.similarity import Profile, name_key
from jobzone.validation import validate_document

MAX_TITLE_CHARS = 120
CALIBRATION_ROLES = 3
COMMENTARY_ROLES = 8


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
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in cleaned):
        raise InputError(
            "the title contains control characters", field="title", rule="title.control"
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
    """A canonical role, compactly, for the prompts' calibration blocks."""
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
        "protective": f"{p.embodied_physicality.score}/{p.deep_interpersonal_connection.score}"
        f"/{p.goal_setting_moral_judgment.score}",
        "growth": f"{s.growth:+d}",
        "evidence_total": f"{s.evidence_total:+d}",
        "barrier_total": s.barrier_total,
    }


@dataclass
class StageState:
    """Where one stage stands: its first messages, latest answer and round."""

    stage: Stage
    first: list[ChatCompletionMessageParam]
    content: str = ""
    round: int = 0
    schema_error: ValidationError | None = None


@dataclass
class DraftRun:
    workspace_canonical: CanonicalSet
    journal: Journal
    settings: ModelSettings
    prices: PriceTable
    budget: Budget
    progress: Callable[[str], None] = lambda _message: None
    sleep: Callable[[float], None] | None = None
    #: Set to regenerate this canonical role's commentary only; the rest of it stays as it is.
    regenerating: CanonicalRole | None = None
    repairs: list[Repair] = field(default_factory=list)

    def __post_init__(self) -> None:
        extra = {} if self.sleep is None else {"sleep": self.sleep}
        self.client = ModelClient(self.settings, self._record, gate=self.budget.gate, **extra)
        self.rubric = load_rubric()
        request = self.journal.request
        self.base = request.base
        self.fixed: dict[str, Any] | None = (
            self.regenerating.assessment.model_dump(
                mode="python", exclude={"version", "history", "commentary"}
            )
            if self.regenerating
            else None
        )
        self.similar = [
            calibration(role)
            for role, _ in self.workspace_canonical.most_similar(
                Profile.of([request.title], []), limit=CALIBRATION_ROLES
            )
        ]

    def _record(self, record: CallRecord) -> None:
        self.journal.record_call(record)
        self.budget.settle(record)

    # -- asking -----------------------------------------------------------------------------------

    def _ask(self, state: StageState, messages: list[ChatCompletionMessageParam]) -> StageState:
        """The stage's answer for its current round: from the journal if paid for already."""
        name, round_ = state.stage.name, state.round
        content = self.journal.answer(name, round_)
        if content is None:
            self.progress(f"{name}: asking the model" + (f" (repair {round_})" if round_ else ""))
            content = self.client.ask(state.stage, round_, messages)
            self.journal.save_answer(name, round_, content)
        else:
            self.progress(f"{name}: answer {round_} replayed from the run journal")
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

    def _context(self) -> dict[str, Any]:
        request = self.journal.request
        return {"similar": self.similar, "notes": bool(request.notes), "today": request.assessed_on}

    def execute(self) -> Draft:
        """Draft a whole role, or, when ``regenerating`` one, only its commentary."""
        if self.fixed is not None:
            states: dict[str, StageState] = {}
            self._write_commentary(states)
            return self._finish(states)
        request = self.journal.request
        data: dict[str, Any] = {"title": request.title, "notes": request.notes or ""}
        context = self._context()

        role = self._first(ROLE, data, **context)
        role_answer = raw_answer(role.content)
        if role.schema_error is None and role_answer.get("is_job_title") is False:
            reason = str(role_answer.get("not_a_title_reason") or "no reason given")
            self.journal.finish("not-a-title", reason)
            raise NotAJobTitleError(request.title, reason)

        data = {**data, "role": role_answer}
        with ThreadPoolExecutor(max_workers=2) as pool:
            tasks_f = pool.submit(self._first, TASKS, data, **context)
            profile_f = pool.submit(self._first, PROFILE, data, **context)
            states = {
                ROLE.name: role,
                TASKS.name: tasks_f.result(),
                PROFILE.name: profile_f.result(),
            }

        self._repair_rounds(states, self._core_findings)
        if shown_score(self._assemble(states)) is not None:
            self._write_commentary(states)
        return self._finish(states)

    def _write_commentary(self, states: dict[str, StageState]) -> None:
        """The commentary stage, against the scored assessment: the same for new drafts and for
        regenerating a canonical role's commentary."""
        assessment = self._assemble(states)
        states[COMMENTARY.name] = self._first(
            COMMENTARY,
            self._commentary_data(self.journal.request.title, assessment),
            **self._context(),
            canonical=self._commentary_roles(assessment),
        )
        self._repair_rounds(states, self._commentary_findings)

    def _repair_rounds(
        self,
        states: dict[str, StageState],
        findings_of: Callable[[dict[str, StageState]], dict[str, list[dict[str, str]]]],
    ) -> None:
        for _ in range(self.journal.request.max_repairs):
            due = findings_of(states)
            if not due:
                return
            with ThreadPoolExecutor(max_workers=len(due)) as pool:
                futures = [pool.submit(self._repair, states[name], f) for name, f in due.items()]
                for future in futures:
                    future.result()

    def _assemble(self, states: dict[str, StageState]) -> dict[str, Any]:
        commentary = states.get(COMMENTARY.name)
        if self.fixed is not None:
            written = raw_answer(commentary.content) if commentary else EMPTY_COMMENTARY
            return {**self.fixed, "commentary": written}
        role = raw_answer(states[ROLE.name].content)
        slug = (
            self.base.slug
            if self.base
            else slugify(str(role.get("title") or self.journal.request.title))
        )
        return assemble(
            slug=slug,
            assessed_on=self.journal.request.assessed_on,
            role=role,
            tasks=raw_answer(states[TASKS.name].content),
            profile=raw_answer(states[PROFILE.name].content),
            commentary=raw_answer(commentary.content) if commentary else None,
        )

    def _stage_findings(
        self, states: dict[str, StageState], stages: tuple[Stage, ...]
    ) -> dict[str, list[dict[str, str]]]:
        """Errors owned by ``stages``, in each stage's own answer paths."""
        due: dict[str, list[dict[str, str]]] = {}
        for stage in stages:
            error = states[stage.name].schema_error
            if error is not None:
                due[stage.name] = [
                    {"code": p.code, "path": p.path, "message": p.message}
                    for p in schema_problems(error)
                ]
        report = validate_document(self._assemble(states), self.workspace_canonical)
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

    def _core_findings(self, states: dict[str, StageState]) -> dict[str, list[dict[str, str]]]:
        return self._stage_findings(states, (ROLE, TASKS, PROFILE))

    def _commentary_findings(
        self, states: dict[str, StageState]
    ) -> dict[str, list[dict[str, str]]]:
        return self._stage_findings(states, (COMMENTARY,))

    def _commentary_data(self, title: str, assessment: dict[str, Any]) -> dict[str, Any]:
        parsed = Assessment.model_validate(assessment)
        return {
            "title": title,
            "notes": self.journal.request.notes or "",
            "assessment": {k: v for k, v in assessment.items() if k != "commentary"},
            "figures": self_figures(score(parsed)),
        }

    def _commentary_roles(self, assessment: dict[str, Any]) -> list[dict[str, Any]]:
        parsed = Assessment.model_validate(assessment)
        canonical = self.workspace_canonical.without(parsed.slug)
        similar = canonical.most_similar(profile_of(parsed), COMMENTARY_ROLES)
        return [calibration(r) for r, _ in similar]

    def _kind(self) -> Kind:
        if self.fixed is not None:
            return Kind.commentary
        return Kind.revision if self.base else Kind.new

    def _with_basis(self, assessment: dict[str, Any]) -> dict[str, Any]:
        """Record in the commentary the figures it was written against, when it parses."""
        try:
            parsed = Assessment.model_validate(assessment)
            scored = score(parsed)
        except (ValidationError, InputError):
            return assessment
        canonical = self.workspace_canonical.without(parsed.slug)
        basis = basis_of(parsed.commentary, scored, canonical)
        commentary = {**assessment["commentary"], "written_against": basis.model_dump()}
        return {**assessment, "commentary": commentary}

    def _finish(self, states: dict[str, StageState]) -> Draft:
        request = self.journal.request
        assessment = self._with_basis(self._assemble(states))
        findings = findings_of(assessment, self.workspace_canonical)
        calls = self.journal.calls()
        usage = sum((c.usage for c in calls), Usage())
        now = dt.datetime.now(dt.UTC)
        return Draft(
            id=request.id,
            kind=self._kind(),
            status=Status.pending,
            title=str(assessment.get("title") or request.title),
            slug=str(assessment["slug"]),
            base=self.base,
            created_at=request.created_at,
            assessment=assessment,
            findings=findings,
            score=shown_score(assessment),
            provenance=Provenance(
                model=request.model,
                endpoint_host=self.settings.endpoint_host,
                temperature=request.temperature,
                prompt_versions=prompt_versions(),
                rubric=self.rubric.id,
                calls=calls,
                repairs=self.repairs,
                usage=usage,
                cost_usd=self.prices.cost(request.model, usage),
                prices=self.prices.source,
            ),
            history=[
                HistoryEntry(
                    at=now,
                    by=request.by,
                    action="drafted",
                    note=f"drafted ({self._kind().value}) by {request.model} for {request.title!r}",
                    content_sha256=assessment_hash(assessment),
                )
            ],
        )
