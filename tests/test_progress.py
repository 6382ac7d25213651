"""The progress page (`progress/`): what this reader opened, ticked and scored, kept in the
browser only."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from journeybook import Playbook
from journeybook.site.pages import build_site

from .conftest import CHROMIUM, ROOT

DASH = "\u2013"  # what an empty cell shows


def test_the_progress_page_lists_every_journeys_pages_with_their_checklist_items() -> None:
    playbook = Playbook.load(ROOT / "journeys", ROOT)
    page = build_site(playbook, "vi").pages["progress/index.md"].content
    assert page.startswith("# Tiến độ học tập\n")
    for journey in playbook.journeys:
        assert f"{{ #{journey.id} }}" in page
        for stage in journey.stages:
            items = sum(len(tp.checklist) for tp in stage.touchpoints)
            row = re.search(rf"\| \[[^\]]*{re.escape(stage.name)}\]\(\.\./journeys/"
                            rf"{journey.id}/{stage.id}\.md\) \| {DASH} \| (\S+) \| {DASH} \|",
                            page)
            assert row, (journey.id, stage.id)
            assert row.group(1) == (f"{DASH}/{items}" if items else DASH)
        # The practice quiz: a score, no checklist.
        assert (f"| [Luyện tập](../journeys/{journey.id}/quiz.md) | {DASH} | {DASH} | {DASH} |"
                in page)
    # Nothing is claimed before the script has read the browser's storage.
    assert "✓" not in page



@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM, reason="Chromium is not installed (apt-get install chromium)")
def test_progress_counts_pages_opened_and_ticks_and_clears(browser, sample_url: str,
                                                           tmp_path: Path) -> None:
    context = browser.new_context()
    page = context.new_page()
    stage = "journeys/goi-tong-dai/lien-he-tong-dai/"
    page.goto(sample_url + stage)
    indicator = page.locator("article .task-list-item .task-list-indicator").first
    indicator.scroll_into_view_if_needed()
    box = indicator.bounding_box()
    page.mouse.click(box["x"] - 14, box["y"] + 10)
    page.wait_for_function("document.querySelector('article .task-list-item input').checked")
    # The quiz script (next) keeps each page's score under this key; the progress page reads it.
    page.evaluate("path => localStorage.setItem('journeybook:quiz:' + path,"
                  " JSON.stringify({right: 2, total: 3}))", "/" + stage)

    page.goto(sample_url + "progress/")
    row = page.locator("article table tr", has=page.locator(f"a[href$='{stage}']"))
    today = datetime.date.today().isoformat()
    cells = row.locator("td")
    assert cells.nth(1).inner_text().strip() == f"✓ {today}"
    assert re.fullmatch(r"1/\d+", cells.nth(2).inner_text().strip())
    assert cells.nth(3).inner_text().strip() == "2/3"
    unopened = page.locator("article table tr",
                            has=page.locator("a[href$='journeys/hoa-don-dien-tu/']"))
    assert unopened.locator("td").nth(1).inner_text().strip() == DASH
    summary = page.locator("p.jb-study__summary")
    opened, ticked = summary.get_attribute("data-progress").split(";")
    assert opened.startswith("1/")  # the stage page (this page is not a row)
    assert ticked.startswith("1/")
    # The words come from the locale file, the "needs JavaScript" line is gone.
    assert "Đã mở" in summary.inner_text()
    assert not page.locator("p.jb-study").is_visible()
    page.screenshot(path=str(tmp_path / "progress.png"), full_page=True)
    # Printed: one A4 page to sign, without the button.
    page.emulate_media(media="print")
    assert not page.locator("button.jb-study__reset").is_visible()
    assert "Chữ ký người hướng dẫn" in page.locator("article").inner_text()
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    page.emulate_media(media="screen")

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("button.jb-study__reset").click()
    page.wait_for_load_state("load")
    row = page.locator("article table tr", has=page.locator(f"a[href$='{stage}']"))
    assert row.locator("td").nth(1).inner_text().strip() == DASH
    assert row.locator("td").nth(3).inner_text().strip() == DASH
    context.close()
