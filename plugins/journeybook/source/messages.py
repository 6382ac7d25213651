"""Pydantic's validation errors as messages an author can act on, located in the file."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..errors import Problem
from ..model import FEELING_TAGS, DataPath, Journey
from .yaml import YamlDocument, format_path

M = TypeVar("M", bound=BaseModel)


_TYPE_NAMES = {
    dict: "a mapping (`key: value` lines)",
    list: "a list (lines starting with `- `)",
    str: "text",
    bool: "true/false",
    int: "a number",
    float: "a decimal number",
    type(None): "nothing (an empty value)",
}


def _describe(value: object) -> str:
    for kind, name in _TYPE_NAMES.items():
        if type(value) is kind:
            if kind in (int, float, bool):
                return f"{name} `{str(value).lower() if kind is bool else value}`"
            if isinstance(value, str):
                shown = value if len(value) <= 40 else value[:37] + "..."
                return f"text `{shown}`"
            return name
    return type(value).__name__


def model_at(model: type[BaseModel], path: DataPath) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``path`` (for listing allowed keys)."""
    for part in path:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) or next(
            (f for f in model.model_fields.values() if f.alias == part), None
        )
        if field is None:
            return None
        inner = _first_model(field.annotation)
        if inner is None:
            return None
        model = inner
    return model


def _first_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _first_model(arg)
        if found:
            return found
    return None


def _keys_of(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items() if not f.exclude]


def _message(error: ErrorDetails, path: DataPath, root: type[BaseModel] = Journey) -> str:
    kind = error["type"]
    explain = _MESSAGES.get(kind) or (_not_date if kind.startswith("date") else None)
    if explain is None:
        return str(error["msg"]).removeprefix("Value error, ")
    return explain(error, path, root)


# Each takes the error, where it is and the model of the whole file.
_Explain = Callable[[ErrorDetails, DataPath, type[BaseModel]], str]


def _key_name(path: DataPath) -> str | int:
    return path[-1] if path else "the file"


def _missing(error: ErrorDetails, path: DataPath, root: type[BaseModel]) -> str:
    name = _key_name(path)
    return f"`{name}` is required here; add `{name}:`"


def _unknown_key(error: ErrorDetails, path: DataPath, root: type[BaseModel]) -> str:
    name = _key_name(path)
    model = model_at(root, path[:-1])
    allowed = _keys_of(model) if model else []
    hint = difflib.get_close_matches(str(name), allowed, n=1)
    text = f"unknown key `{name}`"
    if hint:
        text += f" (did you mean `{hint[0]}`?)"
    if allowed:
        text += f". Allowed here: {', '.join(allowed)}"
    return text


def _not_one_of(error: ErrorDetails, path: DataPath, root: type[BaseModel]) -> str:
    expected = error.get("ctx", {}).get("expected", "")
    return f"must be one of {expected}, got {_describe(error.get('input'))}"


def _not_whole_number(error: ErrorDetails, path: DataPath, root: type[BaseModel]) -> str:
    value = error.get("input")
    unquote = "; remove the quotes" if isinstance(value, str) else ""
    return f"must be a whole number, got {_describe(value)}{unquote}"


def _not_text(error: ErrorDetails, path: DataPath, root: type[BaseModel]) -> str:
    return (f"must be text, got {_describe(error.get('input'))}; put quotes around it if it "
            "is text")


def _not_true_or_false(error: ErrorDetails, path: DataPath, root: type[BaseModel]) -> str:
    return f"must be true or false, got {_describe(error.get('input'))}"


def _not_list(error: ErrorDetails, path: DataPath, root: type[BaseModel]) -> str:
    return f"must be a list (lines starting with `- `), got {_describe(error.get('input'))}"


def _not_mapping(error: ErrorDetails, path: DataPath, root: type[BaseModel]) -> str:
    return f"must be a mapping (`key: value` lines), got {_describe(error.get('input'))}"


def _not_date(error: ErrorDetails, path: DataPath, root: type[BaseModel]) -> str:
    return ("must be a date written YYYY-MM-DD, like 2026-12-31, got "
            f"{_describe(error.get('input'))}")


def _no_items(error: ErrorDetails, path: DataPath, root: type[BaseModel]) -> str:
    return f"needs at least one item; add one under `{_key_name(path)}:`"


def _too_many(error: ErrorDetails, path: DataPath, root: type[BaseModel]) -> str:
    most = error.get("ctx", {}).get("max_length", "")
    return f"at most {most} items here; remove some, or split the map in two"


#: Pydantic's error type → the message an author can act on. A type not here and not a date
#: type keeps pydantic's message, less the "Value error, " the format's own checks get.
_MESSAGES: dict[str, _Explain] = {
    "missing": _missing,
    "extra_forbidden": _unknown_key,
    "literal_error": _not_one_of,
    "int_type": _not_whole_number,
    "int_from_float": _not_whole_number,
    "int_parsing": _not_whole_number,
    "string_type": _not_text,
    "str_type": _not_text,
    "bool_type": _not_true_or_false,
    "list_type": _not_list,
    "model_type": _not_mapping,
    "dict_type": _not_mapping,
    "model_attributes_type": _not_mapping,
    "too_short": _no_items,
    "too_long": _too_many,
}


def _is_unknown_key(error: ErrorDetails) -> bool:
    return error["type"] == "extra_forbidden"


def validate(model: type[M], document: YamlDocument, file: str, context: dict[str, Any],
              what: str) -> tuple[M | None, list[Problem], Callable[..., Problem]]:
    """Validate plain data against ``model``; every error located in the file."""
    data, positions, problems = document.data, document.positions, list(document.problems)

    def located(path: DataPath, message: str, *, key: bool = False) -> Problem:
        line, column = positions.locate(path, key=key)
        return Problem(file, line, column, format_path(path), message)

    if () in document.broken:
        return None, problems, located
    if not isinstance(data, dict):
        problems.append(located((), f"{what} must be a mapping of `key: value` lines, not "
                                    f"{_describe(data)}"))
        return None, problems, located
    try:
        return model.model_validate(data, context=context), problems, located
    except ValidationError as exc:
        seen: set[tuple[DataPath, str]] = set()
        errors = exc.errors(include_url=False)
        misspelt = {tuple(e["loc"]) for e in errors if _is_unknown_key(e)}
        for error in errors:
            loc: DataPath = tuple(part for part in error["loc"] if part not in FEELING_TAGS)
            # A bad key of a mapping (a persona id that is not an id): point at the key.
            at_key = _is_unknown_key(error) or loc[-1:] == ("[key]",)
            loc = loc[:-1] if loc[-1:] == ("[key]",) else loc
            if any(loc[: len(b)] == b for b in document.broken):
                continue  # already reported: the value could not be read at all
            if error["type"] == "missing" and any(
                other[:-1] == loc[:-1]
                and difflib.get_close_matches(str(other[-1]), [str(loc[-1])], n=1)
                for other in misspelt
            ):
                continue  # "unknown key `touchpionts` (did you mean …)" says it all
            message = _message(error, loc, model)
            if (loc, message) not in seen:
                seen.add((loc, message))
                problems.append(located(loc, message, key=at_key))
        return None, problems, located
