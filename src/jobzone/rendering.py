"""Rendering an assessment as Markdown or as one self-contained HTML page.

The templates in ``jobzone/templates`` only lay figures out; they never compute or hold one. Every
number is read here from the scorer (:class:`jobzone.scoring.Score`) and the rubric data, formatted
to the rubric's display precision and handed over as a string. Commentary references are filled
from the same score before rendering and reach the templates as plain data, so prose can neither go
stale nor be run as template code.

Both pages escape every value they show, HTML with autoescape and Markdown with :func:`md_escape`:
the role's text comes from a file, and must add no markup, link or block to the published page.

A role grounded in O*NET (an occupation, or tasks citing its statements) also gets what the
occupational data says about it, looked up as the page is rendered: the career context
(:mod:`jobzone.career`), the second opinion beside each task and the coverage
(:mod:`jobzone.second_opinion`), and the notices owed to that data. When the data cannot be read,
the page says so in their place and is rendered all the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined
from pydantic import BaseModel

from jobzone.assessment import Assessment
from jobzone.canonical import CanonicalSet
from jobzone.career import CareerContext, attribution, career_context, without_figures
from jobzone.commentary import LookNext
from jobzone.errors import ConfigError
from jobzone.figures import FigureTable
from jobzone.occupations.index import default_index
from jobzone.references import signed
from jobzone.rubric import Condition, IntRange, Rubric
from jobzone.scoring import Score, round_half_up, score
from jobzone.second_opinion import Labels, TaskOpinion, grounded, labels
from jobzone.sources import MODEL, CitedSource, cited

FORMATS = ("md", "html")
#: Said in place of what the occupational data would show, when it cannot be read.
UNREADABLE = "The O*NET data could not be read when this page was rendered, so it is left out."


@dataclass(frozen=True)
class Item:
    """One scored row of the principles, evidence or barriers table."""

    label: str
    score: str
    text: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScoredTable:
    """A table of scored items with its score range (``0-3``) and total (``2/9`` or ``+5``)."""

    range: str
    rows: tuple[Item, ...]
    total: str


@dataclass(frozen=True)
class TaskRow:
    name: str
    time_pct: str
    score: str
    weighted: str
    impact: str
    rationale: str
    #: What the labels of the O*NET statements it cites suggest; "" when it cites none.
    onet: str = ""
    onet_disagrees: bool = False


@dataclass(frozen=True)
class Tasks:
    """The task decomposition and the figures derived from it."""

    range: str
    rows: tuple[TaskRow, ...]
    time_total: str
    total: str
    resistance_base: str
    resistance: str
    resistance_max: str
    split: tuple[str, ...]
    #: The second opinion on each task that cites O*NET statements, for the list under the table.
    opinions: tuple[TaskOpinion, ...] = ()
    #: How much of the occupation's task list the tasks cover, when the role names one.
    coverage: str | None = None
    coverage_low: bool = False
    #: Said instead of the second opinion when the O*NET data cannot be read.
    onet_note: str | None = None


@dataclass(frozen=True)
class Modifier:
    """One ``1.0 + (total x coefficient) = value`` line of the composite."""

    label: str
    total: str
    coefficient: str
    value: str


@dataclass(frozen=True)
class Composite:
    """The composite arithmetic, from task resistance to the formula aijri and its zone."""

    modifiers: tuple[Modifier, ...]
    raw: str
    raw_floor: str
    divisor: str
    unclamped_aijri: str
    aijri: str
    clamped: bool
    zone: str
    zone_ranges: tuple[str, ...]


@dataclass(frozen=True)
class SubLabel:
    exposed_score: str
    share_3plus: str
    growth: str
    displacement: str
    label: str
    reason: str


@dataclass(frozen=True)
class OverrideView:
    aijri: str
    sub_label: str
    formula_aijri: str
    formula_sub_label: str
    justification: str
    by: str
    on: str


@dataclass(frozen=True)
class LookNextEntry:
    """A role under "where to look next"; ``title`` is None when it is not in the canonical set."""

    slug: str
    title: str | None
    aijri: str | None
    sub_label: str | None
    reason: str


@dataclass(frozen=True)
class CommentaryView:
    """The commentary with every reference filled in."""

    score_vs_reality: str
    numbers_dont_capture: tuple[str, ...]
    who_should_worry: str
    outlook: str
    survival_strategy: tuple[str, ...]
    where_to_look_next: tuple[LookNextEntry, ...]
    timeline: str


@dataclass(frozen=True)
class Page:
    """Everything a template shows besides the role's own text, which it reads from the file."""

    aijri: str
    zone: str
    sub_label: str
    principles: ScoredTable
    protective_total: str
    growth: Item
    quick_screen_total: str
    quick_screen: str
    tasks: Tasks
    reinstatement: str
    evidence: ScoredTable
    barriers: ScoredTable
    composite: Composite
    sub_label_view: SubLabel
    override: OverrideView | None
    distances: tuple[str, ...]
    commentary: CommentaryView
    career: CareerContext | None
    #: The notices owed to the occupational data the page shows; empty when it shows none.
    attribution: tuple[str, ...]


