"""The channel matrix: touchpoints counted by channel (digital, analog) and control (owned,
influenced, uncontrolled), with how customers feel there on average, per stage, over every
journey, and per team: where the company's experience is weak, and through which channels.

A touchpoint whose channel or control is not written is counted under "not set", never left
out: the counts always add up to every touchpoint.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import get_args

from ..model import Channel, Control, Journey, Stage, Touchpoint
from ..playbook import Playbook
from ..slug import slugify

CHANNELS: tuple[str, ...] = get_args(Channel)
CONTROLS: tuple[str, ...] = get_args(Control)
#: The key of a channel, a control or a column a touchpoint does not set.
NOT_SET = "not_set"
#: The columns of a journey's matrix: every (channel, control) pair, then touchpoints
#: missing either.
COLUMNS: tuple[tuple[str, str], ...] = (
    *[(channel, control) for channel in CHANNELS for control in CONTROLS],
    (NOT_SET, NOT_SET),
)


@dataclass(frozen=True)
class Tally:
    """Some touchpoints: how many, how customers feel there on average, how many hurt."""

    touchpoints: int = 0
    #: The sum of the touchpoints' emotions (each the mean over its personas).
    emotion: float = 0.0
    pain_points: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.touchpoints + other.touchpoints, self.emotion + other.emotion,
                     self.pain_points + other.pain_points)

    @property
    def average(self) -> float | None:
        return self.emotion / self.touchpoints if self.touchpoints else None

    @property
    def weak(self) -> bool:
        """Customers feel bad here on average."""
        average = self.average
        return average is not None and average < 0


def tally(touchpoints: Iterable[Touchpoint]) -> Tally:
    found = [(tp.mean_emotion, tp.is_pain_point) for tp in touchpoints]
    return Tally(len(found), sum(emotion for emotion, _ in found),
                 sum(pain for _, pain in found))


def column(tp: Touchpoint) -> tuple[str, str]:
    """The matrix column a touchpoint is counted in."""
    return (tp.channel, tp.control) if tp.channel and tp.control else (NOT_SET, NOT_SET)


def average(value: float | None) -> str:
    """An average emotion as pages print it: one decimal, its sign, a true minus; an en dash
    for none."""
    if value is None:
        return "\u2013"
    shown = f"{value:+.1f}"
    return "0.0" if shown in ("+0.0", "-0.0") else shown.replace("-", "\u2212")


@dataclass(frozen=True)
class StageRow:
    stage: Stage
    #: Its position in the journey, from 1.
    number: int
    #: One per column of the matrix.
    cells: tuple[Tally, ...]


@dataclass(frozen=True)
class JourneyMatrix:
    #: (channel, control) pairs of :data:`COLUMNS`; the "not set" one only when the journey
    #: has touchpoints that miss their channel or control (an empty column would be noise).
    columns: tuple[tuple[str, str], ...]
    rows: tuple[StageRow, ...]


def journey_matrix(journey: Journey) -> JourneyMatrix:
    """A journey's stages, each with its touchpoints counted per column."""
    unset = any(column(tp) == (NOT_SET, NOT_SET) for _, tp in journey.touchpoints())
    columns = COLUMNS if unset else COLUMNS[:-1]
    return JourneyMatrix(columns, tuple(
        StageRow(stage, number, tuple(
            tally(tp for tp in stage.touchpoints if column(tp) == key) for key in columns))
        for number, stage in enumerate(journey.stages, start=1)))


@dataclass(frozen=True)
class SummaryRow:
    channel: str
    #: One per control, then touchpoints with no control.
    cells: tuple[Tally, ...]


def summary(playbook: Playbook) -> tuple[SummaryRow, ...]:
    """Every journey's touchpoints by channel (rows) and control (columns); "not set" last."""
    touchpoints = [tp for journey in playbook.journeys for _, tp in journey.touchpoints()]
    return tuple(
        SummaryRow(channel, tuple(
            tally(tp for tp in touchpoints
                  if (tp.channel or NOT_SET) == channel and (tp.control or NOT_SET) == control)
            for control in (*CONTROLS, NOT_SET)))
        for channel in (*CHANNELS, NOT_SET))


@dataclass(frozen=True)
class TeamRow:
    #: The team's name ("" for touchpoints no team owns) and its key (as `Team.slug`).
    team: str
    key: str
    channel: str
    control: str
    tally: Tally


def by_team(playbook: Playbook) -> tuple[TeamRow, ...]:
    """Per team, and in it per channel and control, the touchpoints it owns; teams by name
    (matched as the team pages match them: "CNTT" and "cntt" are one), no team last."""
    groups: dict[str, list[Touchpoint]] = {}
    spellings: dict[str, Counter[str]] = {}
    for journey in playbook.journeys:
        for _, tp in journey.touchpoints():
            name = tp.team.strip()
            key = (slugify(name) or name) if name else ""
            spellings.setdefault(key, Counter())[name] += 1
            groups.setdefault(key, []).append(tp)
    names = {key: counts.most_common(1)[0][0] for key, counts in spellings.items()}
    order = sorted(groups, key=lambda key: (not key, names[key].casefold()))
    pairs = [(channel, control) for channel in (*CHANNELS, NOT_SET)
             for control in (*CONTROLS, NOT_SET)]
    rows = []
    for key in order:
        for channel, control in pairs:
            found = tally(tp for tp in groups[key]
                          if (tp.channel or NOT_SET) == channel
                          and (tp.control or NOT_SET) == control)
            if found.touchpoints:
                rows.append(TeamRow(names[key], key, channel, control, found))
    return tuple(rows)
