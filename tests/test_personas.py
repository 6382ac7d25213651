"""Several personas per journey, emotions and scores by persona, and links between journeys:
what an author may write, the located errors for what they may not, and what the pages say."""

# The pages separate a journey from its stage with a single right-pointing angle quote.
# ruff: noqa: RUF001

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journeybook import JourneybookError, Playbook
from journeybook.source import parse_journey

from .conftest import examples, write_journey

TWO = """\
title: Buying a kettle
personas:
  - name: Chị Hà
    goals: [A kettle that lasts]
  - id: minh
    name: Anh Minh
stages:
  - name: Find
    touchpoints:
      - name: Search
        emotion: {chi-ha: -1, minh: 1}
        target: {chi-ha: 1, minh: 2}
      - name: Reviews
        emotion: 1
  - name: Pay
    touchpoints:
      - name: Checkout
        emotion: -2
        target: 1
"""


def problems(text: str) -> list[str]:
    _, found = parse_journey(textwrap.dedent(text), "journeys/j/journey.yaml", "j")
    return [str(p) for p in found]


def with_emotion(value: str, personas: str = "[{name: Chị Hà}, {name: Anh Minh}]") -> str:
    return (f"title: x\npersonas: {personas}\nstages:\n  - name: s\n    touchpoints:\n"
            f"      - name: t\n        emotion: {value}\n")


def test_two_personas_read_with_ids_and_numbers_per_persona() -> None:
    journey, found = parse_journey(TWO, "journey.yaml", "kettle")
    assert found == [] and journey is not None
    assert [(p.id, p.name) for p in journey.personas] == [("chi-ha", "Chị Hà"),
                                                           ("minh", "Anh Minh")]
    search, reviews = journey.stages[0].touchpoints
    assert (search.emotion_for("chi-ha"), search.emotion_for("minh")) == (-1, 1)
    assert (search.target_for("chi-ha"), search.target_for("minh")) == (1, 2)
    # A plain number is every persona's.
    assert (reviews.emotion_for("chi-ha"), reviews.emotion_for("minh")) == (1, 1)
    assert search.is_pain_point and not reviews.is_pain_point
    assert [tp.name for _, tp in journey.pain_points] == ["Search", "Checkout"]


def test_persona_shorthand_is_one_persona_and_both_at_once_is_an_error() -> None:
    journey, found = parse_journey("title: x\npersona: {name: Lan}\nstages: [{name: s, "
                                   "touchpoints: [{name: t, emotion: 1}]}]\n", "j.yaml", "j")
    assert found == [] and journey is not None
    assert [p.id for p in journey.personas] == ["lan"]
    assert problems("title: x\npersona: {name: A}\npersonas: [{name: B}]\n"
                    "stages: [{name: s, touchpoints: [{name: t, emotion: 1}]}]\n") == [
        "journeys/j/journey.yaml:3:11: personas: write either `persona:` (one persona) or "
        "`personas:` (a list), not both; move the `persona:` into this list"]


@pytest.mark.parametrize(("value", "message"), [
    ("{chi-ha: -1}", "7:18: stages[0].touchpoints[0].emotion: no number for `anh-minh`: give "
                     "every persona a number, or write one number for all"),
    ("{chi-ha: -1, anh-mihn: 1}", "7:31: stages[0].touchpoints[0].emotion.anh-mihn: `anh-mihn` "
                                  "is not a persona of this journey (did you mean `anh-minh`?); "
                                  "the persona ids are `chi-ha`, `anh-minh`"),
    ("{chi-ha: 3, anh-minh: 1}", "7:27: stages[0].touchpoints[0].emotion.chi-ha: must be a "
                                 "whole number from -2 to 2, got 3"),
    ("{}", "7:18: stages[0].touchpoints[0].emotion: an empty mapping; write one number for "
           "every persona, or a mapping such as `{chi-ha: -1, anh-minh: 1}`"),
    ("[1, 2]", "7:18: stages[0].touchpoints[0].emotion: must be a whole number from -2 to 2, "
               "or a number per persona such as `{chi-ha: -1, anh-minh: 1}`, got a list (lines "
               "starting with `- `)"),
    ("'1'", "7:18: stages[0].touchpoints[0].emotion: must be a whole number, got text `1`; "
            "remove the quotes"),
])
def test_mistakes_in_emotions_by_persona_are_located_and_say_what_to_do(
        value: str, message: str) -> None:
    assert problems(with_emotion(value)) == [f"journeys/j/journey.yaml:{message}"]


