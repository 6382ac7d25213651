"""Reading journey files: YAML → plain data with positions → validated models.

Everything a user can get wrong in a file is reported here as a :class:`Problem` carrying the
file, line and column, and *all* problems of all files are gathered before giving up, so one
build shows everything to fix.
"""

from __future__ import annotations

import datetime
import difflib
import hashlib
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    Event,
    ScalarEvent,
)
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .cache import JourneyCache
from .model import Evaluation, Journey, id_problems
from .slug import SLUG_REGEX, is_slug, shown, slug_problem, slugify

JOURNEY_FILE = "journey.yaml"

# Only plain data may appear in a journey. Tags such as `!!python/object` that would build
# objects are refused before anything is constructed.
_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
# Aliases can multiply a small file into a huge tree ("billion laughs"); no real journey
# comes near this many values.
_MAX_VALUES = 200_000
#: How deep lists and mappings may nest. A journey needs 7 (stages → touchpoints →
#: improvements → fields); parsers recurse once per level and crash a few thousand down.
MAX_NESTING = 50

DataPath = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


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


def _mark(node: Node, line_offset: int = 0) -> tuple[int, int]:
    return node.start_mark.line + 1 + line_offset, node.start_mark.column + 1


class _Reader:
    """Turns a composed YAML node tree into plain Python data, recording positions."""

    def __init__(self, yaml: YAML, file: str, line_offset: int = 0) -> None:
        self.constructor = yaml.constructor
        self.file = file
        self.line_offset = line_offset
        self.positions = _Positions()
        self.problems: list[Problem] = []
        #: Paths whose value could not be read; validation errors below them are noise.
        self.broken: list[DataPath] = []

    def mark(self, node: Node) -> tuple[int, int]:
        return _mark(node, self.line_offset)

    def problem(self, at: tuple[int, int], path: DataPath, message: str) -> None:
        self.problems.append(Problem(self.file, at[0], at[1], format_path(path), message))
        self.broken.append(path)

    def read(self, node: Node, path: DataPath = ()) -> Any:
        self.positions.values.setdefault(path, self.mark(node))
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
            self.problem(self.mark(node), path, f"cannot read `{node.value}`: {exc}")
            return None

    def _mapping(self, node: MappingNode, path: DataPath) -> Any:
        if node.tag != _CORE + "map":
            return self._bad_tag(node, path)
        data: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == _CORE + "merge":
                self.problem(self.mark(key_node), path,
                             "keys must be plain words like `name:`; merge keys (`<<`) and "
                             "complex keys are not supported")
                continue
            key = str(key_node.value)
            key_path = (*path, key)
            if key in data:
                first = self.positions.keys[key_path][0]
                self.problem(self.mark(key_node), key_path,
                             f"duplicate key `{key}` (first given on line {first}); "
                             "keep one of them")
                continue
            self.positions.keys[key_path] = self.mark(key_node)
            data[key] = self.read(value_node, key_path)
        return data

    def _bad_tag(self, node: Node, path: DataPath) -> None:
        self.problem(self.mark(node), path,
                     f"YAML tag `{node.tag}` is not allowed: a journey holds only text, numbers, "
                     "true/false, dates, lists and mappings; remove the tag")
        return None


@dataclass
class YamlDocument:
    """Plain data read from one file, where each value was, and what could not be read."""

    data: Any
    positions: _Positions
    problems: list[Problem]
    broken: list[DataPath]


def _fail(file: str, line: int, column: int, message: str) -> YamlDocument:
    return YamlDocument(None, _Positions(), [Problem(file, line, column, "", message)], [()])


def inside_project(path: Path, root: Path, file: str, kind: str = "file") -> Path | Problem:
    """Where ``path`` really is (links followed) when that is inside the project folder
    ``root``; otherwise the problem to report at ``file``.

    A link that stays inside the project is fine (teams share a file between journeys that
    way). One that leads outside, nowhere, or round in a loop is an error, so a link to a
    secrets file is never read, built or quoted. The message names the link, never where it
    points: that path may itself be private.
    """
    try:
        target = path.resolve()
    except (OSError, RuntimeError):  # a loop of links (RuntimeError before Python 3.13)
        return Problem(file, 1, 1, "", f"this {kind} is a link that leads round in a loop; "
                                       f"replace it by the {kind} itself")
    project = root.resolve()
    if not target.is_relative_to(project):
        if Path(os.path.abspath(path)).is_relative_to(os.path.abspath(root)):
            return Problem(file, 1, 1, "", f"this {kind} links to a {kind} outside the project "
                                           f"folder ({project}); copy the {kind} into the "
                                           "project instead")
        return Problem(file, 1, 1, "", f"this {kind} is outside the project folder ({project}); "
                                       f"move it into the project")
    if path.is_symlink() and not target.exists():
        return Problem(file, 1, 1, "", f"this {kind} is a link to a {kind} that does not "
                                       "exist; fix the link or remove it")
    return target


