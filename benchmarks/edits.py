"""The five edits of issue 12, as an author makes them under `mkdocs serve`, and a served
site to make them in.

Shared by `serve_edit.py` (how long until the served page shows the edit) and
`tests/test_incremental.py` (the served site equals a full build after each edit). Each edit
works on any playbook folder: it changes one value of one journey, in place, the way an
author's editor would (one line changed, comments and layout kept), and says which page must
show what once the edit is served. The marker carries a caller-chosen ``tag`` so it is found on
that page only after the edit.
"""

from __future__ import annotations

import copy
import datetime
import html
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from mkdocs.commands.build import build
from mkdocs.config import load_config

from journeybook.files import write_atomic
from journeybook.model import Journey, Stage, Touchpoint
from journeybook.site import paths
from journeybook.site.escape import signed
from journeybook.source.journeys import JOURNEY_FILE, parse_journey
from journeybook.source.yaml import parse_yaml

DataPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Edit:
    """One planned change of one file; nothing is written until :meth:`apply`."""

    kind: str
    journey: str
    file: Path
    text: str
    #: The page (a URL relative to the site root, like ``journeys/x/checklist/``) to look at.
    url: str
    #: Text the page shows, once the edit is served (compared with the page's visible text).
    marker: str
    #: A page the edit removes (a renamed stage without an explicit `id:` moves).
    gone: str | None = None

    def apply(self) -> None:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.file, self.text)

    def shown_in(self, page: str) -> bool:
        return self.marker in visible_text(page)