def test_a_mapping_without_personas_and_duplicate_persona_ids_are_errors() -> None:
    assert problems(with_emotion("{a: 1}", personas="[]")) == [
        "journeys/j/journey.yaml:7:18: stages[0].touchpoints[0].emotion: a number per persona "
        "needs the journey's `personas:`; write one number, or add the personas"]
    assert problems(with_emotion("1", personas="[{name: Hà}, {id: ha, name: Ha}]")) == [
        "journeys/j/journey.yaml:2:29: personas[1].id: duplicate persona id `ha`; persona ids "
        "must be unique in a journey: add a distinct `id:`"]


def test_more_than_eight_personas_is_an_error() -> None:
    nine = "[" + ", ".join(f"{{name: P{n}}}" for n in range(9)) + "]"
    assert problems(with_emotion("1", personas=nine)) == [
        "journeys/j/journey.yaml:2:11: personas: at most 8 items here; remove some, or split "
        "the map in two"]


def test_impact_and_effort_are_one_to_three() -> None:
    text = ("title: x\nstages:\n  - name: s\n    touchpoints:\n      - name: t\n"
            "        emotion: 0\n        improvements:\n"
            "          - {action: a, impact: 3, effort: 1}\n"
            "          - {action: b, impact: 4, effort: 0}\n")
    assert problems(text) == [
        "journeys/j/journey.yaml:9:33: stages[0].touchpoints[0].improvements[1].impact: must be "
        "a whole number from 1 to 3, got 4",
        "journeys/j/journey.yaml:9:44: stages[0].touchpoints[0].improvements[1].effort: must be "
        "a whole number from 1 to 3, got 0"]
    journey, _ = parse_journey(text.replace("impact: 4, effort: 0", "impact: 2"), "j.yaml", "j")
    assert journey is not None
    first, second = journey.stages[0].touchpoints[0].improvements
    assert first.quick_win and first.rated and not second.rated and not second.quick_win


# --- Evaluation notes score by persona -------------------------------------------------------

def note(scores: str) -> str:
    return f"---\ndate: 2026-03-01\nscores:\n{scores}---\nBody\n"


def test_notes_score_some_personas_and_gaps_are_per_persona(tmp_path: Path) -> None:
    journeys = tmp_path / "journeys"
    write_journey(journeys, "kettle", TWO)
    notes = journeys / "kettle" / "evaluations"
    notes.mkdir()
    (notes / "2026-03-01.md").write_text(
        note("  search: {chi-ha: -2}\n  checkout: 0\n"), "utf-8")
    playbook = Playbook.load(journeys, tmp_path)
    journey = playbook.journeys[0]
    search = journey.stages[0].touchpoints[0]
    assert playbook.latest_score(journey, search, "chi-ha").value == -2  # type: ignore[union-attr]
    assert playbook.latest_score(journey, search, "minh") is None
    gaps = [(g.touchpoint.id, g.persona.id if g.persona else None, g.size)
            for g in playbook.gaps(journey)]
    # Chị Hà measured −2 against her target +1; Anh Minh was not measured; checkout is one
    # number for everyone (0 against +1).
    assert gaps == [("search", "chi-ha", 3), ("checkout", None, 1)]


def test_unknown_persona_in_a_note_is_located_with_a_suggestion(tmp_path: Path) -> None:
    journeys = tmp_path / "journeys"
    write_journey(journeys, "kettle", TWO)
    notes = journeys / "kettle" / "evaluations"
    notes.mkdir()
    (notes / "2026-03-01.md").write_text(note("  search: {chi-hx: -2}\n"), "utf-8")
    with pytest.raises(JourneybookError) as error:
        Playbook.load(journeys, tmp_path)
    assert [str(p) for p in error.value.problems] == [
        "journeys/kettle/evaluations/2026-03-01.md:4:12: scores.search.chi-hx: `chi-hx` is not "
        "a persona of this journey (did you mean `chi-ha`?); the persona ids are `chi-ha`, `minh`"]


