"""Evaluation notes: `evaluations/YYYY-MM-DD[-slug].md`, front matter checked against the
journey's touchpoints."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from ..errors import Message, Problem, listed
from ..model import Evaluation, JourneyIds, nearest, persona_problems
from ..slug import SLUG_REGEX, shown, slug_reason
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


def load_evaluation(path: Path, file: str, journey: JourneyIds,
                    root: Path | None = None) -> tuple[Evaluation | None, list[Problem]]:
    """Load one evaluation note, checking its scores against the journey's touchpoints and
    personas (those of them that could be read, when the journey has errors of its own).

    With ``root`` (the project folder), a note that links outside it is not read."""
    name = _EVALUATION_NAME.fullmatch(path.name)
    named: list[Problem] = []
    if not name:
        named.append(Problem(file, 1, 1, "", Message.of("note_name")))
    elif name.group(2) and (wrong_name := slug_reason(name.group(2))) is not None:
        named.append(Problem(file, 1, 1, "", Message.of("note_name_slug", problem=wrong_name)))
    # A badly named note is still read: what else is wrong with it shows in the same run.
    text, problems = read_text(path, file, root)
    if text is None:
        return None, named + problems
    front = front_matter(text)
    if not front:
        return None, [*named, Problem(file, 1, 1, "", Message.of("no_front_matter"))]
    document = parse_yaml(front.group(1), file, first_line=2)
    if document.data is None and () not in document.broken:
        document = YamlDocument({}, document.positions, document.problems, document.broken)
    body = text[front.end():]
    context = {"slug": path.stem, "body": body,
               "body_line": text.count("\n", 0, front.end()) + 1}
    evaluation, problems, located = validate(Evaluation, document, file, context,
                                              "front_matter")
    problems = named + problems
    # Checked on the raw data, so they are reported even when a type error stopped validation.
    data = document.data if isinstance(document.data, dict) else {}
    date = data.get("date")
    if isinstance(date, datetime.date) and name and date.isoformat() != name.group(1):
        problems.append(located(("date",), Message.of("date_mismatch", date=date.isoformat(),
                                                      named=name.group(1))))
    known, personas = journey.touchpoints, journey.known_personas
    scores = data.get("scores")
    scores = scores if isinstance(scores, dict) else {}
    for touchpoint_id in scores:
        if known is None:
            continue  # the journey's touchpoints could not all be read: nothing to compare
        if touchpoint_id in known:
            if personas is not None:
                problems += [located(where, why, key=len(where) > 2) for where, why in
                             persona_problems(scores[touchpoint_id], personas,
                                              ("scores", touchpoint_id), every=False)]
        else:
            problems.append(located(("scores", touchpoint_id), Message.of(
                "unknown_touchpoint", id=shown(str(touchpoint_id)), journey=journey.journey,
                hint=nearest(str(touchpoint_id), known), known=listed(dict.fromkeys(known))),
                key=True))
    return (None if problems else evaluation), problems
