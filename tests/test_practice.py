"""A journey's practice quiz (`journeys/<id>/quiz/`): questions made from its map, right by
its data, the same on every build, interactive in the browser."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journeybook import Playbook
from journeybook.i18n import labels
from journeybook.model import Journey
from journeybook.site.escape import signed
from journeybook.site.practice import MOST_QUESTIONS, PracticeQuestion, practice_questions
from journeybook.slug import slugify

from .conftest import CHROMIUM, ROOT, Project, examples

EN = labels("en")
LAYERS = ("systems", "procedures", "interactions")


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _team(name: str) -> str:
    return slugify(name) or _key(name)


def _feeling(level: int, t: Mapping[str, str] = EN) -> str:
    return f"{signed(level)} {t[f'emotion_{level}']}"


def assert_valid(journey: Journey, questions: tuple[PracticeQuestion, ...],
                 t: Mapping[str, str] = EN) -> None:
    """Every question has 2+ distinct choices, and what it marks right is what the map says."""
    assert len(questions) <= MOST_QUESTIONS
    where = {tp.id: (stage, tp) for stage, tp in journey.touchpoints()}
    for q in questions:
        assert len(q.choices) >= 2, q
        assert len({_key(choice) for choice in q.choices}) == len(q.choices), q
        assert q.correct_choices and all(1 <= n <= len(q.choices) for n in q.correct_choices)
        right = [q.choices[n - 1] for n in q.correct_choices]
        wrong = [c for n, c in enumerate(q.choices, start=1) if n not in q.correct_choices]
        stage, tp = where[q.touchpoint]
        assert stage.id == q.stage
        assert q.question and q.explain
        if q.kind == "moment":
            assert tp.moment_of_truth and right == [tp.name]
            moments = {_key(o.name) for _, o in journey.touchpoints() if o.moment_of_truth}
            others = {_key(o.name) for _, o in journey.touchpoints() if not o.moment_of_truth}
            assert all(_key(c) in others and _key(c) not in moments for c in wrong), q
            assert f"“{stage.name}”" in q.question
        elif q.kind == "team":
            assert [_team(c) for c in right] == [_team(tp.team)]
            teams = {_team(o.team) for _, o in journey.touchpoints() if o.team.strip()}
            assert all(_team(c) in teams for c in wrong), q
        elif q.kind == "emotion":
            assert right == [_feeling(tp.emotion, t)]
        elif q.kind == "target":
            assert tp.target is not None and right == [_feeling(tp.target, t)]
            assert _feeling(tp.emotion, t) in q.question
        elif q.kind == "layer":
            [layer] = [name for name in LAYERS if t[name] == right[0]]
            items = [item for item in getattr(tp.layers, layer) if q.question == t[
                "practice_layer"].format(item=item, touchpoint=tp.name, stage=stage.name)]
            assert items, q
            others = [name for name in LAYERS if name != layer]
            assert not any(_key(i) == _key(items[0]) for name in others
                           for i in getattr(tp.layers, name)), q
        else:
            raise AssertionError(f"unknown kind {q.kind}")


@pytest.fixture(scope="module")
def sample() -> Playbook:
    return Playbook.load(ROOT / "journeys", ROOT)


def _journey(data: dict[str, Any], journey_id: str = "trip") -> Journey:
    return Journey.model_validate(data, context={"journey_id": journey_id})


def _touchpoints(count: int, **fields: Any) -> list[dict[str, Any]]:
    return [{"id": f"t{n}", "name": f"Touchpoint {n}", "emotion": n % 5 - 2, **fields}
            for n in range(count)]


def test_the_sample_journeys_get_valid_questions_about_every_touchpoint(
        sample: Playbook) -> None:
    for journey in sample.journeys:
        for language in ("en", "vi"):
            questions = practice_questions(journey, labels(language))
            assert_valid(journey, questions, labels(language))
            touchpoints = [tp.id for _, tp in journey.touchpoints()]
            assert len(touchpoints) <= MOST_QUESTIONS
            assert {q.touchpoint for q in questions} == set(touchpoints)
            # Questions follow the map: stage by stage, touchpoint by touchpoint.
            asked = [q.touchpoint for q in questions]
            assert asked == sorted(asked, key=touchpoints.index)
        kinds = {q.kind for q in practice_questions(journey, EN)}
        assert kinds == {"moment", "team", "emotion", "target", "layer"}, journey.id


def test_the_same_journey_gives_the_same_questions_and_a_change_changes_them(
        sample: Playbook) -> None:
    journey = sample.journeys[0]
    again = Playbook.load(ROOT / "journeys", ROOT).journeys[0]
    assert practice_questions(journey, EN) == practice_questions(again, EN)
    data = journey.model_dump(by_alias=True, exclude_defaults=True)
    data["stages"][0]["touchpoints"][0]["name"] = "Renamed touchpoint"
    changed = practice_questions(_journey(data, journey.id), EN)
    assert changed != practice_questions(journey, EN)
    assert any("Renamed touchpoint" in q.question for q in changed)


def test_questions_do_not_depend_on_the_process(sample: Playbook) -> None:
    # Builds must be byte-identical: no hash-seed (set order) or clock in the choice.
    script = ("from pathlib import Path; from journeybook import Playbook; "
              "from journeybook.i18n import labels; "
              "from journeybook.site.practice import practice_questions as p; "
              f"root = Path({str(ROOT)!r}); "
              "journeys = Playbook.load(root / 'journeys', root).journeys; "
              "print([p(j, labels('vi')) for j in journeys])")
    runs = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           check=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
            for seed in ("1", "2")}
    assert len(runs) == 1


def test_at_most_twenty_questions_each_about_another_touchpoint() -> None:
    journey = _journey({"title": "Big", "stages": [
        {"id": f"s{s}", "name": f"Stage {s}", "touchpoints": [
            {**tp, "id": f"s{s}{tp['id']}", "team": f"Team {s}"} for tp in _touchpoints(6)]}
        for s in range(5)]})
    questions = practice_questions(journey, EN)
    assert len(questions) == MOST_QUESTIONS
    assert len({q.touchpoint for q in questions}) == MOST_QUESTIONS
    assert_valid(journey, questions)


def test_a_journey_with_one_team_gets_no_team_question() -> None:
    journey = _journey({"title": "Trip", "stages": [
        {"name": "Only", "touchpoints": _touchpoints(4, team="Sales", moment_of_truth=False)}]})
    questions = practice_questions(journey, EN)
    assert {q.kind for q in questions} == {"emotion"}
    assert len(questions) == 4  # one per touchpoint, and nothing else to ask
    # "sales" spelled otherwise is the same team: still nothing to choose from.
    data = journey.model_dump(by_alias=True, exclude_defaults=True)
    data["stages"][0]["touchpoints"][1]["team"] = " SALES "
    assert "team" not in {q.kind for q in practice_questions(_journey(data), EN)}


def test_a_moment_of_truth_question_has_one_moment_of_truth_among_its_choices() -> None:
    touchpoints = _touchpoints(4, moment_of_truth=True)
    journey = _journey({"title": "Trip", "stages": [{"name": "Only", "touchpoints": touchpoints}]})
    assert "moment" not in {q.kind for q in practice_questions(journey, EN)}
    touchpoints[0]["moment_of_truth"] = False
    touchpoints[1]["target"] = 2
    journey = _journey({"title": "Trip", "stages": [{"name": "Only", "touchpoints": touchpoints}]})
    questions = practice_questions(journey, EN)
    assert [q.choices for q in questions if q.kind == "moment"]
    assert_valid(journey, questions)


def test_the_questions_speak_the_sites_language(sample: Playbook) -> None:
    journey = sample.journeys[0]
    vi = labels("vi")
    texts = " ".join(q.question + q.explain + " ".join(q.choices)
                     for q in practice_questions(journey, vi))
    assert "Bộ phận nào phụ trách" in texts and vi["emotion_2"] in texts
    assert "Which team" not in texts


# --- any journey ----------------------------------------------------------------------------

_TEXTS = st.sampled_from(["A", "a", "B", " b ", "Cổng thanh toán", "CRM", "???", "x" * 80])
_TEAMS = st.sampled_from(["", "Sales", "sales", "CNTT", "Kinh doanh", "???", "客服"])
_LEVELS = st.integers(-2, 2)


@st.composite
def journeys(draw: st.DrawFn) -> Journey:
    number = iter(range(1000))
    stages = [{
        "id": f"s{next(number)}", "name": draw(_TEXTS),
        "touchpoints": [{
            "id": f"t{next(number)}", "name": draw(_TEXTS), "team": draw(_TEAMS),
            "emotion": draw(_LEVELS), "target": draw(st.none() | _LEVELS),
            "moment_of_truth": draw(st.booleans()),
            "layers": {layer: draw(st.lists(_TEXTS, max_size=3)) for layer in LAYERS},
        } for _ in range(draw(st.integers(1, 8)))],
    } for _ in range(draw(st.integers(1, 5)))]
    return _journey({"title": "Any", "stages": stages}, draw(st.sampled_from(["a", "b", "c"])))


@settings(max_examples=examples(60), derandomize=True, deadline=None)
@given(journeys())
def test_any_journey_gets_valid_questions(journey: Journey) -> None:
    questions = practice_questions(journey, EN)
    assert_valid(journey, questions)
    touchpoints = {tp.id for _, tp in journey.touchpoints()}
    if len(touchpoints) <= MOST_QUESTIONS:
        assert {q.touchpoint for q in questions} == touchpoints
    else:
        assert len(questions) == MOST_QUESTIONS
    assert practice_questions(journey, EN) == questions


# --- the built site -------------------------------------------------------------------------

def test_the_built_sample_has_a_practice_quiz_per_journey(sample_site: Project,
                                                          sample: Playbook) -> None:
    for journey in sample.journeys:
        page = sample_site.html(f"journeys/{journey.id}/quiz")
        assert page.select_one("article h1").get_text(strip=True).rstrip("¶") == \
            f"Luyện tập: {journey.title}"
        questions = practice_questions(journey, labels("vi"))
        quizzes = page.select("article div.admonition.jb-quiz")
        assert len(quizzes) == len(questions)
        for quiz, question in zip(quizzes, questions, strict=True):
            choices = [li.get_text(" ", strip=True) for li in quiz.select(":scope > ol > li")]
            assert choices == list(question.choices)
            assert [c for c in quiz["class"] if c.startswith("jb-correct-")] == \
                [f"jb-correct-{n}" for n in question.correct_choices]
            answer = quiz.select_one(":scope > details.jb-quiz-answer")
            assert answer is not None and not answer.has_attr("open")
            link = answer.select_one("a[href]")["href"]
            assert link.startswith("../") and f"#{question.touchpoint}" in link
        # In the navigation, right after the journey's checklist.
        overview = sample_site.html(f"journeys/{journey.id}")
        nav = [a["href"] for a in overview.select("nav.md-nav--primary a.md-nav__link[href]")]
        assert nav[nav.index("checklist/") + 1] == "quiz/"



@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM, reason="Chromium is not installed (apt-get install chromium)")
def test_a_practice_question_answered_right_is_scored(browser, sample_url: str,
                                                     sample: Playbook) -> None:
    journey = sample.journeys[0]
    questions = practice_questions(journey, labels("vi"))
    context = browser.new_context()
    page = context.new_page()
    page.goto(sample_url + f"journeys/{journey.id}/quiz/")
    score = page.locator("[data-quiz-score]")
    assert score.get_attribute("data-quiz-score") == f"0/{len(questions)}"
    quiz = page.locator("div.jb-quiz").first
    quiz.get_by_role("radio").nth(questions[0].correct_choices[0] - 1).check()
    assert quiz.locator(".jb-quiz-feedback").inner_text().strip() == "Đúng."
    assert score.get_attribute("data-quiz-score") == f"1/{len(questions)}"
    page.reload()
    assert page.locator("[data-quiz-score]").get_attribute("data-quiz-score") == \
        f"1/{len(questions)}"
    context.close()
