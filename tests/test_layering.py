"""The workflow layer owns every change to a workspace (issue 8): no module outside
``jobzone.workflow`` takes the lock, settles an interrupted approval or locks a file itself."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "jobzone"
#: What only the workflow layer may reach for: the lock, approval recovery, OS file locks.
OWNED = {
    "jobzone.workflow.session": {"workspace_lock", "Session"},
    "jobzone.workflow.promotion": {"recover"},
    "jobzone.workflow.recovery": {"recover_if_needed"},
}
OS_LOCKS = {"fcntl", "msvcrt"}


def _outside_the_layer() -> list[Path]:
    return sorted(
        p for p in PACKAGE.rglob("*.py") if "workflow" not in p.relative_to(PACKAGE).parts
    )


def _reaches(tree: ast.AST) -> list[str]:
    """What ``tree`` imports of the layer's own machinery, or of the OS's file locks."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in OWNED:
            found += [f"{node.module}.{a.name}" for a in node.names if a.name in OWNED[node.module]]
        if isinstance(node, ast.ImportFrom) and node.module in OS_LOCKS:
            found.append(node.module)
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name in OS_LOCKS or a.name in OWNED]
    return found


def test_the_check_sees_the_layers_own_use() -> None:
    """The check must be able to fail: the layer itself reaches for the lock."""
    session = PACKAGE / "workflow" / "session.py"
    assert "fcntl" in _reaches(ast.parse(session.read_text(encoding="utf-8")))


@pytest.mark.parametrize("module", _outside_the_layer(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_outside_the_layer_locks_or_recovers(module: Path) -> None:
    assert _reaches(ast.parse(module.read_text(encoding="utf-8"))) == []
