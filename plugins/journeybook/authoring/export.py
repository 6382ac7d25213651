"""A journey as CSV (one row per touchpoint) or JSON, for spreadsheets and other tools."""

from __future__ import annotations

import csv
import io
import json

from ..model import Journey

# --- CSV and JSON ------------------------------------------------------------------------

CSV_COLUMNS = ("journey", "stage_id", "stage", "touchpoint_id", "touchpoint", "channel",
               "control", "direct", "team", "emotion", "target", "moment_of_truth",
               "evidence", "checklist")


def _cell(text: str) -> str:
    # A spreadsheet runs a cell starting with = + - @ as a formula: text stays text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(journey: Journey) -> str:
    """One row per touchpoint; list fields joined with " | "."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for stage, touchpoint in journey.touchpoints():
        writer.writerow([
            journey.id, stage.id, _cell(stage.name), touchpoint.id, _cell(touchpoint.name),
            touchpoint.channel or "", touchpoint.control or "", str(touchpoint.direct).lower(),
            _cell(touchpoint.team), touchpoint.emotion,
            "" if touchpoint.target is None else touchpoint.target,
            str(touchpoint.moment_of_truth).lower(),
            _cell(" | ".join(touchpoint.evidence)), _cell(" | ".join(touchpoint.checklist)),
        ])
    return out.getvalue()


def to_json(journey: Journey) -> str:
    data = {"id": journey.id, **journey.model_dump(mode="json", by_alias=True)}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