# Characters that have no place in a text file: C0 controls other than tab, line feed and
# carriage return, DEL and the C1 controls. They mark a binary file, and in a message or a
# page they could drive the reader's terminal (escape sequences).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def read_text(path: Path, file: str,
              root: Path | None = None) -> tuple[str | None, list[Problem]]:
    """A user's text file as text, or the problem that keeps it from being read.

    With ``root`` (the project folder), a file that is or leads outside it is not read at all.
    A file that is not text is reported by the offset and value of its first bad byte; no
    message ever quotes it.
    """
    if root is not None:
        checked = inside_project(path, root, file)
        if isinstance(checked, Problem):
            return None, [checked]
        path = checked  # read through the very path that was checked
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(file, 1, 1, "", f"cannot read the file: {exc.strerror or exc}")]
    return decode_text(raw, file)


def decode_text(raw: bytes, file: str) -> tuple[str | None, list[Problem]]:
    """The bytes of a user's text file as text, or the problem that keeps them from being
    text (reported as :func:`read_text` does)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [_not_text(raw, exc.start, file, raw[exc.start:exc.start + 1],
                                "the file is not UTF-8 text:", "save it with UTF-8 encoding")]
    control = _CONTROL.search(text)
    if control:
        bom = len(raw) - len(text.encode("utf-8"))
        offset = bom + len(text[: control.start()].encode("utf-8"))
        return None, [_not_text(raw, offset, file, control.group().encode("utf-8"),
                                "the file is not text: control",
                                "remove it (is this a binary file?)")]
    return text, []


def _not_text(raw: bytes, offset: int, file: str, value: bytes, what: str, fix: str) -> Problem:
    """Locate the bad byte(s) at ``offset``: line, column (in characters) and value; nothing
    of the file's content goes into the message."""
    start = raw.rfind(b"\n", 0, offset) + 1
    before = raw[start:offset].removeprefix(b"\xef\xbb\xbf" if start == 0 else b"")
    column = len(before.decode("utf-8", "replace")) + 1
    shown = " ".join(f"0x{byte:02x}" for byte in value)
    noun = "byte" if len(value) == 1 else "bytes"
    return Problem(file, raw.count(b"\n", 0, offset) + 1, column, "",
                   f"{what} {noun} {shown} at byte offset {offset}; {fix}")


def read_yaml(path: Path, file: str) -> YamlDocument:
    """Read one YAML file safely: plain data only, every value located."""
    text, problems = read_text(path, file)
    if text is None:
        return YamlDocument(None, _Positions(), problems, [()])
    return _file_yaml(text, file)


def _file_yaml(text: str, file: str) -> YamlDocument:
    """The whole text of a YAML file, parsed; an empty file is a problem."""
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        return _fail(file, 1, 1, "the file is empty; a journey needs at least `title:` and "
                                 "`stages:`")
    return parse_yaml(text, file)


