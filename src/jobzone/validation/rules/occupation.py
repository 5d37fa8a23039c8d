"""Rules on the O*NET grounding: the role's occupation, the task statements its tasks cite, and
the second opinion the published labels give on each task score
(:mod:`jobzone.occupations.crosscheck`)."""

from __future__ import annotations

from collections.abc import Iterator

from jobzone.assessment import OccupationMatch
from jobzone.occupations.crosscheck import (
    CORE_COVERAGE_MIN,
    DISAGREEMENT,
    T_TO_SCORE,
    coverage_of,
)
from jobzone.validation.context import Context, error, warning
from jobzone.validation.findings import Finding, Severity
from jobzone.validation.registry import rule

#: Words a proxy's note needs at least to say what differs.
NOTE_WORDS = 4
#: Unknown ids named in one finding; the rest are counted.
LISTED = 10
_FIND = "find codes with `jobzone occupations search TITLE`"


@rule("occupation.unknown-code", Severity.error, "the role's O*NET-SOC code must exist")
def unknown_code(ctx: Context) -> Iterator[Finding]:
    chosen = ctx.assessment.role.occupation
    if chosen is not None and ctx.occupation is None:
        yield error(
            "occupation.unknown-code",
            "role.occupation.code",
            f"O*NET 29.3 has no occupation {chosen.code}; {_FIND}",
        )


@rule("occupation.title", Severity.error, "the occupation's title must be O*NET's for its code")
def title_mismatch(ctx: Context) -> Iterator[Finding]:
    chosen, found = ctx.assessment.role.occupation, ctx.occupation
    if chosen is not None and found is not None and chosen.title != found.title:
        yield error(
            "occupation.title",
            "role.occupation.title",
            f"O*NET calls {found.code} {found.title!r}, not {chosen.title!r}; write its title, "
            "or the code of the occupation you meant",
        )


@rule("occupation.proxy-note", Severity.error, "a proxy occupation needs a note on what differs")
def proxy_note(ctx: Context) -> Iterator[Finding]:
    chosen = ctx.assessment.role.occupation
    if chosen is None or chosen.match is not OccupationMatch.proxy:
        return
    if len(chosen.note.split()) < NOTE_WORDS:
        yield error(
            "occupation.proxy-note",
            "role.occupation.note",
            f"{chosen.code} is a proxy for this role, and the note does not say what differs; "
            "say in a sentence how the role differs from that occupation",
        )


@rule("tasks.unknown-onet-task", Severity.error, "cited O*NET task ids must exist")
def unknown_onet_task(ctx: Context) -> Iterator[Finding]:
    for i, opinion in enumerate(ctx.second_opinions):
        if opinion is not None and opinion.unknown:
            ids = ", ".join(str(n) for n in opinion.unknown[:LISTED])
            if len(opinion.unknown) > LISTED:
                ids += f" and {len(opinion.unknown) - LISTED} more"
            yield error(
                "tasks.unknown-onet-task",
                f"tasks[{i}].onet_tasks",
                f"O*NET 29.3 has no task statement {ids}; cite ids from "
                "`jobzone occupations show CODE`, or none for work O*NET does not list",
            )


@rule(
    "tasks.onet-task-elsewhere",
    Severity.warning,
    "cited O*NET tasks should belong to the role's occupation",
)
def onet_task_elsewhere(ctx: Context) -> Iterator[Finding]:
    found = ctx.occupation
    if found is None:
        return
    for i, opinion in enumerate(ctx.second_opinions):
        foreign = [t for t in opinion.cited if t.code != found.code] if opinion else []
        if foreign:
            named = ", ".join(f"{t.id} ({t.code})" for t in foreign)
            yield warning(
                "tasks.onet-task-elsewhere",
                f"tasks[{i}].onet_tasks",
                f"task statement {named} belongs to another occupation than {found.code}; cite "
                "the role's own occupation's statements, or change the occupation",
            )


@rule(
    "tasks.label-disagrees",
    Severity.warning,
    f"a task score {DISAGREEMENT} or more from what its O*NET tasks' labels suggest",
)
def label_disagrees(ctx: Context) -> Iterator[Finding]:
    for i, opinion in enumerate(ctx.second_opinions):
        if opinion is None or not opinion.disagrees:
            continue
        levels = "/".join(t.gpt4_automation for t in opinion.cited if t.gpt4_automation)
        yield warning(
            "tasks.label-disagrees",
            f"tasks[{i}].score",
            f"scored {opinion.drafted}, while GPT-4's automation levels of the O*NET tasks it "
            f"cites ({levels}) suggest {opinion.suggested} (T0-T4 read as "
            f"{min(T_TO_SCORE.values())}-{max(T_TO_SCORE.values())}); check the score, or say "
            "in the rationale why this role's version of the task differs",
        )


@rule(
    "occupation.low-coverage",
    Severity.warning,
    f"the tasks should cover at least {CORE_COVERAGE_MIN:.0%} of the occupation's Core tasks",
)
def low_coverage(ctx: Context) -> Iterator[Finding]:
    found = coverage_of(ctx.occupation, ctx.assessment) if ctx.occupation else None
    if found is not None and found.low:
        yield warning(
            "occupation.low-coverage",
            "tasks",
            f"the tasks cite {found.covered} of the {found.total} {found.kind} task statements "
            f"of {found.code} ({found.share:.0%}, under {CORE_COVERAGE_MIN:.0%}); cite the "
            "statements each task covers, or add the work the decomposition leaves out",
        )
