"""Multiple-choice self-check questions (issue #13): `choices`, `correct` and `explain` in a
stage's `review`, from the YAML to the stage page, and in every tool that knows the format."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path

import jsonschema
import markdown
import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from journeybook import JourneybookError, Playbook, build_site
from journeybook.authoring.fmt import format_yaml
from journeybook.authoring.schema import journey_schema
from journeybook.cli import main
from journeybook.model import Journey
from journeybook.review.diff import compare
from journeybook.source import load_sources, parse_journey

from .conftest import FIXTURES, Project, commit_all, examples, git, write_journey

SMALL = (FIXTURES / "small.yaml").read_text(encoding="utf-8")
FREE_TEXT = """\
      - question: Where does Lan first see us?
        answer: In a **search result**.
"""


def with_review(review: str) -> str:
    """The small journey with its first stage's `review:` items replaced by ``review``."""
    assert FREE_TEXT in SMALL
    return SMALL.replace(FREE_TEXT, textwrap.indent(textwrap.dedent(review), " " * 6))


QUIZ = """\
- question: Where does Lan first hear of us?
  choices: [A search result, A TV advert, A friend's advice]
  correct: [1, 3]
  explain: She searches on her phone, or a friend tells her.
- question: What must checkout show before payment?
  choices:
    - The full price
    - A survey
  correct: 1
"""


def problems_for(tmp_path: Path, review: str) -> list[str]:
    """The problems of the small journey with these review items, as printed."""
    write_journey(tmp_path / "journeys", "kettle", with_review(review))
    with pytest.raises(JourneybookError) as caught:
        load_sources(tmp_path / "journeys", tmp_path)
    return [str(p) for p in caught.value.problems]


FILE = "journeys/kettle/journey.yaml"


# --- Located errors, one per rule ------------------------------------------------------------

def test_a_valid_multiple_choice_question_loads(tmp_path: Path) -> None:
    write_journey(tmp_path / "journeys", "kettle", with_review(QUIZ))
    [journey], _ = load_sources(tmp_path / "journeys", tmp_path)
    several, one = journey.stages[0].review
    assert several.choices == ["A search result", "A TV advert", "A friend's advice"]
    assert several.correct_choices == [1, 3] and several.several_correct
    assert several.answer is None and several.explain.startswith("She searches")
    assert one.correct == 1 and one.correct_choices == [1] and not one.several_correct


@pytest.mark.parametrize(("review", "expected"), [
    pytest.param("""\
        - question: Q?
          choices: [A, B, C]
          correct: 4
        """, "20:18: stages[0].review[0].correct: there is no choice 4: the choices are "
             "numbered from 1 to 3; give the number of a right one", id="out-of-range"),
    pytest.param("""\
        - question: Q?
          choices: [A, B, C]
          correct: 0
        """, "20:18: stages[0].review[0].correct: there is no choice 0: the choices are "
             "numbered from 1 to 3; give the number of a right one", id="zero"),
    pytest.param("""\
        - question: Q?
          choices: [A, B, C]
          correct: [1, 3, 1]
        """, "20:18: stages[0].review[0].correct: choice 1 is listed more than once; list it "
             "once", id="duplicates"),
    pytest.param("""\
        - question: Q?
          answer: A
          choices: [A, B]
          correct: 1
        """, "19:17: stages[0].review[0].answer: a question has either an `answer` (free "
             "text) or `choices` (multiple choice), not both; remove one", id="answer-and-choices"),
    pytest.param("""\
        - question: Q?
          choices: [A]
          correct: 1
        """, "19:18: stages[0].review[0].choices: a multiple-choice question needs at least "
             "two choices; add another line under `choices:`", id="one-choice"),
    pytest.param("""\
        - question: Q?
          correct: 1
        """, "19:18: stages[0].review[0].correct: `correct` goes with `choices:`; add the "
             "choices or remove `correct`", id="correct-without-choices"),
    pytest.param("""\
        - question: Q?
          choices: [A, B]
        """, "18:9: stages[0].review[0].correct: a multiple-choice question needs `correct:`: "
             "the number of the right choice (1 for the first), or a list such as [1, 3]",
        id="choices-without-correct"),
    pytest.param("""\
        - question: Q?
          choices:
            - A
            - "  "
          correct: 1
        """, "21:13: stages[0].review[0].choices[1]: this choice is empty; write its text or "
             "remove the line", id="empty-choice"),
    pytest.param("""\
        - question: Q?
          choices: [A, B]
          correct: "1"
        """, "20:18: stages[0].review[0].correct: must be the number of the right choice (1 "
             "for the first) or a list of numbers such as [1, 3], got text `1`; remove the "
             "quotes", id="quoted-number"),
    pytest.param("""\
        - question: Q?
          choices: [A, B]
          correct: [1, true]
        """, "20:18: stages[0].review[0].correct: every item must be the number of a right "
             "choice, got true/false `true`", id="true-is-not-a-number"),
    pytest.param("""\
        - question: Q?
        """, "18:9: stages[0].review[0].answer: `answer` is required here; add `answer:`, or "
             "`choices:` and `correct:` for a multiple-choice question", id="neither"),
    pytest.param("""\
        - question: Q?
          answer: A
          explain: Because.
        """, "20:18: stages[0].review[0].explain: `explain` goes with `choices:`; for a "
             "free-text question write the explanation in `answer`", id="explain-free-text"),
])
def test_each_mistake_is_located_and_says_what_to_do(tmp_path: Path, review: str,
                                                     expected: str) -> None:
    assert problems_for(tmp_path, review) == [f"{FILE}:{expected}"]


