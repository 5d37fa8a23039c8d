"""Reading a draft: its assessment with findings beside their fields, the second opinion of the
O*NET task labels, provenance, and changes."""

from __future__ import annotations

import difflib
import itertools
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import BaseModel

from jobzone.assessment import Assessment
from jobzone.calls import CallOutcome
from jobzone.canonical import CanonicalSet
from jobzone.career import ONET
from jobzone.checking import score_or_none
from jobzone.commentary import REFERENCE_RE, Commentary
from jobzone.documents import dump_yaml, file_sha256
from jobzone.drafts import Draft, FindingRecord, Kind
from jobzone.errors import ConfigError
from jobzone.figures import FigureTable
from jobzone.history import HistoryEntry
from jobzone.occupations.index import default_index
from jobzone.review.versions import current_role, kept_version
from jobzone.second_opinion import TaskOpinion, grounded_draft, labels
from jobzone.wording import plural
from jobzone.workspace import Workspace


def _lines_by_path(node: yaml.Node, prefix: str, out: dict[str, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            path = f"{prefix}.{key.value}" if prefix else str(key.value)
            out[path] = key.start_mark.line
            _lines_by_path(value, path, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            path = f"{prefix}[{i}]"
            out[path] = item.start_mark.line
            _lines_by_path(item, path, out)


def _line_for(path: str, lines: dict[str, int]) -> int:
    """The line of ``path``, or of its nearest ancestor present in the document."""
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return 0


def annotated(data: dict[str, Any], findings: list[tuple[str, FindingRecord]]) -> str:
    """``data`` as YAML with each finding written just above the field it concerns."""
    text = dump_yaml(data)
    lines = text.splitlines()
    positions: dict[str, int] = {}
    root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if root is not None:
        _lines_by_path(root, "", positions)
    notes: dict[int, list[str]] = {}
    for severity, finding in findings:
        at = _line_for(finding.path, positions)
        indent = len(lines[at]) - len(lines[at].lstrip()) if lines else 0
        notes.setdefault(at, []).append(
            f"{' ' * indent}# !! {severity} {finding.code} ({finding.path}): {finding.message}"
        )
    out: list[str] = []
    for i, line in enumerate(lines):
        out.extend(notes.get(i, []))
        out.append(line)
    return "\n".join(out) + "\n"


@dataclass(frozen=True)
class SectionChange:
    """One commentary section, before and after, with every reference filled in."""

    section: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class Changes:
    """What a revision or commentary draft changes against the canonical version it is based
    on: a unified diff of the content, or the commentary section by section."""

    base: str
    draft: str
    #: Set when the base is no longer the role's current version (or cannot be found).
    note: str | None
    unified: str | None = None
    sections: tuple[SectionChange, ...] = ()
    #: The two contents the unified diff compares, line by line (for a side-by-side view).
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "base": self.base,
            "draft": self.draft,
            "note": self.note,
            "unified": self.unified,
            "sections": [
                {"section": c.section, "before": c.before, "after": c.after, "changed": c.changed}
                for c in self.sections
            ],
        }

    def text(self) -> str:
        note = f"note: {self.note}\n" if self.note else ""
        if self.unified is not None:
            return note + (self.unified or "no changes against the canonical version\n")
        return note + side_by_side(self.sections, self.base, self.draft)


def changes(
    workspace: Workspace, draft: Draft, canonical: Callable[[], CanonicalSet]
) -> Changes | None:
    """What the draft changes against the canonical version it is based on, or None for a new
    role. ``canonical`` loads the canonical set, which only a commentary draft needs (to fill
    the references its text names). When the role has moved on since the draft was made, the
    base is the kept version the draft was based on if it can be found (else the current one),
    and the note says so."""
    if draft.base is None:
        return None
    slug = draft.base.slug
    current = current_role(workspace, slug)
    if current is None:
        return Changes(
            f"roles/{slug}.yaml",
            f"draft {draft.id}",
            f"{slug} is no longer in the canonical set",
            unified="",
        )
    base, note = _base_of(workspace, draft, current)
    left = f"roles/{slug}.yaml (v{base.version})"
    right = f"draft {draft.id}"
    if draft.kind is Kind.commentary:
        return Changes(left, right, note, sections=_sections(base, draft, canonical()))
    old = dump_yaml(base.content()).splitlines(keepends=True)
    new = dump_yaml(_content(draft)).splitlines(keepends=True)
    unified = "".join(difflib.unified_diff(old, new, left, right))
    return Changes(left, right, note, unified=unified, before=tuple(old), after=tuple(new))


def _base_of(
    workspace: Workspace, draft: Draft, current: Assessment
) -> tuple[Assessment, str | None]:
    """The version ``draft`` is based on, and a note when that is no longer the current one."""
    assert draft.base is not None
    slug = draft.base.slug
    if file_sha256(workspace.role_path(slug)) == draft.base.sha256:
        return current, None
    kept = kept_version(workspace, slug, draft.base.version) if draft.base.version else None
    if kept is not None:
        return kept, (
            f"this draft is based on v{draft.base.version} of {slug}, which is no longer "
            f"current (now v{current.version}); rebase it (`jobzone rebase {draft.id}`) before "
            "approving"
        )
    return current, (
        f"the version of {slug} this draft is based on is no longer current and is not "
        f"among the kept versions; the changes shown are against the current v{current.version}"
    )


def filled(assessment: Assessment | None, canonical: CanonicalSet) -> Callable[[str], str]:
    """How to show a commentary text: its references filled from the assessment's score, or
    as written when it cannot be scored."""
    scored = score_or_none(assessment) if assessment is not None else None
    if assessment is None or scored is None:
        return lambda text: text
    return FigureTable.build(scored, canonical.without(assessment.slug)).fill


def _section_texts(commentary: Any, fill: Callable[[str], str]) -> dict[str, str]:
    """Each section of a commentary (a model or a raw mapping) as shown."""
    raw = commentary.model_dump(mode="json") if isinstance(commentary, BaseModel) else commentary
    raw = raw if isinstance(raw, dict) else {}
    texts: dict[str, str] = {}
    for section in Commentary.model_fields:
        if section == "written_against":
            continue
        value = raw.get(section)
        if isinstance(value, list):
            items = [
                f"{v.get('slug')}: {fill(str(v.get('reason')))}"
                if isinstance(v, dict)
                else fill(str(v))
                for v in value
            ]
            texts[section] = "\n".join(f"- {item}" for item in items) or "(none)"
        else:
            texts[section] = fill(str(value or ""))
    return texts


def _sections(base: Assessment, draft: Draft, canonical: CanonicalSet) -> tuple[SectionChange, ...]:
    try:
        mine: Assessment | None = Assessment.model_validate(draft.assessment)
    except ValueError:
        mine = None
    before = _section_texts(base.commentary, filled(base, canonical))
    after = _section_texts(draft.assessment.get("commentary"), filled(mine, canonical))
    return tuple(SectionChange(name, before[name], after[name]) for name in before)


COLUMN = 58
#: A reference is never split across lines: its spaces are held as no-break spaces while wrapping.
_NO_BREAK = "\u00a0"


def _wrapped(text: str) -> list[str]:
    held = REFERENCE_RE.sub(lambda m: m.group(0).replace(" ", _NO_BREAK), text)
    lines: list[str] = []
    for paragraph in held.splitlines() or [""]:
        lines.extend(
            textwrap.wrap(paragraph, COLUMN, break_long_words=False, break_on_hyphens=False) or [""]
        )
    return [line.replace(_NO_BREAK, " ") for line in lines]


def side_by_side(sections: tuple[SectionChange, ...], left: str, right: str) -> str:
    """Each commentary section, old text beside new, for reading a commentary revision."""
    out = [f"{left:<{COLUMN}} | {right}"]
    for change in sections:
        mark = "  (changed)" if change.changed else ""
        out.append(f"== {change.section}{mark}")
        pairs = itertools.zip_longest(_wrapped(change.before), _wrapped(change.after), fillvalue="")
        out.extend(f"{a:<{COLUMN}} | {b}" for a, b in pairs)
    return "\n".join(out) + "\n"


def _content(draft: Draft) -> dict[str, Any]:
    """The draft's assessment normalised like a canonical file, when it parses."""
    try:
        return Assessment.model_validate(draft.assessment).content()
    except ValueError:
        return draft.assessment


def provenance_lines(draft: Draft) -> list[str]:
    p = draft.provenance
    if not p.calls:  # written by hand (``jobzone edit SLUG``): no model, endpoint or prompt
        return [f"model      {p.model}", "calls      none: no tokens used, no cost"]
    retried = sum(1 for c in p.calls if c.outcome is not CallOutcome.ok)
    cost = f"${p.cost_usd:.4f}" if p.cost_usd is not None else "unknown"
    lines = [
        f"model      {p.model} at {p.endpoint_host} (temperature "
        f"{p.temperature if p.temperature is not None else 'the server default'}"
        + (f"; {p.structured_output} structured output" if p.structured_output else "")
        + ")",
        f"calls      {len(p.calls)} ({plural(retried, 'failed or rejected attempt')}), "
        f"{plural(len(p.repairs), 'repair')}",
        f"tokens     {p.usage.prompt_tokens:,} prompt ({p.usage.cached_tokens:,} cached), "
        f"{p.usage.completion_tokens:,} completion; cost {cost} ({p.prices} prices)",
        "prompts    " + ", ".join(f"{k} {v}" for k, v in sorted(p.prompt_versions.items())),
    ]
    if p.suggested_title:
        lines.append(f"title      the model suggested {p.suggested_title!r}; the editor's is kept")
    lines += [f"repair     {r.stage} round {r.round}: {', '.join(r.findings)}" for r in p.repairs]
    return lines


#: How wide a cited statement's line may run; its text is shortened to fit.
WIDTH = 100
#: Marks what deserves a reviewer's look, as ``# !!`` marks a finding.
FLAG = "!! "


def second_opinion(data: dict[str, Any]) -> list[str]:
    """What the O*NET task labels say about a draft's tasks, and how much of its occupation's
    task list they cover, as a section of ``show``; nothing for a draft that does not parse (its
    findings say why) or that names no occupation and cites no statement."""
    assessment = grounded_draft(data)
    if assessment is None:
        return []
    head = "== second opinion (O*NET task labels, Eloundou et al.; '!!' marks what to check) =="
    try:
        found = labels(assessment, default_index())
    except ConfigError as exc:
        return [head, f"the O*NET data cannot be read: {exc.message}", ""]
    lines = [head]
    if found.coverage is not None:
        lines.append(f"{FLAG if found.coverage_low else '   '}{found.coverage}")
    for i, opinion in enumerate(found.tasks):
        if opinion is not None:
            lines += _opinion_lines(i, opinion)
    return [*lines, ""]


def _opinion_lines(index: int, opinion: TaskOpinion) -> list[str]:
    """The task's verdict, then each statement it cites: id, labels and text."""
    mark = FLAG if opinion.disagrees else "   "
    lines = [f"{mark}tasks[{index}] {opinion.task}: {opinion.verdict}"]
    for statement in opinion.statements:
        head = f"   {statement.id:>8}  {statement.labels}  "
        text = textwrap.shorten(statement.text, WIDTH - len(head), placeholder="...")
        lines.append(head + text)
    lines += [f"   {unknown:>8}  not in {ONET}" for unknown in opinion.unknown]
    return lines


def history_lines(entries: list[HistoryEntry]) -> list[str]:
    return [
        f"{e.at:%Y-%m-%d %H:%M} {e.action.value:22} {e.by}"
        + (f" (v{e.version})" if e.version else "")
        + (f": {e.note}" if e.note else "")
        + f"  [{e.content_sha256[:12]}]"
        for e in entries
    ]


def show(draft: Draft, changed: Changes | None) -> str:
    score = draft.score
    kind = draft.kind.value + (f" of {draft.base.slug}" if draft.base else "")
    findings = [("error", f) for f in draft.findings.errors] + [
        ("warning", f) for f in draft.findings.warnings
    ]
    figures = f"{score.aijri} {score.sub_label}" if score else "- (not scorable yet)"
    parts = [
        f"draft {draft.id}: {draft.title}",
        f"kind {kind}; status {draft.status.value}; revision {draft.revision}; "
        f"created {draft.created_at:%Y-%m-%d %H:%M}",
        f"score {figures}; {plural(len(draft.findings.errors), 'error')}, "
        f"{plural(len(draft.findings.warnings), 'warning')}",
        "",
        "== assessment (findings marked '# !!' above their fields) ==",
        annotated(draft.assessment, findings),
        *second_opinion(draft.assessment),
        "== provenance ==",
        *provenance_lines(draft),
        "",
        "== history ==",
        *history_lines(draft.history),
    ]
    if changed is not None:
        parts += ["", "== changes against the canonical version ==", changed.text()]
    return "\n".join(parts).rstrip() + "\n"
