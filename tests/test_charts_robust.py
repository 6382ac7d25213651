"""Charts draw whatever authors write, literally; long evaluation notes stay cheap to read."""

from __future__ import annotations

import textwrap
import unicodedata
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journeybook import Playbook
from journeybook.i18n import labels
from journeybook.site.charts import (
    ChartSpec,
    ComparedJourney,
    ComparedTouchpoint,
    ComparisonLegend,
    CurveLegend,
    EvaluationColumn,
    MetricTargets,
    Point,
    TrendLegend,
    render,
    render_comparison,
)

from .conftest import examples

SVG = "{http://www.w3.org/2000/svg}"

# `$…$` would be math to matplotlib; `_` starts its hidden "_nolegend_" labels; the rest is
# TeX, printf and HTML punctuation.
JOURNEY = """\
title: Deposits $ and refunds
stages:
  - name: Stage $1 & $2
    touchpoints:
      - id: pay
        name: Pay $x_$ now
        emotion: -1
        target: 1
        moment_of_truth: true
      - id: deposit
        name: Pay $20 deposit, get $5 back
        emotion: 1
  - name: _nolegend_ $stage
    touchpoints:
      - id: refund
        name: _nolegend_
        emotion: 0
      - id: math
        name: '$\\frac{1}{0}$ ^{x} %d #1 & <b>'
        emotion: 2
"""
NAMES = ["Pay $x_$ now", "Pay $20 deposit, get $5 back", "_nolegend_",
         "$\\frac{1}{0}$ ^{x} %d #1 & <b>"]


def note(front: str, body: str = "Notes.\n") -> str:
    return f"---\n{textwrap.dedent(front)}---\n{body}"


def texts(svg: bytes) -> list[str]:
    """The text of every <text> element, in drawing order."""
    return ["".join(element.itertext()) for element in ET.fromstring(svg).iter(f"{SVG}text")]


def group_text(svg: bytes) -> dict[str, str]:
    """The text drawn inside each group with an id (a label's lines joined by spaces)."""
    return {group.get("id", ""): " ".join(" ".join(t.itertext()) for t in group.iter(f"{SVG}text"))
            for group in ET.fromstring(svg).iter(f"{SVG}g") if group.get("id")}


def test_dollars_and_underscores_are_drawn_literally_in_every_chart(project) -> None:
    p = project()
    p.add("deposits", JOURNEY)
    notes = p.journeys / "deposits" / "evaluations"
    notes.mkdir()
    (notes / "2026-03-01.md").write_text(note("""\
        date: 2026-03-01
        scores: {pay: -2, deposit: 1, refund: 0, math: 1}
        nps: 12
        """), "utf-8")
    site = p.build()  # matplotlib used to read `$x_$` as math and fail the build

    charts = site / "journeys" / "deposits" / "charts"
    for variant in ("light", "dark"):
        curve = " ".join(texts((charts / f"journey-{variant}.svg").read_bytes()))
        for name in [*NAMES, "Stage $1 & $2", "_nolegend_ $stage"]:
            assert name in curve, (variant, name)
        # The trend chart draws each name on one line: one <text> holds it whole.
        trend = texts((charts / f"trend-{variant}.svg").read_bytes())
        for name in NAMES:
            assert name in trend, (variant, name)
    first = " ".join(texts((charts / "stage-stage-1-2-light.svg").read_bytes()))
    assert "Pay $20 deposit, get $5 back" in first and "Pay $x_$ now" in first
    second = " ".join(texts((charts / "stage-nolegend-stage-light.svg").read_bytes()))
    assert "_nolegend_" in second and "^{x} %d #1 & <b>" in second


def test_the_diff_chart_draws_titles_names_and_legend_literally() -> None:
    svg = render_comparison(
        [ComparedJourney("Deposits $5 _x", (ComparedTouchpoint("Pay $x_$ now", -1, 1),
                                             ComparedTouchpoint("_nolegend_", None, 0)))],
        ComparisonLegend(before="_before $", after="after $x_$"),
    )
    drawn = texts(svg)
    for text in ("Deposits $5 _x", "Pay $x_$ now", "_nolegend_", "_before $", "after $x_$"):
        assert text in drawn, text


def test_a_note_without_scores_builds_without_warnings(project) -> None:
    # pytest turns warnings into errors: matplotlib used to warn about the trend chart's
    # empty grid ("identical low and high ylims"), with a stack trace in the build log.
    p = project()
    p.add("deposits", JOURNEY)
    notes = p.journeys / "deposits" / "evaluations"
    notes.mkdir()
    (notes / "2026-03-01.md").write_text(note("date: 2026-03-01\nmethod: interviews\n"),
                                         "utf-8")
    site = p.build()
    # Nothing measured yet: no trend chart of dates alone.
    assert not (site / "journeys" / "deposits" / "charts" / "trend-light.svg").exists()
    # An NPS but no touchpoint scores: the trend draws the NPS, with no empty grid above it.
    (notes / "2026-03-01.md").write_text(note("date: 2026-03-01\nnps: 20\n"), "utf-8")
    site = p.build()
    trend = site / "journeys" / "deposits" / "charts" / "trend-light.svg"
    assert "2026-03-01" in texts(trend.read_bytes())


def shown(text: str) -> str:
    """What of a text can be seen: no whitespace, no control characters, none of the two
    non-characters XML cannot hold."""
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cc"
                   and c not in "\ufffe\uffff")