@dataclass(frozen=True)
class Grounding:
    """What the occupational data says about a role, looked up as its page is rendered."""

    career: CareerContext | None = None
    labels: Labels | None = None
    #: Why the data is missing, when it cannot be read.
    unreadable: str | None = None

    @property
    def attribution(self) -> tuple[str, ...]:
        career = self.career is not None and bool(self.career.facts)
        opinions = self.labels is not None and bool(self.labels.opinions)
        coverage = self.labels is not None and self.labels.coverage is not None
        return attribution(onet=career or opinions or coverage, labels=opinions, bls=career)


def render(assessment: Assessment, canonical: CanonicalSet, fmt: str) -> str:
    """The assessment as ``fmt`` (one of :data:`FORMATS`), scored against ``canonical``."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    page = build_page(assessment, canonical)
    template = _environment(fmt).get_template(f"role.{fmt}.j2")
    return template.render(a=assessment, page=page)


def build_page(assessment: Assessment, canonical: CanonicalSet) -> Page:
    """Score the assessment and format every figure the page shows."""
    scored = score(assessment)
    rubric = scored.rubric
    growth = assessment.growth
    others = canonical.without(assessment.slug)
    grounding = look_up(assessment, others)
    return Page(
        aijri=str(scored.shown_aijri),
        zone=scored.zone,
        sub_label=scored.sub_label,
        principles=_scored_table(
            assessment.protective,
            rubric.ranges.protective,
            scored.protective_total,
        ),
        protective_total=str(scored.protective_total),
        growth=Item("AI Growth Correlation", signed(scored.growth), growth.rationale),
        quick_screen_total=str(scored.quick_screen_total),
        quick_screen=scored.quick_screen,
        tasks=_tasks(assessment, scored, grounding),
        reinstatement="Yes" if assessment.reinstatement.new_tasks else "No",
        evidence=_evidence_table(assessment, scored),
        barriers=_scored_table(assessment.barriers, rubric.ranges.barrier, scored.barrier_total),
        composite=_composite(scored),
        sub_label_view=_sub_label(scored),
        override=_override(assessment, scored),
        distances=_distances(scored),
        commentary=_commentary(assessment, scored, others),
        career=grounding.career,
        attribution=grounding.attribution,
    )


def look_up(assessment: Assessment, others: CanonicalSet) -> Grounding:
    """The career context and second opinion of a grounded role; nothing is opened for a role
    that names no occupation and cites no statement. Data that cannot be read (a ConfigError
    from the index) leaves a note in their place, never an error: the page stands without it."""
    if not grounded(assessment):
        return Grounding()
    try:
        index = default_index()
        return Grounding(career_context(assessment, others, index), labels(assessment, index))
    except ConfigError:
        return Grounding(without_figures(assessment, UNREADABLE), unreadable=UNREADABLE)


def _fixed(value: Fraction, decimals: int) -> str:
    return str(round_half_up(value, decimals))


def _exact(value: Fraction) -> str:
    """A rubric constant as written in its data file (``0.04``, ``7.93``); they are decimals."""
    return str(Decimal(value.numerator) / Decimal(value.denominator))


def _threshold(rubric: Rubric, value: Fraction) -> str:
    return _fixed(value, rubric.display.aijri_decimals)


def _range(span: IntRange, *, signs: bool = False) -> str:
    if signs:
        return f"{signed(span.min)} to {signed(span.max)}"
    return f"{span.min}-{span.max}"


def _label(group: BaseModel, name: str) -> str:
    """How the page labels a member of a group: its field's title in the model."""
    return type(group).model_fields[name].title or name


