"""`journeybook build --engine mkdocs|properdocs|zensical`: the same playbook from each engine.

The sample is built once per engine (with the session's chart cache); the browser tests then
check on each site what a reader relies on: charts that follow the palette, remembered ticks,
glossary terms explained, search in Vietnamese.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from journeybook.cli import main

from .conftest import CHROMIUM, Project, copy_sample, serve
from .test_browser import _tick, charts_follow_the_palette
from .test_browser import search as material_search

ENGINES = ("mkdocs", "properdocs", "zensical")
JOURNEY = "journeys/goi-tong-dai/"
STAGE = "journeys/goi-tong-dai/lien-he-tong-dai/"

needs_chromium = pytest.mark.skipif(
    not CHROMIUM, reason="Chromium is not installed (apt-get install chromium)")


def _tree(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.stat().st_size)
            for p in folder.rglob("*")}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, sample_site: Project) -> dict[str, Path]:
    """The sample, copied once and built by each engine into its own folder."""
    root = tmp_path_factory.mktemp("engines")
    copy_sample(root, warm_from=sample_site)
    before = {name: _tree(root / name) for name in ("content", "journeys", "includes")}
    sites = {}
    for engine in ENGINES:
        sites[engine] = root / f"site-{engine}"
        assert main(["build", "--engine", engine, "-f", str(root / "mkdocs.yml"),
                     "-d", str(sites[engine])]) == 0, engine
    # The sources are read, never written.
    assert before == {name: _tree(root / name) for name in ("content", "journeys", "includes")}
    return sites


@pytest.fixture(scope="module")
def urls(built: dict[str, Path]) -> Iterator[dict[str, str]]:
    servers = {engine: serve(site) for engine, site in built.items()}
    yield {engine: url for engine, (url, _server) in servers.items()}
    for _url, server in servers.values():
        server.shutdown()
        server.server_close()


def _pages(site: Path) -> set[str]:
    return {p.parent.relative_to(site).as_posix() for p in site.rglob("index.html")}


def _heading_ids(site: Path, page: str) -> list[str]:
    # A regular expression, not an HTML parser: 76 pages × 3 sites in a blink.
    html = (site / page / "index.html").read_text("utf-8")
    article = html[html.index("<article"):html.index("</article>")]
    return re.findall(r"<h[1-6][^>]*\sid=\"([^\"]*)\"", article)


@pytest.mark.slow
def test_every_engine_builds_the_same_pages_with_the_same_anchors(built) -> None:
    pages = {engine: _pages(site) for engine, site in built.items()}
    assert pages["properdocs"] == pages["mkdocs"]
    assert pages["zensical"] == pages["mkdocs"]
    for page in (JOURNEY.rstrip("/"), STAGE.rstrip("/"), "changes", "glossary", "checklists",
                 "journeys/goi-tong-dai/evaluations/2026-02-10", "phuong-phap/diem-cham"):
        assert page in pages["zensical"]
    # Links to a heading (`#duoc-goi-dung-ten`) work on every engine: the same anchors.
    # The form editor (admin/, the sample's `cms: true`) is the same on every engine.
    config = (built["mkdocs"] / "admin" / "config.yml").read_text("utf-8")
    for engine in ("properdocs", "zensical"):
        assert (built[engine] / "admin" / "config.yml").read_text("utf-8") == config
        assert (built[engine] / "admin" / "decap-cms.js").is_file()
    for page in sorted(pages["mkdocs"] - {"admin"}):
        ids = _heading_ids(built["mkdocs"], page)
        assert _heading_ids(built["properdocs"], page) == ids, page
        assert _heading_ids(built["zensical"], page) == ids, page
    # Zensical's pages carry the checklist script and the print stylesheet too.
    html = (built["zensical"] / STAGE / "index.html").read_text("utf-8")
    assert "assets/journeybook/journeybook.js" in html
    assert "assets/journeybook/journeybook.css" in html


def _edit_link(site: Path, page: str) -> str | None:
    """Where the page's "Edit this page" leads, as a browser resolves it."""
    soup = BeautifulSoup((site / page / "index.html").read_text("utf-8"), "html.parser")
    link = soup.select_one("a[rel=edit]")
    return urllib.parse.urljoin("https://x/", link["href"]) if link else None


