"""`journeybook fmt --like REF`: a file another tool rewrote, laid out again like its version
at a git revision.

A form editor (Decap CMS) saves a journey by writing the whole file anew: comments gone, keys
sorted, quoting and list styles its own. One changed sentence then shows as hundreds of
changed lines, and the comments that explained the map are lost. Here the values come from
the file as it is now and everything else from the old version: the old text is read as
`journeybook fmt` reads it (entries with the comment lines that belong to them) and written
again entry by entry. An entry whose value did not change is copied line for line; a
changed scalar is written in the old scalar's style where YAML allows it; a key the old
version did not have goes where the journey format's key order puts it; list items are
matched by their id (or the slug of their name, which is their id in the format), otherwise
by how alike they are; a removed entry goes with the comment lines above it.

Nothing is written unless the result loads to exactly the data of the file it replaces.
"""

from __future__ import annotations

import difflib
import functools
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

from ..errors import Problem
from ..files import write_atomic
from ..model import Evaluation, Journey
from ..review.git import GitError, files_at, read_at, repository_root
from ..slug import slugify
from ..source import format_path, front_matter, model_at
from .fmt import (
    FormatError,
    Outcome,
    _difference,
    _Entry,
    _is_empty,
    _keeping_line_endings,
    _key_order,
    _Layout,
    _mark,
    _plain,
    _writer,
    format_evaluation,
    format_file,
)
from .fmt import _Block as _LayoutBlock

#: The scalar styles a changed text keeps, by the style letter ruamel.yaml's parser reports.
_STYLES = {"|": LiteralScalarString, ">": FoldedScalarString, '"': DoubleQuotedScalarString,
           "'": SingleQuotedScalarString}
#: The chomping and indentation indicators after `|` or `>`.
_BLOCK_HEADER = re.compile(r"[|>][-+1-9]*")
_MISSING = object()


class OldVersionError(Exception):
    """The file's version at the revision cannot be read as `journeybook fmt` reads a file."""

    def __init__(self, error: FormatError) -> None:
        super().__init__(error.message)
        self.error = error


@dataclass(frozen=True)
class Revision:
    """The git revision files are laid out like: its repository, its name as given, and
    the files it holds (paths relative to the repository)."""

    repo: Path
    ref: str
    files: frozenset[str]


def revision(folder: Path, ref: str) -> Revision:
    """``ref`` in the repository that holds ``folder``; a :class:`GitError` saying what to
    give instead when there is no repository or no such revision."""
    try:
        repo = repository_root(folder)
    except GitError as exc:
        raise GitError(f"`--like` compares with a git revision, but {folder} is not in a git "
                       f"repository ({exc})") from None
    try:
        files = files_at(repo, ref, ".")
    except GitError:
        raise GitError(f"`{ref}` is not a revision of this repository; give a branch, tag or "
                       "commit, such as HEAD or origin/main") from None
    return Revision(repo, ref, frozenset(files))


def _same(a: Any, b: Any) -> bool:
    """Equal data of the same types (`1`, `1.0` and `true` are three different values)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(_same, a, b))
    return bool(a == b)


def _at(data: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        if isinstance(data, dict) and part in data:  # noqa: SIM114 - a list takes numbers only
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return _MISSING
    return data


def _inner(model: type[BaseModel] | None, key: str) -> type[BaseModel] | None:
    return model_at(model, (key,)) if model is not None else None


def _ordered(value: Any, model: type[BaseModel] | None) -> Any:
    """New data with its mappings' keys in the journey format's order (others last)."""
    if isinstance(value, dict):
        order = _key_order(model)
        keys = sorted(value, key=lambda k: order.index(k) if k in order else len(order))
        return {key: _ordered(value[key], _inner(model, str(key))) for key in keys}
    if isinstance(value, list):
        return [_ordered(item, model) for item in value]
    return value


def _flow(value: Any, old: Any) -> Any:
    """New data as a flow list or mapping (`[a, b]`), to replace ``old`` written so: keys
    it had in its order, new keys after them."""
    if isinstance(value, dict):
        was = old if isinstance(old, dict) else {}
        keys = [key for key in was if key in value] + [key for key in value if key not in was]
        mapping = CommentedMap((key, _flow(value[key], was.get(key))) for key in keys)
        mapping.fa.set_flow_style()
        return mapping
    if isinstance(value, list):
        sequence = CommentedSeq(_flow(item, None) for item in value)
        sequence.fa.set_flow_style()
        return sequence
    return value


@functools.cache
def _folding_writer(width: int) -> YAML:
    """fmt's writer, folding `>` text at ``width`` like the text it replaces."""
    canonical = _writer()
    yaml = YAML(typ="rt")
    yaml.indent(mapping=canonical.map_indent, sequence=canonical.sequence_indent,
                offset=canonical.sequence_dash_offset)
    yaml.allow_unicode = canonical.allow_unicode
    yaml.width = width
    return yaml