def _scored_table(group: BaseModel, span: IntRange, total: int) -> ScoredTable:
    """Principles or barriers: each field of ``group`` holds a score and a rationale.

    The total is the scorer's; its maximum is the rubric's top score times the number of items.
    """
    rows = tuple(
        Item(_label(group, name), str(getattr(group, name).score), getattr(group, name).rationale)
        for name in type(group).model_fields
    )
    return ScoredTable(_range(span), rows, f"{total}/{span.max * len(rows)}")


def _source(c: CitedSource) -> str:
    """A source as the page cites it, saying whether a person checked that it says what it is
    cited for: sources a model suggested are the ones most likely not to."""
    source = c.source
    details = [str(d) for d in (source.date, source.url) if d]
    named = f"{source.title} ({', '.join(details)})" if details else source.title
    if c.verified:
        return f"{named} (verified by {source.verified_by} on {source.verified_on})"
    added = "suggested by the model" if c.added_by == MODEL else f"added by {c.added_by}"
    return f"{named} (unverified, {added})"


def _evidence_table(assessment: Assessment, scored: Score) -> ScoredTable:
    evidence = assessment.evidence
    sources: dict[str, list[str]] = {}
    for c in cited(assessment):
        sources.setdefault(c.dimension, []).append(_source(c))
    rows = []
    for name in type(evidence).model_fields:
        item = getattr(evidence, name)
        cites = tuple(sources.get(name, ()))
        rows.append(Item(_label(evidence, name), signed(item.score), item.text, cites))
    span = _range(scored.rubric.ranges.evidence, signs=True)
    return ScoredTable(span, tuple(rows), signed(scored.evidence_total))


def _tasks(assessment: Assessment, scored: Score, grounding: Grounding) -> Tasks:
    rubric = scored.rubric
    decimals = rubric.display.task_decimals
    found = grounding.labels
    opinions = found.tasks if found is not None else (None,) * len(assessment.tasks)
    rows = tuple(
        TaskRow(
            name=task.name,
            time_pct=f"{task.time_pct}%",
            score=str(task.score),
            weighted=_fixed(Fraction(task.time_pct * task.score, 100), decimals),
            impact=task.impact.value.replace("_", " ").upper(),
            rationale=task.rationale,
            onet=opinion.summary if opinion is not None else "",
            onet_disagrees=opinion is not None and opinion.disagrees,
        )
        for task, opinion in zip(assessment.tasks, opinions, strict=True)
    )
    base = rubric.formula.task_resistance_base
    return Tasks(
        range=_range(rubric.ranges.task_score),
        rows=rows,
        time_total=f"{sum(t.time_pct for t in assessment.tasks)}%",
        total=_fixed(scored.task_total, decimals),
        resistance_base=_fixed(base, decimals),
        resistance=_fixed(scored.task_resistance, decimals),
        resistance_max=_fixed(base - rubric.ranges.task_score.min, decimals),
        split=tuple(f"{pct}% {name.replace('_', ' ')}" for name, pct in scored.split.items()),
        opinions=found.opinions if found is not None else (),
        coverage=found.coverage if found is not None else None,
        coverage_low=found is not None and found.coverage_low,
        onet_note=grounding.unreadable if any(t.onet_tasks for t in assessment.tasks) else None,
    )


def _composite(scored: Score) -> Composite:
    rubric = scored.rubric
    f = rubric.formula
    d = rubric.display
    totals = (
        ("Evidence", scored.evidence_total, f.evidence_coefficient, scored.evidence_modifier),
        ("Barrier", scored.barrier_total, f.barrier_coefficient, scored.barrier_modifier),
        ("Growth", scored.growth, f.growth_coefficient, scored.growth_modifier),
    )
    return Composite(
        modifiers=tuple(
            Modifier(label, str(total), _exact(coefficient), _fixed(value, d.modifier_decimals))
            for label, total, coefficient, value in totals
        ),
        raw=_fixed(scored.raw, d.raw_decimals),
        raw_floor=_exact(f.raw_floor),
        divisor=_exact(f.divisor),
        unclamped_aijri=_fixed(scored.unclamped_aijri, d.aijri_decimals),
        aijri=str(scored.shown_formula_aijri),
        clamped=scored.clamped,
        zone=scored.formula_zone,
        zone_ranges=tuple(f"{name} {span}" for name, span in _zone_spans(rubric).items()),
    )


