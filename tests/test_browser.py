"""What a reader sees, in a real browser: Debian's Chromium driven by Playwright.

Skipped with a reason when Chromium is not installed; `.ci/run` installs it, so CI runs these.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from journeybook import Playbook

from .conftest import CHROMIUM, FIXTURES, ROOT, Project, serve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM, reason="Chromium is not installed (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def evil_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("evil")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n", "utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Evil\ntheme: {name: material, language: en, features: [content.tooltips]}\n"
        "plugins: [search, journeybook]\n"
        # The sample's riskiest extensions: attribute lists, and snippets able to include
        # any file of the project (mkdocs.yml here) if journey text could trigger them.
        "markdown_extensions: [attr_list, abbr, {pymdownx.snippets: {base_path: ['.']}}]\n",
        "utf-8")
    folder = root / "journeys" / "evil"
    folder.mkdir(parents=True)
    (folder / "journey.yaml").write_text((FIXTURES / "evil.yaml").read_text("utf-8"), "utf-8")
    (folder / "evaluations").mkdir()
    (folder / "evaluations" / "2026-03-01.md").write_text(
        (FIXTURES / "evil-note.md").read_text("utf-8"), "utf-8")
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
        # A last letter with a mark arrives as text, with no key of its own to search on.
        box.press("End")
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
              "checklists/i-onclick-alert-1-team-i-pipe/", "actions/",
              "journeys/evil/script-alert-stage-script-stage-onclick-alert-1/",
              "journeys/evil/evaluations/", "journeys/evil/evaluations/2026-03-01/"]


@pytest.mark.parametrize("path", EVIL_PAGES)
def test_injected_text_never_runs(browser, evil_site: str, path: str) -> None:
    dialogs: list[str] = []
    page = _open(browser, evil_site + path, dialogs)
    # Hover and click everything a reader could, then look for anything that ran.
    # (Material's tooltips show `title`s as HTML: hovering is what would run them.)
    for element in page.locator("article a:visible, article abbr:visible, "
                                "nav.md-nav--secondary a:visible").all():
        element.hover()
        page.wait_for_timeout(50)
    handlers = page.evaluate(
        """() => [...document.querySelectorAll('*')].flatMap(el =>
              [...el.attributes].filter(a => /^on/i.test(a.name)
                 || (/^(href|src)$/i.test(a.name) && /^\\s*(javascript|data):/i.test(a.value)))
              .map(a => el.tagName + ' ' + a.name + '=' + a.value))"""
    )
    assert handlers == []
    assert page.locator("article script, article iframe, article svg[onload]").count() == 0
    # The words an author typed are on the page as text, not swallowed as markup, and no
    # file of the project was pulled in.
    text = page.locator("article").inner_text()
    assert "alert(" in text
    assert "site_name" not in page.content()
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



SCREENS = {
    "home": "",
    "journey": "journeys/goi-tong-dai/",
    "stage": "journeys/goi-tong-dai/lien-he-tong-dai/",
    "checklist": "checklists/trung-tam-lien-lac/",
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_sample_pages_render_and_are_screenshotted(browser, sample_url: str, scheme: str,
                                                  screenshots: Path) -> None:
    for name, path in SCREENS.items():
        dialogs: list[str] = []
        page = _open(browser, sample_url + path, dialogs, scheme)
        assert page.locator("article h1").count() == 1
        page.screenshot(path=screenshots / f"{name}-{scheme}.png", full_page=False)
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


def charts_follow_the_palette(page) -> None:  # type: ignore[no-untyped-def]
    """On a journey overview: the light chart loads and shows, the dark one is hidden; the
    header's toggle switches to the dark palette, and the dark chart takes over."""
    light = page.locator("article img[src*='charts/journey-light.svg']")
    dark = page.locator("article img[src*='charts/journey-dark.svg']")
    assert _loaded_width(light) > 0
    light.wait_for(state="visible")
    dark.wait_for(state="hidden")
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    dark.wait_for(state="visible")
    light.wait_for(state="hidden")
    assert _loaded_width(dark) > 0


