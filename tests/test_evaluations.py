"""Evaluation notes: the format, its errors, and what the site makes of them."""

from __future__ import annotations

import datetime
import textwrap
from pathlib import Path

import pytest

from journeybook import JourneybookError, Playbook, build_site
from journeybook.site.charts import render

from .conftest import FIXTURES

SMALL = (FIXTURES / "small.yaml").read_text("utf-8")


def note(front: str, body: str = "Notes.\n") -> str:
    return f"---\n{textwrap.dedent(front)}---\n{body}"


def playbook_with(tmp_path: Path, notes: dict[str, str], journey: str = SMALL) -> Playbook:
    folder = tmp_path / "journeys" / "kettle"
    (folder / "evaluations").mkdir(parents=True, exist_ok=True)
    (folder / "journey.yaml").write_text(journey, "utf-8")
    for name, text in notes.items():
        (folder / "evaluations" / name).write_text(text, "utf-8")
    return Playbook.load(tmp_path / "journeys", tmp_path)


def problems(tmp_path: Path, notes: dict[str, str], journey: str = SMALL) -> list[str]:
    with pytest.raises(JourneybookError) as caught:
        playbook_with(tmp_path, notes, journey)
    return [str(p) for p in caught.value.problems]


ROUND_1 = note("""\
    date: 2026-03-01
    title: Round one
    evaluators: [Lan, Minh]
    method: survey
    scores: {search: -1, checkout: -2, confirmation-call: 1}
    nps: 10
    csat: 70
    """, "## Checkout\n\nToo slow.\n\n## Something else\n\n## search\n")
ROUND_2 = note("""\
    date: 2026-09-01
    method: mystery shopping
    scores:
      checkout: 0
      search: 1
    nps: 25
    """)


def test_notes_load_in_date_order(tmp_path: Path) -> None:
    playbook = playbook_with(tmp_path, {"2026-09-01.md": ROUND_2,
                                        "2026-03-01-survey.md": ROUND_1})
    [journey] = playbook.journeys
    first, second = playbook.evaluations_of(journey)
    assert (first.slug, second.slug) == ("2026-03-01-survey", "2026-09-01")
    assert first.date == datetime.date(2026, 3, 1) and first.evaluators == ["Lan", "Minh"]
    assert first.scores == {"search": -1, "checkout": -2, "confirmation-call": 1}
    assert first.body.startswith("## Checkout")
    checkout = journey.stages[1].touchpoints[0]
    latest = playbook.latest_score(journey, checkout)
    assert latest is not None and (latest.value, latest.evaluation.slug) == (0, "2026-09-01")
    # Both rounds scored it; only the first also wrote about it under its name.
    assert [e.slug for e in playbook.evaluations_about(journey, checkout)] == [
        "2026-09-01", "2026-03-01-survey"]
    assert {t.id for t in playbook.mentions(journey, first).values()} == {"checkout", "search"}


def test_every_mistake_is_located(tmp_path: Path) -> None:
    found = problems(tmp_path, {
        "2026-03-01.md": note("""\
            date: 2026-03-02
            scores:
              checkout: 3
              chekout: 1
            nps: 120
            colour: blue
            """),
        "2026-04-01.md": note("date: 2026-13-01\n"),
        "April.md": note("date: 2026-04-01\n"),
        "2026-05-01.md": "No front matter here.\n",
        "2026-06-01.md": note("title: no date\n"),
    })
    assert found == [
        "journeys/kettle/evaluations/2026-03-01.md:2:7: date: the date 2026-03-02 differs from "
        "the date in the file name (2026-03-01); make them the same",
        "journeys/kettle/evaluations/2026-03-01.md:4:13: scores.checkout: must be a whole "
        "number from -2 to 2, got 3",
        "journeys/kettle/evaluations/2026-03-01.md:5:3: scores.chekout: `chekout` is not a "
        "touchpoint of journey `kettle` (did you mean `checkout`?); scores are keyed by "
        "touchpoint ids from journey.yaml: `search`, `loi-gioi-thieu-cua-ban-be`, `checkout`, "
        "`confirmation-call`",
        "journeys/kettle/evaluations/2026-03-01.md:6:6: nps: must be a whole number from -100 "
        "to 100, got 120",
        "journeys/kettle/evaluations/2026-03-01.md:7:1: colour: unknown key `colour`. Allowed "
        "here: date, title, evaluators, method, scores, nps, csat",
        "journeys/kettle/evaluations/2026-04-01.md:2:7: date: cannot read `2026-13-01`: month "
        "must be in 1..12",
        "journeys/kettle/evaluations/2026-05-01.md:1:1: an evaluation note starts with its "
        "details between two `---` lines (at least `date:`)",
        "journeys/kettle/evaluations/2026-06-01.md:2:1: date: `date` is required here; add "
        "`date:`",
        "journeys/kettle/evaluations/April.md:1:1: an evaluation note is named after its date, "
        "like `2026-03-15.md` or `2026-03-15-khao-sat-quy-1.md`; rename it",
    ]