# --- fmt, schema, export ---------------------------------------------------------------------

COMMENTED = """\
title: Trip
stages:
  - name: One
    review:
      # Asked in the induction week.
      - correct: [1, 3]   # both are right
        explain: Either works.
        choices:
          - Ask first   # the habit we train
          - Guess
          - Read the notes
        question: What comes first?
    touchpoints:
      - {name: A, emotion: 0}
"""


def test_fmt_puts_the_keys_in_order_and_keeps_every_comment() -> None:
    formatted = format_yaml(COMMENTED)
    assert formatted == """\
title: Trip
stages:
  - name: One
    review:
      # Asked in the induction week.
      - question: What comes first?
        choices:
          - Ask first   # the habit we train
          - Guess
          - Read the notes
        correct: [1, 3]   # both are right
        explain: Either works.
    touchpoints:
      - {name: A, emotion: 0}
"""
    assert format_yaml(formatted) == formatted
    journey, problems = parse_journey(formatted, "j.yaml", "trip")
    assert problems == [] and journey is not None
    assert journey.stages[0].review[0].correct_choices == [1, 3]


def test_schema_accepts_multiple_choice_and_rejects_mixed_items() -> None:
    validator = jsonschema.Draft202012Validator(journey_schema())

    def errors(item: dict[str, object]) -> list[str]:
        data = {"title": "T", "stages": [{"name": "S", "review": [item],
                                          "touchpoints": [{"name": "A", "emotion": 0}]}]}
        return [e.message for e in validator.iter_errors(data)]

    assert errors({"question": "Q", "choices": ["A", "B"], "correct": [1, 2],
                   "explain": "E"}) == []
    assert errors({"question": "Q", "answer": "A"}) == []
    assert errors({"question": "Q", "answer": "A", "choices": ["A", "B"], "correct": 1})
    assert errors({"question": "Q", "choices": ["A", "B"]})
    assert errors({"question": "Q", "choices": ["A"], "correct": 1})
    assert errors({"question": "Q", "choices": ["A", "B"], "correct": 0})
    assert errors({"question": "Q", "choices": ["A", "B"], "correct": "1"})
    assert errors({"question": "Q", "choices": ["A", "B"], "correct": [1, 1]})
    assert errors({"question": "Q", "answer": "A", "explain": "E"})


