"""Mermaid `journey` diagrams, both ways: a journey drawn as one, a journey started from one."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from ..errors import Problem
from ..model import MAX_PERSONAS, Journey, Touchpoint
from ..slug import shown, slugify, unique
from ..source import DataPath
from .scaffold import stage_ids

# --- Mermaid `journey` diagrams ------------------------------------------------------------
# Mermaid scores 1..5; Journeybook emotions run -2..+2. A task's actors are the personas: a
# task has one score, so a touchpoint whose personas feel differently is one task line per
# score, each naming the personas that feel so; `import` reads consecutive lines of the same
# task back into one touchpoint with a number per persona. (Mermaid draws the actors as
# coloured dots and a legend; the team of a touchpoint has no place in the diagram.)
# `:` ends a task's name in Mermaid and `#`, `;` have meanings of their own, so names carry
# look-alike characters instead (modifier colon, full-width # and ;) and get them back; a
# persona's name also has its `,` (which separates actors) written as a full-width comma.
_LOOK_ALIKES = {":": "\ua789", "#": "\uff03", ";": "\uff1b"}
_TO_MERMAID = str.maketrans(_LOOK_ALIKES)
_FROM_MERMAID = str.maketrans({v: k for k, v in _LOOK_ALIKES.items()})
_ACTOR_TO_MERMAID = str.maketrans({**_LOOK_ALIKES, ",": "\uff0c"})
_ACTOR_FROM_MERMAID = str.maketrans({v: k for k, v in {**_LOOK_ALIKES, ",": "\uff0c"}.items()})


def _mermaid_text(text: str) -> str:
    return " ".join(text.split()).translate(_TO_MERMAID)


def _from_mermaid_text(text: str) -> str:
    """A name from a diagram, with the look-alikes :func:`_mermaid_text` wrote put back."""
    return text.translate(_FROM_MERMAID).strip()


def _score_groups(journey: Journey, touchpoint: Touchpoint) -> list[tuple[int, list[str]]]:
    """``(emotion, persona names)`` for each emotion felt at a touchpoint, in the order of the
    personas: one group when every persona feels the same (or there is no persona)."""
    if not journey.personas:
        return [(touchpoint.emotion_for(""), [])]
    groups: dict[int, list[str]] = {}
    for persona in journey.personas:
        groups.setdefault(touchpoint.emotion_for(persona.id), []).append(
            " ".join(persona.name.split()).translate(_ACTOR_TO_MERMAID))
    return list(groups.items())


def to_mermaid(journey: Journey) -> str:
    lines = ["journey", f"    title {_mermaid_text(journey.title)}"]
    for stage in journey.stages:
        lines.append(f"    section {_mermaid_text(stage.name)}")
        for touchpoint in stage.touchpoints:
            for emotion, actors in _score_groups(journey, touchpoint):
                named = f": {', '.join(actors)}" if actors else ""
                lines.append(f"      {_mermaid_text(touchpoint.name)}: {emotion + 3}{named}")
    return "\n".join(lines) + "\n"


@dataclass
class MermaidError(Exception):
    problems: list[Problem]


_TASK = re.compile(r"(?P<name>[^:]+?)\s*:\s*(?P<score>[^:]*?)\s*(?::\s*(?P<actors>.*))?")


def from_mermaid(text: str, file: str) -> dict[str, Any]:
    """Journey data (as journey.yaml would hold it) from a Mermaid `journey` diagram: its
    actors become the `personas:`; a task's score is every persona's emotion, and
    consecutive lines of the same task naming different actors give a number per persona.

    Raises :class:`MermaidError` with every problem located in the diagram itself: the
    journey file does not exist yet, so nothing may point there.
    """
    diagram = _Diagram(file)
    diagram.read(text)
    if not diagram.problems:
        diagram.settle_emotions()
    if diagram.problems:
        raise MermaidError(diagram.problems)
    _give_ids(diagram.data)
    diagram.validate()
    return diagram.data


@dataclass
class _Task:
    """A touchpoint and the scores its task lines give: one for everyone (no actors named),
    or one per actor."""

    touchpoint: dict[str, Any]
    line: tuple[int, int]
    everyone: int | None = None
    by_actor: dict[str, int] = field(default_factory=dict)


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
    #: Every actor named, in the order met: the journey's personas.
    actors: list[str] = field(default_factory=list)
    tasks: list[_Task] = field(default_factory=list)
    #: The task the previous line added to, while in the same section.
    last: _Task | None = None

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
        self.last = None
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
        name = _from_mermaid_text(match.group("name"))
        actors = list(dict.fromkeys(
            " ".join(a.translate(_ACTOR_FROM_MERMAID).split())
            for a in (match.group("actors") or "").split(",") if a.strip()))
        for actor in actors:
            if actor in self.actors:
                continue
            if len(self.actors) == MAX_PERSONAS:
                self.problems.append(Problem(
                    self.file, number, column + match.start("actors"), "",
                    f"a journey follows at most {MAX_PERSONAS} personas, and `{shown(actor)}` "
                    "would be one more; name fewer actors"))
                return
            self.actors.append(actor)
        last = self.last
        if (last is not None and last.touchpoint["name"] == name and actors and last.by_actor
                and not last.by_actor.keys() & set(actors)):
            # The same task again for other actors: their scores at the same touchpoint.
            last.by_actor.update(dict.fromkeys(actors, int(score) - 3))
            return
        task = _Task({"name": name}, (number, column))
        if actors:
            task.by_actor = dict.fromkeys(actors, int(score) - 3)
        else:
            task.everyone = int(score) - 3
        self.lines[("stages", len(self.data["stages"]) - 1, "touchpoints",
                    len(stage["touchpoints"]))] = (number, column)
        stage["touchpoints"].append(task.touchpoint)
        self.tasks.append(task)
        self.last = task

    def settle_emotions(self) -> None:
        """Each touchpoint's `emotion`: one number when every persona it names feels the
        same, else a number per persona (each persona must then have one)."""
        ids = _persona_ids(self.actors)
        if self.actors:
            self.data = {"title": self.data["title"], "personas": [
                {"name": name} if persona_id == slugify(name) else {"id": persona_id,
                                                                      "name": name}
                for name, persona_id in zip(self.actors, ids, strict=True)],
                "stages": self.data["stages"]}
        persona_id = dict(zip(self.actors, ids, strict=True))
        for task in self.tasks:
            values = set(task.by_actor.values())
            if task.everyone is not None or len(values) == 1:
                emotion = task.everyone if task.everyone is not None else values.pop()
                task.touchpoint["emotion"] = emotion
                continue
            missing = [actor for actor in self.actors if actor not in task.by_actor]
            if missing:
                self.problems.append(Problem(
                    self.file, *task.line, "",
                    f"this task scores its actors differently but gives no score for "
                    f"{', '.join(f'`{shown(a)}`' for a in missing)}; add them to one of its "
                    "lines (every persona needs a number where personas differ)"))
                continue
            task.touchpoint["emotion"] = {persona_id[actor]: task.by_actor[actor]
                                          for actor in self.actors}

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


def _persona_ids(names: list[str]) -> list[str]:
    """An id for each actor: the slug of its name, made unique ("khach-hang" when the name
    gives none)."""
    taken: set[str] = set()
    return [unique(slugify(name) or "khach-hang", taken) for name in names]


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
