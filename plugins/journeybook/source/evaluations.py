"""Evaluation notes: `evaluations/YYYY-MM-DD[-slug].md`, front matter checked against the
journey's touchpoints."""

from __future__ import annotations

import datetime
import difflib
import re
from pathlib import Path
from typing import Any

from ..errors import Problem
from ..model import Evaluation, Journey, persona_problems
from ..slug import SLUG_REGEX, is_slug, slug_problem, slugify
from .messages import validate
from .yaml import YamlDocument, parse_yaml, read_text

_EVALUATION_NAME = re.compile(rf"(\d{{4}}-\d{{2}}-\d{{2}})(?:-({SLUG_REGEX}))?\.md")
# `\r?` before each `$`: a note saved with Windows line endings (CRLF) has them too.
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?$\n?", re.S | re.M)


def front_matter(text: str) -> re.Match[str] | None:
    """Where a note's front matter is: group 1 is the YAML between the two `---` lines (from
    line 2 of the file); the match ends where the Markdown body starts. The one rule for
    where a note's details end, shared by the loader and `journeybook fmt`."""
    return _FRONT_MATTER.match(text)


def load_evaluation(path: Path, file: str, journey: Journey,
                    root: Path | None = None) -> tuple[Evaluation | None, list[Problem]]:
    """Load one evaluation note, checking its scores against the journey's touchpoints.

    With ``root`` (the project folder), a note that links outside it is not read."""
    name = _EVALUATION_NAME.fullmatch(path.name)
    if not name:
        return None, [Problem(file, 1, 1, "", "an evaluation note is named after its date, "
                                              "like `2026-03-15.md` or "
                                              "`2026-03-15-khao-sat-quy-1.md`; rename it")]
    if name.group(2) and not is_slug(name.group(2)):
        return None, [Problem(file, 1, 1, "", f"the part of the name after the date "
                                              f"{slug_problem(name.group(2))}")]
    text, problems = read_text(path, file, root)
    if text is None:
        return None, problems
    front = front_matter(text)
    if not front:
        return None, [Problem(file, 1, 1, "", "an evaluation note starts with its details "
                                              "between two `---` lines (at least `date:`)")]
    document = parse_yaml(front.group(1), file, first_line=2)
    if document.data is None and () not in document.broken:
        document = YamlDocument({}, document.positions, document.problems, document.broken)
    body = text[front.end():]
    context = {"slug": path.stem, "body": body,
               "body_line": text.count("\n", 0, front.end()) + 1}
    evaluation, problems, located = validate(Evaluation, document, file, context,
                                              "the part between the `---` lines")
    # Checked on the raw data, so they are reported even when a type error stopped validation.
    data = document.data if isinstance(document.data, dict) else {}
    date = data.get("date")
    if isinstance(date, datetime.date) and date.isoformat() != name.group(1):
        problems.append(located(("date",), f"the date {date} differs from the date "
                                           f"in the file name ({name.group(1)}); make them "
                                           "the same"))
    known = [t.id for _, t in journey.touchpoints()]
    scores = data.get("scores")
    scores = scores if isinstance(scores, dict) else {}
    for touchpoint_id in scores:
        if touchpoint_id in known:
            problems += [located(where, why, key=len(where) > 2) for where, why in
                         persona_problems(scores[touchpoint_id], journey.persona_ids,
                                          ("scores", touchpoint_id), every=False)]
        else:
            hint = difflib.get_close_matches(touchpoint_id, known, n=1)
            problems.append(located(
                ("scores", touchpoint_id),
                f"`{touchpoint_id}` is not a touchpoint of journey `{journey.id}`"
                + (f" (did you mean `{hint[0]}`?)" if hint else "")
                + "; scores are keyed by touchpoint ids from journey.yaml", key=True))
    return (None if problems else evaluation), problems


def raw_ids(data: dict[str, Any]) -> list[tuple[str | None, list[str | None]]]:
    """Stage and touchpoint ids as the models would derive them, from unvalidated data."""

    def id_of(item: Any) -> str | None:
        if not isinstance(item, dict):
            return None
        given = item.get("id")
        if isinstance(given, str):
            return given
        return slugify(item["name"]) or None if isinstance(item.get("name"), str) else None

    stages = data.get("stages")
    if not isinstance(stages, list):
        return []
    result: list[tuple[str | None, list[str | None]]] = []
    for stage in stages:
        touchpoints = stage.get("touchpoints") if isinstance(stage, dict) else None
        result.append((id_of(stage),
                       [id_of(t) for t in touchpoints] if isinstance(touchpoints, list) else []))
    return result