def _dumped(value: Any, writer: YAML | None = None) -> list[str]:
    """``k: value`` as ruamel.yaml writes it, as lines (the last newline dropped)."""
    out = io.StringIO()
    (writer or _writer()).dump({"k": value}, out)
    return out.getvalue()[:-1].split("\n")


def _scalar(value: Any, style: str | None, width: int) -> list[str]:
    """A new scalar written in ``style`` when YAML can say it so, else as fmt writes it:
    the text after `k: ` on the first line, then the following lines (indented by two)."""
    candidates: list[Any] = [value]
    if isinstance(value, str) and style in _STYLES:
        candidates.insert(0, _STYLES[style](value))
    for candidate in candidates:
        writer = _folding_writer(width) if isinstance(candidate, FoldedScalarString) else None
        lines = _dumped(candidate, writer)
        if _same(_plain("\n".join(lines) + "\n"), {"k": value}):
            return [lines[0][3:], *lines[1:]]
    return [lines[0][3:], *lines[1:]]  # pragma: no cover - checked again before writing


def _identity(item: Any) -> str:
    """What an item of a list is known by: its id (or the slug of its name, the id the
    journey format gives it), else its whole value."""
    if isinstance(item, dict):
        if isinstance(item.get("id"), str):
            return "id:" + str(item["id"])
        if isinstance(item.get("name"), str):
            return "id:" + slugify(item["name"])
    return json.dumps(item, sort_keys=True, default=str, ensure_ascii=False)


def _align(old: list[Any], new: list[Any]) -> list[int | None]:
    """For each new item, the old item it is (None for an added one).

    Items known by the same id in both lists are the same item wherever they moved to. An
    item left over is the old one between the same neighbours that is most like it (the one
    there, if there is one on each side), so an edited text keeps its place and comments."""
    old_ids = [_identity(item) for item in old]
    new_ids = [_identity(item) for item in new]
    unique = {key for key in old_ids if old_ids.count(key) == 1 and new_ids.count(key) == 1}
    where = {key: index for index, key in enumerate(old_ids) if key in unique}
    matched: list[int | None] = [where.get(key) for key in new_ids]
    taken = set(where.values())
    j = 0
    while j < len(new):
        if matched[j] is not None:
            j += 1
            continue
        gap_end = next((k for k in range(j, len(new)) if matched[k] is not None), len(new))
        low = max((m for m in matched[:j] if m is not None), default=-1)
        high = matched[gap_end] if gap_end < len(new) else len(old)
        assert high is not None
        candidates = [i for i in range(low + 1, high) if i not in taken]
        gap = range(j, gap_end)
        if len(candidates) == len(gap) == 1:
            matched[j] = candidates[0]
        else:
            for k in gap:
                best, ratio = None, 0.5
                for i in candidates:
                    score = difflib.SequenceMatcher(None, old_ids[i], new_ids[k],
                                                    autojunk=False).ratio()
                    if score > ratio:
                        best, ratio = i, score
                if best is not None:
                    matched[k] = best
                    candidates = [i for i in candidates if i > best]
        taken.update(m for m in matched[j:gap_end] if m is not None)
        j = gap_end
    return matched


@dataclass
class _Piece:
    """One entry as it will be written: the comment and blank lines above it, its lines."""

    lead: list[str]
    body: list[str]
    fresh: bool = False


