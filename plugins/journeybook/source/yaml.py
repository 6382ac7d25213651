"""Safe YAML reading: plain data only, positions of every value, limits on size and nesting,
and files kept inside the project."""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

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

from ..errors import Message, Problem
from ..model import DataPath
from .slips import slip

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
        #: Lists written in flow style (`[a, b]`), which split prose at its commas.
        self.flow_lists: list[DataPath] = []

    def mark(self, node: Node) -> tuple[int, int]:
        return _mark(node, self.line_offset)

    def problem(self, at: tuple[int, int], path: DataPath, message: Message) -> None:
        self.problems.append(Problem(self.file, at[0], at[1], format_path(path), message))
        self.broken.append(path)

    def read(self, node: Node, path: DataPath = ()) -> Any:
        self.positions.values.setdefault(path, self.mark(node))
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            if node.tag != _CORE + "seq":
                return self._bad_tag(node, path)
            if node.flow_style and len(node.value) > 1:  # `[a, b]`: a comma split it
                self.flow_lists.append(path)
            return [self.read(item, (*path, i)) for i, item in enumerate(node.value)]
        if node.tag not in _ALLOWED_TAGS:
            return self._bad_tag(node, path)
        try:
            return self.constructor.construct_object(node, deep=True)
        except (YAMLError, ValueError, OverflowError) as exc:
            self.problem(self.mark(node), path, Message.of(
                "cannot_read_value", value=str(node.value), why=str(exc)))
            return None

    def _mapping(self, node: MappingNode, path: DataPath) -> Any:
        if node.tag != _CORE + "map":
            return self._bad_tag(node, path)
        data: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == _CORE + "merge":
                self.problem(self.mark(key_node), path, Message.of("complex_key"))
                continue
            key = str(key_node.value)
            key_path = (*path, key)
            if key in data:
                first = self.positions.keys[key_path][0]
                self.problem(self.mark(key_node), key_path,
                             Message.of("duplicate_key", key=key, first=first))
                continue
            self.positions.keys[key_path] = self.mark(key_node)
            data[key] = self.read(value_node, key_path)
        return data

    def _bad_tag(self, node: Node, path: DataPath) -> None:
        self.problem(self.mark(node), path, Message.of("bad_tag", tag=str(node.tag)))
        return None


@dataclass
class YamlDocument:
    """Plain data read from one file, where each value was, and what could not be read."""

    data: Any
    positions: _Positions
    problems: list[Problem]
    broken: list[DataPath]
    flow_lists: list[DataPath] = field(default_factory=list)


def _fail(file: str, line: int, column: int, message: Message) -> YamlDocument:
    return YamlDocument(None, _Positions(), [Problem(file, line, column, "", message)], [()])


def inside_project(path: Path, root: Path, file: str,
                   kind: Literal["file", "folder"] = "file") -> Path | Problem:
    """Where ``path`` really is (links followed) when that is inside the project folder
    ``root``; otherwise the problem to report at ``file``.

    A link that stays inside the project is fine (teams share a file between journeys that
    way). One that leads outside, nowhere, or round in a loop is an error, so a link to a
    secrets file is never read, built or quoted. The message names the link, never where it
    points: that path may itself be private.
    """
    what = Message.of(f"a_{kind}")
    try:
        target = path.resolve()
    except (OSError, RuntimeError):  # a loop of links (RuntimeError before Python 3.13)
        return Problem(file, 1, 1, "", Message.of("link_loop", kind=what))
    project = root.resolve()
    if not target.is_relative_to(project):
        if Path(os.path.abspath(path)).is_relative_to(os.path.abspath(root)):
            return Problem(file, 1, 1, "", Message.of("link_outside", kind=what,
                                                      project=str(project)))
        return Problem(file, 1, 1, "", Message.of("outside_project", kind=what,
                                                  project=str(project)))
    if path.is_symlink() and not target.exists():
        return Problem(file, 1, 1, "", Message.of("broken_link", kind=what))
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
        return None, [Problem(file, 1, 1, "", Message.of("cannot_read_file",
                                                         why=str(exc.strerror or exc)))]
    return decode_text(raw, file)


def decode_text(raw: bytes, file: str) -> tuple[str | None, list[Problem]]:
    """The bytes of a user's text file as text, or the problem that keeps them from being
    text (reported as :func:`read_text` does)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [_not_text(raw, exc.start, file, raw[exc.start:exc.start + 1],
                                "not_utf8")]
    control = _CONTROL.search(text)
    if control:
        bom = len(raw) - len(text.encode("utf-8"))
        offset = bom + len(text[: control.start()].encode("utf-8"))
        return None, [_not_text(raw, offset, file, control.group().encode("utf-8"),
                                "control_character")]
    return text, []


def _not_text(raw: bytes, offset: int, file: str, value: bytes, key: str) -> Problem:
    """Locate the bad byte(s) at ``offset``: line, column (in characters) and value; nothing
    of the file's content goes into the message."""
    start = raw.rfind(b"\n", 0, offset) + 1
    before = raw[start:offset].removeprefix(b"\xef\xbb\xbf" if start == 0 else b"")
    column = len(before.decode("utf-8", "replace")) + 1
    shown = " ".join(f"0x{byte:02x}" for byte in value)
    return Problem(file, raw.count(b"\n", 0, offset) + 1, column, "",
                   Message.of(key, bytes=shown, offset=offset, count=len(value)))


