"""Reading journey files: YAML → plain data with positions → validated models.

Everything a user can get wrong in a file is reported here as a :class:`Problem` carrying the
file, line and column, and *all* problems of all files are gathered before giving up, so one
build shows everything to fix.
"""

from __future__ import annotations

from ..model import DataPath
from .evaluations import front_matter, load_evaluation
from .glossary import read_glossary
from .journeys import (
    EVALUATIONS,
    JOURNEY_FILE,
    journey_files,
    load_journey,
    load_sources,
    parse_journey,
    read_sources,
)
from .messages import model_at
from .yaml import (
    MAX_NESTING,
    YamlDocument,
    decode_text,
    format_path,
    inside_project,
    parse_yaml,
    read_text,
    read_yaml,
    shape_problem,
)

__all__ = [
    "EVALUATIONS",
    "JOURNEY_FILE",
    "MAX_NESTING",
    "DataPath",
    "YamlDocument",
    "decode_text",
    "format_path",
    "front_matter",
    "inside_project",
    "journey_files",
    "load_evaluation",
    "load_journey",
    "load_sources",
    "model_at",
    "parse_journey",
    "parse_yaml",
    "read_glossary",
    "read_sources",
    "read_text",
    "read_yaml",
    "shape_problem",
]
