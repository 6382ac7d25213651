"""Reading journey files: YAML → plain data with positions → validated models.

Everything a user can get wrong in a file is reported here as a :class:`Problem` carrying the
file, line and column, and *all* problems of all files are gathered before giving up, so one
build shows everything to fix.
"""

from __future__ import annotations

import difflib
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .cache import JourneyCache
from .model import Journey, id_problems
from .slug import is_slug, slugify

JOURNEY_FILE = "journey.yaml"

# Only plain data may appear in a journey. Tags such as `!!python/object` that would build
# objects are refused before anything is constructed.
_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
# Aliases can multiply a small file into a huge tree ("billion laughs"); no real journey
# comes near this many values.
_MAX_VALUES = 200_000

DataPath = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file, at one place."""

    file: str
    line: int
    column: int
    where: str
    message: str

    def __str__(self) -> str:
        where = f"{self.where}: " if self.where else ""
        return f"{self.file}:{self.line}:{self.column}: {where}{self.message}"


class JourneybookError(Exception):
    """Raised with every problem found, so all of them can be shown at once."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [str(p) for p in self.problems]
        return "\n".join([*lines, f"{count} {noun} found; fix them and build again."])


def format_path(path: DataPath) -> str:
    """``("stages", 1, "touchpoints", 0, "emotion")`` → ``stages[1].touchpoints[0].emotion``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class _Positions:
    """Line and column (1-based) of every value and mapping key in a YAML document."""

    def __init__(self) -> None:
        self.values: dict[DataPath, tuple[int, int]] = {}
        self.keys: dict[DataPath, tuple[int, int]] = {}

    def locate(self, path: DataPath, *, key: bool = False) -> tuple[int, int]:
        if key and path in self.keys:
            return self.keys[path]
        if path in self.values:
            return self.values[path]
        # A derived id has no position of its own: point at the name it came from.
        name = (*path[:-1], "name")
        if path and path[-1] == "id" and name in self.values:
            return self.values[name]
        return self.locate(path[:-1]) if path else (1, 1)


def _mark(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Reader:
    """Turns a composed YAML node tree into plain Python data, recording positions."""

    def __init__(self, yaml: YAML, file: str) -> None:
        self.constructor = yaml.constructor
        self.file = file
        self.positions = _Positions()
        self.problems: list[Problem] = []
        #: Paths whose value could not be read; validation errors below them are noise.
        self.broken: list[DataPath] = []
        self.count = 0

    def problem(self, at: tuple[int, int], path: DataPath, message: str) -> None:
        self.problems.append(Problem(self.file, at[0], at[1], format_path(path), message))
        self.broken.append(path)

    def read(self, node: Node, path: DataPath = ()) -> Any:
        self.count += 1
        if self.count > _MAX_VALUES:
            raise _TooBig
        self.positions.values.setdefault(path, _mark(node))
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            if node.tag != _CORE + "seq":
                return self._bad_tag(node, path)
            return [self.read(item, (*path, i)) for i, item in enumerate(node.value)]
        if node.tag not in _ALLOWED_TAGS:
            return self._bad_tag(node, path)
        try:
            return self.constructor.construct_object(node, deep=True)
        except (YAMLError, ValueError, OverflowError) as exc:
            self.problem(_mark(node), path, f"cannot read `{node.value}`: {exc}")
            return None

    def _mapping(self, node: MappingNode, path: DataPath) -> Any:
        if node.tag != _CORE + "map":
            return self._bad_tag(node, path)
        data: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == _CORE + "merge":
                self.problem(_mark(key_node), path,
                             "keys must be plain words like `name:`; merge keys (`<<`) and "
                             "complex keys are not supported")
                continue
            key = str(key_node.value)
            key_path = (*path, key)
            if key in data:
                first = self.positions.keys[key_path][0]
                self.problem(_mark(key_node), key_path,
                             f"duplicate key `{key}` (first given on line {first}); "
                             "keep one of them")
                continue
            self.positions.keys[key_path] = _mark(key_node)
            data[key] = self.read(value_node, key_path)
        return data

    def _bad_tag(self, node: Node, path: DataPath) -> None:
        self.problem(_mark(node), path,
                     f"YAML tag `{node.tag}` is not allowed: a journey holds only text, numbers, "
                     "true/false, dates, lists and mappings; remove the tag")
        return None


class _TooBig(Exception):
    pass


@dataclass
class YamlDocument:
    """Plain data read from one file, where each value was, and what could not be read."""

    data: Any
    positions: _Positions
    problems: list[Problem]
    broken: list[DataPath]


def read_yaml(path: Path, file: str) -> YamlDocument:
    """Read one YAML file safely: plain data only, every value located."""

    def fail(line: int, column: int, message: str) -> YamlDocument:
        return YamlDocument(None, _Positions(), [Problem(file, line, column, "", message)], [()])

    try:
        raw = path.read_bytes()
    except OSError as exc:
        return fail(1, 1, f"cannot read the file: {exc.strerror or exc}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return fail(line, column,
                    f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x}); "
                    "save it with UTF-8 encoding")
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        return fail(1, 1, "the file is empty; a journey needs at least `title:` and `stages:`")

    # The C parser (ruamel.yaml.clib) is ~9x faster and keeps positions; pure Python otherwise.
    yaml = YAML(typ="safe")
    try:
        node = yaml.compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        return fail(line, column,
                    f"this is not valid YAML ({what}); check the indentation and quoting "
                    "on this line or the one above")
    except YAMLError as exc:
        return fail(1, 1, f"this is not valid YAML: {exc}")
    if node is None:
        return fail(1, 1, "the file is empty; a journey needs at least `title:` and `stages:`")

    reader = _Reader(yaml, file)
    try:
        data = reader.read(node)
    except _TooBig:
        return fail(1, 1, f"the file expands to more than {_MAX_VALUES} values (through "
                          "aliases?); split it or remove the aliases")
    return YamlDocument(data, reader.positions, reader.problems, reader.broken)


_TYPE_NAMES = {
    dict: "a mapping (`key: value` lines)",
    list: "a list (lines starting with `- `)",
    str: "text",
    bool: "true/false",
    int: "a number",
    float: "a decimal number",
    type(None): "nothing (an empty value)",
}


def _describe(value: Any) -> str:
    for kind, name in _TYPE_NAMES.items():
        if type(value) is kind:
            if kind in (int, float, bool):
                return f"{name} `{str(value).lower() if kind is bool else value}`"
            if kind is str:
                shown = value if len(value) <= 40 else value[:37] + "..."
                return f"text `{shown}`"
            return name
    return type(value).__name__


def _model_at(model: type[BaseModel], path: DataPath) -> type[BaseModel] | None:
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


def _message(error: dict[str, Any], path: DataPath) -> str:
    kind = error["type"]
    value = error.get("input")
    name = path[-1] if path else "the file"
    if kind == "missing":
        return f"`{name}` is required here; add `{name}:`"
    if kind == "extra_forbidden":
        model = _model_at(Journey, path[:-1])
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


def _is_unknown_key(error: dict[str, Any]) -> bool:
    return error["type"] == "extra_forbidden"


def load_journey(path: Path, file: str, journey_id: str) -> tuple[Journey | None, list[Problem]]:
    """Load and validate one journey file; never raises for user mistakes."""
    document = read_yaml(path, file)
    data, positions, problems = document.data, document.positions, list(document.problems)
    if () in document.broken:
        return None, problems
    if not isinstance(data, dict):
        return None, [Problem(file, 1, 1, "", "a journey file must be a mapping of keys such as "
                                                "`title:` and `stages:`, not "
                                                f"{_describe(data)}")]

    def located(path: DataPath, message: str, *, key: bool = False) -> Problem:
        line, column = positions.locate(path, key=key)
        return Problem(file, line, column, format_path(path), message)

    try:
        journey = Journey.model_validate(data, context={"journey_id": journey_id})
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
            message = _message(error, loc)
            if (loc, message) not in seen:
                seen.add((loc, message))
                problems.append(located(loc, message, key=_is_unknown_key(error)))
        problems.extend(located(p, m) for p, m in id_problems(_raw_ids(data)))
        return None, problems
    problems.extend(located(p, m) for p, m in journey.consistency_problems())
    return (None if problems else journey), problems


def _raw_ids(data: dict[str, Any]) -> list[tuple[str | None, list[str | None]]]:
    """Stage and touchpoint ids as the models would derive them, from unvalidated data."""

    def id_of(item: Any) -> str | None:
        if not isinstance(item, dict):
            return None
        if isinstance(item.get("id"), str):
            return item["id"]
        return slugify(item["name"]) or None if isinstance(item.get("name"), str) else None

    stages = data.get("stages")
    if not isinstance(stages, list):
        return []
    result: list[tuple[str | None, list[str | None]]] = []
    for stage in stages:
        touchpoints = stage.get("touchpoints") if isinstance(stage, dict) else None
        result.append((id_of(stage),
                       [id_of(t) for t in touchpoints] if isinstance(touchpoints, list) else []))
    return result


def journey_files(journeys_dir: Path) -> list[Path]:
    """Every ``<id>/journey.yaml`` under the journeys folder, in id order."""
    if not journeys_dir.is_dir():
        return []
    return sorted(
        (folder / JOURNEY_FILE for folder in journeys_dir.iterdir()
         if folder.is_dir() and not folder.name.startswith(".")),
        key=lambda p: p.parent.name,
    )


#: The code that turns bytes into a Journey; part of the journey cache key.
_LOADER_VERSION = hashlib.sha256(
    b"".join((Path(__file__).parent / name).read_bytes()
             for name in ("source.py", "model.py", "slug.py"))
).hexdigest()[:16]


def _load_cached(path: Path, file: str, journey_id: str,
                 cache: JourneyCache | None) -> tuple[Journey | None, list[Problem]]:
    if cache is None:
        return load_journey(path, file, journey_id)
    try:
        raw = path.read_bytes()
    except OSError:
        return load_journey(path, file, journey_id)
    key = hashlib.sha256(f"{_LOADER_VERSION}\0{journey_id}\0".encode() + raw).hexdigest()[:32]
    cached = cache.get(key)
    if cached is not None:
        try:
            return Journey.model_validate_json(cached, context={"journey_id": journey_id}), []
        except ValidationError:
            pass  # an old or damaged entry: read the YAML again
    journey, problems = load_journey(path, file, journey_id)
    if journey is not None:
        cache.put(key, journey.model_dump_json(by_alias=True))
    return journey, problems


def load_journeys(journeys_dir: Path, base_dir: Path | None = None,
                  cache: JourneyCache | None = None) -> list[Journey]:
    """Load every journey, or raise :class:`JourneybookError` with every problem found.

    File names in messages are relative to ``base_dir`` (the folder of ``mkdocs.yml``).
    With a ``cache``, unchanged files are not parsed again.
    """
    base = base_dir or journeys_dir.parent
    journeys: list[Journey] = []
    problems: list[Problem] = []
    if not journeys_dir.is_dir():
        raise JourneybookError([Problem(_display(journeys_dir, base), 1, 1, "",
                                        "the journeys folder does not exist; create it or set "
                                        "the plugin's `journeys_dir` option")])
    for path in journey_files(journeys_dir):
        file = _display(path, base)
        folder = path.parent.name
        if not path.is_file():
            problems.append(Problem(file, 1, 1, "",
                                    f"journey folder `{folder}` has no {JOURNEY_FILE}; "
                                    "add one or remove the folder"))
            continue
        if not is_slug(folder):
            problems.append(Problem(file, 1, 1, "",
                                    f"journey folder name `{folder}` is not a valid id; rename "
                                    f"the folder to lowercase letters, digits and hyphens, like "
                                    f"`{slugify(folder) or 'hanh-trinh-mua-hang'}`"))
            continue
        journey, found = _load_cached(path, file, folder, cache)
        problems.extend(found)
        if journey is not None:
            journeys.append(journey)
    if problems:
        raise JourneybookError(problems)
    if cache is not None:
        cache.prune()
    return journeys


def _display(path: Path, base: Path) -> str:
    try:
        return Path(os.path.relpath(path, base)).as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()
