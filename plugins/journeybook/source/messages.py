"""Pydantic's validation errors as messages an author can act on, located in the file."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..errors import Argument, Message, Problem, Severity, listed
from ..i18n import problem_words
from ..model import FEELING_TAGS, DataPath, Journey, described, nearest, unquote
from ..slug import shown
from .yaml import YamlDocument, format_path

M = TypeVar("M", bound=BaseModel)


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


def _message(error: ErrorDetails, path: DataPath, root: type[BaseModel] = Journey) -> Message:
    kind = error["type"]
    explain = _MESSAGES.get(kind) or (_not_date if kind.startswith("date") else None)
    if explain is not None:
        return explain(error, path, root)
    if kind in problem_words():
        # The format's own checks (model.py) raise their locale key and its arguments.
        return Message(kind, tuple(error.get("ctx", {}).items()))
    return Message.of("other_error", text=str(error["msg"]))


# Each takes the error, where it is and the model of the whole file.
_Explain = Callable[[ErrorDetails, DataPath, type[BaseModel]], Message]


def _key_name(path: DataPath) -> Argument:
    return path[-1] if path else Message.of("the_file")


def _got(error: ErrorDetails) -> Message:
    return described(error.get("input"))


def _missing(error: ErrorDetails, path: DataPath, root: type[BaseModel]) -> Message:
    return Message.of("missing", key=_key_name(path))


def _unknown_key(error: ErrorDetails, path: DataPath, root: type[BaseModel]) -> Message:
    name = str(_key_name(path))
    model = model_at(root, path[:-1])
    allowed = _keys_of(model) if model else []
    if not allowed:
        return Message.of("unknown_key_anywhere", key=shown(name), hint="")
    return Message.of("unknown_key", key=shown(name), hint=nearest(name, allowed),
                      allowed=", ".join(allowed))


def _not_one_of(error: ErrorDetails, path: DataPath, root: type[BaseModel]) -> Message:
    # pydantic says "'digital' or 'analog'"; the values alone read the same in any language.
    expected = re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", "")))
    return Message.of("not_one_of", choices=listed(expected), got=_got(error))


def _not_whole_number(error: ErrorDetails, path: DataPath, root: type[BaseModel]) -> Message:
    return Message.of("not_whole_number", got=_got(error), unquote=unquote(error.get("input")))


def _simple(key: str) -> _Explain:
    """A message that needs nothing but what the value was."""
    return lambda error, path, root: Message.of(key, got=_got(error))


_not_date = _simple("not_date")


def _no_items(error: ErrorDetails, path: DataPath, root: type[BaseModel]) -> Message:
    return Message.of("no_items", key=_key_name(path))


def _too_many(error: ErrorDetails, path: DataPath, root: type[BaseModel]) -> Message:
    return Message.of("too_many_items", most=error.get("ctx", {}).get("max_length", ""))


#: Pydantic's error type → the message an author can act on. A type not here and not a date
#: type is one of the format's own checks (its locale key), else pydantic's words.
_MESSAGES: dict[str, _Explain] = {
    "missing": _missing,
    "extra_forbidden": _unknown_key,
    "literal_error": _not_one_of,
    "int_type": _not_whole_number,
    "int_from_float": _not_whole_number,
    "int_parsing": _not_whole_number,
    "string_type": _simple("not_text"),
    "str_type": _simple("not_text"),
    "bool_type": _simple("not_true_or_false"),
    "list_type": _simple("not_list"),
    "model_type": _simple("not_mapping"),
    "dict_type": _simple("not_mapping"),
    "model_attributes_type": _simple("not_mapping"),
    "too_short": _no_items,
    "too_long": _too_many,
}


def _is_unknown_key(error: ErrorDetails) -> bool:
    return error["type"] == "extra_forbidden"


def validate(model: type[M], document: YamlDocument, file: str, context: dict[str, Any],
              what: str) -> tuple[M | None, list[Problem], Callable[..., Problem]]:
    """Validate plain data against ``model``; every error located in the file."""
    data, positions, problems = document.data, document.positions, list(document.problems)

    def located(path: DataPath, message: Message, *, key: bool = False,
                severity: Severity = "error") -> Problem:
        line, column = positions.locate(path, key=key)
        return Problem(file, line, column, format_path(path), message, severity)

    if () in document.broken:
        return None, problems, located
    if not isinstance(data, dict):
        problems.append(located((), Message.of("not_a_mapping", what=Message.of(what),
                                               got=described(data))))
        return None, problems, located
    try:
        return model.model_validate(data, context=context), problems, located
    except ValidationError as exc:
        seen: set[tuple[DataPath, Message]] = set()
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
