"""``journeybook pdf``: a journey, or the whole playbook, as one PDF for trainers.

The PDF is the site itself, printed. MkDocs builds the site (with the plugin) into a temporary
folder, served on 127.0.0.1 while Chromium, driven by Playwright, opens a blank page there;
``print/assemble.js`` gathers the chosen pages' ``<article>``s into it with the site's
stylesheets (whose print rules already print checkboxes empty and hide buttons) and
``print/print.css``, and ``page.pdf()`` prints that one document: page numbers run on across
pages, bookmarks come from the headings (``outline``), the text is tagged and selectable, and
the SVG charts stay vectors. Printing one document rather than a PDF per page and merging them
keeps page numbers, links between pages and bookmarks Chromium's job.

Chromium cannot print a page number next to a heading, so the document is printed twice: the
first print says on which sheet each page of the site starts (the named destinations of the
contents' links, read with pypdf), the second prints the contents with those numbers.
"""

from __future__ import annotations

import concurrent.futures
import difflib
import functools
import importlib.resources
import io
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import escape
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .files import write_atomic
from .i18n import is_available, labels
from .model import Journey
from .playbook import Playbook
from .site.paths import (
    journey_blueprint_path,
    journey_checklist_path,
    journey_path,
    journey_quiz_path,
    stage_path,
)

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

#: What to install when the renderer is missing.
INSTALL = ('pip install "journeybook[pdf]", and a Chromium: `apt-get install chromium` '
           "(Debian, Ubuntu) or `playwright install chromium`")
#: Where Debian and most Linux distributions put Chromium.
SYSTEM_CHROMIUM = "/usr/bin/chromium"
#: The page the print document is assembled in (in the temporary site only).
PRINT_PAGE = "journeybook-print.html"
#: Long enough for a big playbook's pages to load and print on a slow machine.
TIMEOUT_MS = 300_000


class PdfError(Exception):
    """Something the user can fix (a missing renderer, an unknown journey …): the message
    says what to do."""


@dataclass(frozen=True)
class Section:
    """One page of the site in the PDF: where it is (a URL relative to the site) and what the
    contents call it."""

    url: str
    label: str
    #: The journey's overview: in the whole playbook its title is the journey's heading.
    opens_part: bool = False


@dataclass(frozen=True)
class Part:
    """A journey's pages, under its title."""

    title: str
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Printed:
    """What ``journeybook pdf`` made: the number of sheets, and the seconds building the site
    and printing it took."""

    pages: int
    sections: int
    build_seconds: float
    print_seconds: float


def _url(page: str) -> str:
    """A generated page's URL in the site (directory URLs, MkDocs' default)."""
    page = page.removesuffix(".md")
    return (page.removesuffix("index") if page.endswith("/index") else page + "/")


def journey_part(journey: Journey, language: str | None) -> Part:
    """A journey's pages in the PDF: the overview, every stage, the service blueprint, the
    checklist and the practice quiz, as the site's navigation lists them. Evaluation notes
    are the CX team's working papers, not class material: left out."""
    t = labels(language)
    sections = [Section(_url(journey_path(journey)), t["overview"], opens_part=True)]
    sections += [Section(_url(stage_path(journey, stage)), f"{number}. {stage.name}")
                 for number, stage in enumerate(journey.stages, start=1)]
    sections += [Section(_url(journey_blueprint_path(journey)), t["blueprint"]),
                 Section(_url(journey_checklist_path(journey)), t["journey_checklist"]),
                 Section(_url(journey_quiz_path(journey)), t["practice"])]
    return Part(journey.title, tuple(sections))


