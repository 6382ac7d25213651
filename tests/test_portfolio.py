"""The opportunity portfolio on the improvements page: the impact-effort matrix (markers per
cell, quick wins named), the list in portfolio order, the gap each improvement would close."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

from journeybook import Playbook
from journeybook.site.charts import ChartSpec, MatrixItem, MatrixLegend, render
from journeybook.site.portfolio import portfolio

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<img src=x onerror=alert(1)> & </text>"


def improvement(action: str, impact: int | None = None, effort: int | None = None) -> str:
    rating = (f"\n            impact: {impact}" if impact else "") + (
        f"\n            effort: {effort}" if effort else "")
    return f"\n          - action: '{action}'{rating}"


# Two journeys, rated by hand: cell (impact, effort) → how many markers it must hold.
SHOP = f"""\
title: Shop online
stages:
  - name: Browse
    touchpoints:
      - id: search
        name: Search the catalogue
        emotion: -1
        target: 1
        improvements:{improvement("Fix search typos", 2, 2)}{improvement("Quick filter", 3, 1)}\
{improvement("Rebuild search", 3, 3)}{improvement("Some day", None, None)}
      - id: compare
        name: Compare products
        emotion: 0
        improvements:{improvement(HOSTILE, 3, 1)}{improvement("Comparison table", 2, 1)}
"""
SUPPORT = f"""\
title: Call support
stages:
  - name: Call
    touchpoints:
      - id: wait
        name: Wait on the line
        emotion: -2
        improvements:{improvement("Call back", 3, 2)}{improvement("More agents", 2, 3)}\
{improvement("Hold music", 1, 1)}{improvement("Only impact", 2, None)}
"""
NOTE = """\
---
date: 2026-05-01
scores:
  search: -2
