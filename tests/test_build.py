"""End to end: real `mkdocs build --strict` runs, the HTML parsed as a reader's browser gets it."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from journeybook import Playbook

from .conftest import FIXTURES, ROOT, Project

SAMPLE = Playbook.load(ROOT / "journeys", ROOT)


def texts(elements) -> list[str]:
    """Visible text of elements, without the ¶ permalinks."""
    result = []
    for element in elements:
        for link in element.select("a.headerlink"):
            link.decompose()
        result.append(" ".join(element.get_text(" ", strip=True).split()))
    return result


def test_stage_pages_have_touchpoint_sections_and_checkboxes(sample_site: Project) -> None:
    for journey in SAMPLE.journeys:
        for stage in journey.stages:
            page = sample_site.html(f"journeys/{journey.id}/{stage.id}")
            assert texts(page.select("article h1")) == [" ".join(stage.name.split())]
            headings = {h["id"]: h for h in page.select("article h2[id]")}
            for touchpoint in stage.touchpoints:
                assert touchpoint.id in headings, (stage.id, touchpoint.id)
                assert texts([headings[touchpoint.id]])[0] == " ".join(touchpoint.name.split())
            boxes = page.select("article input[type=checkbox]")
            assert len(boxes) == sum(len(t.checklist) for t in stage.touchpoints)
            # Review answers are collapsed until asked for; a multiple-choice question shows
            # its choices, and only its answer is collapsed.
            quizzes = [q for q in stage.review if q.is_multiple_choice]
            assert len(page.select("article details.question")) == \
                len(stage.review) - len(quizzes)
            assert len(page.select("article .jb-quiz details.jb-quiz-answer")) == len(quizzes)
            assert all(not d.has_attr("open") for d in page.select("article details"))


def test_journey_overview_and_checklist_page(sample_site: Project) -> None:
    journey = SAMPLE.journeys[0]
    page = sample_site.html(f"journeys/{journey.id}")
    assert texts(page.select("article h1")) == [journey.title]
    stage_links = [a["href"] for a in page.select("article h3 a:not(.headerlink)")]
    assert stage_links == [f"{stage.id}/" for stage in journey.stages]
    stage_tables = [t for t in page.select("article table")
                    if texts(t.select("thead th"))[:2] == ["Điểm chạm", "Kênh"]]
    assert sum(len(t.select("tbody tr")) for t in stage_tables) == journey.touchpoint_count
    checklist = sample_site.html(f"journeys/{journey.id}/checklist")
    assert len(checklist.select("article input[type=checkbox]")) == sum(
        len(t.checklist) for _, t in journey.touchpoints())
    assert texts(checklist.select("article h2")) == [
        f"{n}. {stage.name}" for n, stage in enumerate(journey.stages, 1)]


def test_team_checklist_pages(sample_site: Project) -> None:
    teams = SAMPLE.teams()
    index = sample_site.html("checklists")
    assert len(index.select("article table tbody tr")) == len(teams)
    journeys = sample_site.html("journeys")
    assert len(journeys.select("article table tbody tr")) == len(SAMPLE.journeys)
    for team in teams:
        page = sample_site.html(f"checklists/{team.slug}")
        assert texts(page.select("article h1")) == [f"Checklist: {team.name}"]
        expected = sum(len(a.touchpoint.checklist) for a in team.assignments)
        assert len(page.select("article input[type=checkbox]")) == expected
    contact_center = next(t for t in teams if t.slug == "trung-tam-lien-lac")
    assert len(contact_center.by_journey()) >= 2, "agents work on several journeys"


def test_navigation_lists_journeys_and_stages_in_order(sample_site: Project) -> None:
    page = sample_site.html("journeys")
    top = page.select("nav.md-nav--primary > ul > li")
    labels = [li.find(["a", "label"]).get_text(" ", strip=True) for li in top]
    assert labels[:2] == ["Trang chủ", "Phương pháp"]
    assert labels[2:] == ["Đề xuất thay đổi", "Hành trình", "Checklist theo bộ phận", "Cải tiến",
                          "Ma trận kênh", "Bản đồ cần xem lại", "Có gì thay đổi",
                          "Tiến độ học tập", "Thuật ngữ"]
    journeys_section = top[3]
    assert [a.get_text(strip=True) for a in journeys_section.select("a.md-nav__link[href]")
            ][:2] == ["Hành trình", "Toàn cảnh hành trình"]
    for journey in SAMPLE.journeys:
        links = [a["href"] for a in journeys_section.select("a.md-nav__link[href]")
                 if f"{journey.id}/" in a["href"]]
        expected = [f"{journey.id}/", *[f"{journey.id}/{s.id}/" for s in journey.stages],
                    f"{journey.id}/blueprint/", f"{journey.id}/checklist/",
                    f"{journey.id}/quiz/", f"{journey.id}/evaluations/"]
        assert links == expected


def test_edit_links_open_the_yaml(sample_site: Project) -> None:
    journey = SAMPLE.journeys[1]
    stage = journey.stages[0]
    for url in (f"journeys/{journey.id}", f"journeys/{journey.id}/{stage.id}",
                f"journeys/{journey.id}/checklist"):
        [edit] = sample_site.html(url).select("a.md-content__button[href*='/edit/']")
        assert edit["href"] == (
            f"https://github.com/journeybook/journeybook/edit/main/journeys/{journey.id}/"
            "journey.yaml")
    # Pages made of many journeys have no single file to edit.
    assert not sample_site.html("checklists").select("a.md-content__button[href*='/edit/']")
    # Hand-written pages keep their own edit link.
    [edit] = sample_site.html("phuong-phap/diem-cham").select("a[href*='/edit/']")
    assert edit["href"].endswith("/edit/main/content/phuong-phap/diem-cham.md")


def test_vietnamese_search_index_has_touchpoints(sample_site: Project) -> None:
    index = json.loads(
        (sample_site.root / "site" / "search" / "search_index.json").read_text("utf-8"))
    docs = {doc["location"]: doc for doc in index["docs"]}
    ivr = docs["journeys/goi-tong-dai/lien-he-tong-dai/#menu-ivr"]
    assert "tổng đài" in ivr["text"]


def _tree_digest(root: Path, *folders: str) -> str:
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted((root / folder).rglob("*")):
            digest.update(path.relative_to(root).as_posix().encode())
            if path.is_file():
                digest.update(path.read_bytes())
    return digest.hexdigest()


def test_build_of_the_sample_writes_nothing_into_content_or_journeys(
        sample_site: Project) -> None:
    # The shared sample was a byte-for-byte copy of the repository's sources before its
    # strict build: after the build, its content/ and journeys/ still are.
    assert (sample_site.root / "site" / "journeys" / "index.html").is_file()
    assert _tree_digest(sample_site.root, "content", "journeys") == _tree_digest(
        ROOT, "content", "journeys")


def test_invalid_journey_stops_the_build_without_a_traceback(project, tmp_path: Path) -> None:
    p = project()
    p.add("trip", "title: Trip\nstages:\n  - name: One\n    touchpoints:\n"
                  "      - name: A\n        emotion: 5\n")
    p.add("other", "title: [unclosed\n")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=p.root,
        capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert ("journeys/trip/journey.yaml:6:18: stages[0].touchpoints[0].emotion: must be a whole "
            "number from -2 to 2, got 5") in result.stderr
    assert ("journeys/other/journey.yaml:1:8: the `[` opened on line 1, column 8 is never "
            "closed" in result.stderr)
    assert not (p.root / "site" / "index.html").exists()


def test_hand_written_page_may_not_shadow_a_generated_one(project, caplog) -> None:
    p = project()
    p.add("kettle", (FIXTURES / "small.yaml").read_text("utf-8"))
    (p.root / "docs" / "journeys").mkdir()
    (p.root / "docs" / "journeys" / "index.md").write_text("# Mine\n", "utf-8")
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        p.build()
    assert "docs/journeys/index.md is a generated page" in caplog.text


def test_english_site_without_explicit_nav(project) -> None:
    p = project(language="en")
    p.add("kettle", (FIXTURES / "small.yaml").read_text("utf-8"))
    p.build()
    page = p.html("journeys/kettle/dat-hang")
    top = page.select("nav.md-nav--primary > ul > li")
    labels = [li.find(["a", "label"]).get_text(" ", strip=True) for li in top]
    # MkDocs' own folder sections for the generated pages are replaced, not repeated.
    assert labels == ["Home", "Journeys", "Team checklists", "Improvements", "Channel matrix",
                      "Maps to review", "What changed", "My progress"]
    assert "Emotion (as-is → target)" in page.get_text()
    assert len(page.select("article input[type=checkbox]")) == 3


def test_disabled_plugin_generates_nothing(project) -> None:
    p = project(mkdocs_yml="site_name: T\ntheme: {name: material}\nplugins:\n"
                           "  - journeybook:\n      enabled: false\n")
    p.add("kettle", "not: [valid")
    p.build()
    assert not (p.root / "site" / "journeys").exists()


def test_injection_is_shown_as_text(project) -> None:
    p = project(language="en")
    p.add("evil", (FIXTURES / "evil.yaml").read_text("utf-8"))
    site = p.build()
    for html_file in site.rglob("*.html"):
        soup = p.html(str(html_file.parent.relative_to(site)))
        scripts = [s for s in soup.find_all("script") if not s.get("src")]
        assert all("alert" not in (s.string or "") for s in scripts), html_file
        for tag in soup.find_all(True):
            assert not any(attr.startswith("on") for attr in tag.attrs), (html_file, tag)
            for attr in ("href", "src"):
                value = str(tag.get(attr, "")).replace("\t", "").replace(" ", "").lower()
                assert not value.startswith(("javascript:", "data:")), (html_file, tag)
        assert not soup.find_all(["iframe", "svg", "img"], attrs={"onload": True})
    overview = p.html("journeys/evil")
    assert overview.title.string == (
        "</title><script>alert('title')</script> Evil <b>journey</b> - Test playbook")
    assert "<script>alert('touchpoint')</script>" in overview.get_text()
    nav_labels = overview.select("nav.md-nav--primary a, nav.md-nav--primary label")
    assert any("<script>alert('stage')</script>" in n.get_text() for n in nav_labels)
    # The snippet marker stayed text: README.md was not pulled into the page.
    assert '--8<-- "README.md"' in overview.get_text()


def test_serve_watches_the_journeys_folder(project) -> None:
    p = project()
    config = load_config(str(p.root / "mkdocs.yml"))
    config.plugins.on_config(config)
    assert not any("journeys" in path for path in config.watch)  # nothing to watch yet
    p.add("kettle", (FIXTURES / "small.yaml").read_text("utf-8"))
    config = load_config(str(p.root / "mkdocs.yml"))
    config.plugins.on_config(config)
    assert str((p.root / "journeys").resolve()) in config.watch
