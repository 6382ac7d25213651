"""User text into Markdown, for *meaning*: what an author writes shows as they meant it.

Journey and note fields are Markdown (`**bold**`, links, lists, code). Everything else an
author types is shown as text: `<b>` is the four characters, `{: … }` is not an attribute
list, `--8<--` never includes a file. These functions decide how the author's text reads;
what keeps readers safe is :mod:`journeybook.site.sanitize`, which cleans the rendered HTML with
an allowlist whatever Markdown made of it.

The escaper walks the text once, the way Python-Markdown reads it (a paragraph at a time;
backslash escapes before code spans), so it does not have to guess with patterns where a code
span starts. What reaches Markdown contains no raw ``<``, ``&``, ``{`` or backtick of the
author's: code spans become ``<code>`` elements whose content is all character references, and
fenced code blocks keep their text with snippet markers disarmed.
"""

from __future__ import annotations

import bisect
import html
import re
from typing import Any

from markupsafe import Markup

# Python-Markdown's backslash escapes (markdown.Markdown.ESCAPED_CHARS).
_ESCAPABLE = frozenset("\\`*_{}[]()>#+-.!")
# Characters that could start HTML, an entity, an attribute list or a code span.
_SPECIAL = {"<": "&lt;", "&": "&amp;", "{": "&#123;", "`": "&#96;"}
_NEEDS_ESCAPING = re.compile(r"[&<{`\]]")
_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
_BARE_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*$")
_BACKTICKS = re.compile(r"`+")
_BLANK = re.compile(r"^[ \t]*$")
# pymdownx.snippets acts on any line that starts (after spaces) with `-8<-`; `;` before the
# marker is its own escape and makes it print the line literally instead.
_SNIPPET = re.compile(r"^([ \t]*)(;*-+8<-+)")
# `*[TERM]: definition` defines an abbreviation for the whole page (the glossary's syntax); in
# a journey it would redefine the site's terms, so it shows as text.
_ABBREVIATION = re.compile(r"^([ \t]*)\*(?=\[)")
_INLINE_LINK = re.compile(r"\]\s*\(([^)]*)")
_REFERENCE = re.compile(r"^( {0,3}\[[^\]\n]+\]):([ \t]*\n?[ \t]*)(\S*)", re.M)
_UNSAFE_SCHEME = re.compile(r"^(javascript|vbscript|data|file):", re.I)
_IGNORED_IN_URLS = re.compile(r"[\t\n\r]")


def _unsafe(destination: str) -> bool:
    # Browsers drop tabs and newlines anywhere in a URL, and spaces and control characters
    # around it, so "java\tscript:" is still a script link.
    url = _IGNORED_IN_URLS.sub("", html.unescape(destination)).strip("\x00- <")
    return bool(_UNSAFE_SCHEME.match(url))


def _literal(text: str) -> str:
    """Text Markdown must show exactly: every ASCII punctuation mark as a character
    reference, so no Markdown syntax and no HTML can come out of it."""
    return "".join(c if c.isalnum() or c == " " or ord(c) > 127 else f"&#{ord(c)};"
                   for c in text)


def _code_span(content: str) -> str:
    # Line breaks stay (a note's headings are found by line number); in HTML they are spaces.
    lines = content.strip(" ").split("\n")
    return "<code>" + "\n".join(_literal(line) for line in lines) + "</code>"


def _paragraph(text: str) -> str:
    """One paragraph (no blank line inside) of prose, read as Python-Markdown reads it."""
    # Where each run of backticks starts, by length: a code span closes at the next run of
    # the same length. Found by bisection, so no text can make escaping slow.
    runs: dict[int, list[int]] = {}
    for match in _BACKTICKS.finditer(text):
        runs.setdefault(len(match.group()), []).append(match.start())
    out: list[str] = []
    i, length = 0, len(text)
    while i < length:
        char = text[i]
        if char == "\\" and i + 1 < length and text[i + 1] in _ESCAPABLE:
            following = text[i + 1]
            # `\`` and `\{` mean the character itself; others stay Markdown escapes.
            out.append(_SPECIAL[following] if following in "`{" else "\\" + following)
            i += 2
        elif char == "`":
            run = len(_BACKTICKS.match(text, i).group())  # type: ignore[union-attr]
            starts = runs.get(run, [])
            after = bisect.bisect_left(starts, i + run)
            if after == len(starts):
                out.append("&#96;" * run)
                i += run
            else:
                out.append(_code_span(text[i + run : starts[after]]))
                i = starts[after] + run
        else:
            out.append(_SPECIAL.get(char, char))
            i += 1
    return "".join(out)