# --- Links between journeys ------------------------------------------------------------------

def linked(link: str) -> str:
    return TWO.replace("        emotion: -2\n", f"        emotion: -2\n        link: {link}\n")


SECOND = """\
title: First invoice
stages:
  - id: setup
    name: Set up
    touchpoints:
      - name: Install
        emotion: 0
        link: kettle/find
"""


@pytest.mark.parametrize(("link", "message"), [
    ("invoice", "there is no journey `invoice` (did you mean `invoices`?); `link` names another "
                "journey's folder, or `<journey-id>/<stage-id>`; the journeys are `invoices`, "
                "`kettle`"),
    ("invoices/stup", "journey `invoices` has no stage `stup` (did you mean `setup`?); its "
                      "stages are `setup`"),
    ("kettle", "a touchpoint cannot continue in its own journey; name another journey, or a "
               "stage of this one as `<journey-id>/<stage-id>`"),
])
def test_links_that_lead_nowhere_are_located_in_their_file(tmp_path: Path, link: str,
                                                           message: str) -> None:
    journeys = tmp_path / "journeys"
    write_journey(journeys, "kettle", linked(link))
    write_journey(journeys, "invoices", SECOND)
    with pytest.raises(JourneybookError) as error:
        Playbook.load(journeys, tmp_path)
    assert [str(p) for p in error.value.problems] == [
        f"journeys/kettle/journey.yaml:19:15: stages[1].touchpoints[0].link: {message}"]


def test_links_both_ways_and_cycles_are_allowed(tmp_path: Path) -> None:
    journeys = tmp_path / "journeys"
    write_journey(journeys, "kettle", linked("invoices/setup"))
    write_journey(journeys, "invoices", SECOND)
    playbook = Playbook.load(journeys, tmp_path)
    kettle, invoices = sorted(playbook.journeys, key=lambda j: j.id != "kettle")
    [out] = playbook.links_from(kettle)
    assert (out.touchpoint.id, out.target.id, out.target_stage.id) == (  # type: ignore[union-attr]
        "checkout", "invoices", "setup")
    [back] = playbook.links_from(invoices)
    assert (back.target.id, back.target_stage.id) == ("kettle", "find")  # type: ignore[union-attr]
    assert playbook.links_to(kettle) == [back] and playbook.links_to(invoices) == [out]


def test_pages_show_personas_links_and_gaps_by_persona(project) -> None:  # type: ignore[no-untyped-def]
    site = project()
    site.add("kettle", linked("invoices/setup").replace("title: Buying a kettle",
                                                        "title: Buying <b>a</b> kettle"))
    site.add("invoices", SECOND)
    notes = site.journeys / "kettle" / "evaluations"
    notes.mkdir()
    (notes / "2026-03-01.md").write_text(note("  search: {chi-ha: -2, minh: 2}\n"), "utf-8")
    site.build()

    overview = site.html("journeys/kettle")
    cards = overview.select(".admonition.jb-persona")
    assert [c.select_one(".admonition-title").get_text(strip=True) for c in cards] == [
        "Persona: Chị Hà", "Persona: Anh Minh"]
    linked_section = overview.find(id="linked-journeys").find_next("ul")
    assert linked_section.get_text(" ", strip=True) == (
        "Continues in: First invoice › Set up , touchpoint Checkout "
        "Comes from: First invoice › Install → Find")
    hrefs = [a["href"] for a in linked_section.find_all("a")]
    assert hrefs == ["../invoices/setup/", "pay/#checkout", "../invoices/setup/#install",
                     "find/"]
    gaps = overview.find(id="gaps").find_next("table")
    assert [th.get_text(strip=True) for th in gaps.select("th")][:3] == [
        "Touchpoint", "Stage", "Persona"]
    assert [td.get_text(strip=True) for td in gaps.select("tbody td")][:3] == [
        "Search", "Find", "Chị Hà"]

    find = site.html("journeys/kettle/find")
    assert "Comes from: First invoice › Install" in find.get_text(" ", strip=True)
    search = " ".join(find.find(id="search").find_parent().get_text().split())
    assert "Chị Hà: −1 Bad → +1 Good; Anh Minh: +1 Good → +2 Very good" in search
    assert "Chị Hà: −2 Very bad (2026-03-01); Anh Minh: +2 Very good (2026-03-01)" in search

    invoices = site.html("journeys/invoices")
    assert "Comes from: Buying <b>a</b> kettle › Checkout" in invoices.get_text(" ", strip=True)
    assert invoices.find("b") is None or "kettle" not in invoices.find("b").get_text()

    landscape = site.html("landscape")
    rows = [[td.get_text(" ", strip=True) for td in tr.select("td")]
            for tr in landscape.select("table tbody tr")]
    # In the playbook's order (by journey id).
    assert rows == [["First invoice › Install", "→ Buying <b>a</b> kettle › Find"],
                    ["Buying <b>a</b> kettle › Checkout", "→ First invoice › Set up"]]
    assert landscape.find(id="kettle") is not None and landscape.find(id="invoices") is not None


