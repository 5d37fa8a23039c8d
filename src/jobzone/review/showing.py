"""Reading a draft: its assessment with findings beside their fields, provenance, and changes."""

from __future__ import annotations

import difflib
import itertools
import textwrap
from typing import Any

import yaml

from jobzone.assessment import Assessment
from jobzone.commentary import Commentary
from jobzone.documents import dump_yaml, file_sha256, load_model
from jobzone.drafts import Draft, FindingRecord, Kind
from jobzone.review.versions import current_role, version_path
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
    root = yaml.compose(text, Loader=yaml.SafeLoader)
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


def changes(workspace: Workspace, draft: Draft) -> str | None:
    """What the draft changes against the canonical version it is based on, or None.

    When the role has moved on since the draft was made, that is the kept version the draft was
    based on if it can be found (else the current one), and a note says so: approving such a
    draft is refused until it is redrafted.
    """
    if draft.base is None:
        return None
    slug = draft.base.slug
    current = current_role(workspace, slug)
    if current is None:
        return f"{slug} is no longer in the canonical set\n"
    base, note = _base_of(workspace, draft, current)
    if draft.kind is Kind.commentary:
        return note + side_by_side(
            base.commentary.model_dump(mode="json"),
            draft.assessment.get("commentary") or {},
            f"{'current' if base is current else 'based on'} (v{base.version})",
            f"draft {draft.id}",
        )
    old = dump_yaml(base.content()).splitlines(keepends=True)
    new = dump_yaml(_content(draft)).splitlines(keepends=True)
    diff = difflib.unified_diff(
        old, new, f"roles/{slug}.yaml (v{base.version})", f"draft {draft.id}"
    )
    return note + ("".join(diff) or "no changes against the canonical version\n")


def _base_of(workspace: Workspace, draft: Draft, current: Assessment) -> tuple[Assessment, str]:
    """The version ``draft`` is based on, and a note when that is no longer the current one."""
    assert draft.base is not None
    slug = draft.base.slug
    if file_sha256(workspace.role_path(slug)) == draft.base.sha256:
        return current, ""
    kept = version_path(workspace, slug, draft.base.version) if draft.base.version else None
    if kept is not None and kept.is_file():
        return load_model(Assessment, kept), (
            f"note: this draft is based on v{draft.base.version} of {slug}, which is no longer "
            f"current (now v{current.version}); redraft it before approving\n"
        )
    return current, (
        f"note: the version of {slug} this draft is based on is no longer current and is not "
        f"among the kept versions; the changes shown are against the current v{current.version}\n"
    )


COLUMN = 58


def _section_text(value: Any) -> str:
    if isinstance(value, list):
        items = [
            f"{v.get('slug')}: {v.get('reason')}" if isinstance(v, dict) else str(v) for v in value
        ]
        return "\n".join(f"- {item}" for item in items) or "(none)"
    return str(value or "")


def _wrapped(text: str) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(textwrap.wrap(paragraph, COLUMN) or [""])
    return lines


def side_by_side(old: dict[str, Any], new: dict[str, Any], left: str, right: str) -> str:
    """Each commentary section, old text beside new, for reading a commentary revision."""
    out = [f"{left:<{COLUMN}} | {right}"]
    for section in Commentary.model_fields:
        if section == "written_against":
            continue
        before, after = _section_text(old.get(section)), _section_text(new.get(section))
        mark = "" if before == after else "  (changed)"
        out.append(f"== {section}{mark}")
        pairs = itertools.zip_longest(_wrapped(before), _wrapped(after), fillvalue="")
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
    retried = sum(1 for c in p.calls if c.outcome != "ok")
    cost = f"${p.cost_usd:.4f}" if p.cost_usd is not None else "unknown"
    lines = [
        f"model      {p.model} at {p.endpoint_host} (temperature {p.temperature})",
        f"calls      {len(p.calls)} ({retried} failed or rejected attempts), "
        f"{len(p.repairs)} repairs",
        f"tokens     {p.usage.prompt_tokens:,} prompt ({p.usage.cached_tokens:,} cached), "
        f"{p.usage.completion_tokens:,} completion; cost {cost} ({p.prices} prices)",
        "prompts    " + ", ".join(f"{k} {v}" for k, v in sorted(p.prompt_versions.items())),
    ]
    lines += [f"repair     {r.stage} round {r.round}: {', '.join(r.findings)}" for r in p.repairs]
    return lines


def history_lines(entries: list[Any]) -> list[str]:
    return [
        f"{e.at:%Y-%m-%d %H:%M} {e.action:18} {e.by}"
        + (f" (v{e.version})" if getattr(e, "version", None) else "")
        + (f": {e.note}" if e.note else "")
        + f"  [{e.content_sha256[:12]}]"
        for e in entries
    ]


def show(workspace: Workspace, draft: Draft) -> str:
    score = draft.score or {}
    kind = draft.kind.value + (f" of {draft.base.slug}" if draft.base else "")
    findings = [("error", f) for f in draft.findings.errors] + [
        ("warning", f) for f in draft.findings.warnings
    ]
    parts = [
        f"draft {draft.id}: {draft.title}",
        f"kind {kind}; status {draft.status.value}; revision {draft.revision}; "
        f"created {draft.created_at:%Y-%m-%d %H:%M}",
        f"score {score.get('aijri', '-')} {score.get('sub_label', '(not scorable yet)')}; "
        f"{len(draft.findings.errors)} errors, {len(draft.findings.warnings)} warnings",
        "",
        "== assessment (findings marked '# !!' above their fields) ==",
        annotated(draft.assessment, findings),
        "== provenance ==",
        *provenance_lines(draft),
        "",
        "== history ==",
        *history_lines(draft.history),
    ]
    diff = changes(workspace, draft)
    if diff is not None:
        parts += ["", "== changes against the canonical version ==", diff]
    return "\n".join(parts).rstrip() + "\n"
