"""For the people who write journeys: a scaffold, Mermaid, CSV and JSON exchange, the
canonical formatting of journey files and notes (`fmt`), and the JSON Schema editors use."""

from __future__ import annotations

from .export import CSV_COLUMNS, to_csv, to_json
from .mermaid import MermaidError, from_mermaid, to_mermaid
from .scaffold import journey_yaml, scaffold

__all__ = [
    "CSV_COLUMNS",
    "MermaidError",
    "from_mermaid",
    "journey_yaml",
    "scaffold",
    "to_csv",
    "to_json",
    "to_mermaid",
]
