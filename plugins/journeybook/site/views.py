"""What the page templates show, computed once in Python.

Templates receive these small frozen objects instead of the playbook, so no template runs a
query (in a loop or otherwise). They hold raw user text: escaping stays the templates' job
(Jinja's ``finalize``), in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..model import Evaluation, Journey, Stage, Touchpoint
from ..playbook import Gap, Link, Playbook, Score


@dataclass(frozen=True)
class TouchpointView:
    """One touchpoint of a stage page, with what the playbook knows about it."""

    touchpoint: Touchpoint
    #: Localised "label: value" facts (channel, control, direct), shown joined by " · ".
    facts: tuple[str, ...]
    latest: Score | None
    #: Evaluations that scored it or wrote about it, newest first.
    evaluations: tuple[Evaluation, ...]
    #: Neither research nor any evaluation backs its emotion.
    assumption: bool
    #: The latest measurement of each persona, when the map or a note tells them apart.
    latest_by_persona: tuple[tuple[str, Score | None], ...] = ()
    #: Where the journey continues from here, if it does.
    link: Link | None = None


@dataclass(frozen=True)
class StageView:
    stage: Stage
    #: Its position in the journey, from 1.
    number: int
    touchpoints: tuple[TouchpointView, ...]
    #: Touchpoints of other journeys that continue in this stage.
    comes_from: tuple[Link, ...] = ()


@dataclass(frozen=True)
class JourneyView:
    """What a journey's overview page adds to the journey itself."""

    evaluations: tuple[Evaluation, ...]
    #: How many touchpoints research or an evaluation backs.
    backed: int
    gaps: tuple[Gap, ...]
    #: Where its touchpoints continue in other journeys, and where others continue in it.
    continues_in: tuple[Link, ...] = ()
    comes_from: tuple[Link, ...] = ()

    @property
    def gaps_by_persona(self) -> bool:
        return any(gap.persona is not None for gap in self.gaps)


def journey_view(playbook: Playbook, journey: Journey) -> JourneyView:
    return JourneyView(evaluations=tuple(playbook.evaluations_of(journey)),
                       backed=playbook.backed_by_evidence(journey),
                       gaps=tuple(playbook.gaps(journey)),
                       continues_in=tuple(playbook.links_from(journey)),
                       comes_from=tuple(playbook.links_to(journey)))


def stage_view(playbook: Playbook, journey: Journey, stage: Stage, number: int,
               t: Mapping[str, str], label: Callable[[object], str]) -> StageView:
    def facts(tp: Touchpoint) -> tuple[str, ...]:
        found = [f"{t['channel']}: {label(tp.channel)}"] if tp.channel else []
        if tp.control:
            found.append(f"{t['control']}: {label(tp.control)}")
        found.append(f"{t['direct']}: {label('yes' if tp.direct else 'no')}")
        return tuple(found)

    def apart(tp: Touchpoint) -> tuple[tuple[str, Score | None], ...]:
        if len(journey.personas) < 2 or not any(
                isinstance(e.scores.get(tp.id), dict) for e in playbook.evaluations_of(journey)):
            return ()
        return tuple((p.name, playbook.latest_score(journey, tp, p.id))
                     for p in journey.personas)

    links = {link.touchpoint.id: link for link in playbook.links_from(journey)
             if link.stage.id == stage.id}
    return StageView(stage, number, tuple(
        TouchpointView(tp, facts(tp), playbook.latest_score(journey, tp),
                       tuple(playbook.evaluations_about(journey, tp)),
                       playbook.is_assumption(journey, tp), apart(tp), links.get(tp.id))
        for tp in stage.touchpoints),
        tuple(link for link in playbook.links_to(journey)
              if link.target_stage is not None and link.target_stage.id == stage.id))