---
# Round 1
"""
#: The order the portfolio must list them in: quick wins (playbook order), then impact minus
#: effort descending, then impact descending, then the playbook's order.
ORDER = ["Quick filter", HOSTILE, "Call back", "Comparison table", "Rebuild search",
         "Fix search typos", "Hold music", "More agents"]
CELLS = {(3, 1): 2, (3, 2): 1, (3, 3): 1, (2, 1): 1, (2, 2): 1, (2, 3): 1, (1, 1): 1}


@pytest.fixture
def built(project):
    site = project("vi")
    site.add("shop", SHOP)
    site.add("support", SUPPORT)
    (site.journeys / "shop" / "evaluations").mkdir()
    (site.journeys / "shop" / "evaluations" / "2026-05-01.md").write_text(NOTE, "utf-8")
    site.build()
    return site


def cells(svg: bytes) -> Counter[tuple[int, int]]:
    """How many numbered markers each (impact, effort) cell of the matrix holds."""
    found: Counter[tuple[int, int]] = Counter()
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        parts = group.get("id", "").split("-")
        if parts[0] == "cell" and parts[3:4] == ["item"] and len(parts) == 5:
            found[int(parts[1]), int(parts[2])] += 1
    return found


def action(item) -> str:
    """The action of a portfolio entry: its bold text, not the quick-win mark nor the gap."""
    [found] = [s.get_text() for s in item.select("strong")
               if s.parent.name != "a" and "Làm ngay" not in s.get_text()]
    return found


def test_matrix_places_each_rated_improvement_in_its_cell(built) -> None:
    charts = built.root / "site" / "actions" / "charts"
    for scheme in ("light", "dark"):
        svg = (charts / f"portfolio-{scheme}.svg").read_bytes()
        assert cells(svg) == CELLS
        text = "".join(ET.fromstring(svg).itertext())
        # Quick wins are named in words, not told by colour alone.
        assert "★ Làm ngay" in text
        assert {"1", "2", "8"} <= set(text.split())


def test_portfolio_lists_improvements_in_order_with_their_gaps(built) -> None:
    page = built.html("actions")
    section = page.select_one("article #portfolio")
    assert section is not None
    [ordered] = [ol for ol in page.select("article ol")]
    items = ordered.select(":scope > li")
    assert [action(li) for li in items] == ORDER
    assert [("★ Làm ngay" in li.get_text()) for li in items] == [True, True] + [False] * 6
    # The hostile action stayed text.
    assert not page.select("article img[onerror]") and HOSTILE in ordered.get_text()
    # Each improvement of the measured touchpoint links to its gap (−2 measured, target +1).
    search = [li for li in items if "Tìm" in li.get_text() or "Search" in li.get_text()]
    assert len(search) == 3
    for li in search:
        gap = next(a for a in li.select("a") if "khoảng cách" in a.get_text())
        assert gap.get_text() == "khoảng cách 3"
        assert gap["href"] == "../journeys/shop/browse/#search"
    compare = next(li for li in items if HOSTILE in li.get_text())
    assert "khoảng cách" not in compare.get_text()


def test_unrated_improvements_come_after_saying_so(built) -> None:
    page = built.html("actions")
    heading = page.select_one("article #not-rated")
    assert heading.get_text(strip=True) == "Chưa đánh giá"
    unrated = heading.find_next("ul").select(":scope > li")
    assert [action(li) for li in unrated] == ["Some day", "Only impact"]


def test_alt_text_and_data_table_read_without_the_chart(built) -> None:
    page = built.html("actions")
    [light] = page.select("article img[src$='portfolio-light.svg#only-light']")
    assert "8 cải tiến" in light["alt"] and "số 1, 2." in light["alt"]
    table = page.select_one("article #portfolio ~ details table")
    rows = [[td.get_text(strip=True) for td in tr.select("td")] for tr in table.select("tbody tr")]
    assert rows == [["Cao", "1, 2 (★ Làm ngay)", "3", "5"],
                    ["Vừa", "4", "6", "8"],
                    ["Thấp", "7", "", ""]]


def test_no_rating_no_portfolio(project) -> None:
    site = project()
    site.add("support", SUPPORT.replace("impact: ", "# impact: ").replace("effort: ",
                                                                          "# effort: "))
    site.build()
    page = site.html("actions")
    assert page.select_one("#portfolio") is None
    assert not (site.root / "site" / "actions" / "charts").exists()


def test_a_crowded_cell_shows_what_fits_and_counts_the_rest() -> None:
    spec = ChartSpec("matrix", (), ("Low", "Medium", "High"),
                     MatrixLegend(impact="Impact", effort="Effort", quick_wins="Quick wins"),
                     items=tuple(MatrixItem(n, 3, 1) for n in range(1, 21)))
    svg = render(spec)["light"]
    assert cells(svg) == {(3, 1): 14}
    assert "+6" in "".join(ET.fromstring(svg).itertext())


def test_ties_keep_the_playbook_order(project) -> None:
    site = project()
    site.add("shop", SHOP)
    site.add("support", SUPPORT)
    playbook = Playbook.load(site.journeys, site.root)
    ranked = portfolio(playbook, playbook.improvements(datetime.date(2026, 6, 1)))
    assert [o.tracked.improvement.action for o in ranked.rated] == ORDER
    assert [o.number for o in ranked.rated] == list(range(1, 9))
    assert ranked.quick_wins == [1, 2]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_sample_matrix_loads_in_its_palette(browser, sample_url: str, scheme: str) -> None:
    page = browser.new_page(color_scheme=scheme)
    page.goto(sample_url + "actions/")
    other = "dark" if scheme == "light" else "light"
    shown = page.locator(f"article img[src*='charts/portfolio-{scheme}.svg']")
    shown.scroll_into_view_if_needed()
    page.wait_for_function("i => i.complete && i.naturalWidth > 0",
                           arg=shown.element_handle(), timeout=10_000)
    shown.wait_for(state="visible")
    page.locator(f"article img[src*='charts/portfolio-{other}.svg']").wait_for(state="hidden")
    # The list reads without the picture: every marker's number is an entry of the list.
    assert page.locator("article #portfolio ~ ol > li").count() >= 1
    page.close()
