"""A journey's service blueprint: what stands behind each stage, in the rows a blueprint draws.

The customer's actions on top; below the line of interaction, the front stage (what the
customer meets: direct touchpoints and the interactions at each); below the line of visibility,
the back stage (the procedures staff follow, and the touchpoints that reach the customer
indirectly); below the line of internal interaction, the systems that support it all. These
are the five layers of an experience (systems, procedures, touchpoints, interactions, and the
experience on top) laid out stage by stage.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from ..model import Journey, Stage, Touchpoint

#: A row of the blueprint: a layer (``lane``) or one of the lines between them.
RowKind = Literal["lane", "line"]


@dataclass(frozen=True)
class Entry:
    """A touchpoint in a blueprint cell, with the interactions the customer takes part in."""

    stage: Stage
    touchpoint: Touchpoint
    interactions: tuple[str, ...]


@dataclass(frozen=True)
class Cell:
    """One stage's part of a row: touchpoints first, then plain items (actions, procedures,
    systems)."""

    entries: tuple[Entry, ...] = ()
    items: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.entries or self.items)


@dataclass(frozen=True)
class Row:
    kind: RowKind
    #: The locale key of its name.
    name: str
    #: One per stage, in journey order (none for a line).
    cells: tuple[Cell, ...] = ()


def _once(items: Iterable[str]) -> tuple[str, ...]:
    """Items in order, each once: several touchpoints of a stage often share a system."""
    return tuple(dict.fromkeys(item for item in items if item.strip()))


def _entries(stage: Stage, direct: bool) -> tuple[Entry, ...]:
    return tuple(Entry(stage, tp, tuple(tp.layers.interactions))
                 for tp in stage.touchpoints if tp.direct is direct)


def blueprint_rows(journey: Journey) -> tuple[Row, ...]:
    """The blueprint of a journey, top to bottom."""
    stages = journey.stages
    return (
        Row("lane", "blueprint_actions",
            tuple(Cell(items=_once(tp.doing for tp in s.touchpoints)) for s in stages)),
        Row("line", "blueprint_line_of_interaction"),
        Row("lane", "blueprint_front_stage",
            tuple(Cell(entries=_entries(s, direct=True)) for s in stages)),
        Row("line", "blueprint_line_of_visibility"),
        Row("lane", "blueprint_back_stage",
            tuple(Cell(entries=_entries(s, direct=False),
                       items=_once(p for tp in s.touchpoints for p in tp.layers.procedures))
                  for s in stages)),
        Row("line", "blueprint_line_of_internal_interaction"),
        Row("lane", "blueprint_support",
            tuple(Cell(items=_once(x for tp in s.touchpoints for x in tp.layers.systems))
                  for s in stages)),
    )