def test_note_problems_come_with_journey_problems(tmp_path: Path) -> None:
    other = tmp_path / "journeys" / "broken"
    other.mkdir(parents=True)
    (other / "journey.yaml").write_text("title: [\n", "utf-8")
    found = problems(tmp_path, {"2026-03-01.md": note("date: 2026-03-01\nnps: x\n")})
    assert [p.split(":")[0] for p in found] == ["journeys/broken/journey.yaml",
                                                "journeys/kettle/evaluations/2026-03-01.md"]


def test_front_matter_may_not_build_objects(tmp_path: Path) -> None:
    [problem] = problems(tmp_path, {"2026-03-01.md": note(
        "date: 2026-03-01\ntitle: !!python/object/apply:os.system [echo]\n")})
    assert problem.startswith("journeys/kettle/evaluations/2026-03-01.md:3:8: title: YAML tag")


def test_gaps_largest_first(tmp_path: Path) -> None:
    playbook = playbook_with(tmp_path, {"2026-03-01.md": note("""\
        date: 2026-03-01
        scores: {search: -1, checkout: -1, confirmation-call: -2, loi-gioi-thieu-cua-ban-be: 0}
        """)})
    [journey] = playbook.journeys
    gaps = playbook.gaps(journey)
    # search: target 1 → gap 2; checkout: target 1 → gap 2 (journey order breaks the tie);
    # confirmation call: no target, so below 0 → gap 2... and the friend's referral at 0 is
    # no gap without a target.
    assert [(g.touchpoint.id, g.expected, g.measured.value, g.size) for g in gaps] == [
        ("search", 1, -1, 2), ("checkout", 1, -1, 2), ("confirmation-call", 0, -2, 2)]
    playbook = playbook_with(tmp_path, {"2026-03-01.md": note("""\
        date: 2026-03-01
        scores: {search: 0, checkout: -2, confirmation-call: -1}
        """)})
    assert [(g.touchpoint.id, g.size) for g in playbook.gaps(playbook.journeys[0])] == [
        ("checkout", 3), ("search", 1), ("confirmation-call", 1)]


def test_overdue_against_the_build_date(tmp_path: Path) -> None:
    journey = SMALL.replace("""            status: in-progress
            due: 2026-12-31""", """            status: in-progress
            due: 2026-12-31
          - action: Already shipped
            status: done
            due: 2026-01-31
          - action: Call back within a day
            owner: Contact Center
            due: 2026-06-30""")
    playbook = playbook_with(tmp_path, {}, journey)
    overdue = lambda day: [a.improvement.action for a in playbook.improvements(day) if a.overdue]  # noqa: E731
    assert overdue(datetime.date(2026, 6, 30)) == []
    assert overdue(datetime.date(2026, 7, 1)) == ["Call back within a day"]
    assert overdue(datetime.date(2027, 1, 1)) == ["Remove optional fields",
                                                  "Call back within a day"]
    page = build_site(playbook, "en", datetime.date(2026, 7, 1)).pages["actions/index.md"]
    assert "**⚠ 2026-06-30 (Overdue)**" in page.content
    assert "| 2026-12-31 |" in page.content and "| **⚠ Overdue** | **1** |" in page.content
    # By team: how many improvements each has, per status (in progress, planned, done), and
    # how many are overdue.
    assert "| Team | In progress | Planned | Done | ⚠ Overdue |" in page.content
    assert "| Contact Center | 0 | 1 | 0 | 1 |" in page.content
    assert "| Sales | 1 | 0 | 1 | 0 |" in page.content


def test_evidence_and_assumptions(tmp_path: Path) -> None:
    journey = SMALL.replace("""        emotion: 0
        target: 1""", """        emotion: 0
        target: 1
        evidence: [Survey of 300 shoppers]""")
    playbook = playbook_with(tmp_path, {"2026-03-01.md": note(
        "date: 2026-03-01\nscores: {checkout: 0}\n")}, journey)
    [j] = playbook.journeys
    assumed = [t.id for _, t in j.touchpoints() if playbook.is_assumption(j, t)]
    assert assumed == ["loi-gioi-thieu-cua-ban-be", "confirmation-call"]
    assert playbook.backed_by_evidence(j) == 2
    site = build_site(playbook, "en")
    overview = site.pages["journeys/kettle/index.md"].content
    assert "2 of 4 touchpoints backed by evidence" in overview
    stage = site.pages["journeys/kettle/nhan-thuc.md"].content
    friend = stage.split("## Lời giới thiệu")[1]
    search = stage.split("## Search result")[1].split("## Lời giới thiệu")[0]
    assert '!!! question "Assumption"' in friend and "Assumption" not in search
    assert "- Survey of 300 shoppers" in search