@pytest.mark.slow
def test_edit_this_page_opens_what_it_opens_under_mkdocs(built) -> None:
    """A stage opens its journey's YAML, an evaluation its note, a page made of every journey
    nothing, a hand-written page its Markdown: on Zensical as with the plugin."""
    stage = _edit_link(built["zensical"], STAGE)
    assert stage == "https://github.com/journeybook/journeybook/edit/main/journeys/goi-tong-dai/journey.yaml"
    for page in (STAGE, "journeys/goi-tong-dai/evaluations/2026-02-10", "journeys",
                 "phuong-phap/diem-cham"):
        assert _edit_link(built["zensical"], page) == _edit_link(built["mkdocs"], page), page
    assert _edit_link(built["zensical"], "journeys") is None


@pytest.mark.slow
def test_properdocs_runs_the_plugin_on_properdocs_own_classes(tmp_path: Path) -> None:
    """Under ProperDocs, `mkdocs.*` is ProperDocs: the plugin and Material load from it even
    with MkDocs installed beside it, and no MkDocs module is ever imported."""
    probe = (
        "import sys, runpy\n"
        "from properdocs import replacement\n"
        "from journeybook.plugin import JourneybookPlugin\n"
        "from properdocs.plugins import BasePlugin\n"
        "import material.plugins.search.plugin\n"
        "assert issubclass(JourneybookPlugin, BasePlugin)\n"
        "assert not any(getattr(m, '__file__', '') and '/mkdocs/' in m.__file__\n"
        "               for m in list(sys.modules.values())), 'MkDocs imported'\n"
        "print('ok')\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=False)
    assert done.stdout.strip() == "ok", done.stderr


@pytest.mark.parametrize("engine", ["properdocs", "zensical"])
def test_a_missing_engine_says_what_to_install(engine: str, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, engine, None)  # Python's way of saying "not installed"
    assert main(["build", "--engine", engine, "-f", str(tmp_path / "mkdocs.yml")]) == 1
    assert capsys.readouterr().err == (
        f'error: {engine} is not installed; install it with pip install "journeybook[{engine}]"'
        "\n")


def test_an_unknown_engine_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--engine", "hugo"]) == 1
    assert capsys.readouterr().err == (
        "error: unknown engine `hugo`; choose one of mkdocs, properdocs, zensical\n")


def test_zensical_refuses_to_empty_the_project(tmp_path: Path, sample_site: Project,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    copy_sample(tmp_path)
    assert main(["build", "--engine", "zensical", "-f", str(tmp_path / "mkdocs.yml"),
                 "-d", str(tmp_path)]) == 1
    assert "choose another folder with -d" in capsys.readouterr().err
    assert (tmp_path / "journeys").is_dir()


# --- In Chromium, on each engine's site ---------------------------------------------------


def _search(page, engine: str, text: str) -> list[str]:
    """Type into the site's search box as a reader does; the links of the results."""
    if engine != "zensical":
        material_search(page, text)
        return page.locator(".md-search-result__link").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))")
    # Zensical's own search: a dialog with a combobox and a list of options.
    page.locator(".md-search__button").click()
    box = page.get_by_role("combobox")
    for _ in range(20):
        box.fill("")
        box.press_sequentially(text, delay=20)
        try:
            page.get_by_role("option").first.wait_for(timeout=1_000)
            break
        except PlaywrightTimeout:
            continue
    return page.get_by_role("option").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")


@needs_chromium
@pytest.mark.parametrize("engine", ENGINES)
def test_charts_follow_the_palette(browser, urls, engine: str) -> None:
    page = browser.new_page(color_scheme="light")
    page.goto(urls[engine] + JOURNEY)
    charts_follow_the_palette(page)
    page.close()


