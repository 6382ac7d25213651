"""Pydantic's validation errors as messages an author can act on, located in the file."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..errors import Problem
from ..model import Journey
from .yaml import DataPath, YamlDocument, format_path

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
    value = error.get("input")
    name = path[-1] if path else "the file"
    if kind == "missing":
        return f"`{name}` is required here; add `{name}:`"
    if kind == "extra_forbidden":
        model = model_at(root, path[:-1])
        allowed = _keys_of(model) if model else []
        hint = difflib.get_close_matches(str(name), allowed, n=1)
        text = f"unknown key `{name}`"
        if hint:
            text += f" (did you mean `{hint[0]}`?)"
        if allowed:
            text += f". Allowed here: {', '.join(allowed)}"
        return text
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"must be one of {expected}, got {_describe(value)}"
    if kind in ("int_type", "int_from_float", "int_parsing"):
        unquote = "; remove the quotes" if isinstance(value, str) else ""
        return f"must be a whole number, got {_describe(value)}{unquote}"
    if kind in ("string_type", "str_type"):
        return f"must be text, got {_describe(value)}; put quotes around it if it is text"
    if kind == "bool_type":
        return f"must be true or false, got {_describe(value)}"
    if kind == "list_type":
        return f"must be a list (lines starting with `- `), got {_describe(value)}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"must be a mapping (`key: value` lines), got {_describe(value)}"
    if kind.startswith("date"):
        return f"must be a date written YYYY-MM-DD, like 2026-12-31, got {_describe(value)}"
    if kind == "too_short":
        return f"needs at least one item; add one under `{name}:`"
    return str(error["msg"]).removeprefix("Value error, ")


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
            loc: DataPath = tuple(error["loc"])
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
                problems.append(located(loc, message, key=_is_unknown_key(error)))
        return None, problems, located