def drawn_as(name: str, drawn: str) -> bool:
    """Whether ``drawn`` is ``name`` (however wrapped), or its beginning and "…"."""
    want, got = shown(name), shown(drawn)
    return got == want or (got.endswith("…") and want.startswith(got[:-1]))


# Rich in what TeX, printf, XML and matplotlib treat specially, with whitespace and control
# characters of every kind, right-to-left scripts, emoji and characters no font has.
hostile_names = st.text(
    alphabet=st.one_of(
        st.sampled_from("$_^\\{}%#&<>\"' \n\t\r\x0b\x0c\x1c\x85\u2028\u200d\u200f\ufeff"),
        # Latin, Vietnamese, CJK, Hebrew and Arabic (right to left), emoji (one joined by
        # U+200D), a private-use character, a non-character, the replacement character.
        st.sampled_from("aZ9ăờĐ中文\u05e2\u05d1\u05e8\u05d9\u05ea\u0645\u0631\u062d\u0628\u0627"
                        "😀\U0001f469\u200d\U0001f467\U0010fffd\ufffe\ufffd…"),
        st.characters(codec="utf-8"),
    ),
    max_size=50,
)


@pytest.mark.slow
@settings(max_examples=examples(25))
@given(
    names=st.lists(hostile_names, min_size=1, max_size=14),
    stages=st.lists(hostile_names, min_size=1, max_size=3),
    emotions=st.lists(st.integers(-2, 2), min_size=14, max_size=14),
)
def test_any_text_draws_literally_in_a_valid_svg(names: list[str], stages: list[str],
                                                 emotions: list[int]) -> None:
    t = labels("en")
    # Bands group touchpoints by stage name: numbered, neighbouring stages never look alike.
    stages = [f"{number}. {stage}" for number, stage in enumerate(stages)]
    points = tuple(
        Point(f"tp-{i}", name, stages[i * len(stages) // len(names)], emotions[i],
              target=emotions[-1 - i], moment_of_truth=i == 0, measured=emotions[i - 1])
        for i, name in enumerate(names)
    )
    curve = ChartSpec("curve", points, tuple(t[f"emotion_{i}"] for i in range(-2, 3)),
                      CurveLegend("As is", "Target", "Moment", "Pain", "Measured on 2026-03-01"))
    trend = ChartSpec("trend", points, (), TrendLegend("NPS", "CSAT", "Target"),
                      evaluations=(EvaluationColumn("2026-03-01", tuple(emotions[: len(names)]),
                                                    10, 80),),
                      targets=MetricTargets(nps=40))
    for spec in (curve, trend):
        svgs = render(spec)  # never raises, never warns (warnings are errors here)
        for svg in svgs.values():
            ET.fromstring(svg)  # well-formed XML
        drawn = group_text(svgs["light"])
        for point in points:
            assert drawn_as(point.name, drawn.get(f"name-{point.id}", "")), (point.name, drawn)
    # Stage names head their bands on the curve, in order.
    drawn = group_text(render(curve)["light"])
    bands = [p.stage for i, p in enumerate(points) if i == 0 or p.stage != points[i - 1].stage]
    for number, stage in enumerate(bands):
        assert drawn_as(stage, drawn.get(f"stage-{number}", "")), (stage, drawn)


def test_a_note_is_read_once_and_links_land_under_the_headings_it_names(project) -> None:
    p = project()
    p.add("deposits", JOURNEY)
    notes = p.journeys / "deposits" / "evaluations"
    notes.mkdir()
    # Line breaks Markdown counts (\r\n, \r) and ones it does not (U+2028): the link must
    # follow the heading that names the touchpoint, not a line counted another way.
    body = ("Intro\u2028still intro\r\n\r\n## Pay $x_$ now\r\nToo slow.\r\r"
            "```\n## refund\n```\n\n## math\n" + "Filler line.\n" * 3000 + "## deposit\n")
    (notes / "2026-03-01.md").write_text(note("date: 2026-03-01\n", body), "utf-8",
                                         newline="")
    playbook = Playbook.load(p.journeys, p.root)
    [journey] = playbook.journeys
    [evaluation] = playbook.evaluations_of(journey)
    mentions = playbook.mentions(journey, evaluation)
    assert [t.id for t in mentions.values()] == ["pay", "math", "deposit"]
    # Read once per note (it used to be once per touchpoint): asking again, or asking about
    # every touchpoint, gives back what the first reading found.
    for _, touchpoint in journey.touchpoints():
        playbook.evaluations_about(journey, touchpoint)
    assert playbook.mentions(journey, evaluation) is mentions
    assert [e.slug for e in playbook.evaluations_about(journey, mentions[max(mentions)])] == [
        "2026-03-01"]
    assert playbook.evaluations_about(journey, next(t for _, t in journey.touchpoints()
                                              if t.id == "refund")) == []

    p.build()
    page = p.html("journeys/deposits/evaluations/2026-03-01")
    links = {}
    for heading in page.select("article h2"):
        after = heading.find_next_sibling()
        link = after.select_one("em > a") if after else None
        links[heading.get_text()] = link.get_text() if link else None
    assert links == {"Notes": None, "Pay $x_$ now": "Pay $x_$ now",
                     "math": "$\\frac{1}{0}$ ^{x} %d #1 & <b>",
                     "deposit": "Pay $20 deposit, get $5 back"}