def test_charts_load_and_follow_the_palette_toggle(browser, sample_url: str) -> None:
    page = browser.new_page(color_scheme="light")
    page.goto(sample_url + "journeys/goi-tong-dai/")
    page.wait_for_load_state("load")
    charts_follow_the_palette(page)
    stage = browser.new_page(color_scheme="dark")
    stage.goto(sample_url + "journeys/goi-tong-dai/lien-he-tong-dai/")
    stage_dark = stage.locator("article img[src*='charts/stage-lien-he-tong-dai-dark.svg']")
    assert _loaded_width(stage_dark) > 0
    stage_dark.wait_for(state="visible")
    page.close()
    stage.close()


def test_a_site_without_a_palette_shows_each_chart_once(browser, project) -> None:
    """No `palette` in mkdocs.yml: Material sets no colour scheme, and only the light picture
    of a chart may show."""
    p = project()
    p.add("kettle", (FIXTURES / "small.yaml").read_text("utf-8"))
    url, server = serve(p.build())
    try:
        page = browser.new_page(color_scheme="dark")
        page.goto(url + "journeys/kettle/")
        page.locator("article img[src*='charts/journey-light.svg']").wait_for(state="visible")
        page.locator("article img[src*='charts/journey-dark.svg']").wait_for(state="hidden")
        page.close()
    finally:
        server.shutdown()
        server.server_close()


def _tick(page, index: int) -> None:
    """Click a checklist box where a reader sees it (Material draws it left of the item)."""
    indicator = page.locator("article .task-list-item .task-list-indicator").nth(index)
    indicator.scroll_into_view_if_needed()
    box = indicator.bounding_box()
    page.mouse.click(box["x"] - 14, box["y"] + 10)


def _heading(page) -> str:
    return " ".join(page.locator("article h1").inner_text().split()).rstrip("¶").strip()


def test_reader_walks_from_home_to_a_team_checklist(browser, sample_url: str) -> None:
    playbook = Playbook.load(ROOT / "journeys", ROOT)
    journey = {j.id: j for j in playbook.journeys}["goi-tong-dai"]
    page = browser.new_page()
    page.goto(sample_url)
    assert _heading(page).startswith("Journeybook")
    page.locator("nav.md-nav--primary a[href$='journeys/']").first.click()
    page.wait_for_url("**/journeys/")
    assert _heading(page) == "Hành trình"
    page.locator(f"article h3 a[href$='{journey.id}/']").click()  # under its group's h2
    page.wait_for_url(f"**/journeys/{journey.id}/")
    assert _heading(page) == journey.title
    # The overview lists the stages in order, each linking to its page.
    links = page.locator("article h3 a:not(.headerlink)")
    assert [" ".join(t.split()) for t in links.all_inner_texts()] == [
        s.name for s in journey.stages]
    stage = journey.stages[1]
    links.nth(1).click()
    page.wait_for_url(f"**/journeys/{journey.id}/{stage.id}/")
    assert _heading(page) == stage.name
    headings = [" ".join(h.split()).rstrip("¶").strip()
                for h in page.locator("article h2[id]").all_inner_texts()]
    for touchpoint in stage.touchpoints:
        assert touchpoint.name in headings
    # The footer's "next" goes to the next stage, as the nav orders them.
    assert page.locator("a.md-footer__link--next").get_attribute("href").endswith(
        f"{journey.stages[2].id}/")
    page.locator("nav.md-nav--primary a[href$='checklists/trung-tam-lien-lac/']").first.click()
    page.wait_for_url("**/checklists/trung-tam-lien-lac/")
    assert _heading(page) == "Checklist: Trung tâm liên lạc"
    assert page.locator("article h2").count() >= 2  # one section per journey
    page.close()


