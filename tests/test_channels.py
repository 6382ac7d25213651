"""The channel matrix page (channels/): touchpoints by channel and control, per journey and
stage, over all journeys, and per team, with average emotions, from a real build of a
hand-made playbook whose numbers are worked out below."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup, Tag

from .conftest import Project

ALPHA = """\
title: Alpha <b>journey</b>
personas:
  - {id: p1, name: One}
  - {id: p2, name: Two}
stages:
  - id: s1
    name: First
    touchpoints:
      - {id: a1, name: A1, channel: digital, control: owned, team: Support, emotion: -2,
         checklist: [Answer fast]}
      - {id: a2, name: A2, channel: digital, control: owned, team: support, emotion: 1}
      - {id: a3, name: A3, channel: analog, control: influenced, team: Shop,
         emotion: {p1: -1, p2: 0}}
  - id: s2
    name: Second
    touchpoints:
      - {id: a4, name: A4, control: owned, emotion: 0}
"""

BETA = """\
title: Beta
stages:
  - id: t1
    name: Only
    touchpoints:
      - {id: b1, name: B1, channel: digital, control: owned, team: Support, emotion: -1}
      - {id: b2, name: B2, channel: analog, control: uncontrolled, team: "<i>Shop</i> | 2",
         emotion: 2}
"""

WEAK = "⚠ weak"
#: What an empty cell shows: an en dash.
EMPTY = "\u2013"


@pytest.fixture
def page(project) -> BeautifulSoup:
    p: Project = project(language="en")
    p.add("alpha", ALPHA)
    p.add("beta", BETA)
    p.build()
    return p.html("channels")


def _table(page: BeautifulSoup, heading: str) -> list[list[str]]:
    """The table under a heading, as rows of cell texts (the header row first)."""
    table = page.find(id=heading).find_next("table")
    assert isinstance(table, Tag)
    return [[cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
            for row in table.find_all("tr")]


def test_each_journey_has_its_stages_by_channel_and_control(page: BeautifulSoup) -> None:
    alpha = _table(page, "alpha")
    assert alpha[0] == ["Stage", "Digital · owned", "Digital · influenced",
                        "Digital · uncontrolled", "Analog · owned", "Analog · influenced",
                        "Analog · uncontrolled", "Not set"]
    # a1 (−2) and a2 (+1); a3 averages its two personas (−1, 0); a4 has no channel.
    assert alpha[1] == ["1. First", f"2 (−0.5) {WEAK}", EMPTY, EMPTY, EMPTY, f"1 (−0.5) {WEAK}",
                        EMPTY, EMPTY]
    assert alpha[2] == ["2. Second", EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, "1 (0.0)"]
    # Every touchpoint has its channel and control here: no empty "not set" column.
    beta = _table(page, "beta")
    assert beta[0][-1] == "Analog · uncontrolled"
    assert beta[1] == ["1. Only", f"1 (−1.0) {WEAK}", EMPTY, EMPTY, EMPTY, EMPTY, "1 (+2.0)"]
    [link] = page.find(id="beta").find_next("table").select("a[href]")
    assert link["href"] == "../journeys/beta/t1/"


def test_summary_counts_every_touchpoint_once(page: BeautifulSoup) -> None:
    summary = _table(page, "all-journeys")
    assert summary == [
        ["Channel", "Owned", "Influenced", "Uncontrolled", "Not set"],
        ["Digital", f"3 (−0.7) {WEAK}", EMPTY, EMPTY, EMPTY],
        ["Analog", EMPTY, f"1 (−0.5) {WEAK}", "1 (+2.0)", EMPTY],
        ["Not set", "1 (0.0)", EMPTY, EMPTY, EMPTY],
    ]
    counted = sum(int(cell.split()[0]) for row in summary[1:] for cell in row[1:]
                  if cell != EMPTY)
    assert counted == 6


def test_teams_show_where_the_experience_is_weak(page: BeautifulSoup) -> None:
    assert _table(page, "by-team") == [
        ["Team", "Channel · control", "Touchpoints", "Average emotion", "Pain points"],
        # Hostile text stays text: the tag and the pipe are characters of the name.
        ["<i>Shop</i> | 2", "Analog · uncontrolled", "1", "+2.0", "0"],
        ["Shop", "Analog · influenced", "1", f"−0.5 {WEAK}", "1"],
        # "Support" and "support" are one team, as on the team pages.
        ["Support", "Digital · owned", "3", f"−0.7 {WEAK}", "2"],
        ["No team", "Not set · owned", "1", "0.0", "0"],
    ]
    table = page.find(id="by-team").find_next("table")
    # A team with a checklist page links to it; the others have none to link to.
    assert [a["href"] for a in table.select("a[href]")] == ["../checklists/support/"]
    assert not table.select("i")


def test_journey_headings_and_navigation(page: BeautifulSoup) -> None:
    heading = page.find(id="alpha")
    assert heading.get_text(strip=True).startswith("Alpha <b>journey</b>")
    assert not heading.find("b")
    top = page.select("nav.md-nav--primary > ul > li")
    labels = [li.find(["a", "label"]).get_text(" ", strip=True) for li in top]
    assert labels.index("Channel matrix") == labels.index("Improvements") + 1
