"""Emotion curves of several personas: a line each, told apart without colour, named in the
legend, the alt text and the data table; the trend by persona; one persona stays as it was."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journeybook import Playbook, build_site
from journeybook.i18n import labels
from journeybook.site.charts import PALETTES, ChartSpec, CurveLegend, Point, render

from .conftest import examples

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"
LEVELS = tuple(labels("en")[f"emotion_{i}"] for i in range(-2, 3))
LEGEND = CurveLegend(as_is="As-is", target="Target", moment_of_truth="Moment of truth",
                     pain_point="Pain point")
HOSTILE = "<script>alert(1)</script> & </text>"

JOURNEY = f"""\
title: Filing the first e-invoice
personas:
  - id: ha
    name: Chị Thu Hà
  - id: evil
    name: '{HOSTILE}'
stages:
  - name: Sign up
    touchpoints:
      - id: form
        name: Sign-up form
        emotion: {{ha: -2, evil: 1}}
        target: {{ha: 1, evil: 2}}
        moment_of_truth: true
      - id: call
        name: Welcome call
        emotion: 1
  - name: First invoice
    touchpoints:
      - id: invoice
        name: Issue the invoice
        emotion: {{ha: 2, evil: -1}}
        target: 1
"""
NOTE = """\
---
date: 2026-05-01
scores:
  form: {ha: -1, evil: 0}
  call: 1
---
# Round 1
"""
ONE_PERSONA = """\
title: Calling support
persona:
  name: Anh Minh
stages:
  - name: Call
    touchpoints:
      - id: wait
        name: Waiting on the line
        emotion: -1
        target: 1
      - id: answer
        name: The answer
        emotion: 2