def shape_problem(text: str, file: str, first_line: int = 1) -> Problem | None:
    """Where YAML text nests lists and mappings deeper than :data:`MAX_NESTING` or holds more
    than ``_MAX_VALUES`` values, counting what aliases bring in; None when it does neither
    (or when it is not valid YAML, which the parser then reports).

    Composing a node tree and reading it recurse once per level: 500 levels raise
    RecursionError and 50,000 crash the C composer; a few aliases of aliases expand to
    billions of values. Parsing events neither recurses nor expands, so this walks them first
    (about a fifth of the time of a full parse, and only on a cache miss) and stops at the
    first level too deep or value too many.
    """
    offset = first_line - 1
    # Per open list or mapping: its anchor, the height of its tallest child so far, and how
    # many values came before it.
    open_nodes: list[list[Any]] = []
    heights: dict[str, int] = {}  # anchor → levels of the node it names (0 for a scalar)
    sizes: dict[str, int] = {}  # anchor → values in the node it names, aliases expanded
    values = 0

    def at(event: Event, message: str) -> Problem:
        mark = event.start_mark
        return Problem(file, mark.line + 1 + offset, mark.column + 1, "", message)

    def child(height: int) -> None:
        if open_nodes:
            open_nodes[-1][1] = max(open_nodes[-1][1], height)

    deeper = (f"lists and mappings nest more than {MAX_NESTING} levels deep here (a journey "
              "needs 7); remove the extra levels of `[`, `{` or indentation")
    try:
        for event in YAML(typ="safe").parse(text):
            if isinstance(event, CollectionStartEvent):
                if len(open_nodes) == MAX_NESTING:
                    return at(event, deeper)
                open_nodes.append([event.anchor, 0, values])
                values += 1
            elif isinstance(event, CollectionEndEvent):
                anchor, tallest, before = open_nodes.pop()
                if anchor is not None:
                    heights[anchor], sizes[anchor] = tallest + 1, values - before
                child(tallest + 1)
            elif isinstance(event, AliasEvent):
                if any(node[0] == event.anchor for node in open_nodes):
                    return at(event, f"alias `*{event.anchor}` is inside the very list or "
                                     "mapping it names, which never ends; remove the alias")
                height = heights.get(event.anchor, 0)
                if len(open_nodes) + height > MAX_NESTING:
                    return at(event, f"with the {height} levels alias `*{event.anchor}` "
                                     f"brings in, {deeper}")
                values += sizes.get(event.anchor, 1)
                child(height)
            elif isinstance(event, ScalarEvent):
                values += 1
                if event.anchor is not None:
                    heights[event.anchor], sizes[event.anchor] = 0, 1
            if values > _MAX_VALUES:
                return at(event, f"the file expands to more than {_MAX_VALUES} values here "
                                 "(through aliases?); split it or remove the aliases")
    except YAMLError:
        return None
    return None


def parse_yaml(text: str, file: str, first_line: int = 1) -> YamlDocument:
    """Parse YAML text that starts on line ``first_line`` of ``file``."""
    offset = first_line - 1
    too_big = shape_problem(text, file, first_line)
    if too_big is not None:
        return YamlDocument(None, _Positions(), [too_big], [()])
    yaml = YAML(typ="safe")  # the C parser when ruamel.yaml.clib is there: ~9x faster
    try:
        node = yaml.compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        return _fail(file, line + offset, column,
                     f"this is not valid YAML ({what}); check the indentation and quoting "
                     "on this line or the one above")
    except YAMLError as exc:
        return _fail(file, first_line, 1, f"this is not valid YAML: {exc}")
    if node is None:
        return _fail(file, first_line, 1, "there is nothing here; add the required keys")

    reader = _Reader(yaml, file, offset)
    data = reader.read(node)
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


