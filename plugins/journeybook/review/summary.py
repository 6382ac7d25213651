"""The pull-request summary of `journeybook diff`: what a change does to the journeys, as
Markdown a reviewer reads."""

from __future__ import annotations

from ..errors import Problem
from ..i18n import labels
from ..site.pages import TEMPLATES
from .diff import JourneyChanges, RemovedComments


def diff_summary(changes: list[JourneyChanges], ref: str, unreadable: list[Problem],
                 language: str | None = None,
                 removed_comments: list[RemovedComments] | None = None) -> str:
    """The Markdown a reviewer reads: what a change does to the journeys."""
    t = labels(language)
    text = TEMPLATES.get_template("diff.md.j2").render(
        t=t, plural=t.plural, label=lambda key: t.get(str(key), str(key)), changes=changes,
        ref=ref,
        unreadable=unreadable, removed_comments=removed_comments or [],
    )
    # GitHub's Markdown turns `@name` into a mention that notifies people or whole teams; a
    # journey's text must never ping anyone. (The template itself writes no `@`.)
    return text.replace("@", "&#64;")