class _Relayout:
    """The old version of a file, ready to be written again with new values."""

    def __init__(self, text: str, model: type[BaseModel]) -> None:
        try:
            self.layout = _Layout(text, model)
            self.layout.places()  # every comment belongs to an entry, or this stops at it
        except FormatError as exc:
            raise OldVersionError(exc) from None
        if self.layout.root is None:
            raise OldVersionError(FormatError(1, 1, "this version holds no mapping of keys "
                                                    "to lay the file out like"))
        self.root: _LayoutBlock = self.layout.root
        self.lines = self.layout.lines
        self.old = _plain(text)
        self.model = model

    def text(self, new: dict[Any, Any]) -> str:
        lines = [self.lines[number] for number in self.layout.header]
        lines += self._block(self.root, new, self.model)
        return "\n".join(lines) + "\n"

    # -- blocks ---------------------------------------------------------------------------

    def _raw(self, numbers: list[int] | range) -> list[str]:
        return [self.lines[number] for number in numbers]

    def _block(self, block: _LayoutBlock, new: dict[Any, Any] | list[Any],
               model: type[BaseModel] | None) -> list[str]:
        lines: list[str] = []
        for piece in self._pieces(block, new, model):
            lines += piece.lead + piece.body
        return lines + self._raw(block.tail)

    def _pieces(self, block: _LayoutBlock, new: dict[Any, Any] | list[Any],
                model: type[BaseModel] | None) -> list[_Piece]:
        pieces = (self._mapping(block, new, model) if isinstance(new, dict)
                  else self._sequence(block, new, model))
        # A new entry is spaced like its neighbours: a new key like the key before it (the
        # group it joins), a new item like the items after it (the first item has no blank
        # line above it).
        for index, piece in enumerate(pieces):
            before = [p for p in reversed(pieces[:index]) if not p.fresh]
            after = [p for p in pieces[index + 1:] if not p.fresh]
            neighbours = before + after if isinstance(new, dict) else after + before[:-1]
            if piece.fresh and neighbours and neighbours[0].lead[:1] == [""]:
                piece.lead = [""]
        return pieces

    def _mapping(self, block: _LayoutBlock, new: dict[Any, Any],
                 model: type[BaseModel] | None) -> list[_Piece]:
        entries = sorted(block.entries, key=lambda entry: entry.line)
        keys = {str(key): key for key in new}
        pieces: list[_Piece] = []
        names: list[str] = []
        for entry in entries:
            name = str(entry.path[-1])
            if name in keys:  # a key the new version dropped goes with its comments
                pieces.append(self._entry(entry, new[keys[name]], _inner(model, name)))
                names.append(name)
        order = _key_order(model)

        def rank(name: str) -> int:
            return order.index(name) if name in order else len(order)

        added = sorted((name for name in keys if name not in names), key=rank)
        for name in added:
            at = next((i for i, kept in enumerate(names) if rank(kept) > rank(name)),
                      len(names))
            body = self._fresh(keys[name], new[keys[name]], _inner(model, name),
                               block.column)
            pieces.insert(at, _Piece([], body, fresh=True))
            names.insert(at, name)
        return pieces

    def _sequence(self, block: _LayoutBlock, new: list[Any],
                  model: type[BaseModel] | None) -> list[_Piece]:
        entries = block.entries  # a list's items are kept in the order written
        old = [_at(self.old, entry.path) for entry in entries]
        pieces = []
        for item, index in zip(new, _align(old, new), strict=True):
            if index is None:
                pieces.append(_Piece([], self._fresh(None, item, model, block.column),
                                     fresh=True))
            else:
                pieces.append(self._entry(entries[index], item, model))
        return pieces

    # -- entries --------------------------------------------------------------------------

    def _end(self, entry: _Entry) -> int:
        """The line after an entry's own lines (a scalar's, not a block's)."""
        if _is_empty(entry.value):
            return entry.line + 1
        return self.layout._last_line(entry.value) + 1

    def _entry(self, entry: _Entry, new: Any, model: type[BaseModel] | None) -> _Piece:
        lead = self._raw(entry.lead)
        value = entry.value
        if entry.block is not None:
            if new and ((isinstance(new, dict) and isinstance(value, MappingNode))
                        or (isinstance(new, list) and isinstance(value, SequenceNode))):
                pieces = self._pieces(entry.block, new, model)
                tail = self._raw(entry.block.tail)
                if value.start_mark.line == entry.line:  # `- name: …`
                    return _Piece(lead, self._compact(entry, pieces) + tail)
                body = [line for piece in pieces for line in piece.lead + piece.body]
                return _Piece(lead, [self.lines[entry.line], *body, *tail])
        elif _same(_at(self.old, entry.path), new):
            return _Piece(lead, self._raw(range(entry.line, self._end(entry))))
        elif isinstance(value, ScalarNode) and not isinstance(new, (dict, list)):
            return _Piece(lead, self._replaced(entry, new, value.style))
        elif not isinstance(value, ScalarNode) and isinstance(new, (dict, list)):
            return _Piece(lead, self._replaced(entry, _flow(new, _at(self.old, entry.path)),
                                               None))
        key = None if entry.key is None else entry.path[-1]
        return _Piece(lead, self._fresh(key, new, model, entry.column))

    def _compact(self, entry: _Entry, pieces: list[_Piece]) -> list[str]:
        """A list item whose first line carries its dash (`- name: …`): the dash goes on the
        first line of whichever entry comes first now; comment lines above that entry go
        above the dash."""
        dash = entry.column
        lines: list[str] = []
        for index, piece in enumerate(pieces):
            body = list(piece.body)
            if body and body[0][dash:dash + 1] == "-":
                body[0] = body[0][:dash] + " " + body[0][dash + 1:]
            if index == 0:
                shift = len(body[0]) - len(body[0].lstrip(" ")) - dash if body else 0
                lines += [line[shift:] if line[:shift].isspace() else line
                          for line in piece.lead]
                body[0] = body[0][:dash] + "-" + body[0][dash + 1:]
            else:
                lines += piece.lead
            lines += body
        return lines

    def _fresh(self, key: Any, new: Any, model: type[BaseModel] | None,
               column: int) -> list[str]:
        """A key or item the old version does not have (or whose kind of value changed), as
        fmt writes it, at ``column``."""
        data = _ordered(new, model)
        out = io.StringIO()
        if key is None:
            _writer().dump({"k": [data]}, out)
            lines = [line[2:] for line in out.getvalue()[:-1].split("\n")[1:]]
        else:
            _writer().dump({key: data}, out)
            lines = out.getvalue()[:-1].split("\n")
        return [" " * column + line if line else line for line in lines]

    @staticmethod
    def _fold_width(old: Any, content: list[str], indent: int) -> int:
        """The line width the old `>` text was folded at: the one at which ruamel.yaml folds
        it into the same lines (near its longest line), so new text folds like it."""
        longest = max(len(line) for line in content) - indent
        wanted = [line[indent:] for line in content]
        for width in range(longest, max(longest - 12, 20), -1):
            if isinstance(old, str) and _scalar(old, ">", width)[1:] == wanted:
                return width
        return longest

    def _replaced(self, entry: _Entry, new: Any, style: str | None) -> list[str]:
        """The entry's lines with its scalar or flow value replaced, in ``style``; the text
        around the value (key, comments) as it was."""
        value = entry.value
        block_text = style in ("|", ">")
        content = self.lines[value.start_mark.line + 1:self._end(entry)]
        written = [line for line in content if line.strip()] if block_text else []
        indent = entry.column
        if written:  # text under `|` or `>` stays as deep as it was
            indent = len(written[0]) - len(written[0].lstrip(" ")) - 2
        width = 80
        if style == ">" and written:
            width = self._fold_width(_at(self.old, entry.path), content, indent)
        text = _scalar(new, style, width)
        following = [" " * indent + line if line else line for line in text[1:]]
        if _is_empty(value):
            head = self.lines[entry.line][:entry.head_end]
            comment = self.layout.comments.get(entry.line)
            first = head + (" " + text[0] if text[0] else "")
            return [first + ("  " + comment[1] if comment else ""), *following]
        start, end = value.start_mark, value.end_mark
        lines = self.lines[entry.line:start.line]
        first = self.lines[start.line][:start.column] + text[0]
        if block_text:
            rest = self.lines[start.line][start.column:]
            return [*lines, first + rest[_BLOCK_HEADER.match(rest).end():]  # type: ignore[union-attr]
                    if _BLOCK_HEADER.match(rest) else first, *following]
        out = [*lines, first, *following]
        out[-1] += self.lines[end.line][end.column:]
        return out


