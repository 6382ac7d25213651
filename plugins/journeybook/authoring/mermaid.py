"""Mermaid `journey` diagrams, both ways: a journey drawn as one, a journey started from one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from ..errors import Problem
from ..model import Journey
from ..slug import shown, slugify, unique
from ..source import DataPath
from .scaffold import stage_ids

# --- Mermaid `journey` diagrams ------------------------------------------------------------
# Mermaid scores 1..5; Journeybook emotions run -2..+2.
# `:` ends a task's name in Mermaid and `#`, `;` have meanings of their own, so names carry
# look-alike characters instead (modifier colon, full-width # and ;) and get them back.
_TO_MERMAID = str.maketrans({":": "\ua789", "#": "\uff03", ";": "\uff1b"})
_FROM_MERMAID = str.maketrans({v: k for k, v in {":": "\ua789", "#": "\uff03",
                                                  ";": "\uff1b"}.items()})


def _mermaid_text(text: str) -> str:
    return " ".join(text.split()).translate(_TO_MERMAID)


def _from_mermaid_text(text: str) -> str:
    """A name from a diagram, with the look-alikes :func:`_mermaid_text` wrote put back."""
    return text.translate(_FROM_MERMAID).strip()


def to_mermaid(journey: Journey) -> str:
    lines = ["journey", f"    title {_mermaid_text(journey.title)}"]
    for stage in journey.stages:
        lines.append(f"    section {_mermaid_text(stage.name)}")
        for touchpoint in stage.touchpoints:
            actor = f": {_mermaid_text(touchpoint.team)}" if touchpoint.team.strip() else ""
            lines.append(f"      {_mermaid_text(touchpoint.name)}: {touchpoint.emotion + 3}"
                         f"{actor}")
    return "\n".join(lines) + "\n"


@dataclass
class MermaidError(Exception):
    problems: list[Problem]


_TASK = re.compile(r"(?P<name>[^:]+?)\s*:\s*(?P<score>[^:]*?)\s*(?::\s*(?P<actors>.*))?")


def from_mermaid(text: str, file: str) -> dict[str, Any]:
    """Journey data (as journey.yaml would hold it) from a Mermaid `journey` diagram.

    Raises :class:`MermaidError` with every problem located in the diagram itself: the
    journey file does not exist yet, so nothing may point there.
    """
    problems: list[Problem] = []
    data: dict[str, Any] = {"title": "", "stages": []}
    # Where each stage and touchpoint came from, to locate whatever is wrong with it.
    lines: dict[DataPath, tuple[int, int]] = {(): (1, 1)}
    started = False
    stage: dict[str, Any] | None = None
    # Lines as an editor counts them: str.splitlines() would also break at U+2028, form feeds …
    for number, raw in enumerate(text.split("\n"), start=1):
        raw = raw.removesuffix("\r")
        line = raw.strip()
        column = len(raw) - len(raw.lstrip()) + 1
        if not line or line.startswith("%%") or line.startswith("```"):
            continue
        if not started:
            if line != "journey":
                problems.append(Problem(file, number, column, "", "a Mermaid journey diagram "
                                        "starts with the line `journey`"))
                break
            started = True
            lines[()] = (number, column)
        elif line.startswith("title "):
            data["title"] = _from_mermaid_text(line[6:])
        elif line.startswith("section "):
            stage = {"name": _from_mermaid_text(line[8:]), "touchpoints": []}
            lines[("stages", len(data["stages"]))] = (number, column)
            data["stages"].append(stage)
        elif match := _TASK.fullmatch(line):
            if stage is None:
                stage = {"name": "Stage 1", "touchpoints": []}
                lines[("stages", 0)] = (number, column)
                data["stages"].append(stage)
            score = match.group("score")
            # Only the ASCII digits: "²".isdigit() is true, yet int("²") fails.
            if not re.fullmatch(r"[1-5]", score):
                problems.append(Problem(file, number, column + match.start("score"), "",
                                        f"the score must be a whole number from 1 to 5, got "
                                        f"`{shown(score)}`"))
                continue
            touchpoint = {"name": _from_mermaid_text(match.group("name")),
                          "emotion": int(score) - 3}
            actors = [a.strip() for a in (match.group("actors") or "").split(",") if a.strip()]
            if actors:
                touchpoint["team"] = _from_mermaid_text(actors[0])
            lines[("stages", len(data["stages"]) - 1, "touchpoints",
                   len(stage["touchpoints"]))] = (number, column)
            stage["touchpoints"].append(touchpoint)
        else:
            problems.append(Problem(file, number, column, "", "expected `title …`, "
                                    "`section …` or a task `name: score: actor`"))
    if not started and not problems:
        problems.append(Problem(file, 1, 1, "", "the file is empty; a Mermaid journey starts "
                                "with the line `journey`"))
    elif started and not data["stages"]:
        problems.append(Problem(file, *lines[()], "", "the diagram has no tasks; add a "
                                "`section …` line and tasks `name: score: actor` under it"))
    for index, stage_data in enumerate(data["stages"]):
        if not stage_data["touchpoints"] and not problems:
            problems.append(Problem(file, *lines[("stages", index)], "", "this section has "
                                    "no tasks; add tasks `name: score: actor` under it or "
                                    "remove it"))
    if problems:
        raise MermaidError(problems)
    _give_ids(data)
    # Anything else the journey format refuses is reported at the line it came from.
    try:
        Journey.model_validate(data, context={"journey_id": "import"})
    except ValidationError as exc:
        raise MermaidError([
            Problem(file, *lines[max((p for p in lines if tuple(e["loc"])[:len(p)] == p),
                                     key=len)], "", e["msg"])
            for e in exc.errors(include_url=False)]) from None
    return data


def _give_ids(data: dict[str, Any]) -> None:
    """Write out the ids that names alone would not give: unique in the journey, never a
    generated page's name, never empty. The second "Gọi điện" becomes goi-dien-2."""
    stages = data["stages"]
    for stage, stage_id in zip(stages, stage_ids([s["name"] for s in stages], "giai-doan"),
                               strict=True):
        if stage_id is not None:
            stage["id"] = stage_id
    taken: set[str] = set()
    for stage in stages:
        for index, touchpoint in enumerate(stage["touchpoints"]):
            derived = slugify(touchpoint["name"])
            touchpoint_id = unique(derived or "diem-cham", taken)
            if touchpoint_id != derived:
                stage["touchpoints"][index] = {"id": touchpoint_id, **touchpoint}
    for index, stage in enumerate(stages):
        if "id" in stage:
            stages[index] = {"id": stage.pop("id"), **stage}
