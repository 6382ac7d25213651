"""The JSON Schema of the journey format, generated from the models (never written by hand).

Editors with the YAML language server read it through the modeline at the top of each
journey file and complete and check fields while staff type.
"""

from __future__ import annotations

import json
from typing import Any

from ..model import SUPPORTED_SCHEMAS, Journey

SCHEMA_URL = "https://journeybook.dev/schema/journey.schema.json"
#: Where the committed copy lives, relative to the repository root.
SCHEMA_PATH = "schema/journey.schema.json"
#: The first line of journey files, for editors (relative to journeys/<id>/journey.yaml).
MODELINE = f"# yaml-language-server: $schema=../../{SCHEMA_PATH}"


def journey_schema() -> dict[str, Any]:
    schema = Journey.model_json_schema(by_alias=True, mode="validation")
    # The journey id is the folder's name, not a key of the file.
    schema["properties"].pop("id", None)
    schema["properties"]["schema"] = {"const": SUPPORTED_SCHEMAS[-1], "default": 1,
                                      "title": "Schema",
                                      "description": "Version of the journey format."}
    # Stage and touchpoint ids are optional: they default to the slug of the name.
    for name in ("Stage", "Touchpoint"):
        definition = schema["$defs"][name]
        definition["required"] = [key for key in definition["required"] if key != "id"]
    # A self-check question is free text (`answer`) or multiple choice (`choices` with
    # `correct`), never both: the loader's rules between keys, for editors to warn early.
    question = schema["$defs"]["ReviewQuestion"]
    question["oneOf"] = [{"required": ["answer"]}, {"required": ["choices", "correct"]}]
    question["dependentRequired"] = {"choices": ["correct"], "correct": ["choices"],
                                     "explain": ["choices"]}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_URL
    schema["title"] = "Journeybook journey"
    schema["description"] = ("A customer journey: journeys/<journey-id>/journey.yaml. "
                             "See the README for every field.")
    return schema


def schema_text() -> str:
    return json.dumps(journey_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