@needs_chromium
@pytest.mark.parametrize("engine", ENGINES)
def test_checklist_ticks_are_remembered(browser, urls, engine: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(urls[engine] + STAGE)
    boxes = page.locator("article .task-list-item input[type=checkbox]")
    total = boxes.count()
    assert total > 3
    progress = page.locator(".jb-progress__count")
    assert progress.inner_text() == f"Đã làm: 0/{total}"
    _tick(page, 0)
    _tick(page, 2)
    assert progress.inner_text() == f"Đã làm: 2/{total}"
    page.reload()
    assert page.locator(".jb-progress__count").inner_text() == f"Đã làm: 2/{total}"
    assert [i for i in range(total) if boxes.nth(i).is_checked()] == [0, 2]
    context.close()


@needs_chromium
@pytest.mark.parametrize("engine", ENGINES)
def test_glossary_terms_explain_themselves(browser, urls, engine: str) -> None:
    page = browser.new_page()
    page.goto(urls[engine] + STAGE)
    term = page.locator("article abbr:visible", has_text="IVR").first
    term.scroll_into_view_if_needed()
    term.focus()
    # The theme turns the `title` into a tooltip, tied to the term for screen readers.
    tooltip = page.locator(".md-tooltip2--active")
    tooltip.wait_for(timeout=5_000)
    assert tooltip.inner_text().startswith("Interactive Voice Response")
    page.close()


@needs_chromium
@pytest.mark.parametrize("engine", ENGINES)
def test_search_finds_a_vietnamese_word(browser, urls, engine: str) -> None:
    page = browser.new_page()
    page.goto(urls[engine])
    hrefs = _search(page, engine, "tổng đài")
    assert any(STAGE in (href or "") for href in hrefs), hrefs
    page.close()


# --- serve --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _page_text(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def _wait_until(check, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    raise AssertionError("timed out")


def _served_edit_link(url: str) -> str | None:
    link = BeautifulSoup(_page_text(url), "html.parser").select_one("a[rel=edit]")
    return str(link["href"]) if link else None


@pytest.mark.slow
def test_zensical_serve_regenerates_after_a_journey_edit(tmp_path: Path,
                                                         sample_site: Project) -> None:
    copy_sample(tmp_path, warm_from=sample_site)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/{JOURNEY}"
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "journeybook.cli", "serve", "--engine", "zensical",
         "-a", f"127.0.0.1:{port}"], cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        _wait_until(lambda: "Gọi tổng đài" in _page_text(url))
        journey = tmp_path / "journeys" / "goi-tong-dai" / "journey.yaml"
        text = journey.read_text("utf-8")
        title = re.search(r"^title: (.*)$", text, re.M)
        assert title
        # With a link title only the sanitiser makes text (Zensical renders it while serving).
        journey.write_text(text.replace(title.group(0), "title: Gọi tổng đài lần hai").replace(
            "summary: >-\n", f"summary: >-\n  {LINK_TITLE}\n", 1), "utf-8")
        _wait_until(lambda: "Gọi tổng đài lần hai" in _page_text(url))
        assert 'title="&amp;lt;img src=x onerror=alert(1)&gt;"' in _page_text(url)
        # The served pages are finished as built ones: "Edit this page" opens the YAML.
        _wait_until(lambda: _served_edit_link(url) == (
            "https://github.com/journeybook/journeybook/edit/main/journeys/goi-tong-dai/"
            "journey.yaml"))
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
    # Stopping the command stops Zensical's server too, and no error came out as a traceback.
    assert _page_text(url) == ""
    assert "Traceback" not in (tmp_path / "serve.log").read_text("utf-8")


#: What the escaper leaves to the sanitiser: a `<` in a link title, which Material's tooltips
#: (`content.tooltips`) show as HTML.
LINK_TITLE = '[l](https://x "<img src=x onerror=alert(1)>")'


