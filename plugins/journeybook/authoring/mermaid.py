"""Mermaid `journey` diagrams, both ways: a journey drawn as one, a journey started from one."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
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
    diagram = _Diagram(file)
    diagram.read(text)
    if diagram.problems:
        raise MermaidError(diagram.problems)
    _give_ids(diagram.data)
    diagram.validate()
    return diagram.data


@dataclass
class _Diagram:
    """A Mermaid journey diagram read line by line into journey data."""

    file: str
    data: dict[str, Any] = field(default_factory=lambda: {"title": "", "stages": []})
    # Where each stage and touchpoint came from, to locate whatever is wrong with it.
    lines: dict[DataPath, tuple[int, int]] = field(default_factory=lambda: {(): (1, 1)})
    problems: list[Problem] = field(default_factory=list)
    started: bool = False
    stage: dict[str, Any] | None = None

    def read(self, text: str) -> None:
        # Lines as an editor counts them: str.splitlines() would also break at U+2028, form
        # feeds …
        for number, raw in enumerate(text.split("\n"), start=1):
            raw = raw.removesuffix("\r")
            line = raw.strip()
            column = len(raw) - len(raw.lstrip()) + 1
            if not line or line.startswith("%%") or line.startswith("```"):
                continue
            if self.started:
                self._read_line(line, number, column)
            elif not self._start(line, number, column):
                break
        self._check_complete()

    def _start(self, line: str, number: int, column: int) -> bool:
        """Whether ``line`` is the first line of a journey diagram (a problem when not)."""
        if line != "journey":
            self.problems.append(Problem(self.file, number, column, "", "a Mermaid journey "
                                         "diagram starts with the line `journey`"))
            return False
        self.started = True
        self.lines[()] = (number, column)
        return True

    def _read_line(self, line: str, number: int, column: int) -> None:
        if line.startswith("title "):
            self.data["title"] = _from_mermaid_text(line[6:])
        elif line.startswith("section "):
            self._add_stage(_from_mermaid_text(line[8:]), number, column)
        elif match := _TASK.fullmatch(line):
            self._add_task(match, number, column)
        else:
            self.problems.append(Problem(self.file, number, column, "", "expected `title …`, "
                                         "`section …` or a task `name: score: actor`"))

    def _add_stage(self, name: str, number: int, column: int) -> dict[str, Any]:
        self.stage = {"name": name, "touchpoints": []}
        self.lines[("stages", len(self.data["stages"]))] = (number, column)
        self.data["stages"].append(self.stage)
        return self.stage

    def _add_task(self, match: re.Match[str], number: int, column: int) -> None:
        # A task before any section gets a stage of its own.
        stage = self.stage if self.stage is not None else self._add_stage("Stage 1", number,
                                                                          column)
        score = match.group("score")
        # Only the ASCII digits: "²".isdigit() is true, yet int("²") fails.
        if not re.fullmatch(r"[1-5]", score):
            self.problems.append(Problem(self.file, number, column + match.start("score"), "",
                                         f"the score must be a whole number from 1 to 5, got "
                                         f"`{shown(score)}`"))
            return
        touchpoint = {"name": _from_mermaid_text(match.group("name")),
                      "emotion": int(score) - 3}
        actors = [a.strip() for a in (match.group("actors") or "").split(",") if a.strip()]
        if actors:
            touchpoint["team"] = _from_mermaid_text(actors[0])
        self.lines[("stages", len(self.data["stages"]) - 1, "touchpoints",
                    len(stage["touchpoints"]))] = (number, column)
        stage["touchpoints"].append(touchpoint)

    def _check_complete(self) -> None:
        """A diagram with no `journey` line, no tasks or a section without tasks is a
        problem; only the first section without tasks is reported, and only when nothing
        else is wrong."""
        if not self.started and not self.problems:
            self.problems.append(Problem(self.file, 1, 1, "", "the file is empty; a Mermaid "
                                         "journey starts with the line `journey`"))
        elif self.started and not self.data["stages"]:
            self.problems.append(Problem(self.file, *self.lines[()], "", "the diagram has no "
                                         "tasks; add a `section …` line and tasks "
                                         "`name: score: actor` under it"))
        for index, stage_data in enumerate(self.data["stages"]):
            if not stage_data["touchpoints"] and not self.problems:
                self.problems.append(Problem(self.file, *self.lines[("stages", index)], "",
                                             "this section has no tasks; add tasks "
                                             "`name: score: actor` under it or remove it"))

    def validate(self) -> None:
        """Raise :class:`MermaidError` for anything else the journey format refuses, at the
        line it came from."""
        try:
            Journey.model_validate(self.data, context={"journey_id": "import"})
        except ValidationError as exc:
            raise MermaidError([Problem(self.file, *self._where(tuple(e["loc"])), "", e["msg"])
                                for e in exc.errors(include_url=False)]) from None

    def _where(self, loc: DataPath) -> tuple[int, int]:
        """The line and column of the innermost stage or touchpoint holding ``loc``."""
        return self.lines[max((p for p in self.lines if loc[:len(p)] == p), key=len)]


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
