"""What changed in the journeys since the previous release: the site's `changes/` page.

The previous release is a git tag: by default the newest tag matching a pattern (``v*``) that
the commit before ``HEAD`` can reach, so a build of a release tag compares with the release
before it, and a build between releases with the latest one. The comparison is the one
`journeybook diff` makes for pull requests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..cache import Recent
from ..errors import Problem
from ..model import Journey
from .diff import JourneyChanges, compare, journeys_at
from .git import GitError, _git, repository_root

#: `changes_since` values that are not git revisions.
AUTO, NONE = "auto", "none"


@dataclass
class Release:
    """The journeys' changes since ``since`` (a tag or revision), or why there are none to
    show (``reason``: "no-git", "no-tag", or git's own message)."""

    since: str | None = None
    reason: str | None = None
    changes: list[JourneyChanges] = field(default_factory=list)
    unreadable: list[Problem] = field(default_factory=list)


class Releases:
    """Compares the journeys with a release; the release's journeys are read from git once per
    commit (a `mkdocs serve` session compares again after every edit)."""

    def __init__(self) -> None:
        self._read: Recent[tuple[list[Journey], list[Problem]]] = Recent()

    def changes_since(self, folder: Path, journeys_dir: Path, journeys: list[Journey],
                      since: str, pattern: str = "v*") -> Release:
        self._read.next_build()
        try:
            repo = repository_root(folder)
        except GitError:
            return Release(reason="no-git")
        if since == AUTO:
            try:
                since = _git(repo, "describe", "--tags", "--abbrev=0", "--match", pattern,
                             "HEAD^").strip()
            except GitError:
                return Release(reason="no-tag")
        if since.startswith("-"):  # a revision, never an option for git
            return Release(since=since, reason="not a git revision")
        try:
            commit = _git(repo, "rev-parse", "--verify", "--quiet",
                          f"{since}^{{commit}}").strip()
            read = self._read.get(commit)
            if read is None:
                read = journeys_at(repo, commit, journeys_dir)
                self._read.put(commit, read)
        except GitError as error:
            return Release(since=since, reason=str(error) or "unknown revision")
        before, unreadable = read
        return Release(since=since, changes=compare(before, journeys), unreadable=unreadable)