def read_yaml(path: Path, file: str) -> YamlDocument:
    """Read one YAML file safely: plain data only, every value located."""
    text, problems = read_text(path, file)
    if text is None:
        return YamlDocument(None, _Positions(), problems, [()])
    return file_yaml(text, file)


def file_yaml(text: str, file: str) -> YamlDocument:
    """The whole text of a YAML file, parsed; an empty file is a problem."""
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        return _fail(file, 1, 1, Message.of("empty_journey_file"))
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
    shape = _Shape()
    try:
        for event in YAML(typ="safe").parse(text):
            message = shape.count(event)
            if message is not None:
                mark = event.start_mark
                return Problem(file, mark.line + 1 + offset, mark.column + 1, "", message)
    except YAMLError:
        return None
    return None


_DEEPER = Message.of("too_deep", most=MAX_NESTING)


class _Shape:
    """The nesting and the number of values of YAML text so far, one parsing event at a time
    (for :func:`shape_problem`)."""

    def __init__(self) -> None:
        # Per open list or mapping: its anchor, the height of its tallest child so far, and
        # how many values came before it.
        self.open_nodes: list[list[Any]] = []
        self.heights: dict[str, int] = {}  # anchor → levels of the node it names (0: scalar)
        self.sizes: dict[str, int] = {}  # anchor → values in the node it names, aliases expanded
        self.values = 0

    def count(self, event: Event) -> Message | None:
        """What is wrong once ``event`` is counted, or None."""
        message = None
        if isinstance(event, CollectionStartEvent):
            message = self._start(event)
        elif isinstance(event, CollectionEndEvent):
            self._end()
        elif isinstance(event, AliasEvent):
            message = self._alias(event)
        elif isinstance(event, ScalarEvent):
            self._scalar(event)
        if message is None and self.values > _MAX_VALUES:
            message = Message.of("too_many_values", most=_MAX_VALUES)
        return message

    def _start(self, event: CollectionStartEvent) -> Message | None:
        if len(self.open_nodes) == MAX_NESTING:
            return _DEEPER
        self.open_nodes.append([event.anchor, 0, self.values])
        self.values += 1
        return None

    def _end(self) -> None:
        anchor, tallest, before = self.open_nodes.pop()
        if anchor is not None:
            self.heights[anchor], self.sizes[anchor] = tallest + 1, self.values - before
        self._child(tallest + 1)

    def _alias(self, event: AliasEvent) -> Message | None:
        if any(node[0] == event.anchor for node in self.open_nodes):
            return Message.of("alias_loop", alias=str(event.anchor))
        height = self.heights.get(event.anchor, 0)
        if len(self.open_nodes) + height > MAX_NESTING:
            return Message.of("alias_too_deep", levels=height, alias=str(event.anchor),
                              most=MAX_NESTING)
        self.values += self.sizes.get(event.anchor, 1)
        self._child(height)
        return None

    def _scalar(self, event: ScalarEvent) -> None:
        self.values += 1
        if event.anchor is not None:
            self.heights[event.anchor], self.sizes[event.anchor] = 0, 1

    def _child(self, height: int) -> None:
        """A child ``height`` levels tall has ended inside the innermost open node."""
        if self.open_nodes:
            self.open_nodes[-1][1] = max(self.open_nodes[-1][1], height)


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
        known = slip(text, exc, offset)
        if known is not None:
            return _fail(file, *known)
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        return _fail(file, line + offset, column, Message.of("not_yaml", what=what))
    except YAMLError as exc:
        return _fail(file, first_line, 1, Message.of("not_yaml", what=str(exc)))
    if node is None:
        return _fail(file, first_line, 1, Message.of("nothing_here"))

    reader = _Reader(yaml, file, offset)
    data = reader.read(node)
    return YamlDocument(data, reader.positions, reader.problems, reader.broken,
                        reader.flow_lists)


def block_list(key: str, items: list[Any]) -> str:
    """``key:`` and its items as a block list, one ``- `` line each, as an author would
    write it (quoted where YAML needs it)."""
    yaml = YAML()
    yaml.allow_unicode = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    stream = io.StringIO()
    yaml.dump({key: list(items)}, stream)
    return stream.getvalue().rstrip("\n")
