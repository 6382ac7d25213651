"""What a reader sees, in a real browser: Debian's Chromium driven by Playwright.

Skipped with a reason when Chromium is not installed; `.ci/run` installs it, so CI runs these.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from .conftest import CHROMIUM, FIXTURES, ROOT, Project, serve

SCREENSHOTS = ROOT / "test-output" / "screenshots"

pytestmark = pytest.mark.skipif(
    not CHROMIUM, reason="Chromium is not installed (apt-get install chromium)"
)


@pytest.fixture(scope="module")
def evil_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("evil")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n", "utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Evil\ntheme: {name: material, language: en}\n"
        "plugins: [search, journeybook]\n", "utf-8")
    folder = root / "journeys" / "evil"
    folder.mkdir(parents=True)
    (folder / "journey.yaml").write_text((FIXTURES / "evil.yaml").read_text("utf-8"), "utf-8")
    site = Project(root).build()
    url, server = serve(site)
    yield url
    server.shutdown()
    server.server_close()


def search(page, text: str) -> None:
    """Type into Material's search box the way a reader does ("/" focuses it)."""
    page.keyboard.press("/")
    box = page.locator("input.md-search__input")
    # The index loads in a web worker after the page; a query typed before it is ready is
    # dropped, so type again until results come (as an impatient reader would).
    for _ in range(40):
        box.fill("")
        box.press_sequentially(text, delay=20)
        try:
            page.wait_for_selector(".md-search-result__item", timeout=500)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"no search results for {text!r}")


def _open(browser, url: str, dialogs: list[str], scheme: str = "light"):
    page = browser.new_page(color_scheme=scheme)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url)
    return page


EVIL_PAGES = ["journeys/", "journeys/evil/", "journeys/evil/checklist/", "checklists/",
              "checklists/i-onclick-alert-1-team-i-pipe/"]


@pytest.mark.parametrize("path", EVIL_PAGES)
def test_injected_text_never_runs(browser, evil_site: str, path: str) -> None:
    dialogs: list[str] = []
    page = _open(browser, evil_site + path, dialogs)
    # Hover and click everything a reader could, then look for anything that ran.
    for link in page.locator("article a").all():
        link.hover()
    handlers = page.evaluate(
        """() => [...document.querySelectorAll('*')].flatMap(el =>
              [...el.attributes].filter(a => /^on/i.test(a.name)
                 || (/^(href|src)$/i.test(a.name) && /^\\s*(javascript|data):/i.test(a.value)))
              .map(a => el.tagName + ' ' + a.name + '=' + a.value))"""
    )
    assert handlers == []
    assert page.locator("article script, article iframe, article svg[onload]").count() == 0
    page.close()
    assert dialogs == []


def test_titles_headings_and_nav_show_the_text(browser, evil_site: str) -> None:
    dialogs: list[str] = []
    page = _open(browser, evil_site + "journeys/evil/", dialogs)
    assert page.title() == "</title><script>alert('title')</script> Evil <b>journey</b> - Evil"
    assert page.locator("article h1").inner_text().startswith("</title><script>")
    nav = page.locator("nav.md-nav--primary").inner_text()
    assert "<script>alert('stage')</script>" in nav
    stage = page.locator("article h3 a").first
    stage.click()
    page.wait_for_load_state()
    assert "<script>alert('touchpoint')</script>" in page.locator("article h2").all_inner_texts()
    assert page.locator("article table td", has_text="|<b>x</b>|").count() == 1
    page.close()
    assert dialogs == []


def test_search_results_show_injected_text_as_text(browser, evil_site: str) -> None:
    dialogs: list[str] = []
    page = _open(browser, evil_site, dialogs)
    search(page, "evil")
    results = page.locator(".md-search-result").inner_text()
    # The journey's title, tags and all, comes back as the text it is.
    assert "<b>journey</b>" in results
    assert page.locator(".md-search-result img, .md-search-result script, "
                        ".md-search-result iframe").count() == 0
    page.close()
    assert dialogs == []


@pytest.fixture(scope="module")
def sample_url(sample_site: Project) -> Iterator[str]:
    url, server = serve(sample_site.root / "site")
    yield url
    server.shutdown()
    server.server_close()


SCREENS = {
    "home": "",
    "journey": "journeys/goi-tong-dai/",
    "stage": "journeys/goi-tong-dai/lien-he-tong-dai/",
    "checklist": "checklists/trung-tam-lien-lac/",
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_sample_pages_render_and_are_screenshotted(browser, sample_url: str, scheme: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, path in SCREENS.items():
        dialogs: list[str] = []
        page = _open(browser, sample_url + path, dialogs, scheme)
        assert page.locator("article h1").count() == 1
        page.screenshot(path=SCREENSHOTS / f"{name}-{scheme}.png", full_page=False)
        page.close()


def test_search_finds_a_touchpoint_by_vietnamese_words(browser, sample_url: str) -> None:
    page = browser.new_page()
    page.goto(sample_url)
    search(page, "tổng đài")
    hrefs = page.locator(".md-search-result__link").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")
    assert any("journeys/goi-tong-dai/lien-he-tong-dai/" in href for href in hrefs)
    page.close()


def _loaded_width(image) -> int:
    image.scroll_into_view_if_needed()
    image.page.wait_for_function("i => i.complete && i.naturalWidth > 0",
                                 arg=image.element_handle(), timeout=10_000)
    return image.evaluate("i => i.naturalWidth")


def test_charts_load_and_follow_the_palette_toggle(browser, sample_url: str) -> None:
    page = browser.new_page(color_scheme="light")
    page.goto(sample_url + "journeys/goi-tong-dai/")
    page.wait_for_load_state("load")
    light = page.locator("article img[src*='charts/journey-light.svg']")
    dark = page.locator("article img[src*='charts/journey-dark.svg']")
    assert _loaded_width(light) > 0
    light.wait_for(state="visible")
    dark.wait_for(state="hidden")
    # The header's toggle switches to the dark palette, and the dark chart takes over.
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    dark.wait_for(state="visible")
    light.wait_for(state="hidden")
    assert _loaded_width(dark) > 0
    stage = browser.new_page(color_scheme="dark")
    stage.goto(sample_url + "journeys/goi-tong-dai/lien-he-tong-dai/")
    stage_dark = stage.locator("article img[src*='charts/stage-lien-he-tong-dai-dark.svg']")
    assert _loaded_width(stage_dark) > 0
    stage_dark.wait_for(state="visible")
    page.close()
    stage.close()