def test_pages_for_rounds_notes_and_touchpoints(tmp_path: Path) -> None:
    playbook = playbook_with(tmp_path, {"2026-03-01-survey.md": ROUND_1,
                                        "2026-09-01.md": ROUND_2})
    site = build_site(playbook, "en")
    rounds = site.pages["journeys/kettle/evaluations/index.md"].content
    # Newest first, linked, with method and NPS.
    assert rounds.index("[2026-09-01](2026-09-01.md)") < rounds.index(
        "[2026-03-01](2026-03-01-survey.md)")
    assert "| [2026-03-01](2026-03-01-survey.md) | Round one | survey | Lan, Minh | 10 | 70 | 3 |" \
        in rounds
    first = site.pages["journeys/kettle/evaluations/2026-03-01-survey.md"]
    assert first.source is not None and first.source.name == "2026-03-01-survey.md"
    assert ("| [Checkout](../dat-hang.md#checkout) | Đặt hàng | \u22121 | \u22122 | "
            "**▼ \u22121** |") in first.content
    assert ("| [Confirmation call](../dat-hang.md#confirmation-call) | Đặt hàng | +1 | +1 | 0 |"
            in first.content)
    assert "| NPS | 10 | 40 |" in first.content and "| CSAT | 70% | 85% |" in first.content
    # A heading naming a touchpoint links to it; other headings do not.
    assert "## Checkout\n\n*Touchpoint: [Checkout](../dat-hang.md#checkout)*" in first.content
    assert "## Something else\n\n## search\n\n*Touchpoint: [Search result](" \
        "../nhan-thuc.md#search)*" in first.content
    stage = site.pages["journeys/kettle/dat-hang.md"].content
    checkout = stage.split("## Checkout")[1].split("## Confirmation call")[0]
    assert "**Latest measured:** 0 Neutral ([2026-09-01](evaluations/2026-09-01.md))" in checkout
    assert "- [2026-09-01](evaluations/2026-09-01.md) (0)" in checkout
    assert "- [2026-03-01: Round one](evaluations/2026-03-01-survey.md) (\u22122)" in checkout
    overview = site.pages["journeys/kettle/index.md"].content
    assert "## Gaps" in overview and "## Evaluation trend" in overview


def test_trend_chart_data(tmp_path: Path) -> None:
    playbook = playbook_with(tmp_path, {"2026-09-01.md": ROUND_2,
                                        "2026-03-01-survey.md": ROUND_1})
    site = build_site(playbook, "en")
    trend = site.charts["journeys/kettle/charts/trend"]
    assert [r.date for r in trend.evaluations] == ["2026-03-01", "2026-09-01"]
    assert [p.id for p in trend.points] == ["search", "checkout", "confirmation-call"]
    assert [r.scores for r in trend.evaluations] == [(-1, -2, 1), (1, 0, None)]
    assert [(r.nps, r.csat) for r in trend.evaluations] == [(10, 70), (25, None)]
    assert (trend.targets.nps, trend.targets.csat) == (40, 85)
    svg = render(trend)["light"].decode()
    for gid in ("score-search-0", "score-checkout-1", "nps", "csat", "nps-target"):
        assert f'id="{gid}"' in svg
    assert 'id="score-confirmation-call-1"' not in svg  # not measured in round two
    # The journey curve shows the latest round's measurements beside the map.
    curve = site.charts["journeys/kettle/charts/journey"]
    assert [p.measured for p in curve.points] == [1, None, 0, None]
    assert curve.legend.measured == "Measured 2026-09-01"
    assert 'id="measured"' in render(curve)["light"].decode()


def test_no_rounds_no_trend(tmp_path: Path) -> None:
    playbook = playbook_with(tmp_path, {})
    site = build_site(playbook, "en")
    assert "journeys/kettle/charts/trend" not in site.charts
    assert "No evaluation rounds yet" in site.pages["journeys/kettle/evaluations/index.md"].content
    assert "Nothing measured yet" in site.pages["journeys/kettle/index.md"].content


def test_build_date_option_flags_overdue_in_the_site(project) -> None:
    p = project(mkdocs_yml="site_name: T\ntheme: {name: material}\nplugins:\n  - journeybook:\n"
                           "      build_date: 2027-01-01\n")
    p.add("kettle", SMALL)
    p.build()
    page = p.html("actions")
    assert "2026-12-31 (Overdue)" in page.get_text()


def test_a_note_saved_with_windows_line_endings_loads_like_any_other(tmp_path: Path) -> None:
    crlf = ROUND_1.replace("\n", "\r\n")
    playbook = playbook_with(tmp_path, {"2026-03-01.md": crlf})
    journey = playbook.journeys[0]
    (evaluation,) = playbook.evaluations_of(journey)
    assert evaluation.title == "Round one" and evaluation.scores["checkout"] == -2
    site = build_site(playbook, "en")
    page = site.pages["journeys/kettle/evaluations/2026-03-01.md"].content
    # The link to the touchpoint lands under the heading that names it.
    assert page.index("## Checkout") < page.index("#checkout)*") < page.index("## Something")
