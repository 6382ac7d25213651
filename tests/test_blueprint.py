"""The service blueprint page (journeys/<id>/blueprint/): stages as columns, the layers behind
the experience as rows, the three lines between them, read from a real build."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from journeybook.model import id_problems

from .conftest import ROOT, Project

BLUEPRINT_JOURNEY = """\
title: Fixing a broken kettle
stages:
  - id: report
    name: Report
    touchpoints:
      - id: web-form
        name: Web form
        doing: Fills in the repair form
        emotion: 0
        layers:
          interactions: [Describe the fault, Upload a photo]
          procedures: [Triage within a day]
          systems: [CRM, Ticketing]
      - id: partner-shop
        name: Partner shop
        direct: false
        doing: Asks the shop where they bought it
        emotion: 1
        layers:
          interactions: [Hand in the kettle]
          procedures: [Shop forwards the kettle weekly]
          systems: [CRM]
  - id: repair
    name: Repair
    touchpoints:
      - id: hostile
        name: "<script>alert('tp')</script> **not bold**"
        doing: |-
          --8<-- "secret.txt"
        emotion: -1
        layers:
          systems: ["</table><b>Spares</b> & stock"]
"""

LANES = ["Customer actions", "Front stage: touchpoints and interactions",
         "Back stage: procedures and indirect touchpoints", "Support systems"]
LINES = ["Line of interaction", "Line of visibility", "Line of internal interaction"]


def _built(project_factory, tmp_path: Path) -> tuple[Project, BeautifulSoup]:
    p = project_factory(language="en")
    p.add("kettle", BLUEPRINT_JOURNEY)
    (tmp_path / "docs" / "secret.txt").write_text("TOP SECRET", encoding="utf-8")
    p.build()
    return p, p.html("journeys/kettle/blueprint")


def _cell(table: Tag, lane: str, stage: int) -> Tag:
    """The cell of a lane (its row header's text) under a stage (counted from 0)."""
    [header] = [th for th in table.select("th[scope=row]") if th.get_text(strip=True) == lane]
    return header.find_parent("tr").find_all("td")[stage]


def _names(cell: Tag) -> list[str]:
    return [a.get_text() for a in cell.find_all("a")]


def test_every_touchpoint_sits_in_its_stage_and_layer(project, tmp_path: Path) -> None:
    _, page = _built(project, tmp_path)
    [table] = page.select("article table")
    assert table.caption.get_text() == "Service blueprint: Fixing a broken kettle"
    assert [th.get_text() for th in table.select("thead th[scope=col]")] == [
        "1. Report", "2. Repair"]
    assert [th.get_text() for th in table.select("tbody th[scope=row]")] == LANES

    # Front stage: direct touchpoints, each with its interactions under it.
    assert _names(_cell(table, LANES[1], 0)) == ["Web form"]
    [web_form] = _cell(table, LANES[1], 0).select(":scope > ul > li")
    assert [li.get_text() for li in web_form.select("ul li")] == [
        "Describe the fault", "Upload a photo"]
    assert _names(_cell(table, LANES[1], 1)) == ["<script>alert('tp')</script> **not bold**"]
    # Back stage: the indirect touchpoint, then every procedure of the stage.
    back = _cell(table, LANES[2], 0)
    assert _names(back) == ["Partner shop"]
    assert "Hand in the kettle" in back.get_text()
    assert [li.get_text() for li in back.select(":scope > ul > li")][1:] == [
        "Triage within a day", "Shop forwards the kettle weekly"]
    # Customer actions and support systems, a system shared by two touchpoints once.
    assert [li.get_text() for li in _cell(table, LANES[0], 0).select("li")] == [
        "Fills in the repair form", "Asks the shop where they bought it"]
    assert [li.get_text() for li in _cell(table, LANES[3], 0).select("li")] == [
        "CRM", "Ticketing"]
    # An empty cell says so rather than looking broken.
    assert _cell(table, LANES[2], 1).get_text(strip=True) == "\u2013"  # an en dash


def test_the_three_lines_cross_the_whole_table_between_the_right_layers(
        project, tmp_path: Path) -> None:
    _, page = _built(project, tmp_path)
    rows = page.select("article table tbody tr")
    names = [row.get_text(strip=True) if "jb-blueprint__line" in row.get("class", [])
             else row.th.get_text() for row in rows]
    assert names == [LANES[0], LINES[0], LANES[1], LINES[1], LANES[2], LINES[2], LANES[3]]
    for row in rows[1::2]:
        [cell] = row.find_all("td")
        assert cell["colspan"] == "3"  # the row names' column and both stages


def test_links_lead_to_the_touchpoints_and_stages(project, tmp_path: Path) -> None:
    p, page = _built(project, tmp_path)
    links = page.select("article table a[href]")
    assert len(links) == 2 + 3  # two stages, three touchpoints
    for link in links:
        target, _, anchor = posixpath.join("journeys/kettle/blueprint/", link["href"]) \
            .partition("#")
        html = p.root / "site" / posixpath.normpath(target) / "index.html"
        assert html.is_file(), link["href"]
        if anchor:
            assert BeautifulSoup(html.read_text("utf-8"), "html.parser").find(id=anchor), link
    hrefs = {a.get_text(): a["href"] for a in links}
    assert hrefs["Web form"] == "../report/#web-form"
    assert hrefs["Partner shop"] == "../report/#partner-shop"
    # The overview links to the blueprint.
    overview = p.html("journeys/kettle")
    assert overview.select("article a[href='blueprint/']")


def test_hostile_text_stays_text(project, tmp_path: Path) -> None:
    _, page = _built(project, tmp_path)
    article = page.select_one("article")
    assert not article.find("script")
    assert not article.select("table b")
    assert "</table><b>Spares</b> & stock" in _cell(page.table, LANES[3], 1).get_text()
    # The snippet marker was not followed: the file's text is nowhere.
    assert '--8<-- "secret.txt"' in _cell(page.table, LANES[0], 1).get_text()
    assert "TOP SECRET" not in page.get_text()
    # One table: the user's `</table>` closed nothing.
    assert len(page.select("article table")) == 1


def test_blueprint_is_a_reserved_stage_id() -> None:
    assert id_problems([("blueprint", ["a"])])


def test_each_sample_blueprint_prints_on_one_landscape_sheet(browser, sample_url: str) -> None:
    """Printed from Chromium, a blueprint is one A4 sheet turned sideways; other pages stay
    upright (the landscape page is the blueprint's alone)."""
    page = browser.new_page()
    page.emulate_media(media="print")
    for folder in sorted((ROOT / "journeys").iterdir()):
        page.goto(f"{sample_url}journeys/{folder.name}/blueprint/")
        pdf = page.pdf(prefer_css_page_size=True)
        sheets = re.findall(rb"/MediaBox\s*\[([^\]]*)\]", pdf)
        assert len(sheets) == 1, folder.name
        width, height = (float(n) for n in sheets[0].split()[2:])
        assert (round(width), round(height)) == (842, 595), folder.name  # A4, landscape
    page.goto(f"{sample_url}journeys/goi-tong-dai/checklist/")
    width, height = (float(n) for n in re.findall(
        rb"/MediaBox\s*\[([^\]]*)\]", page.pdf(prefer_css_page_size=True))[0].split()[2:])
    assert width < height
    page.close()