def test_checklist_ticks_persist_across_reloads_and_reset(browser, sample_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    url = sample_url + "journeys/goi-tong-dai/lien-he-tong-dai/"
    page.goto(url)
    boxes = page.locator("article .task-list-item input[type=checkbox]")
    total = boxes.count()
    progress = page.locator(".jb-progress__count")
    assert progress.inner_text() == f"Đã làm: 0/{total}"
    _tick(page, 0)
    _tick(page, 3)
    assert progress.inner_text() == f"Đã làm: 2/{total}"
    page.reload()
    assert page.locator(".jb-progress__count").inner_text() == f"Đã làm: 2/{total}"
    assert [i for i in range(total) if boxes.nth(i).is_checked()] == [0, 3]
    # Unticking is remembered too, and another page keeps its own ticks.
    _tick(page, 3)
    other = context.new_page()
    other.goto(sample_url + "journeys/goi-tong-dai/checklist/")
    assert other.locator(".jb-progress__count").inner_text().startswith("Đã làm: 0/")
    other.close()
    page.reload()
    assert page.locator(".jb-progress__count").inner_text() == f"Đã làm: 1/{total}"
    page.get_by_role("button", name="Xoá đánh dấu của trang này").click()
    assert progress.inner_text() == f"Đã làm: 0/{total}"
    page.reload()
    assert page.locator(".jb-progress__count").inner_text() == f"Đã làm: 0/{total}"
    context.close()


def test_glossary_terms_explain_themselves(browser, sample_url: str) -> None:
    page = browser.new_page()
    page.goto(sample_url + "journeys/goi-tong-dai/lien-he-tong-dai/")
    term = page.locator("article abbr:visible", has_text="IVR").first
    # Reachable by keyboard, and Material turns the definition into a tooltip shown on focus
    # (and hover), tied to the term for screen readers.
    assert term.get_attribute("tabindex") == "0"
    term.scroll_into_view_if_needed()
    term.focus()
    tooltip = page.locator(".md-tooltip2--active")
    tooltip.wait_for(timeout=5_000)
    assert tooltip.inner_text().startswith("Interactive Voice Response: tổng đài trả lời")
    described = term.get_attribute("aria-describedby")
    assert described and "Interactive Voice Response" in page.locator(
        f"[id='{described}']").inner_text()
    # Vietnamese terms too, on pages written by hand.
    page.goto(sample_url + "phuong-phap/diem-cham/")
    assert page.locator("article abbr", has_text="điểm chạm").count() > 0
    page.goto(sample_url + "glossary/")
    assert page.locator("article td", has_text="Net Promoter Score").count() == 1
    page.close()


# --- WCAG 2.2 AA: axe-core on every kind of page ------------------------------------------

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _hand_written_pages() -> dict[str, str]:
    """Every page of the sample's content/ (written by hand, each its own markup): its URL."""
    pages = {}
    for source in sorted((ROOT / "content").rglob("*.md")):
        parts = source.relative_to(ROOT / "content").with_suffix("").parts
        if parts[-1] == "index":
            parts = parts[:-1]
        pages["/".join(parts) or "home"] = "".join(f"{part}/" for part in parts)
    return pages


#: One page of every kind the plugin generates. A new kind of page goes here.
GENERATED_PAGES = {
    "journeys index": "journeys/",
    "journey landscape": "landscape/",
    "changes": "changes/",
    "journey overview": "journeys/goi-tong-dai/",
    "journey overview, several personas": "journeys/hoa-don-dien-tu/",
    "stage": "journeys/goi-tong-dai/lien-he-tong-dai/",
    "service blueprint": "journeys/goi-tong-dai/blueprint/",
    "journey checklist": "journeys/goi-tong-dai/checklist/",
    "practice quiz": "journeys/goi-tong-dai/quiz/",
    "evaluations index": "journeys/goi-tong-dai/evaluations/",
    "evaluation note": "journeys/goi-tong-dai/evaluations/2026-02-10/",
    "team checklists index": "checklists/",
    "team checklist": "checklists/trung-tam-lien-lac/",
    "improvements": "actions/",
    "channel matrix": "channels/",
    "maps to review": "review/",
    "progress": "progress/",
    "glossary": "glossary/",
}

#: The two widths WCAG is checked at: a desktop (both sidebars shown) and a phone.
WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def _wcag_violations(page) -> list[str]:
    """axe-core's serious and critical WCAG 2.2 AA violations on the page as it is now, one
    readable line each: the rule, what it asks, and where on the page."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    found = []
    for violation in Axe().run(page, options=options).response["violations"]:
        if violation["impact"] not in ("serious", "critical"):
            continue
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        more = len(violation["nodes"]) - 5
        found.append(f"{violation['id']} ({violation['impact']}): {violation['help']}\n"
                     f"      at {targets}" + (f" and {more} more" if more > 0 else ""))
    return found


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_kind_of_page_meets_wcag_22_aa(browser, sample_url: str, scheme: str,
                                             width: str) -> None:
    # One page visits them all: a test per page would start a page per run for nothing.
    context = browser.new_context(color_scheme=scheme, viewport=WIDTHS[width])
    page = context.new_page()
    report = []
    pages = _hand_written_pages() | GENERATED_PAGES
    for name, path in pages.items():
        page.goto(sample_url + path)
        report += [f"{name} ({path or '/'}, {scheme}, {width}): {line}"
                   for line in _wcag_violations(page)]
    context.close()
    assert len(pages) >= 18  # the sample's hand-written pages were found
    assert not report, "axe-core, WCAG 2.2 AA:\n" + "\n".join(report)


def test_printed_checklist_is_a_clean_sheet(browser, sample_url: str, screenshots: Path) -> None:
    page = browser.new_page()
    page.goto(sample_url + "journeys/goi-tong-dai/checklist/")
    _tick(page, 0)
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-sidebar--primary", ".md-footer",
                   ".jb-progress__reset"):
        assert not page.locator(chrome).first.is_visible(), chrome
    indicator = page.locator("article .task-list-indicator").nth(1)
    border = indicator.evaluate("e => getComputedStyle(e, '::before').borderTopStyle")
    assert border == "solid"  # an empty box a pen can tick
    page.screenshot(path=screenshots / "checklist-print.png")
    page.close()


# --- The journeys index: a search field and sortable columns ---------------------------------

def _journey_rows(page) -> list[str]:
    """The titles of the rows a reader sees in the journeys table, top to bottom."""
    return page.locator("article table tbody tr:visible td:first-child").all_inner_texts()


def _visible_headings(page, level: str) -> list[str]:
    return [text.rstrip("¶").strip()
            for text in page.locator(f"article {level}:visible").all_inner_texts()]


def _column(page, number: int) -> list[str]:
    return page.locator(f"article table tbody tr td:nth-child({number})").all_inner_texts()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_journeys_index_finds_a_journey_typed_without_diacritics(
        browser, sample_url: str, scheme: str, screenshots: Path) -> None:
    page = browser.new_page(color_scheme=scheme)
    page.goto(sample_url + "journeys/")
    field = page.get_by_role("searchbox", name="Tìm hành trình")
    status = page.get_by_role("status")
    assert field.get_attribute("placeholder") == "Tên hoặc nhóm"
    assert status.inner_text() == "4/4 hành trình"
    assert status.get_attribute("aria-live") == "polite"
    # The field comes right after the title: a reader tabs to it from the title's anchor.
    page.locator("article h1 a.headerlink").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == field.get_attribute("id")
    page.keyboard.type("tong DAI", delay=20)
    assert _journey_rows(page) == ["Gọi tổng đài khi internet gia đình chập chờn"]
    assert status.inner_text() == "1/4 hành trình"
    # The other journeys' sections below the table are hidden too, with their groups.
    assert _visible_headings(page, "h3") == ["Gọi tổng đài khi internet gia đình chập chờn"]
    assert _visible_headings(page, "h2") == ["Viễn thông"]
    page.screenshot(path=screenshots / f"journeys-search-{scheme}.png")
    assert _wcag_violations(page) == []  # with the search field filled in
    # A group's name finds its journeys too; no match says so; an empty field shows all.
    field.fill("dich vu doanh nghiep")
    assert _journey_rows(page) == ["Doanh nghiệp chọn và gắn bó với phần mềm hóa đơn điện tử",
                                   "Xuất hóa đơn điện tử đầu tiên"]
    field.fill("khong co")
    assert _journey_rows(page) == [] and status.inner_text() == "0/4 hành trình"
    field.fill("")
    assert len(_journey_rows(page)) == 4 and page.locator("article h3:visible").count() == 4
    # Each header is one stop for the keyboard, even with a glossary term in it ("Điểm chạm").
    stops = []
    for _ in range(6):
        page.keyboard.press("Tab")
        stops.append(page.evaluate("document.activeElement.tagName + ' ' + "
                                   "document.activeElement.textContent"))
    assert stops == ["BUTTON Hành trình", "BUTTON Nhóm", "BUTTON Giai đoạn", "BUTTON Điểm chạm",
                     "BUTTON ★", "BUTTON ▼"]
    page.keyboard.press("Enter")
    assert _column(page, 6) == ["5", "6", "7", "7"]
    assert page.locator("article th[aria-sort=ascending]").inner_text() == "▼"
    page.close()


def test_journeys_index_without_javascript_is_a_plain_table(browser, sample_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(sample_url + "journeys/")
    assert page.locator("article table tbody tr").count() == 4
    assert page.locator("article input, article button").count() == 0
    # The search field's words are in the page for the script, never shown.
    assert not page.locator(".jb-journey-finder").is_visible()
    context.close()


@pytest.fixture(scope="module")
def grouped_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Vietnamese site of four journeys whose touchpoint counts sort differently as numbers
    (1, 2, 3, 12) and as text, and whose titles sort differently in Vietnamese ("Đ" after
    every "D") than by code point ("Đ" after "Z") or in English ("Đặt" before "Dịch")."""
    root = tmp_path_factory.mktemp("grouped")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Trang chủ\n", "utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Nhóm\ntheme: {name: material, language: vi}\n"
        "plugins: [search, journeybook]\n", "utf-8")
    site = Project(root)
    for journey_id, title, group, touchpoints in [
            ("a", "Đặt hàng", "Bán lẻ", 3), ("b", "Dịch vụ sửa chữa", "Kỹ thuật", 12),
            ("c", "Zalo hỗ trợ", "Bán lẻ", 2), ("d", "Bảo hành", "", 1)]:
        stops = "".join(f"      - name: Điểm {n}\n        emotion: 0\n"
                        for n in range(touchpoints))
        site.add(journey_id, f"title: {title}\ngroup: '{group}'\n"
                             f"stages:\n  - name: Một\n    touchpoints:\n{stops}")
    url, server = serve(site.build())
    yield url
    server.shutdown()
    server.server_close()


