"""`journeybook fmt`: journey files in one canonical shape, every comment kept.

The file is read as a tree of entries (a mapping's keys, a list's items), each holding the
lines that belong to it: the comment and blank lines right above it and the comment at the
end of its line; a mapping or list also keeps the comment lines after its last entry that are
indented under it. The tree is then written out again: keys in the order the journey format
lists them, two spaces per level, quoting as ruamel.yaml writes it, every comment beside what
it was written next to. Values are copied from the file: a folded text keeps its folds, and a
flow list or mapping with a comment inside is kept as written. Comments at the top of the
file stay at the top.

Nothing is written unless the result loads to the same data and holds the same comments at
the same places; a file this cannot be promised for is left byte for byte, and the message
says where it stopped.
"""

from __future__ import annotations

import functools
import io
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.tokens import (
    AliasToken,
    AnchorToken,
    BlockEntryToken,
    KeyToken,
    TagToken,
    ValueToken,
)

from ..errors import Message, Problem, render
from ..files import write_atomic
from ..model import PROSE_LISTS, Evaluation, Journey
from ..source import DataPath, format_path, front_matter, model_at, shape_problem

#: Where a comment belongs: ("header", ()), ("lead", path) above an entry, ("on", path) on
#: an entry's own lines, ("tail", path) after the last entry of a block mapping or list.
Place = tuple[str, DataPath]


class FormatError(Exception):
    """The file cannot be formatted safely; it is left as it is."""

    def __init__(self, line: int, column: int, message: Message | str, where: str = "") -> None:
        super().__init__(render(message))
        self.line, self.column, self.message, self.where = line, column, message, where

    def below(self, lines: int) -> FormatError:
        """The same error in a file where this text starts ``lines`` lines further down."""
        return FormatError(self.line + lines, self.column, self.message, self.where)


def _key_order(model: type[BaseModel] | None) -> list[str]:
    if model is None:
        return []
    # Excluded fields come from the file (a journey's id, a note's body), except the
    # `persona:` shorthand, which an author writes.
    return [field.alias or name for name, field in model.model_fields.items()
            if not field.exclude or name == "persona"]