def _zone_spans(rubric: Rubric) -> dict[str, str]:
    """Each zone's aijri span as words (``>= 48.0``, ``25.0 to under 48.0``, ``under 25.0``)."""
    spans: dict[str, str] = {}
    upper: str | None = None
    last = rubric.zones[-1].name
    for zone in rubric.zones:
        low = _threshold(rubric, zone.min)
        if upper is None:
            spans[zone.name] = f">= {low}"
        elif zone.name == last:
            spans[zone.name] = f"under {upper}"
        else:
            spans[zone.name] = f"{low} to under {upper}"
        upper = low
    return spans


def _sub_label(scored: Score) -> SubLabel:
    return SubLabel(
        exposed_score=str(scored.rubric.exposed_task_score),
        share_3plus=f"{scored.share_3plus}%",
        growth=signed(scored.growth),
        displacement=f"{scored.split['displacement']}%",
        label=scored.sub_label,
        reason=_sub_label_reason(scored),
    )


def _sub_label_reason(scored: Score) -> str:
    """Why the published sub-label applies, read off the rubric's rules for its zone.

    The rules are tried in order, so the chosen one also implies that every earlier rule's
    condition failed; both are spelled out.
    """
    rubric = scored.rubric
    rules = rubric.sub_labels[scored.zone]
    chosen = next(i for i, rule in enumerate(rules) if rule.label == scored.sub_label)
    parts = [f"AIJRI {_zone_spans(rubric)[scored.zone]}"]
    parts += [_condition(rubric, r.when, holds=False) for r in rules[:chosen] if r.when]
    when = rules[chosen].when
    if when is not None:
        parts.append(_condition(rubric, when, holds=True))
    return " and ".join(parts)


def _condition(rubric: Rubric, when: Condition, *, holds: bool) -> str:
    match when.metric:
        case "growth":
            subject, value = "AI growth correlation", signed(when.at_least)
        case "share_3plus":
            subject = f"share of task time scoring {rubric.exposed_task_score}+"
            value = f"{when.at_least}%"
        case "displacement":
            subject, value = "displacement share", f"{when.at_least}%"
    return f"{subject} {'>=' if holds else 'below'} {value}"


def _override(assessment: Assessment, scored: Score) -> OverrideView | None:
    override = assessment.override
    if override is None:
        return None
    return OverrideView(
        aijri=str(scored.shown_aijri),
        sub_label=scored.sub_label,
        formula_aijri=str(scored.shown_formula_aijri),
        formula_sub_label=scored.formula_sub_label,
        justification=override.justification,
        by=override.by,
        on=override.on.isoformat(),
    )


def _distances(scored: Score) -> tuple[str, ...]:
    """How far the published aijri sits from each zone threshold, as the commentary cites it."""
    rubric = scored.rubric
    out = []
    for zone in rubric.zones[:-1]:
        threshold = round_half_up(zone.min, rubric.display.aijri_decimals)
        side = "above" if scored.shown_aijri >= threshold else "below"
        distance = scored.distance_to(zone.name)
        out.append(f"{distance} points {side} the {zone.name} threshold ({threshold})")
    return tuple(out)


def _commentary(assessment: Assessment, scored: Score, others: CanonicalSet) -> CommentaryView:
    c = assessment.commentary
    fill = FigureTable.build(scored, others).fill
    return CommentaryView(
        score_vs_reality=fill(c.score_vs_reality),
        numbers_dont_capture=tuple(fill(p) for p in c.numbers_dont_capture),
        who_should_worry=fill(c.who_should_worry),
        outlook=fill(c.outlook),
        survival_strategy=tuple(fill(p) for p in c.survival_strategy),
        where_to_look_next=tuple(
            _look_next(item, others, fill(item.reason)) for item in c.where_to_look_next
        ),
        timeline=fill(c.timeline),
    )


def _look_next(item: LookNext, others: CanonicalSet, reason: str) -> LookNextEntry:
    role = others.get(item.slug)
    if role is None:
        return LookNextEntry(item.slug, None, None, None, reason)
    aijri = str(role.score.shown_aijri)
    return LookNextEntry(item.slug, role.title, aijri, role.score.sub_label, reason)


