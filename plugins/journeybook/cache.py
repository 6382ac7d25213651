"""Parsed journeys, drawn charts and rendered pages, kept between builds under ``cache_dir``.

Each entry is one file, ``<key><suffix>``: a header line naming the format, the entry and the
SHA-256 of what follows, then the payload. An entry that is missing, unreadable, truncated,
damaged, renamed or of another format is a miss: the caller parses or draws again and puts
the entry back. Nothing read from the cache can stop a build.

Keys are hashes of exactly the inputs, so an entry never changes meaning: builds of different
configurations sharing one folder (a `vi` and an `en` site, ``journeybook generate`` beside
``mkdocs build``), even at the same time, keep each other's entries. Pruning deletes only the
cache's own entries that no build has used for :data:`MAX_AGE`; other files are left alone.

A folder that cannot be used (a file in the way, no permission, a full disk) turns the whole
cache off at the first failure, with one reason to report; the build goes on without it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import time
from pathlib import Path
from typing import Any, Generic, TypeVar

from .files import write_atomic

_Value = TypeVar("_Value")

#: First word of every entry; with :data:`FORMAT`, entries of another layout are misses.
MAGIC = "journeybook-cache"
FORMAT = 1
#: An entry no build has used for this long is deleted (seconds).
MAX_AGE = 7 * 24 * 3600
#: A used entry's time is refreshed when older than this: enough for pruning by age, without
#: writing to every entry on every build.
TOUCH_AFTER = 24 * 3600
#: A temporary file this old was left by a build that was killed while writing.
TEMPORARY_MAX_AGE = 3600


class Recent(Generic[_Value]):
    """What this build and the one before it used, by key: what a process that builds again
    and again (``mkdocs serve``) keeps in memory from one build to the next, and no more.
    A build that used nothing (it failed early) keeps what the one before had."""

    def __init__(self) -> None:
        self._last: dict[str, _Value] = {}
        self._used: dict[str, _Value] = {}

    def get(self, key: str) -> _Value | None:
        found = self._used.get(key)
        if found is None:
            found = self._last.get(key)
            if found is not None:
                self._used[key] = found
        return found

    def put(self, key: str, value: _Value) -> None:
        self._used[key] = value

    def next_build(self) -> None:
        self._last, self._used = self._used or self._last, {}

    def clear(self) -> None:
        self._last, self._used = {}, {}


class Digests:
    """SHA-256 of texts, remembered for the texts this build and the one before hashed:
    ``mkdocs serve`` hands the same string objects to each rebuild (a page's kept Markdown
    and HTML), so each is hashed once, not once per rebuild."""

    def __init__(self) -> None:
        self._recent: Recent[tuple[str, str]] = Recent()

    def of(self, text: str) -> str:
        known = self._recent.get(str(id(text)))
        if known is not None and known[0] is text:
            return known[1]
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        self._recent.put(str(id(text)), (text, digest))
        return digest

    def next_build(self) -> None:
        self._recent.next_build()


class Health:
    """Whether a cache folder can still be used; its stores share one, so that a folder that
    fails is reported once, however many entries would have failed after it."""

    def __init__(self) -> None:
        #: Why the cache was turned off (the first failure), or None while it works.
        self.failure: str | None = None

    def fail(self, error: OSError) -> None:
        if self.failure is None:
            # mkdir over an existing file says "File exists"; what the user must hear is that
            # a folder is expected there.
            exists = isinstance(error, FileExistsError)
            self.failure = "Not a directory" if exists else (error.strerror or str(error))


class Store:
    """Entries of one kind in one folder, named ``<hex key><suffix>``."""

    def __init__(self, directory: Path, suffix: str, health: Health | None = None) -> None:
        self.directory = directory
        self.suffix = suffix
        self.health = health or Health()
        name = r"[0-9a-f]{16,64}" + re.escape(suffix)
        self._entry = re.compile(name)
        # The temporary files of `write_atomic`: `.<name>.<random>.tmp` beside the entry.
        self._temporary = re.compile(rf"\.{name}\.[a-z0-9_]+\.tmp")
        self._pruned = False

    def get(self, key: str) -> bytes | None:
        """The payload stored under ``key``, or None when there is none that can be trusted."""
        if self.health.failure:
            return None
        path = self._path(key)
        try:
            with path.open("rb") as file:
                data = file.read()
                modified = os.fstat(file.fileno()).st_mtime
        except OSError:
            return None  # missing or unreadable: a miss (a folder that fails is told by put)
        header, _, payload = data.partition(b"\n")
        if header != self._header(path.name, payload):
            return None
        if time.time() - modified > TOUCH_AFTER:
            # Used: keep it from pruning. Failing to touch costs at most a redraw later.
            with contextlib.suppress(OSError):
                os.utime(path)
        return payload

    def put(self, key: str, payload: bytes) -> None:
        if self.health.failure:
            return
        path = self._path(key)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            write_atomic(path, self._header(path.name, payload) + b"\n" + payload)
        except OSError as error:
            self.health.fail(error)

    def prune(self) -> None:
        """Delete this store's entries that no build has used for :data:`MAX_AGE`, and the
        temporary files of builds killed while writing. Other files are never touched.
        Once per process: ``mkdocs serve`` rebuilds do not list the folder again."""
        if self.health.failure or self._pruned:
            return
        self._pruned = True
        now = time.time()
        try:
            with os.scandir(self.directory) as listing:
                found = [entry for entry in listing if entry.is_file(follow_symlinks=False)]
        except (FileNotFoundError, NotADirectoryError):
            return  # nothing stored yet (a folder in the way is told by put)
        except OSError as error:
            self.health.fail(error)
            return
        for entry in found:
            if self._entry.fullmatch(entry.name):
                limit = MAX_AGE
            elif self._temporary.fullmatch(entry.name):
                limit = TEMPORARY_MAX_AGE
            else:
                continue
            try:
                if now - entry.stat(follow_symlinks=False).st_mtime > limit:
                    os.unlink(entry.path)
            except FileNotFoundError:
                continue  # another build pruned it first
            except OSError as error:
                self.health.fail(error)
                return

    def _path(self, key: str) -> Path:
        name = key + self.suffix
        if not self._entry.fullmatch(name):
            raise ValueError(f"not a cache key: {key!r}")
        return self.directory / name

    @staticmethod
    def _header(name: str, payload: bytes) -> bytes:
        # The entry's own name: a copied or renamed entry is a miss.
        return f"{MAGIC} {FORMAT} {name} {hashlib.sha256(payload).hexdigest()}".encode()


class JourneyCache:
    """Validated journeys as JSON, keyed by a hash of the file's bytes and the loader's code.

    A warm build reads these instead of parsing and validating YAML again. The caller must
    still validate what it gets: an entry that is not a journey is a miss too.
    """

    def __init__(self, directory: Path, health: Health | None = None) -> None:
        self.store = Store(directory, ".json", health)
        #: Journeys already validated (by this build or the one before, for `mkdocs serve`).
        self.validated: Recent[Any] = Recent()

    def get(self, key: str) -> str | None:
        payload = self.store.get(key)
        try:
            return None if payload is None else payload.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def put(self, key: str, text: str) -> None:
        self.store.put(key, text.encode("utf-8"))

    def prune(self) -> None:
        self.store.prune()


class ChartCache:
    """Light and dark SVGs of each chart, as ``<key>-light.svg`` and ``<key>-dark.svg``."""

    def __init__(self, directory: Path, health: Health | None = None) -> None:
        health = health or Health()
        self.stores = {variant: Store(directory, f"-{variant}.svg", health)
                       for variant in ("light", "dark")}
        #: The pictures of this build and the one before (for `mkdocs serve`).
        self.recent: Recent[dict[str, bytes]] = Recent()

    def get(self, key: str) -> dict[str, bytes] | None:
        """Every variant of the chart, or None when any of them is missing or damaged."""
        known = self.recent.get(key)
        if known is not None:
            return known
        svgs: dict[str, bytes] = {}
        for variant, store in self.stores.items():
            svg = store.get(key)
            if svg is None:
                return None
            svgs[variant] = svg
        self.recent.put(key, svgs)
        return svgs

    def put(self, key: str, svgs: dict[str, bytes]) -> None:
        for variant, store in self.stores.items():
            store.put(key, svgs[variant])
        self.recent.put(key, svgs)

    def prune(self) -> None:
        for store in self.stores.values():
            store.prune()


class Cache:
    """The cache folder (``cache_dir``): parsed journeys and drawn charts, sharing one
    :class:`Health` so that a folder that cannot be used is reported once."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.health = Health()
        self.journeys = JourneyCache(directory / "journeys", self.health)
        self.charts = ChartCache(directory / "charts", self.health)
        #: Generated pages rendered to HTML (see ``rebuild``), as JSON.
        self.pages = Store(directory / "pages", ".json", self.health)

    def next_build(self) -> None:
        """Start another build with this cache (``mkdocs serve``): a folder that failed is
        tried again, journeys validated by the last build are kept."""
        self.health.failure = None
        self.journeys.validated.next_build()
        self.charts.recent.next_build()

    def warning(self, shown_as: str) -> str | None:
        """What to tell the user when the cache was turned off; ``shown_as`` names the folder
        the way the user wrote it."""
        if self.health.failure is None:
            return None
        return (f"cannot use the cache folder {shown_as} ({self.health.failure}); "
                "building without it")
