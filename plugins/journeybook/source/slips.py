"""The YAML slips first-time authors make, named in plain words at the place to fix.

The parser says where it gave up ("could not find expected ':'" on the line *after* a
`summary:Mua hàng`); this reads its marks and the text around them to say what the author
did: a missing space after `:`, a tab, a quote or bracket never closed, a list item among
keys. Only what the marks and the text show is named; anything else keeps the parser's words.
"""

from __future__ import annotations

import re

from ruamel.yaml.error import MarkedYAMLError

from ..errors import Message

#: A key glued to its value: `summary:Mua hàng` (a URL's `://` is not one).
_GLUED = re.compile(r"^(?P<indent>\s*(?:-\s+)?)(?P<key>[A-Za-z_][\w-]*):(?P<value>[^\s/].*)$")
_CLOSING = {"[": "]", "{": "}"}

Slip = tuple[int, int, Message]  # 1-based line and column in the text, and what to say


def slip(text: str, error: MarkedYAMLError, offset: int = 0) -> Slip | None:
    """The slip behind a parser error, located in text that starts ``offset`` lines into its
    file (lines are the file's); None when it is none of the known ones."""
    found = _slip(text, error, offset)
    return None if found is None else (found[0] + offset, found[1], found[2])


def _slip(text: str, error: MarkedYAMLError, offset: int) -> Slip | None:
    problem, context = error.problem_mark, error.context_mark
    if problem is None:
        return None
    lines = text.split("\n")
    about, where = str(error.problem or ""), str(error.context or "")
    # The parser gives up on the line of the slip or the one after it.
    near = {problem.line - 1, problem.line} | ({context.line} if context is not None else set())
    for number in sorted(n for n in near if n >= 0):
        found = _tab(lines, number) or _glued(lines, number)
        if found:
            return found
    if context is not None and "quoted scalar" in where:
        quote = _char(lines, context.line, context.column)
        return (context.line + 1, context.column + 1,
                Message.of("unclosed_quote", quote=quote, line=context.line + 1 + offset,
                           column=context.column + 1))
    if context is not None and "flow" in where:
        bracket = _char(lines, context.line, context.column)
        if bracket in _CLOSING and not _closes(text, lines, context.line, context.column):
            return (context.line + 1, context.column + 1,
                    Message.of("unclosed_bracket", bracket=bracket, closing=_CLOSING[bracket],
                               line=context.line + 1 + offset, column=context.column + 1))
    at = (problem.line + 1, problem.column + 1)
    found_char = _char(lines, problem.line, problem.column)
    if found_char in ("]", "}"):
        return (*at, Message.of("stray_bracket", bracket=found_char))
    if "block mapping" in where and found_char == "-":
        return (*at, Message.of("list_item_among_keys"))
    if ("block collection" in where or "block sequence" in where) and found_char != "-":
        return (*at, Message.of("key_after_list"))
    if "mapping values are not allowed" in about:
        return _indent_or_colon(lines, problem.line, problem.column)
    return None


def _char(lines: list[str], line: int, column: int) -> str:
    return lines[line][column] if line < len(lines) and column < len(lines[line]) else ""


def _tab(lines: list[str], number: int) -> Slip | None:
    line = lines[number] if number < len(lines) else ""
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    if "\t" in indent and line.strip():
        return number + 1, indent.index("\t") + 1, Message.of("tab_indent")
    return None


def _glued(lines: list[str], number: int) -> Slip | None:
    match = _GLUED.match(lines[number]) if number < len(lines) else None
    if match is None:
        return None
    return (number + 1, match.end("key") + 1,
            Message.of("missing_space_after_colon", key=match["key"],
                       value=match["value"].strip()))


def _closes(text: str, lines: list[str], line: int, column: int) -> bool:
    """Whether the bracket at ``line``/``column`` is closed later in the text (brackets
    inside quotes do not count)."""
    offset = sum(len(earlier) + 1 for earlier in lines[:line]) + column
    depth, quote = 0, ""
    for char in text[offset:]:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return True
    return False


def _indent_or_colon(lines: list[str], line: int, column: int) -> Slip:
    """`key: value` where none may be: a line indented under a plain value, or a `: ` inside
    a value."""
    here = lines[line]
    indent = len(here) - len(here.lstrip(" "))
    above = next((lines[n] for n in range(line - 1, -1, -1)
                  if lines[n].strip() and not lines[n].lstrip().startswith("#")), None)
    if above is not None and indent > len(above) - len(above.lstrip(" ")) \
            and not above.rstrip().endswith(":"):
        return line + 1, indent + 1, Message.of("unexpected_indent")
    return line + 1, column + 1, Message.of("colon_in_value")
