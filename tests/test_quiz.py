"""Quizzes in the browser: a stage page's multiple-choice questions answered, scored, kept."""

from __future__ import annotations

import pytest

from .conftest import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM, reason="Chromium is not installed (apt-get install chromium)"),
]

ONE = "journeys/goi-tong-dai/lien-he-tong-dai/"  # one question, one right choice (1)
SEVERAL = "journeys/goi-tong-dai/sau-ho-tro/"  # one question, right choices 1 and 2



def _score(page) -> str:
    return page.locator("[data-quiz-score]").get_attribute("data-quiz-score")


def test_a_question_answered_wrong_then_right_keeps_its_score(browser, sample_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(sample_url + ONE)
    quiz = page.locator("div.jb-quiz").first
    assert _score(page) == "0/1"
    answer = quiz.locator("details.jb-quiz-answer")
    assert not answer.evaluate("d => d.open")
    # By keyboard, as a screen-reader user would: the choices are labelled radio buttons.
    choices = quiz.get_by_role("radio")
    assert choices.count() >= 2
    choices.nth(1).focus()
    page.keyboard.press("Space")
    feedback = quiz.locator(".jb-quiz-feedback")
    assert "Chưa đúng" in feedback.inner_text()
    assert answer.evaluate("d => d.open")  # the explanation shows
    assert _score(page) == "0/1"
    choices.nth(0).check()
    assert feedback.inner_text().strip() == "Đúng."
    assert _score(page) == "1/1"
    page.reload()
    quiz = page.locator("div.jb-quiz").first
    assert quiz.get_by_role("radio").nth(0).is_checked()
    assert _score(page) == "1/1"
    # The progress page reads the same score.
    page.goto(sample_url + "progress/")
    row = page.locator("article table tr", has=page.locator(f"a[href$='{ONE}']"))
    assert row.locator("td").nth(3).inner_text().strip() == "1/1"
    # Start again: the page's answers and score are cleared.
    page.goto(sample_url + ONE)
    page.locator("button.jb-quiz-reset").click()
    assert _score(page) == "0/1"
    page.reload()
    assert not page.locator("div.jb-quiz").first.get_by_role("radio").nth(0).is_checked()
    context.close()


def test_a_question_with_several_right_choices_is_checked_on_demand(browser,
                                                                   sample_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(sample_url + SEVERAL)
    quiz = page.locator("div.jb-quiz-several").first
    boxes = quiz.get_by_role("checkbox")
    boxes.nth(0).check()
    quiz.locator("button.jb-quiz-check").click()
    assert "Chưa đúng" in quiz.locator(".jb-quiz-feedback").inner_text()
    boxes.nth(1).check()
    quiz.locator("button.jb-quiz-check").click()
    assert quiz.locator(".jb-quiz-feedback").inner_text().strip() == "Đúng."
    assert _score(page).startswith("1/")
    context.close()


def test_without_javascript_the_answers_are_in_collapsed_blocks(browser, sample_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(sample_url + ONE)
    quiz = page.locator("div.jb-quiz").first
    assert quiz.locator("ol > li").count() >= 2  # the choices, as a numbered list
    answer = quiz.locator("details.jb-quiz-answer")
    assert not answer.evaluate("d => d.open")
    assert page.locator("[data-quiz-score]").count() == 0
    context.close()