def chromium_executable(chosen: str | None = None) -> str | None:
    """The Chromium to print with: ``chosen`` (``--chromium``), else ``JOURNEYBOOK_CHROMIUM``,
    else Playwright's own when it is installed (None), else the system's."""
    chosen = chosen or os.environ.get("JOURNEYBOOK_CHROMIUM")
    if chosen:
        found = shutil.which(chosen)
        if found is None:
            raise PdfError(f"no Chromium at {chosen}; give the path of a Chromium "
                           f"executable, or install one: {INSTALL}")
        return found
    own = _apart(_playwright_chromium)
    if own and Path(own).is_file():
        return None
    found = shutil.which("chromium") or shutil.which(SYSTEM_CHROMIUM)
    if found is None:
        raise PdfError(f"no Chromium found to print with; install it: {INSTALL}")
    return found


def _playwright_chromium() -> str:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        return playwright.chromium.executable_path


_T = TypeVar("_T")


def _apart(work: Callable[..., _T], *args: Any) -> _T:
    """Run ``work`` in a thread of its own and return what it returns (or raise what it
    raises). Playwright's synchronous API refuses to run in a thread whose asyncio loop is
    running, as it is when the caller drives a browser itself (a test, a notebook, an async
    app); a new thread has no loop."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work, *args).result()


def _require_renderer() -> None:
    try:
        import playwright.sync_api  # noqa: F401
        import pypdf  # noqa: F401
    except ImportError as exc:
        package = (exc.name or "playwright").split(".")[0]
        raise PdfError(f"`journeybook pdf` needs {package}: {INSTALL}") from None


def _config(config_file: Path, site_dir: Path, language: str | None) -> MkDocsConfig:
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    if not config_file.is_file():
        raise PdfError(f"{config_file}: no such file; give the site's mkdocs.yml with -f")
    try:
        config = load_config(str(config_file), site_dir=str(site_dir))
    except ConfigurationError as exc:
        raise PdfError(f"{config_file}: {exc}") from None
    plugin = config.plugins.get("journeybook")
    if plugin is None:
        raise PdfError(f"{config_file}: the journeybook plugin is not in `plugins:`; add "
                       "`- journeybook` there")
    if language is not None:
        plugin.config.language = language
        config.theme["language"] = language
    return config


def _language(config: MkDocsConfig) -> str | None:
    """The language of the pages, as the plugin chooses it."""
    plugin = config.plugins["journeybook"]
    theme_language = config.theme.get("language")
    chosen: str | None = plugin.config.language
    return chosen or (theme_language if is_available(theme_language) else None)


def _playbook(config: MkDocsConfig) -> Playbook:
    root = Path(config.config_file_path).resolve().parent
    folder = Path(os.path.abspath(root / config.plugins["journeybook"].config.journeys_dir))
    return Playbook.load(folder, root)


def _choose(playbook: Playbook, journey_id: str | None, where: str) -> list[Journey]:
    if journey_id is None:
        return list(playbook.journeys)
    known = [journey.id for journey in playbook.journeys]
    for journey in playbook.journeys:
        if journey.id == journey_id:
            return [journey]
    hint = difflib.get_close_matches(journey_id, known, n=1)
    raise PdfError(f"no journey `{journey_id}` in {where}"
                   + (f" (did you mean `{hint[0]}`?)" if hint else "")
                   + f"; journeys: {', '.join(known) or 'none'}")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def _served(folder: Path) -> Iterator[str]:
    """The built site on 127.0.0.1 (a free port) while printing; its URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _resource(name: str) -> str:
    return (importlib.resources.files("journeybook") / "print" / name).read_text("utf-8")


def _margin_template(text: str, align: str) -> str:
    # Chromium draws these in the page margins with a tiny default font: sizes are explicit.
    return (f'<div style="box-sizing:border-box;width:100%;padding:0 14mm;font-size:8pt;'
            f'color:#555;'
            f'text-align:{align};font-family:sans-serif">{text}</div>')