def visible_text(page: str) -> str:
    """A page's HTML as a reader sees its words: tags dropped, entities read, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", page)).split())


def without_livereload(page: str) -> str:
    """A page served by `mkdocs serve` as `mkdocs build` writes it: serve adds one
    ``<script>`` (its live-reload poller) just before the last ``</body>``."""
    body_end = page.rfind("</body>")
    start = page.rfind("<script>", 0, body_end)
    if body_end < 0 or start < 0 or "livereload" not in page[start:body_end]:
        return page
    return page[:start] + page[body_end:]


def page_url(markdown_path: str) -> str:
    """Where MkDocs serves a page: ``journeys/x/index.md`` → ``journeys/x/``,
    ``journeys/x/stage.md`` → ``journeys/x/stage/``."""
    stem = markdown_path.removesuffix(".md")
    return stem.removesuffix("index") if stem.endswith("/index") or stem == "index" else stem + "/"


# --- Changing one value of a journey file ----------------------------------------------------

def _value(data: Any, path: DataPath) -> Any:
    for part in path:
        data = data[part]
    return data


def _replace(text: str, path: DataPath, new: str | int) -> str | None:
    """``text`` with the value at ``path`` replaced by ``new``, changing only the characters of
    that value; None when the value is not a one-line plain scalar (quoted, folded …) or the
    change would not read back as exactly ``new``."""
    document = parse_yaml(text, JOURNEY_FILE)
    old = _value(document.data, path)
    line_number, column = document.positions.values[path]
    # Split at "\n" only, as YAML counts lines; a "\r" before it stays where it is.
    lines = text.split("\n")
    line = lines[line_number - 1]
    if isinstance(old, int):
        found = re.match(r"[+-]?\d+", line[column - 1:])
        raw = found.group() if found else None
    else:
        raw = old if line.startswith(str(old), column - 1) else None
    if raw is None:
        return None
    lines[line_number - 1] = line[:column - 1] + str(new) + line[column - 1 + len(raw):]
    changed = "\n".join(lines)
    # Read back: the edit changed that value and nothing else.
    expected = copy.deepcopy(document.data)
    _value(expected, path[:-1])[path[-1]] = new
    return changed if parse_yaml(changed, JOURNEY_FILE).data == expected else None


def _journey(journeys: Path, journey_id: str) -> tuple[Path, str, Journey]:
    file = journeys / journey_id / JOURNEY_FILE
    text = file.read_bytes().decode("utf-8")  # as saved: no newline translation
    return file, text, _loaded(text, file, journey_id)


def _loaded(text: str, file: Path, journey_id: str) -> Journey:
    journey, problems = parse_journey(text, str(file), journey_id)
    if journey is None:
        raise ValueError(f"{file} does not load: {problems}")
    return journey


def _first(candidates: list[tuple[DataPath, str | int]], text: str,
           what: str, file: Path) -> tuple[DataPath, str]:
    for path, new in candidates:
        changed = _replace(text, path, new)
        if changed is not None:
            return path, changed
    raise ValueError(f"{file}: no {what} written as a one-line plain value to change")


# --- The five edits --------------------------------------------------------------------------

def touchpoint_emotion(journeys: Path, journey_id: str, tag: str) -> Edit:
    """A touchpoint's emotion moves to +2 (or −2 when it is +2 already). The stage page's
    chart table then has the row "<touchpoint> <new score>". (``tag`` is not needed: the
    touchpoint's name and its new score are the marker.)"""
    file, text, journey = _journey(journeys, journey_id)
    candidates: list[tuple[DataPath, str | int]] = []
    places: dict[DataPath, tuple[Stage, Touchpoint]] = {}
    for s, stage in enumerate(journey.stages):
        for t, touchpoint in enumerate(stage.touchpoints):
            path: DataPath = ("stages", s, "touchpoints", t, "emotion")
            candidates.append((path, 2 if touchpoint.emotion != 2 else -2))
            places[path] = (stage, touchpoint)
    path, changed = _first(candidates, text, "emotion", file)
    stage, touchpoint = places[path]
    new = 2 if touchpoint.emotion != 2 else -2
    return Edit("touchpoint emotion", journey_id, file, changed,
                page_url(paths.stage_path(journey, stage)), f"{touchpoint.name} {signed(new)}")


def stage_name(journeys: Path, journey_id: str, tag: str) -> Edit:
    """The journey's last stage is renamed "<name> <tag>", on the journey's overview page
    and as its label in the navigation of every page showing that part of the navigation.
    Without an explicit `id:` the stage's page moves."""
    file, text, journey = _journey(journeys, journey_id)
    number = len(journey.stages)
    stage = journey.stages[-1]
    new = f"{stage.name} {tag}"
    _, changed = _first([(("stages", number - 1, "name"), new)], text, "stage name", file)
    renamed = _loaded(changed, file, journey_id)
    old_url = page_url(paths.stage_path(journey, stage))
    new_url = page_url(paths.stage_path(renamed, renamed.stages[-1]))
    return Edit("stage name", journey_id, file, changed, page_url(paths.journey_path(journey)),
                new, gone=old_url if old_url != new_url else None)


def checklist_item(journeys: Path, journey_id: str, tag: str) -> Edit:
    """The first checklist item of the journey becomes "<item> <tag>", on the journey's
    checklist page. (The marker is the tag: the item itself may hold Markdown.)"""
    file, text, journey = _journey(journeys, journey_id)
    candidates: list[tuple[DataPath, str | int]] = [
        (("stages", s, "touchpoints", t, "checklist", i), f"{item} {tag}")
        for s, stage in enumerate(journey.stages)
        for t, touchpoint in enumerate(stage.touchpoints)
        for i, item in enumerate(touchpoint.checklist)]
    _, changed = _first(candidates, text, "checklist item", file)
    return Edit("checklist item", journey_id, file, changed,
                page_url(paths.journey_checklist_path(journey)), tag)


def journey_title(journeys: Path, journey_id: str, tag: str) -> Edit:
    """The journey's title becomes "<title> <tag>", the heading of its overview page (and
    its label in the navigation)."""
    file, text, journey = _journey(journeys, journey_id)
    new = f"{journey.title} {tag}"
    _, changed = _first([(("title",), new)], text, "title", file)
    return Edit("journey title", journey_id, file, changed,
                page_url(paths.journey_path(journey)), new)


def evaluation_note(journeys: Path, journey_id: str, tag: str) -> Edit:
    """A new evaluation note, dated after every other note of the journey, titled
    "Evaluation <tag>": the journey's evaluations page lists it."""
    file, _, journey = _journey(journeys, journey_id)
    folder = file.parent / "evaluations"
    dates = [datetime.date.fromisoformat(note.name[:10]) for note in folder.glob("*.md")
             if re.match(r"\d{4}-\d{2}-\d{2}", note.name)] if folder.is_dir() else []
    day = max([datetime.date(2027, 6, 15), *(d + datetime.timedelta(days=1) for d in dates)])
    touchpoint = journey.stages[0].touchpoints[0]
    title = f"Evaluation {tag}"
    note = (f"---\ndate: {day.isoformat()}\ntitle: {title}\nevaluators:\n  - Benchmark\n"
            f"method: Mystery shopping\nscores:\n  {touchpoint.id}: 1\nnps: 30\ncsat: 80\n---\n\n"
            f"## Scope\n\nOne visit, written by the incremental-serve benchmark.\n")
    return Edit("evaluation note", journey_id, folder / f"{day.isoformat()}-danh-gia.md", note,
                page_url(paths.evaluations_path(journey)), title)


#: The issue's five edits, in its order; each ``(journeys folder, journey id, tag) -> Edit``.
FIVE_EDITS: tuple[Callable[[Path, str, str], Edit], ...] = (
    touchpoint_emotion, stage_name, checklist_item, journey_title, evaluation_note)


# --- A served site ---------------------------------------------------------------------------

#: What `mkdocs serve` logs when a rebuild after a change ends, well or badly.
_REBUILT = re.compile(r"Reloading browsers|An error happened during the rebuild")
_CHANGED = "Detected file changes"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    """Plain `mkdocs serve` of a project, as the README tells authors to run it (no
    ``--dirty``), its output kept in a log file."""

    def __init__(self, root: Path, log: Path, *options: str) -> None:
        self.root = root
        self.log = log
        #: More options for `mkdocs serve` (``--dirty`` …), none for what authors run.
        self.options = options
        self.port = free_port()
        #: What serve sets `site_url` to; a full build to compare with uses the same.
        self.site_url = f"http://127.0.0.1:{self.port}/"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{self.port}",
                 *self.options],
                cwd=self.root, stdout=out, stderr=subprocess.STDOUT,
                env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def output(self, since: int = 0) -> str:
        return self.log.read_text("utf-8", "replace")[since:]

    def mark(self) -> int:
        """Where the log ends now: wait for what is logged after it."""
        return len(self.output())

    def _wait(self, ready: Callable[[str], bool], what: str, since: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not ready(self.output(since)):
            if not self.running():
                raise RuntimeError(f"mkdocs serve stopped while {what}:\n{self.output()[-3000:]}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{timeout:.0f} s {what}:\n{self.output()[-3000:]}")
            time.sleep(0.05)

    def wait_until_serving(self, timeout: float = 1800) -> None:
        self._wait(lambda log: "Serving on" in log, "waiting for the first build", 0, timeout)

    def wait_for_rebuild(self, since: int, timeout: float = 600) -> bool:
        """Wait until the rebuild that a change after ``since`` started has ended, and no other
        is pending; True when it built, False when it failed."""

        def settled(log: str) -> bool:
            ends = list(_REBUILT.finditer(log))
            return bool(ends) and _CHANGED not in log[ends[-1].end():]

        while True:
            self._wait(settled, "waiting for the rebuild", since, timeout)
            # A change seen during the build starts another one at once: let it show.
            time.sleep(0.5)
            if settled(self.output(since)):
                ends = list(_REBUILT.finditer(self.output(since)))
                return ends[-1].group() == "Reloading browsers"

    def get(self, url: str) -> tuple[int, bytes]:
        """Status and body of a page or file, ``url`` relative to the site root."""
        try:
            with urllib.request.urlopen(self.site_url + url, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except (urllib.error.URLError, ConnectionError):
            return 0, b""

    def page(self, url: str) -> str:
        """A served page as `mkdocs build` writes it ("" if it is not served)."""
        status, body = self.get(url)
        return without_livereload(body.decode("utf-8")) if status == 200 else ""

    def poll(self, edit: Edit, interval: float = 0.02, timeout: float = 600) -> float:
        """Seconds from now until the edit's page shows its marker, fetched every ``interval``."""
        start = time.perf_counter()
        while not edit.shown_in(self.page(edit.url)):
            if time.perf_counter() - start > timeout:
                raise TimeoutError(f"{edit.kind}: {edit.url} never showed {edit.marker!r}")
            time.sleep(interval)
        return time.perf_counter() - start


def full_build(root: Path, site_url: str, site_dir: Path) -> Path:
    """`mkdocs build` of the project's files as they are now, into ``site_dir``."""
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(site_dir), site_url=site_url)
    build(config)
    return site_dir


def site_urls(site: Path, under: str = "") -> list[str]:
    """The URLs of a built site's pages (and its charts and search index) below ``under``:
    what a served site must show exactly as built."""
    urls = []
    for path in sorted((site / under).rglob("*")):
        relative = path.relative_to(site).as_posix()
        if path.name == "index.html":
            urls.append(relative.removesuffix("index.html"))
        elif path.suffix in (".html", ".svg") or relative == "search/search_index.json":
            urls.append(relative)
    return urls


def differences(server: Server, site: Path, urls: Iterable[str]) -> list[str]:
    """Each URL the server shows differently from the built ``site``, with the first line
    that differs."""
    found = []
    for url in urls:
        file = site / url / "index.html" if url.endswith("/") or not url else site / url
        built = file.read_bytes()
        status, served = server.get(url)
        if status != 200:
            found.append(f"{url}: HTTP {status}")
            continue
        if file.suffix == ".html":
            served = without_livereload(served.decode("utf-8")).encode("utf-8")
        if served != built:
            found.append(f"{url}: {_first_difference(served, built)}")
    return found


def _first_difference(served: bytes, built: bytes) -> str:
    pairs = zip(served.decode("utf-8", "replace").splitlines(),
                built.decode("utf-8", "replace").splitlines(), strict=False)
    for number, (a, b) in enumerate(pairs, start=1):
        if a != b:
            return f"line {number}: served {a.strip()[:160]!r}, built {b.strip()[:160]!r}"
    return f"served {len(served)} bytes, built {len(built)}"

