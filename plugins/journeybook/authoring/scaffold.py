"""A new journey.yaml full of commented placeholders, and journey data written as YAML in
the format's canonical form."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any

import jinja2
from ruamel.yaml import YAML

from ..i18n import scaffold_words
from ..model import RESERVED_STAGE_IDS
from ..slug import shorten, slugify, unique
from .fmt import FormatError, format_yaml
from .schema import MODELINE

# YAML templates quote every value as JSON, which is valid YAML: nothing in a title or
# stage name can change the file's structure.
_YAML = jinja2.Environment(
    loader=jinja2.PackageLoader("journeybook", "authoring/templates"),
    undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    keep_trailing_newline=True, autoescape=False,
)


def _quoted(value: str) -> str:
    # JSON escapes the C0 controls only; YAML refuses other invisible characters (DEL, C1
    # controls, U+2028 …) written as they are, so those are escaped too. Visible text,
    # Vietnamese included, stays readable.
    return "".join(c if c.isprintable() or c == " " else f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF
                   else f"\\U{ord(c):08x}" for c in json.dumps(str(value), ensure_ascii=False))


_YAML.filters["q"] = _quoted
# A comment runs to the end of its line: text shown in one keeps to one line.
_YAML.filters["comment"] = lambda value: " ".join(
    "".join(c if c.isprintable() else " " for c in str(value)).split())


def stage_ids(names: list[str], fallback: str) -> list[str | None]:
    """The `id:` each stage needs written out, or None where its name's slug will do:
    ids are unique, never a generated page's name, and never empty."""
    taken = set(RESERVED_STAGE_IDS)
    ids: list[str | None] = []
    for name in names:
        derived = slugify(name)
        chosen = unique(derived or fallback, taken)
        ids.append(None if chosen == derived else chosen)
    return ids


def scaffold(journey_id: str, title: str | None = None, stages: list[str] | None = None,
             language: str = "en") -> str:
    """A new journey.yaml full of commented placeholders that already passes `check`."""
    words = scaffold_words(language)
    names = stages or list(words.stages)
    taken: set[str] = set()
    # Every stage gets the same placeholders and numbers; `example_journey` gives its own.
    return _render(
        title or journey_id.replace("-", " ").capitalize(), words.placeholders, words.comments,
        [{"name": name, "words": words.placeholders, "channel": "digital", "emotion": 0,
          "target": 1, "moment_of_truth": False} for name in names],
        [unique(shorten(f"{slugify(name) or 'buoc'}-{n}"), taken)
         for n, name in enumerate(names, 1)])


def example_journey(example: Mapping[str, Any], language: str = "en") -> str:
    """The scaffold of `journeybook new` filled with a believable journey (``example``, the
    `init.example` words of a locale file): what `journeybook init` puts in ``journeys/``.
    Its comments stay, so the first journey a team opens also explains the format."""
    words = scaffold_words(language)
    taken: set[str] = set()
    stages = [{**stage, "words": {**words.placeholders, **stage}} for stage in example["stages"]]
    return _render(
        str(example["title"]), {**words.placeholders, **example},
        {**words.comments, "intro": example["intro"], "markdown": example["markdown"]}, stages,
        [unique(shorten(slugify(stage["touchpoint"]) or "buoc"), taken) for stage in stages])


def _render(title: str, placeholder: Mapping[str, Any], comment: Mapping[str, str],
            stages: list[dict[str, Any]], touchpoint_ids: list[str]) -> str:
    names = [str(stage["name"]) for stage in stages]
    for stage, id_ in zip(stages, stage_ids(names, "giai-doan"), strict=True):
        stage["id"] = id_
    return _formatted(_YAML.get_template("scaffold.yaml.j2").render(
        modeline=MODELINE, title=title, stages=stages, placeholder=placeholder,
        comment=comment, touchpoint_ids=touchpoint_ids))


def journey_yaml(data: dict[str, Any]) -> str:
    """Journey data as YAML, keys in the format's order (used by `import`)."""
    out = io.StringIO()
    yaml = YAML(typ="safe")
    yaml.allow_unicode = True
    yaml.default_flow_style = False
    # ruamel starts this at None (sort) without an annotation, so mypy takes it as None-only.
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    yaml.dump({"schema": 1, **data}, out)
    return _formatted(out.getvalue())


def _formatted(text: str) -> str:
    """``text`` in fmt's canonical form, or as it is when fmt cannot keep every value (its
    round trip loses a NEL, U+0085, in text): a new file is valid either way."""
    try:
        return format_yaml(text)
    except FormatError:
        return text