def _relayout(old: str, new: str, model: type[BaseModel]) -> str:
    data = _plain(new)
    if not isinstance(data, dict) or not data:
        return new  # nothing a journey is made of: left as it is
    result = _Relayout(old, model).text(data)
    try:
        same = _same(_plain(result), data)
    except FormatError:
        same = False
    if not same:
        path = _difference(data, _plain(result)) if result else ()
        raise FormatError(*_mark(new, path), "cannot be laid out like the old version "
                          "without changing this value; left unchanged: run `journeybook fmt` "
                          "on it for the canonical layout (please report)", format_path(path))
    return result


def relayout_yaml(old: str, new: str, model: type[BaseModel] = Journey) -> str:
    """``new``'s values in ``old``'s layout and comments (a YAML document of ``model``)."""
    before = old.removeprefix("\ufeff").replace("\r\n", "\n")
    return _keeping_line_endings(new, lambda body: _relayout(before, body, model))


def _relayout_evaluation(old: str, new: str) -> str:
    found, was = front_matter(new), front_matter(old)
    if found is None or not found.group(1).strip():
        return new
    if was is None or not was.group(1).strip():
        return format_evaluation(new)
    try:
        laid_out = _relayout(was.group(1), found.group(1), Evaluation)
    except OldVersionError as exc:
        raise OldVersionError(exc.error.below(1)) from None
    except FormatError as exc:
        raise exc.below(1) from None  # the front matter starts on line 2
    return f"---\n{laid_out}{new[found.end(1):]}"


