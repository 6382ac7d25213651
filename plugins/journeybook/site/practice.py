"""A journey's practice quiz: multiple-choice questions made from its map.

Each question asks one fact the map states about a touchpoint: that it is a stage's moment
of truth, the team that owns it, how customers feel there today, the target feeling, or the
layer (system, procedure, interaction) something behind it belongs to. Wrong choices come
from the same journey. Everything random is drawn from ``random.Random(journey.id)``, so the
same journey always gives the same questions in the same order and builds stay
byte-identical.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..model import Journey, Stage, Touchpoint
from ..slug import slugify
from .escape import signed

#: At most this many questions per journey: a quiz staff finish in one sitting.
MOST_QUESTIONS = 20
#: At most this many wrong choices beside the right one.
DISTRACTORS = 3
#: The layers behind a touchpoint, in the order the site shows them (`Layers` fields).
LAYERS = ("systems", "procedures", "interactions")


@dataclass(frozen=True)
class PracticeQuestion:
    """One generated question, shaped like a multiple-choice review item so the stage page's
    quiz markup shows it (plain text: the template escapes it)."""

    #: What it asks: ``moment``, ``team``, ``emotion``, ``target`` or ``layer``.
    kind: str
    #: The stage and touchpoint it is about (ids), for a link to where the map says it.
    stage: str
    touchpoint: str
    question: str
    choices: tuple[str, ...]
    #: The 1-based numbers of the right choices.
    correct_choices: tuple[int, ...]
    explain: str

    @property
    def several_correct(self) -> bool:
        return len(self.correct_choices) > 1


def _key(text: str) -> str:
    """Two texts a reader would take for the same choice have the same key."""
    return " ".join(text.split()).casefold()


def _team_key(name: str) -> str:
    # Teams are one team when their slugs match (see Playbook.teams).
    return slugify(name) or _key(name)


class _Maker:
    """The questions of one journey, in the words of one language."""

    def __init__(self, journey: Journey, t: Mapping[str, str]) -> None:
        self.journey = journey
        self.t = t
        self.rng = random.Random(journey.id)
        self.rows = list(journey.touchpoints())
        teams: dict[str, str] = {}
        for _, tp in self.rows:
            if tp.team.strip():
                teams.setdefault(_team_key(tp.team), tp.team.strip())
        #: Every team of the journey once, by key, in the order the map names them.
        self.teams = teams

    def feeling(self, value: int) -> str:
        """"−1 Bad": a level of the emotion scale as the site writes it."""
        return f"{signed(value)} {self.t[f'emotion_{value}']}"

    def shuffled(self, right: str, wrong: list[str]) -> tuple[tuple[str, ...], int]:
        """The right choice among up to DISTRACTORS of ``wrong``, in a seeded order; and the
        right one's number."""
        choices = [right, *self.rng.sample(wrong, min(DISTRACTORS, len(wrong)))]
        self.rng.shuffle(choices)
        return tuple(choices), choices.index(right) + 1

    def question(self, kind: str, stage: Stage, tp: Touchpoint, choices: tuple[str, ...],
                 right: int, **words: str) -> PracticeQuestion:
        fields = {"touchpoint": tp.name, "stage": stage.name, **words}
        return PracticeQuestion(kind, stage.id, tp.id, self.t[f"practice_{kind}"].format(**fields),
                                choices, (right,),
                                self.t[f"practice_{kind}_why"].format(**fields))

    # One method per kind: the questions of that kind about one touchpoint (maybe none).

    def moment(self, stage: Stage, tp: Touchpoint) -> list[PracticeQuestion]:
        if not tp.moment_of_truth:
            return []
        # Touchpoints that are no moment of truth, this stage's first: with two moments of
        # truth among the choices the question would have no single answer.
        seen = {_key(other.name) for _, other in self.rows if other.moment_of_truth}
        here: list[str] = []
        elsewhere: list[str] = []
        for other_stage, other in self.rows:
            if not other.moment_of_truth and _key(other.name) not in seen:
                seen.add(_key(other.name))
                (here if other_stage is stage else elsewhere).append(other.name)
        wrong = self.rng.sample(here, min(DISTRACTORS, len(here)))
        wrong += self.rng.sample(elsewhere, min(DISTRACTORS - len(wrong), len(elsewhere)))
        if not wrong:
            return []
        choices, right = self.shuffled(tp.name, wrong)
        return [self.question("moment", stage, tp, choices, right)]

    def team(self, stage: Stage, tp: Touchpoint) -> list[PracticeQuestion]:
        if not tp.team.strip():
            return []
        own = _team_key(tp.team)
        wrong = [name for key, name in self.teams.items() if key != own]
        if not wrong:
            return []
        choices, right = self.shuffled(self.teams[own], wrong)
        return [self.question("team", stage, tp, choices, right, team=self.teams[own])]

    def emotion(self, stage: Stage, tp: Touchpoint) -> list[PracticeQuestion]:
        # Where personas feel differently, "how does the customer feel" has no one answer.
        if not isinstance(tp.emotion, int) or isinstance(tp.target, dict):
            return []
        # The whole scale, in its order: a scale read shuffled would confuse, not test.
        choices = tuple(self.feeling(level) for level in range(-2, 3))
        return [self.question("emotion", stage, tp, choices, tp.emotion + 3,
                              feeling=self.feeling(tp.emotion))]

    def target(self, stage: Stage, tp: Touchpoint) -> list[PracticeQuestion]:
        if not isinstance(tp.target, int) or not isinstance(tp.emotion, int):
            return []
        choices = tuple(self.feeling(level) for level in range(-2, 3))
        return [self.question("target", stage, tp, choices, tp.target + 3,
                              feeling=self.feeling(tp.emotion), target=self.feeling(tp.target))]

    def layer(self, stage: Stage, tp: Touchpoint) -> list[PracticeQuestion]:
        # Things listed under exactly one layer (listed under two, either would be right).
        found: dict[str, list[tuple[str, str]]] = {}
        for layer in LAYERS:
            for item in getattr(tp.layers, layer):
                found.setdefault(_key(item), []).append((layer, item))
        items = [places[0] for places in found.values()
                 if len({layer for layer, _ in places}) == 1]
        if not items:
            return []
        layer, item = self.rng.choice(items)
        choices = tuple(self.t[name] for name in LAYERS)
        return [self.question("layer", stage, tp, choices, LAYERS.index(layer) + 1,
                              item=item, layer=self.t[layer])]


