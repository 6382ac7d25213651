"""A journey as CSV (one row per touchpoint) or JSON, for spreadsheets and other tools."""

from __future__ import annotations

import csv
import io
import json

from ..model import Journey, Touchpoint

# --- CSV and JSON ------------------------------------------------------------------------

#: The columns every export has. A journey that tells personas apart adds
#: `emotion:<persona-id>` and `target:<persona-id>` for each persona after `target`.
CSV_COLUMNS = ("journey", "stage_id", "stage", "touchpoint_id", "touchpoint", "channel",
               "control", "direct", "team", "emotion", "target", "moment_of_truth", "link",
               "evidence", "checklist", "improvements", "impact", "effort")


def _cell(text: str) -> str:
    # A spreadsheet runs a cell starting with = + - @ as a formula: text stays text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _number(value: float | None) -> str:
    """A whole number as such ("-1"), a mean with its decimals ("-0.5"), nothing as ""."""
    return "" if value is None else f"{value:g}"


def _mean(value: int | dict[str, int] | None) -> float | None:
    """One number, or the mean of a number per persona: what `emotion` and `target` hold."""
    if isinstance(value, dict):
        return sum(value.values()) / len(value)
    return value


def _persona_cells(journey: Journey, touchpoint: Touchpoint) -> list[str]:
    return [cell for persona in journey.personas for cell in (
        _number(touchpoint.emotion_for(persona.id)),
        _number(touchpoint.target_for(persona.id)))]


def to_csv(journey: Journey) -> str:
    """One row per touchpoint; list fields joined with " | " (an improvement's `impact` and
    `effort` in the same order as `improvements`, "" where one is not rated). `emotion` and
    `target` hold the number written, or the mean of the numbers per persona; a journey that
    tells personas apart also has each persona's in `emotion:<id>` and `target:<id>`."""
    apart = any(touchpoint.per_persona for _, touchpoint in journey.touchpoints())
    by_persona = [f"{key}:{persona.id}" for persona in journey.personas
                  for key in ("emotion", "target")] if apart else []
    at = CSV_COLUMNS.index("target") + 1
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*CSV_COLUMNS[:at], *by_persona, *CSV_COLUMNS[at:]])
    for stage, touchpoint in journey.touchpoints():
        improvements = touchpoint.improvements
        writer.writerow([
            journey.id, stage.id, _cell(stage.name), touchpoint.id, _cell(touchpoint.name),
            touchpoint.channel or "", touchpoint.control or "", str(touchpoint.direct).lower(),
            _cell(touchpoint.team), _number(_mean(touchpoint.emotion)),
            _number(_mean(touchpoint.target)),
            *(_persona_cells(journey, touchpoint) if apart else []),
            str(touchpoint.moment_of_truth).lower(), touchpoint.link,
            _cell(" | ".join(touchpoint.evidence)), _cell(" | ".join(touchpoint.checklist)),
            _cell(" | ".join(i.action for i in improvements)),
            " | ".join(_number(i.impact) for i in improvements),
            " | ".join(_number(i.effort) for i in improvements),
        ])
    return out.getvalue()


def to_json(journey: Journey) -> str:
    """The whole journey as the model holds it: `personas` always a list (a `persona:`
    shorthand included), emotions and targets as written (a number or one per persona)."""
    data = {"id": journey.id, **journey.model_dump(mode="json", by_alias=True)}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