def relayout_evaluation(old: str, new: str) -> str:
    """An evaluation note with its front matter laid out like ``old``'s; the Markdown as it
    is now."""
    before = old.removeprefix("\ufeff").replace("\r\n", "\n")
    return _keeping_line_endings(new, lambda body: _relayout_evaluation(before, body))


def relayout_file(path: Path, at: Revision, *, check: bool) -> Outcome:
    """Lay one journey or evaluation note out like its version at ``at`` (in place,
    atomically, unless ``check``); a file the revision does not have is formatted like
    `journeybook fmt` does."""
    file = str(path)
    try:
        relative = path.resolve().relative_to(at.repo.resolve()).as_posix()
    except ValueError:
        return Outcome(False, Problem(file, 1, 1, "", f"this file is not in the repository "
                                      f"of `{at.ref}`; give a file inside {at.repo}"))
    if relative not in at.files:
        return format_file(path, check=check)
    try:
        text = path.read_bytes().decode("utf-8")
        old = read_at(at.repo, at.ref, relative)
    except (OSError, UnicodeDecodeError, GitError) as exc:
        return Outcome(False, Problem(file, 1, 1, "", f"cannot read it as UTF-8 text ({exc}); "
                                      "save it as UTF-8, then run fmt again"))
    if text == old:  # unchanged since REF: already laid out like it (most files, most times)
        return Outcome(False)
    try:
        result = (relayout_evaluation(old, text) if path.suffix == ".md"
                  else relayout_yaml(old, text))
    except OldVersionError as exc:
        error = exc.error
        return Outcome(False, Problem(
            f"{at.ref}:{relative}", error.line, error.column, error.where,
            f"{error.message}; the version at `{at.ref}` cannot be laid out again, so "
            f"{file} is left as it is: run `journeybook fmt {file}` for the canonical "
            "layout"))
    except FormatError as exc:
        return Outcome(False, Problem(file, exc.line, exc.column, exc.where, exc.message))
    changed = result != text
    if changed and not check:
        write_atomic(path, result)
    return Outcome(changed)