def test_journeys_index_sorts_by_any_column_with_the_keyboard(browser, grouped_url: str) -> None:
    page = browser.new_page()
    page.goto(grouped_url + "journeys/")
    # Playbook order within groups, the group without a name last.
    assert _journey_rows(page) == ["Đặt hàng", "Zalo hỗ trợ", "Dịch vụ sửa chữa", "Bảo hành"]
    assert page.locator("article th[aria-sort]").count() == 0
    touchpoints = page.get_by_role("button", name="Điểm chạm")
    header = page.locator("article th", has=touchpoints)
    # Tab from the search field through the headers: journey, group, stages, touchpoints.
    page.get_by_role("searchbox").focus()
    for _ in range(4):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Điểm chạm"
    page.keyboard.press("Enter")
    assert _column(page, 4) == ["1", "2", "3", "12"]
    assert header.get_attribute("aria-sort") == "ascending"
    page.keyboard.press("Space")
    assert _column(page, 4) == ["12", "3", "2", "1"]
    assert header.get_attribute("aria-sort") == "descending"
    # Sorting by title follows the page's language; only the sorted column has aria-sort.
    page.get_by_role("button", name="Hành trình").click()
    assert _journey_rows(page) == ["Bảo hành", "Dịch vụ sửa chữa", "Đặt hàng", "Zalo hỗ trợ"]
    assert page.locator("article th[aria-sort]").count() == 1
    assert header.get_attribute("aria-sort") is None
    # Sorted rows still filter.
    page.get_by_role("searchbox").fill("ban le")
    assert _journey_rows(page) == ["Đặt hàng", "Zalo hỗ trợ"]
    assert page.get_by_role("status").inner_text() == "2/4 hành trình"
    page.close()