def _start_pages(pdf: bytes, targets: list[str]) -> dict[str, int]:
    """The sheet (from 1) each target of the contents' links starts on, from the named
    destinations Chromium writes for them."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    wanted = set(targets)
    found = {}
    for name, destination in reader.named_destinations.items():
        # pypdf gives the names as PDF names ("/s3").
        number = reader.get_destination_page_number(destination)
        if name.removeprefix("/") in wanted and number is not None:
            found[name.removeprefix("/")] = number + 1
    return found


def _print(page: Any, header: str, numbers: dict[str, int] | None) -> bytes:
    if numbers is not None:
        page.evaluate("""numbers => document.querySelectorAll('.jb-print-contents__page')
            .forEach(cell => { cell.textContent = numbers[cell.dataset.target] ?? ''; })""",
                      numbers)
    pdf: bytes = page.pdf(
        format="A4", print_background=True, prefer_css_page_size=True, outline=True,
        tagged=True, display_header_footer=True,
        header_template=_margin_template(escape(header), "center"),
        footer_template=_margin_template(
            '<span class="pageNumber"></span> / <span class="totalPages"></span>', "right"),
    )
    return pdf


def _render(url: str, parts: list[Part], header: str, contents_title: str,
            chromium: str | None) -> bytes:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=chromium, headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync", "--no-first-run"])
        except PlaywrightError as exc:
            which = chromium or "Playwright's own"
            raise PdfError(f"cannot start Chromium ({which}): {str(exc).splitlines()[0]}; "
                           f"{INSTALL}") from None
        try:
            page = browser.new_page(color_scheme="light")
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(url + PRINT_PAGE)
            page.emulate_media(media="print", color_scheme="light")
            page.evaluate(_resource("assemble.js"), {
                "parts": [{"title": part.title, "sections": [
                    {"url": url + section.url, "label": section.label,
                     "opensPart": section.opens_part} for section in part.sections]}
                    for part in parts],
                "contentsTitle": contents_title,
                "partHeadings": len(parts) > 1,
            })
            page.add_style_tag(content=_resource("print.css"))
            targets = page.eval_on_selector_all(
                ".jb-print-contents__page", "cells => cells.map(cell => cell.dataset.target)")
            first = _print(page, header, None)
            numbers = _start_pages(first, targets)
            pdf = _print(page, header, numbers)
        finally:
            browser.close()
    return pdf


def _page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def make_pdf(config_file: Path, output: Path, journey_id: str | None = None,
             language: str | None = None, chromium: str | None = None) -> Printed:
    """Print ``journey_id`` (or, without one, every journey of the playbook) of the site
    ``config_file`` describes to ``output``. Raises :class:`PdfError` for what the user can
    fix, :class:`~journeybook.errors.JourneybookError` for mistakes in the journeys."""
    _require_renderer()
    executable = chromium_executable(chromium)
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    with tempfile.TemporaryDirectory(prefix="journeybook-pdf-") as work:
        site = Path(work) / "site"
        config = _config(config_file, site, language)
        playbook = _playbook(config)
        journeys = _choose(playbook, journey_id,
                           str(config.plugins["journeybook"].config.journeys_dir) + "/")
        language = _language(config)
        started = time.perf_counter()
        try:
            build(config)
        except MkDocsException as exc:
            raise PdfError(f"the site does not build: {exc}") from None
        built = time.perf_counter()
        header = journeys[0].title if journey_id else config.site_name
        # The PDF's title is the page's.
        (site / PRINT_PAGE).write_text('<!doctype html><meta charset="utf-8"><title>'
                                       f"{escape(header)}</title>", "utf-8")
        parts = [journey_part(journey, language) for journey in journeys]
        with _served(site) as url:
            pdf = _apart(_render, url, parts, header, labels(language)["pdf_contents"],
                         executable)
    try:
        write_atomic(output, pdf)
    except OSError as exc:
        raise PdfError(f"cannot write {output}: {exc.strerror or exc}") from None
    return Printed(_page_count(pdf), sum(len(part.sections) for part in parts),
                   built - started, time.perf_counter() - built)