"""


def persona_lines(svg: bytes) -> dict[str, tuple[str, str, str]]:
    """(dash pattern, marker reference, colour) of each persona line, by its id."""
    root = ET.fromstring(svg)
    found = {}
    for group in root.iter(f"{SVG}g"):
        gid = group.get("id", "")
        if gid.startswith("persona-"):
            path = next(group.iter(f"{SVG}path"))
            style = dict(part.strip().split(": ") for part in path.get("style", "").split(";")
                         if part.strip())
            use = next(group.iter(f"{SVG}use"))
            found[gid] = (style.get("stroke-dasharray", "solid"), use.get(XLINK, ""),
                          style.get("stroke", ""))
    return found


def texts(svg: bytes) -> str:
    return " ".join("".join(ET.fromstring(svg).itertext()).split())


@pytest.fixture
def built(project):
    site = project()
    site.add("invoice", JOURNEY)
    (site.journeys / "invoice" / "evaluations").mkdir()
    (site.journeys / "invoice" / "evaluations" / "2026-05-01.md").write_text(NOTE, "utf-8")
    site.add("support", ONE_PERSONA)
    site.build()
    return site


def test_two_personas_draw_a_line_each_told_apart_without_colour(built) -> None:
    charts = built.root / "site" / "journeys" / "invoice" / "charts"
    for name in ("journey", "stage-sign-up"):
        svg = (charts / f"{name}-light.svg").read_bytes()
        lines = persona_lines(svg)
        assert sorted(lines) == ["persona-0", "persona-1"]
        dashes, markers, colours = zip(*lines.values(), strict=True)
        assert len(set(dashes)) == 2 and len(set(markers)) == 2 and len(set(colours)) == 2
        # The legend names each persona, as text.
        assert "Chị Thu Hà" in texts(svg) and HOSTILE in texts(svg)
        dark = (charts / f"{name}-dark.svg").read_bytes()
        assert {c for *_, c in persona_lines(dark).values()} == {
            PALETTES["dark"]["persona_0"], PALETTES["dark"]["persona_1"]}
    journey = (charts / "journey-light.svg").read_bytes()
    ids = {g.get("id") for g in ET.fromstring(journey).iter(f"{SVG}g")}
    # Each persona's targets, a star over the moment of truth, a ▼ under pain points.
    assert {"target-0", "target-1", "moment-form", "pain-form", "pain-invoice"} <= ids
    assert "pain-call" not in ids


def test_alt_text_names_each_persona_with_its_lowest_and_highest(built) -> None:
    page = built.html("journeys/invoice")
    [light] = page.select("article img[src$='journey-light.svg#only-light']")
    alt = light["alt"]
    assert "“Chị Thu Hà” lowest −2 at “Sign-up form”, highest +2 at “Issue the invoice”" in alt
    assert f"“{HOSTILE}” lowest −1 at “Issue the invoice”, highest +1 at “Sign-up form”" in alt
    assert "2 personas" in alt and "Hollow markers" in alt
    # The hostile name stayed text: no element came of it.
    assert not page.select("article script")


def test_data_table_has_a_column_per_persona(built) -> None:
    page = built.html("journeys/invoice")
    table = page.select_one("article details table")
    header = [th.get_text(strip=True) for th in table.select("thead th")]
    assert header == ["Stage", "Touchpoint", "Chị Thu Hà", HOSTILE]
    rows = {tr.select("td")[1].get_text(strip=True): [td.get_text(strip=True)
                                                      for td in tr.select("td")[2:]]
            for tr in table.select("tbody tr")}
    assert rows == {
        "Sign-up form ★": ["−2 → +1 (measured −1)", "+1 → +2 (measured 0)"],
        "Welcome call": ["+1 (measured +1)", "+1 (measured +1)"],
        "Issue the invoice": ["+2 → +1", "−1 → +1"],
    }


def test_trend_has_a_row_per_persona_where_scored_apart(built) -> None:
    page = built.html("journeys/invoice")
    tables = page.select("article details table")
    trend = next(t for t in tables if "2026-05-01" in t.get_text())
    names = [tr.select("td")[1].get_text(strip=True) for tr in trend.select("tbody tr")
             if tr.select("td")[0].get_text(strip=True)]
    assert names == ["Sign-up form · Chị Thu Hà", f"Sign-up form · {HOSTILE}", "Welcome call"]
    svg = (built.root / "site" / "journeys" / "invoice" / "charts" / "trend-light.svg")
    assert "Sign-up form · Chị Thu Hà" in texts(svg.read_bytes())


def test_one_persona_keeps_the_one_line_chart(built) -> None:
    svg = (built.root / "site" / "journeys" / "support" / "charts" / "journey-light.svg")
    assert persona_lines(svg.read_bytes()) == {}
    assert "Anh Minh" not in texts(svg.read_bytes())
    page = built.html("journeys/support")
    header = [th.get_text(strip=True) for th in page.select("article details table thead th")]
    assert header == ["Stage", "Touchpoint", "As-is", "Target"]
    [light] = page.select("article img[src$='journey-light.svg#only-light']")
    assert light["alt"].startswith("Emotion curve of “Calling support” across 2 touchpoints")


def test_sparkline_draws_the_mean_emotion(built) -> None:
    playbook = Playbook.load(built.journeys, built.root)
    site = build_site(playbook, "en")
    spark = site.charts["journeys/invoice/charts/sparkline"]
    assert [p.emotion for p in spark.points] == [-0.5, 1, 0.5]


# --- any personas, any emotions ---------------------------------------------------------------

names = st.text(st.characters(codec="utf-8"), max_size=30)


@settings(max_examples=examples(15), derandomize=True, deadline=None)
@given(personas=st.lists(names, min_size=1, max_size=8),
       touchpoints=st.integers(min_value=1, max_value=6), data=st.data())
def test_any_personas_draw_a_well_formed_svg(personas: list[str], touchpoints: int,
                                             data: st.DataObject) -> None:
    feeling = st.integers(min_value=-2, max_value=2)
    several = len(personas) > 1
    points = []
    for i in range(touchpoints):
        emotions = tuple(data.draw(feeling) for _ in personas)
        targets = tuple(data.draw(st.none() | feeling) for _ in personas)
        points.append(Point(f"tp-{i}", f"Touchpoint {i}", f"Stage {i // 2}", emotions[0],
                            None if several else targets[0], i == 0,
                            emotions=emotions if several else (),
                            targets=targets if several else ()))
    spec = ChartSpec("curve", tuple(points), LEVELS, LEGEND,
                     personas=tuple(personas) if several else ())
    for svg in render(spec).values():
        root = ET.fromstring(svg)
        lines = persona_lines(svg)
        assert len(lines) == (len(personas) if several else 0)
        assert len({dashes for dashes, _, _ in lines.values()}) == len(lines)
        assert not [e for e in root.iter() if e.tag.removeprefix(SVG) == "script"]


def test_persona_colours_are_distinct_and_legible_on_their_page() -> None:
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
                   for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    def contrast(a: str, b: str) -> float:
        low, high = sorted((luminance(a), luminance(b)))
        return (high + 0.05) / (low + 0.05)

    # The page behind the charts: white, and Material's slate.
    for palette, page in (("light", "#ffffff"), ("dark", "#1e2129")):
        colours = [PALETTES[palette][f"persona_{n}"] for n in range(8)]
        assert len(set(colours)) == 8
        assert all(contrast(colour, page) >= 3 for colour in colours), palette


def test_more_personas_than_a_curve_can_tell_apart_is_refused() -> None:
    point = Point("a", "A", "S", 0, None, False, emotions=(0,) * 9, targets=(None,) * 9)
    with pytest.raises(ValueError, match="at most 8 personas"):
        ChartSpec("curve", (point,), LEVELS, LEGEND, personas=tuple("abcdefghi"))
    equal = [ChartSpec("curve", (Point("a", "A", "S", 0, None, False, emotions=(0, 1),
                                       targets=(None, 2)),), LEVELS, LEGEND,
                       personas=("P", "Q")) for _ in range(2)]
    assert len(set(equal)) == 1 and equal[0].key() == equal[1].key()
