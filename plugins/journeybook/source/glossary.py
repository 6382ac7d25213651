"""The glossary file: `*[TERM]: definition` lines."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import JourneybookError, Message, Problem
from .yaml import read_text

_ABBREVIATION = re.compile(r"^\*\[(?P<term>[^\]]+)\]:[ \t]*(?P<definition>.*)$")


def read_glossary(path: Path, file: str, root: Path | None = None) -> list[tuple[str, str]]:
    """Terms of a glossary file of `*[TERM]: definition` lines (the `abbr` syntax), or raise
    :class:`JourneybookError` for a line that defines nothing. With ``root`` (the project
    folder), a glossary outside it is an error and is not read."""
    text, problems = read_text(path, file, root)
    if text is None:
        raise JourneybookError(problems)
    terms: list[tuple[str, str]] = []
    in_comment = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if in_comment or stripped.startswith("<!--"):
            in_comment = "-->" not in stripped
            continue
        if not stripped:
            continue
        match = _ABBREVIATION.match(stripped)
        if not match or not match.group("definition").strip():
            problems.append(Problem(file, number, 1, "", Message.of("glossary_line")))
            continue
        terms.append((match.group("term").strip(), match.group("definition").strip()))
    if problems:
        raise JourneybookError(problems)
    return terms
