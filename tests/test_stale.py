"""Maps that say when they went stale (#13): a journey whose newest evaluation note is older
than `stale_after` days, or that has none, says so on its overview and on the journeys index,
is listed on the page of maps to review, and `journeybook check --max-age` warns about it."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from journeybook import Playbook
from journeybook.cli import main
from journeybook.site.pages import Memo, build_site

from .conftest import FIXTURES, Project, write_journey

SMALL = (FIXTURES / "small.yaml").read_text("utf-8")
BUILD_DATE = datetime.date(2026, 6, 1)
#: Journey id → days between its only evaluation note and the build date (None: no note).
AGES = {"fresh": 10, "middle": 60, "old": 200, "never": None}


def _write_playbook(root: Path, ages: dict[str, int | None] = AGES) -> Path:
    for journey_id, days in ages.items():
        path = write_journey(root / "journeys", journey_id,
                             SMALL.replace("title: Buying a kettle online",
                                           f"title: Kettle {journey_id}"))
        if days is not None:
            day = (BUILD_DATE - datetime.timedelta(days=days)).isoformat()
            notes = path.parent / "evaluations"
            notes.mkdir()
            (notes / f"{day}.md").write_text(f"---\ndate: {day}\nmethod: survey\n---\nNotes.\n",
                                             "utf-8")
    return root / "journeys"


def _day(days: int) -> str:
    return (BUILD_DATE - datetime.timedelta(days=days)).isoformat()


def test_a_journey_is_stale_when_its_newest_note_is_older_than_stale_after_or_missing(
        tmp_path: Path) -> None:
    playbook = Playbook.load(_write_playbook(tmp_path), tmp_path)
    by_id = {journey.id: journey for journey in playbook.journeys}
    assert not playbook.is_stale(by_id["fresh"], BUILD_DATE, 180)
    assert not playbook.is_stale(by_id["middle"], BUILD_DATE, 180)
    assert playbook.is_stale(by_id["old"], BUILD_DATE, 180)
    assert playbook.is_stale(by_id["never"], BUILD_DATE, 180)
    assert playbook.is_stale(by_id["middle"], BUILD_DATE, 30)
    # Exactly `stale_after` days old is not yet more than that.
    assert not playbook.is_stale(by_id["middle"], BUILD_DATE, 60)
    assert playbook.last_evaluated(by_id["old"]) == datetime.date(2025, 11, 13)
    assert playbook.last_evaluated(by_id["never"]) is None
    # Oldest first: never evaluated, then the longest since.
    assert [(f.journey.id, f.days) for f in playbook.stale(BUILD_DATE, 30)] == [
        ("never", None), ("old", 200), ("middle", 60)]


def _site(tmp_path: Path, language: str, stale_after: int | None = None) -> Project:
    _write_playbook(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n", "utf-8")
    option = f", stale_after: {stale_after}" if stale_after is not None else ""
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: Test\ntheme: {{name: material, language: {language}}}\n"
        f"plugins:\n  - journeybook: {{build_date: {BUILD_DATE.isoformat()}{option}}}\n",
        "utf-8")
    project = Project(tmp_path)
    project.build()
    return project


def _text(page: BeautifulSoup) -> str:
    article = page.select_one("article")
    assert article is not None
    return " ".join(article.get_text(" ").split())


WORDS = {
    "en": {"old": "Last evaluated 200 days ago (2025-11-13)", "never": "Never evaluated",
           "title": "Map to review", "review": "Maps to review"},
    "vi": {"old": "Đánh giá lần cuối 200 ngày trước (2025-11-13)",
           "never": "Chưa từng được đánh giá", "title": "Bản đồ cần xem lại",
           "review": "Bản đồ cần xem lại"},
}


@pytest.mark.parametrize("language", ["en", "vi"])
def test_stale_journeys_say_so_on_their_overview_the_index_and_the_review_page(
        tmp_path: Path, language: str) -> None:
    words = WORDS[language]
    project = _site(tmp_path, language)
    # The overview: a warning near the top, before the emotion curve.
    for journey_id, said in (("old", words["old"]), ("never", words["never"])):
        page = project.html(f"journeys/{journey_id}")
        warning = page.select_one("article .admonition.warning")
        assert warning is not None, journey_id
        assert words["title"] in warning.get_text() and said in warning.get_text()
        assert warning.find("a", href="../../review/")
    for journey_id in ("fresh", "middle"):
        page = project.html(f"journeys/{journey_id}")
        assert page.select_one("article .admonition.warning") is None
        assert words["never"] not in _text(page)
    # The index: a column with each journey's last evaluation, ⚠ on the stale ones, and a
    # line under each stale journey's heading.
    index = project.html("journeys")
    table = index.select_one("article table")
    assert table is not None
    rows = {row.select("td")[0].get_text(strip=True): [td.get_text(strip=True)
                                                         for td in row.select("td")]
            for row in table.select("tbody tr")}
    widths = {len(cells) for cells in rows.values()} | {len(table.select("thead th"))}
    assert widths == {7}
    assert rows["Kettle fresh"][-1] == _day(10)
    assert rows["Kettle old"][-1] == "2025-11-13 ⚠"
    assert rows["Kettle never"][-1] == f"{words['never']} ⚠"
    text = _text(index)
    assert f"⚠ {words['old']}" in text and f"⚠ {words['never']}" in text
    assert "Last evaluated 10 days" not in text and "10 ngày" not in text
    # The review page, in the navigation, lists them oldest first.
    review = project.html("review")
    assert review.select_one("article h1").get_text().rstrip("¶") == words["review"]
    listed = [row.select("td")[0].get_text(strip=True)
              for row in review.select("article table tbody tr")]
    assert listed == ["Kettle never", "Kettle old"]
    assert [td.get_text(strip=True) for td in review.select("article tbody tr")[1].select("td")
            ][-2:] == ["2025-11-13 ⚠", "200"]
    home = project.html("")
    assert any(a.get_text(strip=True) == words["review"] for a in home.select("nav a"))


def test_stale_after_in_mkdocs_yml_changes_which_maps_are_stale(tmp_path: Path) -> None:
    project = _site(tmp_path, "en", stale_after=30)
    review = project.html("review")
    assert [row.select("td")[0].get_text(strip=True)
            for row in review.select("article table tbody tr")] == [
        "Kettle never", "Kettle old", "Kettle middle"]
    assert "more than 30 days" in _text(review)
    warning = project.html("journeys/middle").select_one("article .admonition.warning")
    assert warning is not None and "Last evaluated 60 days ago" in warning.get_text()


@pytest.mark.parametrize("language, none", [
    ("en", "Every journey was evaluated in the last 180 days: no map to review."),
    ("vi", "Mọi hành trình đều đã được đánh giá trong 180 ngày qua"),
])
def test_the_review_page_says_when_no_map_is_stale(tmp_path: Path, language: str,
                                                   none: str) -> None:
    journeys = _write_playbook(tmp_path, {"fresh": 10, "middle": 60})
    site = build_site(Playbook.load(journeys, tmp_path), language, BUILD_DATE)
    review = site.pages["review/index.md"].content
    assert none in review and "|" not in review
    assert "⚠" not in site.pages["journeys/index.md"].content.split("\n\n★")[0]


def test_changing_stale_after_makes_the_journey_pages_again(tmp_path: Path) -> None:
    journeys = _write_playbook(tmp_path)
    memo = Memo()
    build_site(Playbook.load(journeys, tmp_path), "en", BUILD_DATE, memo=memo)
    memo.next_build()
    second = build_site(Playbook.load(journeys, tmp_path), "en", BUILD_DATE, memo=memo,
                        stale_after=30)
    fresh = build_site(Playbook.load(journeys, tmp_path), "en", BUILD_DATE, stale_after=30)
    assert {p: page.content for p, page in second.pages.items()} == {
        p: page.content for p, page in fresh.pages.items()}
    assert "Last evaluated 60 days ago" in second.pages["journeys/middle/index.md"].content


# --- journeybook check --max-age ------------------------------------------------------------

def _check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    _write_playbook(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return main(["check", "--build-date", BUILD_DATE.isoformat(), *args])


OLD_WARNING = ("last evaluated 200 days ago (more than 180), on 2025-11-13; evaluate the "
               "journey again and add the round's note under journeys/old/evaluations/")
NEVER_WARNING = ("never evaluated; evaluate the journey with customers and add the round's "
                 "note under journeys/never/evaluations/ (YYYY-MM-DD.md)")


def test_check_max_age_warns_about_each_stale_journey_and_passes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert _check(tmp_path, monkeypatch, "--max-age", "180") == 0
    out, err = capsys.readouterr()
    assert err.splitlines() == [f"warning: journeys/never/journey.yaml:1:1: {NEVER_WARNING}",
                                f"warning: journeys/old/journey.yaml:1:1: {OLD_WARNING}"]
    assert out.startswith("ok: 4 journeys")
    # Without --max-age, check says nothing about age.
    assert main(["check", "--build-date", BUILD_DATE.isoformat()]) == 0
    assert capsys.readouterr().err == ""


def test_check_fail_stale_exits_1_when_a_map_is_stale(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert _check(tmp_path, monkeypatch, "--max-age", "180", "--fail-stale") == 1
    assert len(capsys.readouterr().err.splitlines()) == 2
    # The plugin's default, 180 days, without --max-age.
    assert main(["check", "--build-date", BUILD_DATE.isoformat(), "--fail-stale"]) == 1
    assert len(capsys.readouterr().err.splitlines()) == 2
    # Nothing stale among the evaluated ones: fine once the others are gone.
    for journey_id in ("old", "never"):
        shutil.rmtree(tmp_path / "journeys" / journey_id)
    assert main(["check", "--build-date", BUILD_DATE.isoformat(), "--max-age", "180",
                 "--fail-stale"]) == 0
    assert capsys.readouterr().err == ""


def test_check_max_age_for_github(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert _check(tmp_path, monkeypatch, "--max-age", "180", "--format", "github") == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[:2] == [
        f"::warning file=journeys/never/journey.yaml,line=1,col=1,title=journeybook::"
        f"{NEVER_WARNING}",
        f"::warning file=journeys/old/journey.yaml,line=1,col=1,title=journeybook::"
        f"{OLD_WARNING}"]
    assert out.splitlines()[2].startswith("ok: 4 journeys") and err == ""


def test_check_max_age_must_be_days(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert _check(tmp_path, monkeypatch, "--max-age", "-1") == 1
    assert capsys.readouterr().err == (
        "error: --max-age -1 is not a number of days; give 0 or more\n")


def test_stale_after_must_be_days(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from mkdocs.exceptions import Abort

    with pytest.raises(Abort):
        _site(tmp_path, "en", stale_after=-1)
    assert "journeybook: stale_after `-1` is not a number of days; write 0 or more" in caplog.text
