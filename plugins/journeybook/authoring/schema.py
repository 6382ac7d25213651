"""The JSON Schema of the journey format, generated from the models (never written by hand).

Editors with the YAML language server read it through the modeline at the top of each
journey file and complete and check fields while staff type.
"""

from __future__ import annotations

import json
from typing import Any

from ..model import MAX_PERSONAS, SUPPORTED_SCHEMAS, Journey
from ..slug import MAX_SLUG_LENGTH, SLUG_REGEX

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
    # Stage, touchpoint and persona ids are optional: they default to the slug of the name.
    for name in ("Stage", "Touchpoint", "Persona"):
        definition = schema["$defs"][name]
        definition["required"] = [key for key in definition["required"] if key != "id"]
    # A self-check question is free text (`answer`) or multiple choice (`choices` with
    # `correct`), never both: the loader's rules between keys, for editors to warn early.
    question = schema["$defs"]["ReviewQuestion"]
    question["oneOf"] = [{"required": ["answer"]}, {"required": ["choices", "correct"]}]
    question["dependentRequired"] = {"choices": ["correct"], "correct": ["choices"],
                                     "explain": ["choices"]}
    _describe_personas(schema)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_URL
    schema["title"] = "Journeybook journey"
    schema["description"] = ("A customer journey: journeys/<journey-id>/journey.yaml. "
                             "See the README for every field.")
    return schema


#: A persona id, a stage id, a journey id: the one slug rule.
_ID = {"type": "string", "pattern": f"^{SLUG_REGEX}$", "maxLength": MAX_SLUG_LENGTH}


def _by_persona(title: str, optional: bool, description: str) -> dict[str, Any]:
    """An emotion or a target as an editor checks it: one number, or a mapping whose keys can
    only be persona ids (the loader checks that they are this journey's). One schema with
    two types rather than a `oneOf`, so a mistake reads "3 is greater than the maximum of 2",
    not "not valid under any of the given schemas"."""
    number = {"type": "integer", "minimum": -2, "maximum": 2}
    return {"title": title, "type": ["integer", "object", *(["null"] if optional else [])],
            "minimum": -2, "maximum": 2,
            "minProperties": 1, "propertyNames": _ID, "additionalProperties": number,
            "description": description,
            **({"default": None} if optional else {})}


def _describe_personas(schema: dict[str, Any]) -> None:
    """Plain words on the fields for several personas, linked journeys and the opportunity
    portfolio, and the rules between keys an editor can check early."""
    journey = schema["properties"]
    journey["personas"]["description"] = (
        f"The customer groups this map follows, at most {MAX_PERSONAS}. Each has an `id` "
        "(default: the slug of its name) that by-persona emotions and targets use.")
    journey["persona"]["description"] = (
        "Shorthand for a journey with one persona; write either `persona:` or `personas:`, "
        "not both.")
    schema["not"] = {"required": ["persona", "personas"]}
    persona = schema["$defs"]["Persona"]["properties"]
    persona["id"]["description"] = ("How by-persona emotions and targets name this persona; "
                                     "default: the slug of `name`.")
    touchpoint = schema["$defs"]["Touchpoint"]["properties"]
    touchpoint["emotion"] = _by_persona("Emotion", False, (
        "How the customer feels here, from -2 (very bad) to +2 (very good): one number for "
        "every persona, or a number per persona id such as `{chi-ha: -1, anh-minh: 1}` "
        "naming every persona."))
    touchpoint["target"] = _by_persona("Target", True, (
        "The emotion this touchpoint should reach: one number for every persona, or a "
        "number per persona id."))
    touchpoint["link"].update(
        pattern=f"^{SLUG_REGEX}(?:/{SLUG_REGEX})?$",
        description="Where this touchpoint continues: another journey's id (its folder's "
                    "name), or `<journey-id>/<stage-id>` for one stage of it.")
    improvement = schema["$defs"]["Improvement"]["properties"]
    improvement["impact"]["description"] = (
        "How much it would improve the experience: 1 (low), 2 (medium), 3 (high).")
    improvement["effort"]["description"] = (
        "What it would cost to do: 1 (low), 2 (medium), 3 (high). High impact for low "
        "effort is a quick win.")


def schema_text() -> str:
    return json.dumps(journey_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