def test_json_export_carries_the_choices(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    write_journey(tmp_path / "journeys", "kettle", with_review(QUIZ))
    monkeypatch.chdir(tmp_path)
    assert main(["export", "kettle", "--format", "json"]) == 0
    [several, one] = json.loads(capsys.readouterr().out)["stages"][0]["review"]
    assert several["choices"][2] == "A friend's advice" and several["correct"] == [1, 3]
    assert one["correct"] == 1 and one["answer"] is None


@pytest.mark.parametrize(("language", "comment"), [
    ("en", "# 1 is the first choice; a list such as [1, 3] when several are right"),
    ("vi", "# 1 là lựa chọn đầu tiên; một danh sách như [1, 3] khi có nhiều lựa chọn đúng"),
])
def test_new_journeys_show_a_multiple_choice_example(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, language: str, comment: str) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", "bao-hanh", "--language", language]) == 0
    assert comment in (tmp_path / "journeys/bao-hanh/journey.yaml").read_text("utf-8")
    assert main(["check"]) == 0 and main(["fmt", "--check"]) == 0
    [journey] = Playbook.load(tmp_path / "journeys").journeys
    for stage in journey.stages:
        assert [q.is_multiple_choice for q in stage.review] == [False, True]
        assert stage.review[1].correct == 1 and stage.review[1].explain


# --- diff ------------------------------------------------------------------------------------

def test_diff_reports_a_changed_correct_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    write_journey(tmp_path / "journeys", "kettle", with_review(QUIZ))
    commit_all(tmp_path)
    write_journey(tmp_path / "journeys", "kettle",
                  with_review(QUIZ.replace("correct: [1, 3]", "correct: [1]")))
    monkeypatch.chdir(tmp_path)
    assert main(["diff", "HEAD"]) == 0
    out = capsys.readouterr().out
    assert ("- ✎ Check yourself (Nhận thức): Where does Lan first hear of us?\n"
            "    - Correct answer: 1, 3 → **1**\n") in out


def test_diff_reports_questions_added_removed_and_choices_changed() -> None:
    before, _ = parse_journey(with_review(QUIZ), "a.yaml", "kettle")
    after, _ = parse_journey(with_review(
        QUIZ.replace("A TV advert", "A radio advert").replace(
            "- question: What must checkout show before payment?",
            "- question: What must checkout show first?")), "b.yaml", "kettle")
    assert before is not None and after is not None
    [changes] = compare([before], [after])
    assert [(s.id, q.question) for s, q in changes.questions_added] == [
        ("nhan-thuc", "What must checkout show first?")]
    assert [(s.id, q.question) for s, q in changes.questions_removed] == [
        ("nhan-thuc", "What must checkout show before payment?")]
    [changed] = changes.questions_changed
    assert changed.changed == [
        ("choices", "A search result · A TV advert · A friend's advice",
         "A search result · A radio advert · A friend's advice")]


# --- The stage page --------------------------------------------------------------------------

def build_quiz(project: Callable[..., Project], review: str = QUIZ,
               language: str = "en") -> Project:
    site = project(language)
    site.add("kettle", with_review(review))
    site.build()
    return site


def test_stage_page_shows_the_choices_and_a_collapsed_answer(
        project: Callable[..., Project]) -> None:
    site = build_quiz(project)
    page = site.html("journeys/kettle/nhan-thuc")
    several, one = page.select("div.admonition.jb-quiz")
    assert several["class"] == ["admonition", "question", "jb-quiz", "jb-quiz-several",
                                "jb-correct-1", "jb-correct-3"]
    assert one["class"] == ["admonition", "question", "jb-quiz", "jb-correct-1"]
    assert several.select_one(".admonition-title").get_text() == \
        "Where does Lan first hear of us?"
    assert [li.get_text(" ", strip=True) for li in several.select(":scope > ol > li")] == [
        "A search result", "A TV advert", "A friend's advice"]
    assert "Choose every right answer." in several.get_text()
    answer = several.select_one(":scope > details.jb-quiz-answer")
    assert answer is not None and not answer.has_attr("open")
    assert answer.summary.get_text() == "Correct answer"
    assert [p.get_text(" ", strip=True) for p in answer.find_all("p")] == [
        "1. A search result", "3. A friend's advice",
        "Why: She searches on her phone, or a friend tells her."]
    assert "Choose every right answer." not in one.get_text()
    # Multiple-choice questions are not collapsed like free-text ones: only their answer is.
    assert page.select("details.question") == []


def test_quiz_markers_survive_the_sanitiser_and_the_page_language(
        project: Callable[..., Project]) -> None:
    # The built page has been through the sanitiser: what the quiz script needs is still there.
    site = build_quiz(project, language="vi")
    page = site.html("journeys/kettle/nhan-thuc")
    quiz = page.select_one(".jb-quiz")
    assert quiz is not None and quiz.select_one(":scope > ol > li") is not None
    assert quiz["class"][-3:] == ["jb-quiz-several", "jb-correct-1", "jb-correct-3"]
    assert "Chọn tất cả các đáp án đúng." in quiz.get_text()
    assert page.select_one(".jb-quiz details.jb-quiz-answer summary").get_text() == "Đáp án đúng"
    assert "Giải thích:" in page.select_one(".jb-quiz details.jb-quiz-answer").get_text()


def test_user_text_in_a_quiz_is_escaped(project: Callable[..., Project]) -> None:
    site = build_quiz(project, review="""\
        - question: 'Is <b>this</b> "bold"? { .jb-correct-2 }'
          choices: ['<script>alert(1)</script>', '{ .jb-correct-2 }', "**Yes**"]
          correct: 3
          explain: '`code` and <i>tags</i>'
        - question: Why ask "what have you tried"?
          answer: To skip steps.
        """)
    page = site.html("journeys/kettle/nhan-thuc")
    # A title keeps its quotes (they used to show as `&quot;`).
    assert page.select_one("details.question summary").get_text() == \
        'Why ask "what have you tried"?'
    quiz = page.select_one(".jb-quiz")
    assert quiz["class"] == ["admonition", "question", "jb-quiz", "jb-correct-3"]
    assert quiz.select_one(".admonition-title").get_text() == \
        'Is <b>this</b> "bold"? { .jb-correct-2 }'
    choices = quiz.select(":scope > ol > li")
    assert [li.get_text() for li in choices[:2]] == ["<script>alert(1)</script>",
                                                      "{ .jb-correct-2 }"]
    assert choices[2].strong.get_text() == "Yes"
    assert quiz.select_one("details code").get_text() == "code"


# --- A property: any valid choices/correct pair loads and renders ---------------------------

_CHOICE = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                  min_size=1, max_size=30).filter(lambda s: bool(s.strip()))