def _is_filler(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _is_block(node: Node) -> TypeGuard[MappingNode | SequenceNode]:
    return isinstance(node, (MappingNode, SequenceNode)) and not node.flow_style \
        and bool(node.value)


def _is_empty(node: Node) -> bool:
    """`key:` with nothing after it."""
    return isinstance(node, ScalarNode) and node.style is None and node.value == "" \
        and node.tag == "tag:yaml.org,2002:null"


def _reader() -> YAML:
    return YAML(typ="safe", pure=True)


@functools.cache
def _writer() -> YAML:
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never re-wrap anyone's text
    yaml.allow_unicode = True
    return yaml


@functools.lru_cache(maxsize=4096)
def _canonical_text(value: str) -> str | None:
    """How ruamel.yaml writes this text (plain when it can be, else quoted), if on one line."""
    out = io.StringIO()
    _writer().dump({"k": value}, out)
    written = out.getvalue()
    return written[3:-1] if written.startswith("k: ") and written.count("\n") == 1 else None


@functools.lru_cache(maxsize=4096)
def _canonical_flow(source: str) -> str | None:
    """A flow list or mapping as ruamel.yaml writes it (`[a, b]`), if on one line."""
    try:
        out = io.StringIO()
        _writer().dump(_writer().load(source), out)
    except YAMLError:
        return None
    written = out.getvalue()
    return written[:-1] if written.count("\n") == 1 else None


def _shifted(line: str, shift: int) -> str:
    """A continuation line moved right (or left, over its spaces) by ``shift`` columns."""
    if not line.strip():
        return ""
    if shift >= 0:
        return " " * shift + line
    return line[min(-shift, len(line) - len(line.lstrip(" "))):]


@dataclass
class _Block:
    """A block mapping or list, its entries in the order they are written."""

    path: DataPath
    column: int
    entries: list[_Entry] = field(default_factory=list)
    #: Comment and blank lines after its last entry, indented under it.
    tail: list[int] = field(default_factory=list)
    #: The entry that came last in the file (the last one written may differ).
    last: _Entry | None = None


@dataclass
class _Entry:
    """A mapping's key and value, or a list's item."""

    path: DataPath
    key: ScalarNode | None
    value: Node
    line: int  # of the key, or of the item's dash
    column: int
    head_end: int  # the column after its `:` or `-`
    block: _Block | None = None  # the value, when it is a block mapping or list
    lead: list[int] = field(default_factory=list)  # comment and blank lines right above
    #: Comment lines between the head and a value written on a line of its own.
    between: list[int] = field(default_factory=list)


class _Layout:
    """A YAML document read as entries with their comments, ready to be written back."""

    def __init__(self, text: str, model: type[BaseModel] | None) -> None:
        self.lines = text.split("\n")
        if self.lines[-1] == "":
            self.lines.pop()
        self._scan(text)
        try:
            root = _reader().compose(text)
        except MarkedYAMLError as exc:
            raise _yaml_error(exc) from None
        self.owner: dict[int, Place] = {}
        self.header: list[int] = []
        self.root: _Block | None = None
        if root is None or not isinstance(root, MappingNode) or not _is_block(root):
            return  # nothing a journey is made of: left as it is
        first = root.value[0][0].start_mark.line
        self.header = list(range(first))
        self.cursor = first
        self.root = self._block(root, (), model)
        # The file's last comments: under the block they are indented under, else the file's.
        self.root.tail += self._share(self._filler(self.cursor, len(self.lines)),
                                      self._chain(self.root), -1)
        for number in self.header:
            self.owner[number] = ("header", ())
        self._place(self.root, item=False)

    # -- reading ------------------------------------------------------------------------

    def _scan(self, text: str) -> None:
        """Find dashes, colons and comments; refuse what fmt does not rewrite."""
        self.dashes: list[tuple[int, int]] = []
        self.colons: list[tuple[int, int]] = []
        #: For each line, where the last token on it ends: a comment may only follow that.
        ends: dict[int, int] = {}
        try:
            for token in _reader().scan(text):
                start, end = token.start_mark, token.end_mark
                if isinstance(token, (AnchorToken, AliasToken, TagToken)):
                    raise FormatError(start.line + 1, start.column + 1,
                                      "fmt leaves files with YAML anchors (&), aliases (*) or "
                                      "tags (!) as they are; write the value out in full to "
                                      "format this file")
                if isinstance(token, KeyToken) and end.column > start.column:
                    raise FormatError(start.line + 1, start.column + 1,
                                      "fmt does not rewrite explicit keys (`? key`); write "
                                      "`key: value` to format this file")
                if isinstance(token, BlockEntryToken):
                    self.dashes.append((start.line, start.column))
                elif isinstance(token, ValueToken):
                    self.colons.append((start.line, start.column))
                if (start.line, start.column) == (end.line, end.column):
                    continue  # covers nothing (and may sit past a last comment)
                for line in range(start.line, end.line):
                    ends[line] = len(self.lines[line]) if line < len(self.lines) else 0
                ends[end.line] = max(ends.get(end.line, 0), end.column)
        except MarkedYAMLError as exc:
            raise _yaml_error(exc) from None
        self.comments: dict[int, tuple[int, str]] = {}
        for number, text in enumerate(self.lines):
            rest = text[ends.get(number, 0):]
            if rest.strip():
                self.comments[number] = (len(text) - len(rest.lstrip()), rest.strip())

    def _block(self, node: MappingNode | SequenceNode, path: DataPath,
               model: type[BaseModel] | None) -> _Block:
        # (key, value, line, column, head_end) of each entry; a list's items have no key.
        heads: list[tuple[ScalarNode | None, Node, int, int, int]]
        if isinstance(node, MappingNode):
            heads = []
            for key, value in node.value:
                if not isinstance(key, ScalarNode) or key.start_mark.line != key.end_mark.line:
                    raise FormatError(key.start_mark.line + 1, key.start_mark.column + 1,
                                      "fmt only rewrites keys written as one plain word or "
                                      "text, like `name:`")
                colon = self.colons[bisect_left(self.colons, (key.end_mark.line,
                                                              key.end_mark.column))]
                heads.append((key, value, key.start_mark.line, key.start_mark.column,
                               colon[1] + 1))
        else:
            at = bisect_left(self.dashes, (node.start_mark.line, node.start_mark.column))
            column = self.dashes[at][1]
            dashes = [dash for dash in self.dashes[at:] if dash[1] == column]
            heads = [(None, item, line, column, column + 1)
                     for item, (line, _) in zip(node.value, dashes, strict=False)]
        block = _Block(path, heads[0][3])
        closing: list[_Block] = []
        for key, value, line, column, head_end in heads:
            lead = self._share(self._filler(self.cursor, line), closing, column)
            here = (*path, str(key.value)) if key is not None else (*path, len(block.entries))
            inner = model_at(model, (str(key.value),)) if model and key is not None else model
            entry = self._entry(_Entry(here, key, value, line, column, head_end), inner)
            entry.lead = lead
            block.entries.append(entry)
            closing = self._chain(entry.block)
        block.last = block.entries[-1]
        if isinstance(node, MappingNode):
            order = _key_order(model)
            rank = {name: position for position, name in enumerate(order)}
            # A mapping entry's path ends with its key.
            block.entries.sort(key=lambda e: rank.get(str(e.path[-1]), len(order)))
        return block

    def _entry(self, entry: _Entry, model: type[BaseModel] | None) -> _Entry:
        value, line = entry.value, entry.line
        self.owner[line] = ("on", entry.path)
        if _is_block(value):
            self.cursor = line if value.start_mark.line == line else line + 1
            entry.block = self._block(value, entry.path, model)
        elif _is_empty(value):
            self.cursor = line + 1
        else:
            start = value.start_mark.line
            entry.between = self._filler(line + 1, start)
            self.cursor = self._last_line(value) + 1
            for number in range(line, self.cursor):
                self.owner[number] = ("on", entry.path)
        return entry

    def _last_line(self, node: Node) -> int:
        end = node.end_mark
        end_line: int = end.line
        if not (isinstance(node, ScalarNode) and node.style in ("|", ">")):
            return end_line
        last = end_line if end.column else end_line - 1
        header = self.lines[node.start_mark.line][node.start_mark.column:]
        if "+" not in header.split("#")[0]:  # clipped or stripped: trailing blanks are not text
            while last > node.start_mark.line and not self.lines[last].strip():
                last -= 1
        return last

    def _filler(self, start: int, stop: int) -> list[int]:
        for number in range(start, stop):
            if not _is_filler(self.lines[number]):
                line = self.lines[number]
                raise FormatError(number + 1, len(line) - len(line.lstrip()) + 1,
                                  "fmt cannot place this line in the file's structure (is it a "
                                  "document marker like `---` or `...`?); remove it to format "
                                  "this file")
        return list(range(start, stop))

    @staticmethod
    def _chain(block: _Block | None) -> list[_Block]:
        """The blocks that end where ``block`` ends, outermost first."""
        chain = []
        while block is not None:
            chain.append(block)
            block = block.last.block if block.last else None
        return chain

    def _share(self, filler: list[int], closing: list[_Block], column: int) -> list[int]:
        """Give each comment line after a block's last entry to the deepest block it is
        indented under; the rest lead the next entry (at ``column``). A blank line goes
        with the comment below it."""
        lead: list[int] = []
        pending: list[int] = []
        depth = len(closing)
        for number in filler:
            line = self.lines[number]
            if not line.strip():
                pending.append(number)
                continue
            indent = len(line) - len(line.lstrip())
            depth = next((d for d in range(depth - 1, -1, -1)
                          if column < closing[d].column <= indent), -1) + 1
            (closing[depth - 1].tail if depth else lead).extend([*pending, number])
            pending = []
        return lead + pending

    def _place(self, block: _Block, *, item: bool) -> None:
        """Record which entry each comment line belongs to."""
        for number in block.tail:
            self.owner[number] = ("tail", block.path)
        for index, entry in enumerate(block.entries):
            place: Place = ("lead", entry.path)
            if index == 0 and block is self.root:
                place = ("header", ())  # written right under the header, part of it
            elif index == 0 and item:
                place = ("lead", block.path)  # written above the item's dash
            for number in entry.lead:
                self.owner[number] = place
            for number in entry.between:
                self.owner[number] = ("on", entry.path)
            if entry.block is not None:
                self._place(entry.block, item=entry.key is None)

    def places(self) -> Counter[tuple[str, Place]]:
        """Each comment with the place it belongs to."""
        found: Counter[tuple[str, Place]] = Counter()
        for number, (column, text) in self.comments.items():
            if number not in self.owner:  # pragma: no cover - a bug, not a user mistake
                raise FormatError(number + 1, column + 1,
                                  "fmt cannot tell where this comment belongs (please report)")
            found[(text, self.owner[number])] += 1
        return found

    # -- writing ------------------------------------------------------------------------

    def write(self) -> str:
        assert self.root is not None
        out = [self.lines[number].rstrip() for number in self.header]
        out += self._write_block(self.root, 0)
        while out and not out[-1]:
            out.pop()
        while out and not out[0]:
            out.pop(0)
        return "\n".join(out) + "\n"

    def _own_lines(self, numbers: list[int], column: int) -> list[str]:
        return [" " * column + self.lines[n].strip() if self.lines[n].strip() else ""
                for n in numbers]

    def _write_block(self, block: _Block, column: int) -> list[str]:
        out: list[str] = []
        for entry in block.entries:
            out += self._own_lines(entry.lead, column)
            out += self._write_entry(entry, column)
        return out + self._own_lines(block.tail, column)

    def _comment(self, line: str, number: int, after: int, shift: int) -> str:
        """``line`` with the comment that follows column ``after`` of source line ``number``,
        at the same column when there is room."""
        line = line.rstrip()
        comment = self.comments.get(number)
        if comment is None or comment[0] < after:
            return line
        column = max(comment[0] + shift, len(line) + 1)
        return line.ljust(column) + comment[1]

    def _write_entry(self, entry: _Entry, column: int) -> list[str]:
        key = "-" if entry.key is None else self._key(entry.key) + ":"
        head = " " * column + key
        shift = column - entry.column
        value = entry.value
        if entry.block is not None:
            body = self._write_block(entry.block, column + 2)
            compact = entry.key is None and (value.start_mark.line == entry.line
                                             or entry.line not in self.comments)
            if not compact:
                return [self._comment(head, entry.line, entry.head_end, shift), *body]
            # "- name: …": the dash goes on the item's first line, the comment lines that lead
            # it go above.
            above = len(entry.block.entries[0].lead)
            return ([line[2:] for line in body[:above]]
                    + [head + " " + body[above][column + 2:]] + body[above + 1:])
        if _is_empty(value):
            return [self._comment(head, entry.line, entry.head_end, shift)]
        if self._is_prose_flow_list(entry):
            return self._block_list(entry, head, column, shift)
        text = self._inline(value, column, shift)
        # A value on a line of its own stays there when comments sit between it and its key.
        if value.start_mark.line > entry.line and any(
                number in self.comments for number in (entry.line, *entry.between)):
            lines = [self._comment(head, entry.line, entry.head_end, shift),
                     *self._own_lines(entry.between, column + 2),
                     " " * (column + 2) + text[0], *text[1:]]
        else:
            lines = [head + " " + text[0], *text[1:]]
        if not (isinstance(value, ScalarNode) and value.style in ("|", ">")):
            end = value.end_mark
            lines[-1] = self._comment(lines[-1], end.line, end.column, shift)
        return lines

    def _is_prose_flow_list(self, entry: _Entry) -> bool:
        """A prose list written `[a, b]`, which splits sentences at commas; one with a comment
        inside, or items that are not plain values, stays as written."""
        value = entry.value
        if entry.key is None or str(entry.key.value) not in PROSE_LISTS:
            return False
        if not (isinstance(value, SequenceNode) and value.flow_style and len(value.value) > 1):
            return False
        start, end = value.start_mark.line, value.end_mark.line
        return all(isinstance(item, ScalarNode) for item in value.value) and not any(
            number in self.comments for number in range(start, end))

    def _block_list(self, entry: _Entry, head: str, column: int, shift: int) -> list[str]:
        """A prose flow list as a block list: one `- ` line per item; a comment after the
        `]` goes to the key's line."""
        end = entry.value.end_mark
        lines = [self._comment(head, end.line, end.column, shift)]
        for item in entry.value.value:
            text = self._inline(item, column + 2, shift + 2)
            lines += [" " * (column + 2) + "- " + text[0], *text[1:]]
        return lines

    def _key(self, key: ScalarNode) -> str:
        source = self.lines[key.start_mark.line][key.start_mark.column:key.end_mark.column]
        return source if key.style is None else _canonical_text(key.value) or source

    def _inline(self, node: Node, column: int, shift: int) -> list[str]:
        """A scalar or flow value: its first line (after `key: ` or `- `), then whole lines."""
        start, end = node.start_mark, node.end_mark
        if isinstance(node, ScalarNode) and node.style in ("|", ">"):
            return self._block_scalar(node, column, shift)
        if isinstance(node, ScalarNode) and node.style is None and start.line == end.line:
            return [self.lines[start.line][start.column:end.column]]
        if isinstance(node, ScalarNode):
            canonical = _canonical_text(node.value)
        elif any(start.line <= number < end.line for number in self.comments):
            canonical = None  # a comment inside a flow list: kept as written
        else:
            source = "\n".join(self.lines[start.line:end.line + 1])
            canonical = _canonical_flow(source[start.column:len(source) - len(
                self.lines[end.line]) + end.column])
        if canonical is not None:
            return [canonical]
        if start.line == end.line:
            return [self.lines[start.line][start.column:end.column]]
        return [self.lines[start.line][start.column:].rstrip(),
                *(_shifted(line, shift).rstrip() for line in self.lines[start.line + 1:end.line]),
                _shifted(self.lines[end.line][:end.column], shift)]

    def _block_scalar(self, node: ScalarNode, column: int, shift: int) -> list[str]:
        """`|` or `>` text: the header as written, the text lines re-indented under the key."""
        header = self.lines[node.start_mark.line][node.start_mark.column:].rstrip()
        text = self.lines[node.start_mark.line + 1:self._last_line(node) + 1]
        written = [line for line in text if line.strip()]
        if re.match(r"[|>][-+]?[1-9]", header) or not written:
            # An explicit indentation is counted from the key: move the text with it.
            return [header, *(_shifted(line, shift) for line in text)]
        indent = len(written[0]) - len(written[0].lstrip(" "))
        return [header, *(" " * (column + 2) + line[indent:] if len(line) > indent else ""
                          for line in text)]


def _yaml_error(exc: MarkedYAMLError) -> FormatError:
    mark = exc.problem_mark or exc.context_mark
    what = " ".join(part for part in (exc.context, exc.problem) if part)
    return FormatError(mark.line + 1 if mark else 1, mark.column + 1 if mark else 1,
                       f"not valid YAML ({what}); fix it, then run fmt again")


def _plain(text: str) -> Any:
    try:
        return _reader().load(text)
    except MarkedYAMLError as exc:
        raise _yaml_error(exc) from None


def _difference(before: Any, after: Any, path: DataPath = ()) -> DataPath:
    """The first place where two loaded documents differ."""
    if isinstance(before, dict) and isinstance(after, dict) and before.keys() == after.keys():
        for key in before:
            if before[key] != after[key]:
                return _difference(before[key], after[key], (*path, key))
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for index, (old, new) in enumerate(zip(before, after, strict=True)):
            if old != new:
                return _difference(old, new, (*path, index))
    return path


def _mark(text: str, path: DataPath) -> tuple[int, int]:
    node = _reader().compose(text)
    for part in path:
        if isinstance(node, MappingNode):
            node = next((v for k, v in node.value if k.value == part), node)
        elif isinstance(node, SequenceNode) and isinstance(part, int):
            node = node.value[part]
    return node.start_mark.line + 1, node.start_mark.column + 1


#: Line breaks YAML counts that fmt does not rewrite (its lines are split at `\n` only).
_LINE_BREAKS = {"\r": "a carriage return", "\x85": "U+0085", "\u2028": "U+2028",
                "\u2029": "U+2029"}


def _format_yaml(text: str, model: type[BaseModel] | None) -> str:
    # Composing recurses once per level of nesting: a file too deep is refused first.
    too_big = shape_problem(text, "")
    if too_big is not None:
        raise FormatError(too_big.line, too_big.column, too_big.message)
    for character, name in _LINE_BREAKS.items():
        if character in text:
            before = text[:text.index(character)]
            raise FormatError(before.count("\n") + 1, len(before) - before.rfind("\n"),
                              f"fmt does not rewrite YAML with a line break made of {name}; "
                              "replace it with a normal line break")
    before = _plain(text)
    source = _Layout(text, model)
    if source.root is None:
        return text
    source.places()  # every comment belongs somewhere, or this stops at it
    result = source.write()
    try:
        after = _plain(result)
        written = _Layout(result, model)
    except FormatError:  # pragma: no cover - a bug, not a user mistake
        raise FormatError(1, 1, "could not be formatted safely; left unchanged "
                                "(please report)") from None
    if after != before:
        path = _difference(before, after)
        raise FormatError(*_mark(text, path), "formatting would change this value; left "
                          "unchanged (please report)", format_path(path))
    kept = written.places()
    for number, (column, comment) in sorted(source.comments.items()):
        place = (comment, source.owner[number])
        if kept[place] <= 0:
            raise FormatError(number + 1, column + 1, "formatting would move this comment "
                              "away from where it was written; left unchanged (please report)")
        kept[place] -= 1
    return result


def _keeping_line_endings(text: str, format_text: Callable[[str], str]) -> str:
    """Format with `\\n` line breaks, then write the file's own (CRLF when its first line
    ends with one) everywhere."""
    first = text.find("\n")
    newline = "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text.removeprefix(bom).replace("\r\n", "\n")
    return bom + format_text(body).replace("\n", newline)


def format_yaml(text: str, model: type[BaseModel] = Journey) -> str:
    """The canonical form of a YAML document whose top level is ``model``."""
    return _keeping_line_endings(text, lambda body: _format_yaml(body, model))


def _format_evaluation(text: str) -> str:
    found = front_matter(text)
    if found is None or not found.group(1).strip():
        return text
    try:
        formatted = _format_yaml(found.group(1), Evaluation)
    except FormatError as exc:
        raise exc.below(1) from None  # the front matter starts on line 2
    return f"---\n{formatted}{text[found.end(1):]}"


def format_evaluation(text: str) -> str:
    """An evaluation note: its front matter formatted, its Markdown left alone."""
    return _keeping_line_endings(text, _format_evaluation)


@dataclass
class Outcome:
    changed: bool
    problem: Problem | None = None


def format_file(path: Path, *, check: bool) -> Outcome:
    """Format one journey or evaluation note in place (atomically), unless ``check``."""
    file = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Outcome(False, Problem(file, 1, 1, "", f"cannot read it: {exc.strerror}"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        return Outcome(False, Problem(
            file, raw.count(b"\n", 0, exc.start) + 1, exc.start - line_start + 1, "",
            "this is not UTF-8 text; save the file as UTF-8"))
    try:
        result = format_evaluation(text) if path.suffix == ".md" else format_yaml(text)
    except FormatError as exc:
        return Outcome(False, Problem(file, exc.line, exc.column, exc.where, exc.message))
    if result == text:
        return Outcome(False)
    if not check:
        write_atomic(path, result)
    return Outcome(True)