@pytest.fixture(scope="module")
def evil_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The evil journey and note built by Zensical, beside a hand-written page."""
    from .conftest import FIXTURES

    root = tmp_path_factory.mktemp("evil")
    (root / "docs").mkdir()
    # The site owner's page: hers, left as written (here, an element not on the allowlist).
    (root / "docs" / "index.md").write_text('# Home\n\n<video src="intro.mp4"></video>\n',
                                            "utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Evil\ntheme: {name: material, language: en, features: [content.tooltips]}\n"
        "plugins: [search, journeybook]\nmarkdown_extensions: [attr_list, abbr]\n", "utf-8")
    folder = root / "journeys" / "evil"
    (folder / "evaluations").mkdir(parents=True)
    # A stage whose name closes the page's <title>, where Zensical decodes the nav title.
    evil = (FIXTURES / "evil.yaml").read_text("utf-8").replace(
        "<script>alert('stage')", "</title><script>alert('stage')", 1).replace(
        "summary: >-\n", f"summary: >-\n  {LINK_TITLE}\n", 1)
    (folder / "journey.yaml").write_text(evil, "utf-8")
    (folder / "evaluations" / "2026-03-01.md").write_text(
        (FIXTURES / "evil-note.md").read_text("utf-8"), "utf-8")
    site = root / "site"
    assert main(["build", "--engine", "zensical", "-f", str(root / "mkdocs.yml"),
                 "-d", str(site)]) == 0
    return site


def test_zensical_cleans_generated_pages_as_the_plugin_does(evil_site: Path) -> None:
    """The allowlist runs on Zensical too: what only it catches (a link title holding markup)
    is gone from every generated page; the owner's page is not touched, the theme's scripts
    stay."""
    from .test_sanitize import live_markup

    journey = (evil_site / "journeys" / "evil" / "index.html").read_text("utf-8")
    assert 'href="https://x"' in journey  # the link is kept, its title made text
    assert "assets/javascripts/bundle" in journey
    # Zensical's own skip-link target sits in <article>: the theme's, not the page's.
    theirs = "<a id='__skip'> takes a theme id"
    for page in (evil_site / "journeys").rglob("index.html"):
        found = live_markup(page.read_text("utf-8"), whole_page=True)
        assert [item for item in found if item != theirs] == [], page
    assert '<video src="intro.mp4">' in (evil_site / "index.html").read_text("utf-8")


@needs_chromium
def test_injected_text_never_runs_on_zensical(browser, evil_site: Path) -> None:
    """Zensical prints navigation titles as HTML and page titles through `striptags`: a
    journey's text must still come out as text (the plugin's safety, kept without it)."""
    from .test_browser import EVIL_PAGES

    url, server = serve(evil_site)
    dialogs: list[str] = []
    try:
        page = browser.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for path in [p.replace("script-alert-stage", "title-script-alert-stage")
                     for p in EVIL_PAGES]:
            page.goto(url + path)
            assert page.locator("article h1").count() == 1, path
            for element in page.locator("article a:visible").all():
                element.hover()
            handlers = page.evaluate(
                """() => [...document.querySelectorAll('*')].flatMap(el =>
                      [...el.attributes].filter(a => /^on/i.test(a.name))
                      .map(a => el.tagName + ' ' + a.name))""")
            assert handlers == [], path
        page.close()
    finally:
        server.shutdown()
        server.server_close()
    assert dialogs == []


@pytest.mark.slow
def test_two_zensical_builds_at_once_both_succeed_alike(built: dict[str, Path]) -> None:
    """Two builds of one project at the same time (two terminals, CI and an editor) share
    its work folder: the second waits for the first, and both sites are whole and equal."""
    root = built["zensical"].parent
    command = [sys.executable, "-m", "journeybook.cli", "build", "--engine", "zensical"]
    runs = [subprocess.Popen([*command, "-d", str(root / f"together-{n}")], cwd=root,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for n in (1, 2)]
    results = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    assert "Traceback" not in "".join(out + err for out, err in results)
    def contents(site: Path) -> dict[str, bytes]:
        return {p.relative_to(site).as_posix(): p.read_bytes()
                for p in site.rglob("*") if p.is_file()}

    first, second = (contents(root / f"together-{n}") for n in (1, 2))
    assert first == second
    assert first.keys() == contents(built["zensical"]).keys()
