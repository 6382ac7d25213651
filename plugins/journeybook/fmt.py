"""`journeybook fmt`: journey files in one canonical shape, every comment kept.

Two passes. First the keys of every block mapping are put in the order the journey format
lists them, moving whole lines: a key takes the comment lines right above it and all of its
value, so comments and blank-line groups travel with what they describe and no value is
re-typed. Then ruamel.yaml's round trip (which keeps comments) normalises indentation and
quoting. The result must load to exactly the same data as the original, or nothing is
written.
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from .model import Evaluation, Journey
from .source import model_at


class FormatError(Exception):
    """The file cannot be formatted (it is not valid YAML, or formatting would change it)."""


def _key_order(model: type[BaseModel] | None) -> list[str]:
    if model is None:
        return []
    return [field.alias or name for name, field in model.model_fields.items()
            if not field.exclude]


def _is_filler(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


class _Reorderer:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def node(self, node: Node, start: int, end: int, model: type[BaseModel] | None) -> list[str]:
        """The lines [start, end) of the file holding ``node``, with its keys reordered."""
        if isinstance(node, MappingNode) and not node.flow_style and node.value:
            return self.mapping(node, start, end, model)
        if isinstance(node, SequenceNode) and not node.flow_style and node.value:
            return self.sequence(node, start, end, model)
        return self.lines[start:end]

    def mapping(self, node: MappingNode, start: int, end: int,
                model: type[BaseModel] | None) -> list[str]:
        keys = [k.start_mark.line for k, _ in node.value]
        # Each entry starts at its key, or higher when comment/blank lines sit right above it.
        heads = []
        for index, line in enumerate(keys):
            head = line
            floor = start if index == 0 else keys[index - 1] + 1
            while head > floor and _is_filler(self.lines[head - 1]):
                head -= 1
            heads.append(head)
        heads[0] = start
        bounds = [*heads[1:], end]
        entries = []
        for (key, value), head, stop in zip(node.value, heads, bounds, strict=True):
            value_line = value.start_mark.line
            inner = model_at(model, (str(key.value),)) if model else None
            if value_line > key.start_mark.line:  # a block value on the lines below
                text = (self.lines[head:value_line]
                        + self.node(value, value_line, stop, inner))
            else:
                text = self.lines[head:stop]
            entries.append((str(key.value), text))
        # Comment and blank lines after the last value close the mapping; they stay last.
        last_key, last_text = entries[-1]
        cut = len(last_text)
        while cut > 1 and _is_filler(last_text[cut - 1]):
            cut -= 1
        entries[-1] = (last_key, last_text[:cut])
        tail = last_text[cut:]
        order = _key_order(model)
        rank = {name: position for position, name in enumerate(order)}
        ordered = sorted(enumerate(entries),
                         key=lambda item: (rank.get(item[1][0], len(order)), item[0]))
        return [line for _, (_, text) in ordered for line in text] + tail

    def sequence(self, node: SequenceNode, start: int, end: int,
                 model: type[BaseModel] | None) -> list[str]:
        starts = [item.start_mark.line for item in node.value]
        out = self.lines[start:starts[0]]
        for index, item in enumerate(node.value):
            stop = starts[index + 1] if index + 1 < len(node.value) else end
            first = starts[index]
            column = item.start_mark.column
            if not isinstance(item, MappingNode) or item.flow_style or column < 2 \
                    or self.lines[first][column - 2:column] != "- ":
                out += self.lines[first:stop]
                continue
            # "- name: …": the dash shares its line with the first key. Set it aside, reorder
            # the mapping as if indented, then give the dash to the first key line again.
            dash = column - 2
            saved = self.lines[first]
            self.lines[first] = saved[:dash] + "  " + saved[column:]
            try:
                body = self.mapping(item, first, stop, model)
            finally:
                self.lines[first] = saved
            for position, line in enumerate(body):
                if not _is_filler(line):
                    body[position] = line[:dash] + "- " + line[column:]
                    break
            out += body
        return out


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never re-wrap anyone's text
    yaml.allow_unicode = True
    yaml.explicit_start = False
    return yaml


def _plain(text: str) -> Any:
    return YAML(typ="safe").load(text)


def format_yaml(text: str, model: type[BaseModel] = Journey) -> str:
    """The canonical form of a YAML document whose top level is ``model``."""
    try:
        node = YAML(typ="rt").compose(text)
        before = _plain(text)
    except YAMLError as exc:
        raise FormatError(f"not valid YAML: {exc}") from None
    if node is None:
        return text
    lines = text.splitlines()
    reordered = "\n".join(_Reorderer(lines).node(node, 0, len(lines), model)) + "\n"
    yaml = _yaml()
    try:
        data = yaml.load(reordered)
        out = io.StringIO()
        yaml.dump(data, out)
    except YAMLError as exc:  # pragma: no cover - a bug, not a user mistake
        raise FormatError(f"could not be formatted safely ({exc}); left unchanged") from None
    result = out.getvalue()
    if _plain(result) != before:
        raise FormatError("formatting would change its data; left unchanged (please report)")
    return result


def format_evaluation(text: str) -> str:
    """An evaluation note: its front matter formatted, its Markdown left alone."""
    if not text.startswith("---"):
        return text
    head, sep, rest = text[3:].partition("\n---")
    if not sep:
        return text
    front = format_yaml(head.lstrip("\n"), Evaluation) if head.strip() else head.lstrip("\n")
    return f"---\n{front}---{rest}"


@dataclass
class Outcome:
    path: Path
    changed: bool
    error: str | None = None


def format_file(path: Path, *, check: bool) -> Outcome:
    """Format one journey or evaluation note in place (atomically), unless ``check``."""
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return Outcome(path, False, f"cannot read as UTF-8 text: {exc}")
    try:
        result = format_evaluation(text) if path.suffix == ".md" else format_yaml(text)
    except FormatError as exc:
        return Outcome(path, False, str(exc))
    if result == text:
        return Outcome(path, False)
    if not check:
        write_atomic(path, result)
    return Outcome(path, True)


def write_atomic(path: Path, text: str) -> None:
    """Write beside the file and rename over it: a crash never leaves half a journey."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
