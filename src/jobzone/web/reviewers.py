"""The reviewers file of a team server: each reviewer's name and the token they log in with.

# reviewers.yaml: name -> token (at least 20 characters; `openssl rand -hex 16` makes one)
Ada Editor: 3f9c0a1e5b7d24c68e0f1a2b3c4d5e6f
Grace Reviewer: 9a8b7c6d5e4f30211a2b3c4d5e6f7a8b
"""

from __future__ import annotations

from pathlib import Path

from jobzone.documents import parse_yaml
from jobzone.errors import InputError

MIN_TOKEN = 20


def load_reviewers(path: Path) -> dict[str, str]:
    """token -> reviewer name, from the file; an InputError naming what is wrong otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read it: {exc}", file=str(path), rule="reviewers.file") from None
    data = parse_yaml(text, str(path))
    tokens: dict[str, str] = {}
    for name, token in data.items():
        where = str(name)
        if not isinstance(name, str) or not name.strip():
            raise InputError(
                "a reviewer's name must be text", file=str(path), rule="reviewers.name"
            )
        if not isinstance(token, str) or len(token.strip()) < MIN_TOKEN:
            raise InputError(
                f"the token must be text of at least {MIN_TOKEN} characters",
                file=str(path),
                field=where,
                rule="reviewers.token",
            )
        if token.strip() in tokens:
            raise InputError(
                "two reviewers share this token",
                file=str(path),
                field=where,
                rule="reviewers.token",
            )
        tokens[token.strip()] = name.strip()
    return tokens