class MdSafe(str):
    """Text that is already Markdown: the Markdown environment shows it without escaping it."""

    __slots__ = ()


#: The line endings CommonMark reads besides ``\n``.
_LINE_ENDING = re.compile(r"\r\n?")
#: Spaces and tabs opening a line, which would make indented code after a blank line.
_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)
#: Characters that open or close inline syntax anywhere in a line: escapes, code spans,
#: emphasis, strikethrough, links and images (``![`` needs the ``[``), and table cells.
_INLINE_SYNTAX = re.compile(r"[\\`*_~\[\]|]")
#: An ``&`` that would start a character reference (``&lt;``, ``&#60;``).
_REFERENCE = re.compile(r"&(?=#|[A-Za-z0-9]+;)")
#: The places where one backslash stops a line from opening a block, or a heading from losing
#: its trailing hashes: before an ATX heading's ``#``, a block quote's ``>``, a ``-`` or ``+``
#: bullet, a line of dashes (thematic break or setext underline) or of ``=`` (setext underline),
#: and before ``#``s that end a line after a space (a heading's closing sequence).
_BLOCK_START = re.compile(
    r"""
    ^(?= \#{1,6}(?:[ \t]|$)
       | >
       | [-+](?:[ \t]|$)
       | -[- \t]*$
       | =+[ \t]*$ )
    | (?<=[ \t])(?=\#+[ \t]*$)
    """,
    re.MULTILINE | re.VERBOSE,
)
#: The digits of an ordered list marker (``1.``, ``2)``); the backslash goes before its
#: delimiter, since one before a digit would show.
_ORDERED_MARKER = re.compile(r"^([0-9]{1,9})(?=[.)](?:[ \t]|$))", re.MULTILINE)


def md_escape(value: object) -> MdSafe:
    """``value`` as Markdown that shows exactly its text and adds no markup, link or block.

    Markdown's own syntax gets a backslash, HTML's (``<`` and a reference-starting ``&``) an
    entity. Inline syntax is escaped wherever it stands; block syntax only where it opens a line,
    and every line counts as opening one, wherever the value lands in the template. Leading
    spaces are dropped rather than escaped: they would only ever make code. Line breaks are kept,
    so prose keeps its paragraphs; the filters for one-line places replace them. Ordinary
    punctuation (``.``, ``-`` inside a line, ``(``, ``>=``) stays as it is, so figures and prose
    read as written. Text that is already :class:`MdSafe` is returned unchanged.
    """
    if isinstance(value, MdSafe):
        return value
    text = _INDENT.sub("", _LINE_ENDING.sub("\n", str(value)))
    text = _INLINE_SYNTAX.sub(r"\\\g<0>", text)
    text = _REFERENCE.sub("&amp;", text).replace("<", "&lt;")
    text = _BLOCK_START.sub(r"\\", text)
    return MdSafe(_ORDERED_MARKER.sub(r"\1\\", text))


def md_cell(text: str) -> MdSafe:
    """Text escaped for one Markdown table cell, its line breaks as ``<br>``."""
    return MdSafe(md_escape(text).strip().replace("\n", "<br>"))


def md_item(text: str) -> MdSafe:
    """Text escaped for one Markdown list item, continuation lines indented under the bullet."""
    return MdSafe(md_escape(text).strip().replace("\n", "\n  "))


def inline(text: str) -> str:
    """Text on one line (headings, titles): runs of whitespace become one space."""
    return " ".join(text.split())


def paragraphs(text: str) -> list[str]:
    """Prose split on blank lines, for one ``<p>`` each."""
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


@cache
def _environment(fmt: str) -> Environment:
    """The Jinja environment of a format; both escape every value they show unless told not to.

    HTML does it with autoescape. Markdown runs each value through :func:`md_escape` as the
    environment's ``finalize``; filters that build Markdown around the text they escape return
    :class:`MdSafe`, and so does ``safe``, which marks a macro's output: its values were escaped
    inside the macro already.
    """
    markdown = fmt == "md"
    env = Environment(
        loader=PackageLoader("jobzone", "templates"),
        autoescape=not markdown,
        finalize=md_escape if markdown else None,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(inline=inline, paragraphs=paragraphs)
    if markdown:
        env.filters.update(md_cell=md_cell, md_item=md_item, safe=MdSafe)
    return env