@settings(max_examples=examples(40), derandomize=True, deadline=None)
@given(st.lists(st.one_of(st.integers(-3, 3), st.text(max_size=3), st.none(),
                          st.dictionaries(st.text(max_size=6), st.integers(-3, 3), max_size=3)),
                min_size=1, max_size=4))
def test_any_emotion_value_is_read_or_reported_never_a_traceback(values: list[object]) -> None:
    import json
    touchpoints = "".join(f"      - name: t{n}\n        emotion: {json.dumps(v)}\n"
                          for n, v in enumerate(values))
    text = ("title: x\npersonas: [{name: A}, {name: B}]\nstages:\n  - name: s\n"
            f"    touchpoints:\n{touchpoints}")
    journey, found = parse_journey(text, "j.yaml", "j")
    assert (journey is None) == bool(found)
    for problem in found:
        assert problem.line >= 1 and problem.column >= 1 and problem.message
    if journey is not None:
        for _, tp in journey.touchpoints():
            assert all(-2 <= tp.emotion_for(p) <= 2 for p in journey.persona_ids)


def test_a_link_added_in_one_journey_shows_on_the_other_when_its_pages_are_kept(
        tmp_path: Path) -> None:
    """`mkdocs serve` keeps each journey's pages while its inputs are unchanged: a link
    written in one journey changes what the other journey's pages say, so it is one of them."""
    from journeybook.site.pages import Memo, build_site

    journeys = tmp_path / "journeys"
    write_journey(journeys, "kettle", TWO)
    write_journey(journeys, "invoices", SECOND.replace("        link: kettle/find\n", ""))
    memo = Memo()
    before = build_site(Playbook.load(journeys, tmp_path), "en", memo=memo)
    assert "Comes from" not in before.pages["journeys/invoices/index.md"].content
    memo.next_build()
    write_journey(journeys, "kettle", linked("invoices/setup"))
    after = build_site(Playbook.load(journeys, tmp_path), "en", memo=memo)
    # The invoices journey's own file did not change; its pages still did.
    assert "Comes from" in after.pages["journeys/invoices/index.md"].content
    assert "Comes from" in after.pages["journeys/invoices/setup.md"].content
    assert after.pages == build_site(Playbook.load(journeys, tmp_path), "en").pages


def test_a_link_to_a_journey_with_its_own_mistakes_reports_only_those(tmp_path: Path) -> None:
    journeys = tmp_path / "journeys"
    write_journey(journeys, "kettle", linked("invoices/setup"))
    write_journey(journeys, "invoices", SECOND.replace("emotion: 0", "emotion: 9"))
    with pytest.raises(JourneybookError) as error:
        Playbook.load(journeys, tmp_path)
    assert [p.file for p in error.value.problems] == ["journeys/invoices/journey.yaml"]