@st.composite
def quizzes(draw: st.DrawFn) -> tuple[list[str], int | list[int]]:
    choices = draw(st.lists(_CHOICE, min_size=2, max_size=6))
    numbers = st.integers(1, len(choices))
    correct = draw(numbers | st.lists(numbers, min_size=1, max_size=len(choices),
                                      unique=True))
    return choices, correct


def stage_html(journey: Journey) -> BeautifulSoup:
    """The first stage page of ``journey`` as the site's Markdown extensions make it."""
    playbook = Playbook([journey], Path("journeys"), {journey.id: []})
    text = build_site(playbook, "en").pages[f"journeys/{journey.id}/nhan-thuc.md"].content
    made = markdown.markdown(text, extensions=["admonition", "attr_list", "tables",
                                               "pymdownx.details", "pymdownx.superfences"])
    return BeautifulSoup(made, "html.parser")


@settings(max_examples=examples(15), derandomize=True, deadline=None)
@given(quizzes())
def test_any_valid_quiz_loads_and_renders(quiz: tuple[list[str], int | list[int]]) -> None:
    choices, correct = quiz
    item = {"question": "Q?", "choices": choices, "correct": correct}
    journey, problems = parse_journey(
        with_review("- " + json.dumps(item, ensure_ascii=False) + "\n"), "j.yaml", "kettle")
    assert problems == [] and journey is not None
    [shown] = stage_html(journey).select("div.jb-quiz")
    numbers = correct if isinstance(correct, list) else [correct]
    assert {c for c in shown["class"] if c.startswith("jb-correct-")} == {
        f"jb-correct-{n}" for n in numbers}
    assert len(shown.select(":scope > ol > li")) == len(choices)
    assert len(shown.select(":scope > details.jb-quiz-answer > p")) == len(set(numbers))


def test_sample_playbook_has_a_quiz_in_every_stage() -> None:
    root = Path(__file__).parent.parent
    for journey in Playbook.load(root / "journeys", root).journeys:
        for stage in journey.stages:
            quizzes = [q for q in stage.review if q.is_multiple_choice]
            assert quizzes, f"{journey.id}/{stage.id} has no multiple-choice question"
            assert all(q.explain for q in quizzes), f"{journey.id}/{stage.id}"
            assert any(not q.is_multiple_choice for q in stage.review), stage.id
