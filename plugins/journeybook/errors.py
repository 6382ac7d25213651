"""What a user can get wrong, located: one :class:`Problem` per place, all of them
gathered into one :class:`JourneybookError`.

A problem carries a :class:`Message` (a key of the locale files' ``problems:`` section and its
arguments), not a sentence: it is put into words only when shown, so the same problem, kept
in a cache or raised through MkDocs, reads in whichever language the playbook speaks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, Union

from .i18n import problem_words

#: What a message's ``{placeholder}`` may be filled with: text from the user's file (shown
#: as written), a number, or another message put into the same language.
Argument = Union[str, int, float, "Message"]
Severity = Literal["error", "warning"]

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class Message:
    """A sentence to show, as a locale key and its arguments."""

    key: str
    args: tuple[tuple[str, Argument], ...] = ()

    @classmethod
    def of(cls, key: str, /, **args: Argument) -> Message:
        return cls(key, tuple(args.items()))

    def render(self, language: str | None = None) -> str:
        """The sentence in ``language`` (English when None).

        Only ``{name}`` placeholders are filled, so a message may show YAML such as
        ``{chi-ha: -1}`` without escaping; a ``count`` argument picks the plural form.
        """
        words = problem_words(language)
        values = {name: render(value, language) for name, value in self.args}
        count = dict(self.args).get("count")
        template = words.plural_form(self.key, count if isinstance(count, int) else None)
        return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def render(text: Argument, language: str | None = None) -> str:
    """A message, or text and numbers as they are, in ``language``."""
    return text.render(language) if isinstance(text, Message) else str(text)


def listed(ids: Iterable[object]) -> str:
    """Ids for a message: ``a``, ``b`` in backticks, joined by commas."""
    return ", ".join(f"`{i}`" for i in ids)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one file, at one place. A ``warning`` does not stop the build."""

    file: str
    line: int
    column: int
    where: str
    message: Message | str
    severity: Severity = "error"

    def text(self, language: str | None = None) -> str:
        """The message alone, in ``language``."""
        return render(self.message, language)

    def render(self, language: str | None = None) -> str:
        """``file:line:column: where: message``, in ``language``."""
        where = f"{self.where}: " if self.where else ""
        return f"{self.file}:{self.line}:{self.column}: {where}{self.text(language)}"

    def __str__(self) -> str:
        return self.render()

    def order(self) -> tuple[str, int, int, str, str]:
        """File by file, top to bottom: the order a reader fixes problems in."""
        return self.file, self.line, self.column, self.where, self.text()


class JourneybookError(Exception):
    """Raised with every problem found, so all of them can be shown at once. The warnings
    found on the way travel with it, so one run shows those too."""

    def __init__(self, problems: Iterable[Problem], warnings: Iterable[Problem] = ()) -> None:
        self.problems = sorted(problems, key=Problem.order)
        self.warnings = sorted(warnings, key=Problem.order)
        super().__init__(self.report())

    def report(self, language: str | None = None) -> str:
        """Every problem, the warnings, then how many problems there are, in ``language``."""
        lines = [p.render(language) for p in self.problems]
        lines += [Message.of("warning_line", problem=p.render(language)).render(language)
                  for p in self.warnings]
        summary = Message.of("build_summary", count=len(self.problems)).render(language)
        return "\n".join([*lines, summary])
