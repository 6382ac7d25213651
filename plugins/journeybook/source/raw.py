"""What can be read of a journey file that does not validate: its ids, by-persona numbers and
links, derived as the models would derive them.

They let the checks across fields, across journeys and against evaluation notes run in the
same `check` as the file's own errors, so an author fixes everything in one round.
"""

from __future__ import annotations

import difflib
from typing import Any

from ..model import DataPath, JourneyIds
from ..slug import slugify


def _id_of(item: Any) -> str | None:
    """The id of a stage, touchpoint or persona: given, else the slug of its name."""
    if not isinstance(item, dict):
        return None
    given = item.get("id")
    if isinstance(given, str):
        return given
    return slugify(item["name"]) or None if isinstance(item.get("name"), str) else None


def _items(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else []


def _touchpoints(stage: dict[str, Any]) -> Any:
    """A stage's touchpoints; under a misspelt key (`touchpionts:`) too, as the report of
    that key suggests: their ids are the ones notes and links name."""
    if "touchpoints" in stage:
        return stage["touchpoints"]
    misspelt = [key for key in stage if difflib.get_close_matches(str(key), ["touchpoints"])]
    return stage[misspelt[0]] if len(misspelt) == 1 else None


def _personas(data: dict[str, Any]) -> tuple[str | None, ...] | None:
    """Persona ids (the `persona:` shorthand too); None when `personas:` is not a list."""
    if "personas" in data and data["personas"] is not None and \
            not isinstance(data["personas"], list):
        return None
    listed = [_id_of(p) for p in _items(data, "personas")]
    if isinstance(data.get("persona"), dict):
        listed.insert(0, _id_of(data["persona"]))
    return tuple(listed)


def journey_ids(data: Any, journey_id: str) -> JourneyIds:
    """The ids, by-persona numbers and links of raw journey data, as far as they can be read."""
    if not isinstance(data, dict) or not isinstance(data.get("stages"), list):
        return JourneyIds(journey_id, personas=None, complete=False)
    layout: list[tuple[str | None, tuple[str | None, ...]]] = []
    feelings: list[tuple[DataPath, object]] = []
    links: list[tuple[DataPath, str]] = []
    for s, stage in enumerate(_items(data, "stages")):
        touchpoints = _touchpoints(stage) if isinstance(stage, dict) else None
        if not isinstance(touchpoints, list):
            layout.append((_id_of(stage), (None,)))  # its touchpoints cannot be known
            continue
        layout.append((_id_of(stage), tuple(_id_of(t) for t in touchpoints)))
        for t, touchpoint in enumerate(touchpoints):
            if not isinstance(touchpoint, dict):
                continue
            where: DataPath = ("stages", s, "touchpoints", t)
            feelings += [((*where, key), touchpoint[key]) for key in ("emotion", "target")
                         if isinstance(touchpoint.get(key), dict)]
            if isinstance(touchpoint.get("link"), str) and touchpoint["link"]:
                links.append(((*where, "link"), touchpoint["link"]))
    return JourneyIds(journey_id, tuple(layout), _personas(data), tuple(feelings), tuple(links))