def _closing_fences(lines: list[str]) -> dict[str, list[int]]:
    """For each fence character, the longest bare fence line after each line (0: none)."""
    longest = {"`": [0] * (len(lines) + 1), "~": [0] * (len(lines) + 1)}
    for index in range(len(lines) - 1, -1, -1):
        for after in longest.values():
            after[index] = after[index + 1]
        bare = _BARE_FENCE.match(lines[index + 1]) if index + 1 < len(lines) else None
        if bare:
            after = longest[bare.group(1)[0]]
            after[index] = max(after[index], len(bare.group(1)))
    return longest


def _blocks(text: str) -> str:
    lines = text.split("\n")
    out: list[str] = []
    prose: list[str] = []

    def flush() -> None:
        if prose:
            out.append(_paragraph("\n".join(prose)))
            prose.clear()

    closing = _closing_fences(lines)
    index = 0
    while index < len(lines):
        line = lines[index]
        fence = _FENCE.match(line)
        end = None
        # Only fences at the start of a line: superfences drops an indented fence when a line
        # inside is indented less, and then its lines would be read as Markdown.
        if fence and not fence.group(1) \
                and closing[fence.group(2)[0]][index] >= len(fence.group(2)) \
                and not (fence.group(2)[0] == "`" and "`" in fence.group(3)):
            # The first bare fence at least as long closes it (lines scanned here become
            # the block, so the whole text is scanned once).
            end = next(i for i in range(index + 1, len(lines))
                       if (bare := _BARE_FENCE.match(lines[i]))
                       and bare.group(1)[0] == fence.group(2)[0]
                       and len(bare.group(1)) >= len(fence.group(2)))
        if fence and end is not None:
            flush()
            # Only a language word survives on the opening line: no `{ attributes }`.
            language = re.match(r"[ \t]*([\w+-]*)", fence.group(3)).group(1)  # type: ignore[union-attr]
            out.append(f"{fence.group(1)}{fence.group(2)}{language}")
            # Code shows as typed, except that a line starting with a snippet marker gets
            # snippets' own escape (`;`), which snippets removes when it prints the line.
            out.extend(_SNIPPET.sub(r"\1;\2", content) for content in lines[index + 1 : end])
            out.append(lines[end])
            index = end + 1
            continue
        if _BLANK.match(line):
            flush()
            out.append(line)
        else:
            prose.append(_ABBREVIATION.sub(r"\1\\*", line))
        index += 1
    flush()
    return "\n".join(out)


def escape_text(value: Any) -> Markup:
    """User text as Markdown: its Markdown works, anything else shows as typed.

    Keeps the number of lines, so positions in a note stay where they were.
    """
    if isinstance(value, Markup):
        return value
    text = str(value)
    if not _NEEDS_ESCAPING.search(text):
        return Markup(text)  # most text: nothing that could become markup, a link or code
    escaped = _blocks(text)
    # A link to a script is not what an author means; show it as text. (The sanitiser would
    # drop such an href anyway.)
    escaped = _INLINE_LINK.sub(
        lambda m: m.group(0).replace("(", "&#40;", 1) if _unsafe(m.group(1)) else m.group(0),
        escaped,
    )
    escaped = _REFERENCE.sub(
        lambda m: f"{m.group(1)}&#58;{m.group(2)}{m.group(3)}" if _unsafe(m.group(3))
        else m.group(0), escaped,
    )
    return Markup(escaped)


def inline(value: Any) -> Markup:
    """One line of text: for headings, list items and titles."""
    text = escape_text(" ".join(str(value).split()))
    # Trailing hashes would be eaten as a closing heading sequence.
    return Markup(re.sub(r"(#+)$", lambda m: "\\#" * len(m.group(1)), text))


def cell(value: Any) -> Markup:
    """Text inside a Markdown table cell."""
    return Markup(inline(value).replace("|", "\\|"))


def quoted(value: Any) -> Markup:
    """Text inside double quotes, such as an admonition title."""
    # Replaced in the plain string: Markup.replace would escape "&quot;" itself.
    return Markup(str(inline(value)).replace('"', "&quot;"))


def indented(value: Any, width: int = 4) -> Markup:
    """Multi-line text nested under a list item or admonition."""
    text = escape_text(value)
    return Markup(text.replace("\n", "\n" + " " * width))


def alt(value: Any) -> Markup:
    """Image alt text: one line, shown exactly as written (no Markdown inside)."""
    return Markup(_literal(" ".join(str(value).split())))


def signed(value: int) -> str:
    """A score with its sign, as pages and charts print it: "+2", "0", "−1" (a true minus)."""
    return f"{value:+d}".replace("+0", "0").replace("-", "\u2212")


def score(value: int | None) -> Markup:
    """An emotion score for a page: :func:`signed`, or nothing for no score."""
    return Markup("" if value is None else signed(value))