def _validate(model: type[M], document: YamlDocument, file: str, context: dict[str, Any],
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


def load_journey(path: Path, file: str, journey_id: str) -> tuple[Journey | None, list[Problem]]:
    """Load and validate one journey file; never raises for user mistakes."""
    return _journey_from(read_yaml(path, file), file, journey_id)


def parse_journey(text: str, file: str, journey_id: str) -> tuple[Journey | None, list[Problem]]:
    """A journey from YAML text (an old version read from git, say)."""
    return _journey_from(parse_yaml(text, file), file, journey_id)


def _journey_from(document: YamlDocument, file: str,
                  journey_id: str) -> tuple[Journey | None, list[Problem]]:
    journey, problems, located = _validate(Journey, document, file,
                                           {"journey_id": journey_id}, "a journey file")
    if journey is None:
        if isinstance(document.data, dict) and () not in document.broken:
            problems.extend(located(p, m) for p, m in id_problems(_raw_ids(document.data)))
        return None, problems
    problems.extend(located(p, m) for p, m in journey.consistency_problems())
    return (None if problems else journey), problems


_EVALUATION_NAME = re.compile(rf"(\d{{4}}-\d{{2}}-\d{{2}})(?:-({SLUG_REGEX}))?\.md")
# `\r?` before each `$`: a note saved with Windows line endings (CRLF) has them too.
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?$\n?", re.S | re.M)


def load_evaluation(path: Path, file: str, journey: Journey,
                    root: Path | None = None) -> tuple[Evaluation | None, list[Problem]]:
    """Load one evaluation note, checking its scores against the journey's touchpoints.

    With ``root`` (the project folder), a note that links outside it is not read."""
    name = _EVALUATION_NAME.fullmatch(path.name)
    if not name:
        return None, [Problem(file, 1, 1, "", "an evaluation note is named after its date, "
                                              "like `2026-03-15.md` or "
                                              "`2026-03-15-khao-sat-quy-1.md`; rename it")]
    if name.group(2) and not is_slug(name.group(2)):
        return None, [Problem(file, 1, 1, "", f"the part of the name after the date "
                                              f"{slug_problem(name.group(2))}")]
    text, problems = read_text(path, file, root)
    if text is None:
        return None, problems
    front = _FRONT_MATTER.match(text)
    if not front:
        return None, [Problem(file, 1, 1, "", "an evaluation note starts with its details "
                                              "between two `---` lines (at least `date:`)")]
    document = parse_yaml(front.group(1), file, first_line=2)
    if document.data is None and () not in document.broken:
        document = YamlDocument({}, document.positions, document.problems, document.broken)
    body = text[front.end():]
    context = {"slug": path.stem, "body": body,
               "body_line": text.count("\n", 0, front.end()) + 1}
    evaluation, problems, located = _validate(Evaluation, document, file, context,
                                              "the part between the `---` lines")
    # Checked on the raw data, so they are reported even when a type error stopped validation.
    data = document.data if isinstance(document.data, dict) else {}
    date = data.get("date")
    if isinstance(date, datetime.date) and date.isoformat() != name.group(1):
        problems.append(located(("date",), f"the date {date} differs from the date "
                                           f"in the file name ({name.group(1)}); make them "
                                           "the same"))
    known = [t.id for _, t in journey.touchpoints()]
    scores = data.get("scores")
    for touchpoint_id in scores if isinstance(scores, dict) else ():
        if touchpoint_id not in known:
            hint = difflib.get_close_matches(touchpoint_id, known, n=1)
            problems.append(located(
                ("scores", touchpoint_id),
                f"`{touchpoint_id}` is not a touchpoint of journey `{journey.id}`"
                + (f" (did you mean `{hint[0]}`?)" if hint else "")
                + "; scores are keyed by touchpoint ids from journey.yaml", key=True))
    return (None if problems else evaluation), problems


def _raw_ids(data: dict[str, Any]) -> list[tuple[str | None, list[str | None]]]:
    """Stage and touchpoint ids as the models would derive them, from unvalidated data."""

    def id_of(item: Any) -> str | None:
        if not isinstance(item, dict):
            return None
        given = item.get("id")
        if isinstance(given, str):
            return given
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
    # A link to a folder that is gone is listed too: it is reported, not silently skipped.
    return sorted(
        (folder / JOURNEY_FILE for folder in journeys_dir.iterdir()
         if (folder.is_dir() or (folder.is_symlink() and not folder.exists()))
         and not folder.name.startswith(".")),
        key=lambda p: p.parent.name,
    )


#: The code that turns bytes into a Journey; part of the journey cache key.
_LOADER_VERSION = hashlib.sha256(
    b"".join((Path(__file__).parent / name).read_bytes()
             for name in ("source.py", "model.py", "slug.py"))
).hexdigest()[:16]


def _load_cached(path: Path, file: str, journey_id: str,
                 cache: JourneyCache | None) -> tuple[Journey | None, list[Problem]]:
    # The file is read once: the bytes hashed for the key are the bytes parsed, so an edit
    # saved in between can never be stored under the old bytes' key.
    try:
        raw = path.read_bytes()
    except OSError:
        return load_journey(path, file, journey_id)  # says why the file cannot be read
    key = hashlib.sha256(f"{_LOADER_VERSION}\0{journey_id}\0".encode() + raw).hexdigest()[:32]
    cached = cache.get(key) if cache is not None else None
    if cached is not None:
        try:
            return Journey.model_validate_json(cached, context={"journey_id": journey_id}), []
        except ValidationError:
            pass  # an entry of another shape: read the YAML again
    text, problems = decode_text(raw, file)
    if text is None:
        return None, problems
    journey, problems = _journey_from(_file_yaml(text, file), file, journey_id)
    if journey is not None and cache is not None:
        cache.put(key, journey.model_dump_json(by_alias=True))
    return journey, problems


EVALUATIONS = "evaluations"


def load_sources(journeys_dir: Path, base_dir: Path | None = None,
                 cache: JourneyCache | None = None,
                 ) -> tuple[list[Journey], dict[str, list[Evaluation]]]:
    """Every journey and its evaluation notes (oldest first), or raise
    :class:`JourneybookError` with every problem found in every file.

    ``base_dir`` (default: the folder holding ``journeys_dir``) is the project folder: the
    folder of ``mkdocs.yml``. File names in messages are relative to it, and nothing outside
    it is read: a journey, note or folder that links outside it is an error.
    With a ``cache``, unchanged journey files are not parsed again.
    """
    base = base_dir or journeys_dir.parent
    journeys: list[Journey] = []
    evaluations: dict[str, list[Evaluation]] = {}
    problems: list[Problem] = []

    def inside(path: Path, kind: str = "file") -> Path | None:
        checked = inside_project(path, base, _display(path, base), kind)
        if isinstance(checked, Problem):
            problems.append(checked)
            return None
        return checked

    if inside(journeys_dir, "folder") is None:
        raise JourneybookError(problems)
    if not journeys_dir.is_dir():
        raise JourneybookError([Problem(_display(journeys_dir, base), 1, 1, "",
                                        "the journeys folder does not exist; create it or set "
                                        "the plugin's `journeys_dir` option")])
    for path in journey_files(journeys_dir):
        file = _display(path, base)
        folder = path.parent.name
        if inside(path.parent, "folder") is None:
            continue
        checked = inside(path)
        if checked is None:
            continue
        if not checked.is_file():
            problems.append(Problem(file, 1, 1, "",
                                    f"journey folder `{folder}` has no {JOURNEY_FILE}; "
                                    "add one or remove the folder"))
            continue
        why = slug_problem(folder)
        if why:
            problems.append(Problem(file, 1, 1, "",
                                    f"journey folder name `{shown(folder)}` is not a valid id: "
                                    f"{why}; rename the folder, for example to "
                                    f"`{slugify(folder) or 'hanh-trinh-mua-hang'}`"))
            continue
        journey, found = _load_cached(checked, file, folder, cache)
        problems.extend(found)
        if journey is None:
            continue
        journeys.append(journey)
        notes: list[Evaluation] = []
        notes_dir = path.parent / EVALUATIONS
        for note in sorted(notes_dir.glob("*.md")) if inside(notes_dir, "folder") else []:
            evaluation, found = load_evaluation(note, _display(note, base), journey, base)
            problems.extend(found)
            if evaluation is not None:
                notes.append(evaluation)
        evaluations[journey.id] = sorted(notes, key=lambda e: (e.date, e.slug))
    if problems:
        raise JourneybookError(problems)
    if cache is not None:
        cache.prune()
    return journeys, evaluations


def load_journeys(journeys_dir: Path, base_dir: Path | None = None,
                  cache: JourneyCache | None = None) -> list[Journey]:
    """Every journey (see :func:`load_sources`, which also reads evaluation notes)."""
    return load_sources(journeys_dir, base_dir, cache)[0]


def _display(path: Path, base: Path) -> str:
    # Invisible characters in a file name (a newline, an escape) are shown, not obeyed: a
    # message stays one line and cannot drive the terminal.
    try:
        return shown(Path(os.path.relpath(path, base)).as_posix(), limit=4096)
    except ValueError:  # another drive on Windows
        return shown(path.as_posix(), limit=4096)


_ABBREVIATION = re.compile(r"^\*\[(?P<term>[^\]]+)\]:[ \t]*(?P<definition>.*)$")


def read_glossary(path: Path, file: str, root: Path | None = None) -> list[tuple[str, str]]:
    """Terms of a glossary file of `*[TERM]: definition` lines (the `abbr` syntax), or raise
    :class:`JourneybookError` for a line that defines nothing. With ``root`` (the project
    folder), a glossary outside it is an error and is not read."""
    text, problems = read_text(path, file, root)
    if text is None:
        raise JourneybookError(problems)
    terms: list[tuple[str, str]] = []
    in_comment = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if in_comment or stripped.startswith("<!--"):
            in_comment = "-->" not in stripped
            continue
        if not stripped:
            continue
        match = _ABBREVIATION.match(stripped)
        if not match or not match.group("definition").strip():
            problems.append(Problem(file, number, 1, "", "a glossary line reads "
                                    "`*[TERM]: definition`; fix or remove this line"))
            continue
        terms.append((match.group("term").strip(), match.group("definition").strip()))
    if problems:
        raise JourneybookError(problems)
    return terms