def practice_questions(journey: Journey, t: Mapping[str, str]) -> tuple[PracticeQuestion, ...]:
    """The practice quiz of ``journey`` with the words of ``t`` (a language's labels): at
    least one question about every touchpoint (the emotion question always can be asked),
    more kinds while there is room, at most :data:`MOST_QUESTIONS`, in the map's order."""
    maker = _Maker(journey, t)
    kinds: tuple[Callable[[Stage, Touchpoint], list[PracticeQuestion]], ...] = (
        maker.moment, maker.team, maker.emotion, maker.target, maker.layer)
    # Every question that can be asked about each touchpoint, in a seeded order; then rounds
    # taking one question per touchpoint, the kind asked least so far first, until full.
    candidates: list[list[PracticeQuestion]] = []
    for stage, tp in maker.rows:
        found = [question for kind in kinds for question in kind(stage, tp)]
        maker.rng.shuffle(found)
        candidates.append(found)
    asked: dict[str, int] = {}
    chosen: list[list[PracticeQuestion]] = [[] for _ in candidates]
    order = list(range(len(candidates)))
    if len(order) > MOST_QUESTIONS:
        # More touchpoints than questions: a seeded choice of them.
        order = sorted(maker.rng.sample(order, MOST_QUESTIONS))
    total = 0
    while total < MOST_QUESTIONS and any(candidates[i] for i in order):
        for i in order:
            if total == MOST_QUESTIONS or not candidates[i]:
                continue
            pick = min(candidates[i], key=lambda question: asked.get(question.kind, 0))
            chosen[i].append(pick)
            asked[pick.kind] = asked.get(pick.kind, 0) + 1
            total += 1
            # The target question names today's feeling: never both about one touchpoint.
            candidates[i] = [question for question in candidates[i] if question is not pick
                             and {question.kind, pick.kind} != {"emotion", "target"}]
        # Later rounds (room left after one question each) go round in a seeded order, so
        # the extra questions spread over the journey instead of piling up at its start.
        maker.rng.shuffle(order)
    return tuple(question for questions in chosen for question in questions)
