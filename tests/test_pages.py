"""Page generation without MkDocs: which pages exist, what they say, and how text is escaped."""

from __future__ import annotations

import importlib.resources
import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from journeybook import Playbook, build_site
from journeybook.i18n import labels, languages
from journeybook.site.escape import cell, escape_text, inline

from .conftest import write_journey

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def sample() -> Playbook:
    return Playbook.load(ROOT / "journeys", ROOT)


@pytest.fixture
def small(tmp_path: Path) -> Playbook:
    folder = tmp_path / "journeys" / "kettle"
    folder.mkdir(parents=True)
    (folder / "journey.yaml").write_text((FIXTURES / "small.yaml").read_text("utf-8"), "utf-8")
    return Playbook.load(tmp_path / "journeys", tmp_path)


def test_page_set_for_the_sample(sample: Playbook) -> None:
    site = build_site(sample, "vi")
    expected = {"journeys/index.md", "checklists/index.md", "actions/index.md",
                "review/index.md", "progress/index.md", "landscape/index.md",
                "channels/index.md"}
    for journey in sample.journeys:
        expected |= {f"journeys/{journey.id}/index.md", f"journeys/{journey.id}/checklist.md",
                     f"journeys/{journey.id}/blueprint.md",
                     f"journeys/{journey.id}/quiz.md",
                     f"journeys/{journey.id}/evaluations/index.md"}
        expected |= {f"journeys/{journey.id}/{stage.id}.md" for stage in journey.stages}
        rounds = sample.evaluations_of(journey)
        assert len(rounds) >= 2, "every sample journey has at least two evaluation rounds"
        expected |= {f"journeys/{journey.id}/evaluations/{e.slug}.md" for e in rounds}
    teams = {t.team for j in sample.journeys for _, t in j.touchpoints() if t.checklist}
    assert len(teams) >= 4, "the sample should spread touchpoints over several teams"
    expected |= {f"checklists/{name}.md" for name in (
        "cham-soc-khach-hang", "cntt", "kinh-doanh", "marketing", "trung-tam-lien-lac",
        "van-hanh")}
    assert expected <= set(site.pages)
    assert len(site.pages) == len(expected) + len(
        [p for p in site.pages if p.startswith("checklists/") and p not in expected])
    # Every journey page knows the YAML it came from, for the edit link.
    for path, page in site.pages.items():
        if path.startswith("journeys/") and "/evaluations/" in path and \
                not path.endswith("/index.md"):
            assert page.source is not None and page.source.suffix == ".md"
            assert page.source.parent.parent.name == path.split("/")[1]
        elif path.startswith("journeys/") and path.count("/") == 2:
            assert page.source is not None and page.source.name == "journey.yaml"
            assert page.source.parent.name == path.split("/")[1]


def test_stage_page_lists_every_touchpoint_and_checklist_item(small: Playbook) -> None:
    site = build_site(small, "en")
    page = site.pages["journeys/kettle/dat-hang.md"].content
    assert page.startswith("# Đặt hàng\n")
    assert "## Checkout { #checkout }" in page
    assert "## Confirmation call { #confirmation-call }" in page
    assert page.count("- [ ] ") == 3
    assert "| Remove optional fields | Sales | In progress | 2026-12-31 |" in page
    assert '!!! warning "Moment of truth"' in page
    assert "**Emotion (as-is → target):** \u22121 Bad → +1 Good" in page


def test_journey_overview_summarises_the_map(small: Playbook) -> None:
    page = build_site(small, "en").pages["journeys/kettle/index.md"].content
    assert "| [Checkout](dat-hang.md#checkout) ★ | Digital | Owned | Yes | Sales |" in page
    assert "## Pain points" in page and "Too many form fields" in page
    assert "- **NPS target:** 40" in page
    assert '!!! abstract "Persona: Lan"' in page


def test_team_checklists_group_by_slug(small: Playbook) -> None:
    site = build_site(small, "en")
    assert {"checklists/marketing.md", "checklists/sales.md",
            "checklists/contact-center.md"} <= set(site.pages)
    contact = site.pages["checklists/contact-center.md"].content
    assert contact.count("- [ ] ") == 2
    assert "[Đặt hàng](../journeys/kettle/dat-hang.md#confirmation-call)" in contact
    # A touchpoint without a team (the friend's referral) is on no team page.
    assert not any("Lời giới thiệu" in p.content for k, p in site.pages.items()
                   if k.startswith("checklists/"))


def test_navigation_keeps_stage_order(small: Playbook) -> None:
    nav = build_site(small, "vi").nav
    assert [item.title for item in nav] == ["Hành trình", "Checklist theo bộ phận", "Cải tiến",
                                            "Ma trận kênh", "Bản đồ cần xem lại",
                                            "Tiến độ học tập"]
    assert [c.title for c in nav[0].children[:2]] == ["Tổng quan", "Toàn cảnh hành trình"]
    journey = nav[0].children[2]
    assert journey.title == "Buying a kettle online"
    assert [c.path for c in journey.children] == [
        "journeys/kettle/index.md", "journeys/kettle/nhan-thuc.md",
        "journeys/kettle/dat-hang.md", "journeys/kettle/blueprint.md",
        "journeys/kettle/checklist.md",
        "journeys/kettle/quiz.md", "journeys/kettle/evaluations/index.md"]


def test_labels_follow_the_theme_language(small: Playbook) -> None:
    assert build_site(small, "vi").pages["journeys/index.md"].content.startswith("# Hành trình")
    assert build_site(small, "en").pages["journeys/index.md"].content.startswith("# Journeys")
    assert labels("en-GB") is labels("en") and labels("vi_VN") is labels("vi")
    assert labels(None)["journeys"] == "Journeys"


def test_every_label_exists_in_every_language() -> None:
    # Every locale file has every key of en.yml, each with some text, and no stray key.
    english = _locale_keys("en")
    for language in languages():
        keys = _locale_keys(language)
        assert keys == english, language
        t = labels(language)
        assert all(t[key].strip() for key in t), language


def _locale_keys(language: str) -> dict[str, set[str]]:
    path = importlib.resources.files("journeybook") / "locales" / f"{language}.yml"
    data = YAML(typ="safe").load(path.read_text("utf-8"))
    assert data["scaffold"]["stages"], language
    return {"labels": set(data["labels"]),
            "placeholders": set(data["scaffold"]["placeholders"]),
            "comments": set(data["scaffold"]["comments"])}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<script>alert(1)</script>", "&lt;script>alert(1)&lt;/script>"),
        ("R&D **team**", "R&amp;D **team**"),
        ("[x](javascript:alert(1))", "[x]&#40;javascript:alert(1))"),
        ("[x]( JaVaScRiPt:alert(1))", "[x]&#40; JaVaScRiPt:alert(1))"),
        ("![i](data:image/svg+xml;base64,AAA)", "![i]&#40;data:image/svg+xml;base64,AAA)"),
        ("[x]: javascript:alert(1)", "[x]&#58; javascript:alert(1)"),
        ("[ok](https://example.com) [rel](../x.md)", "[ok](https://example.com) [rel](../x.md)"),
        ("name {: onclick=alert(1) }", "name &#123;: onclick=alert(1) }"),
        ('--8<-- "secret.txt"', '--8&lt;-- "secret.txt"'),
        ("use `<b>` literally", "use <code>&#60;b&#62;</code> literally"),
        # A backslash-escaped backtick opens no code span: the HTML after it stays text.
        ("\\`x` <img src=x onerror=alert(1)>`",
         "&#96;x<code>&#60;img src&#61;x onerror&#61;alert&#40;1&#41;&#62;</code>"),
        # A code span cannot run across a blank line: the HTML between is prose, escaped.
        ("`a\n\n<script>alert(1)</script>\n\nb`",
         "&#96;a\n\n&lt;script>alert(1)&lt;/script>\n\nb&#96;"),
        ("[r]:\njavascript:alert(1)", "[r]&#58;\njavascript:alert(1)"),
        ('\\`--8<-- "mkdocs.yml"`', '&#96;--8&lt;-- "mkdocs.yml"&#96;'),
        ('```\n--8<-- "mkdocs.yml"\n```', '```\n;--8<-- "mkdocs.yml"\n```'),
    ],
)
def test_escape_text(text: str, expected: str) -> None:
    assert escape_text(text) == expected


def test_inline_and_cell_contexts() -> None:
    assert inline("Hotline\n  #1 ##") == "Hotline #1 \\#\\#"
    assert cell("a | b <i>") == "a \\| b &lt;i>"


_BLUEPRINT_TAGS = re.compile(
    r'</?(?:div|table|caption|thead|tbody|tr|th|td|ul|li|span|a|strong)'
    r'(?: (?:class|scope|colspan|href)="[a-z0-9_#./ -]*")*>')


def test_templates_escape_user_text_everywhere(tmp_path: Path) -> None:
    folder = tmp_path / "journeys" / "evil"
    folder.mkdir(parents=True)
    (folder / "journey.yaml").write_text((FIXTURES / "evil.yaml").read_text("utf-8"), "utf-8")
    site = build_site(Playbook.load(tmp_path / "journeys", tmp_path), "en")
    for path, page in site.pages.items():
        content = page.content
        if path.endswith("/blueprint.md"):
            # The blueprint is an HTML table its template writes: its own tags (and their
            # attributes, made of ids and the template's classes) go; user text must not add any.
            content = _BLUEPRINT_TAGS.sub("", content)
        # No tag can open: the only `<` in generated Markdown start code elements made by the
        # escaper, whose content is all character references.
        assert not re.search(r"<(?!/?code>)[a-zA-Z/!]", content), path
        assert "](javascript" not in page.content.lower(), path
        assert "{: onclick" not in page.content, path



def test_labels_named_like_mapping_methods_are_labels(small: Playbook) -> None:
    # `t.items` in a template would be the mapping's method, printed with its address.
    content = build_site(small, "en").pages["checklists/index.md"].content
    assert f"| {labels('en')['items']} |" in content and "built-in method" not in content


def test_a_team_named_without_letters_still_gets_its_checklist(tmp_path: Path) -> None:
    folder = tmp_path / "journeys" / "kettle"
    folder.mkdir(parents=True)
    (folder / "journey.yaml").write_text((FIXTURES / "small.yaml").read_text("utf-8").replace(
        "team: contact center", "team: '???'"), "utf-8")
    site = build_site(Playbook.load(tmp_path / "journeys", tmp_path), "en")
    (path,) = [p for p, page in site.pages.items()
               if p.startswith("checklists/team-") and "# " in page.content]
    assert "Greet by name" in site.pages[path].content
    assert "???" in site.pages["checklists/index.md"].content


PACKAGE = importlib.resources.files("journeybook")
TEMPLATES = {p.name: p for folder in ("site/templates", "authoring/templates")
             for p in (PACKAGE / folder).iterdir() if p.name.endswith(".j2")}


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_templates_read_as_prose_not_queries(name: str) -> None:
    # Short lines, no lists built by side effect, no playbook queries: the templates receive
    # views computed in Python (journeybook.site.views).
    text = TEMPLATES[name].read_text("utf-8")
    for number, line in enumerate(text.splitlines(), start=1):
        assert len(line) <= 120, f"{name}:{number} has {len(line)} characters"
    assert ".append(" not in text, name
    assert "playbook." not in text, name
    assert "| safe" not in text.replace("`| safe`", ""), name


# --- The journeys index: grouped, and ready for the search field ------------------------------

def _journey(title: str, owner: str = "", group: str = "", touchpoints: int = 1) -> str:
    lines = [f"title: {title}", f"owner: {owner!r}", f"group: {group!r}",
             "stages:\n  - name: One\n    touchpoints:"]
    lines += [f"      - name: T{n}\n        emotion: 0" for n in range(touchpoints)]
    return "\n".join(lines) + "\n"


@pytest.fixture
def grouped(tmp_path: Path) -> Path:
    """Four journeys in three groups (one by group, one by owner, one by neither); their ids
    give the playbook's order."""
    journeys = tmp_path / "journeys"
    write_journey(journeys, "a-repair", _journey("Repair at home", "Kỹ thuật", "Viễn thông", 3))
    write_journey(journeys, "b-walk-in", _journey("Walk in"))
    write_journey(journeys, "c-shop", _journey("Shop", owner="Bán lẻ", touchpoints=2))
    write_journey(journeys, "d-call", _journey("Call", "Trung tâm", " Viễn thông ", 12))
    return tmp_path


def test_journeys_index_lists_journeys_by_group(grouped: Path) -> None:
    page = build_site(Playbook.load(grouped / "journeys", grouped), "en").pages[
        "journeys/index.md"].content
    rows = [line for line in page.splitlines() if line.startswith("| [")]
    # By group (Playbook.groups(): by name, the nameless one last), then the playbook's order.
    assert rows == [
        "| [Shop](c-shop/index.md) | Bán lẻ | 1 | 2 | 0 | 0 | Never evaluated ⚠ |",
        "| [Repair at home](a-repair/index.md) | Viễn thông | 1 | 3 | 0 | 0 | Never evaluated ⚠ |",
        "| [Call](d-call/index.md) | Viễn thông | 1 | 12 | 0 | 0 | Never evaluated ⚠ |",
        "| [Walk in](b-walk-in/index.md) | Ungrouped | 1 | 1 | 0 | 0 | Never evaluated ⚠ |",
    ]
    assert "| Journey | Group | Stages | Touchpoints | ★ | ▼ |" in page
    headings = [line for line in page.splitlines() if line.startswith("#")]
    assert headings == [
        "# Journeys",
        "## Bán lẻ", "### [Shop](c-shop/index.md) { #c-shop }",
        "## Viễn thông", "### [Repair at home](a-repair/index.md) { #a-repair }",
        "### [Call](d-call/index.md) { #d-call }",
        "## Ungrouped", "### [Walk in](b-walk-in/index.md) { #b-walk-in }",
    ]


def test_journeys_index_carries_the_search_fields_words(grouped: Path) -> None:
    playbook = Playbook.load(grouped / "journeys", grouped)
    english = build_site(playbook, "en").pages["journeys/index.md"].content
    # One hidden paragraph just before the table, in classes the sanitiser keeps; the count
    # of journeys shown is left for the script to fill in ({ is escaped for Markdown).
    assert ("*Find a journey*{ .jb-journey-finder__label }\n"
            "*Title or group*{ .jb-journey-finder__hint }\n"
            "*&#123;shown} of 4 journeys*{ .jb-journey-finder__status }\n"
            "{: .jb-journey-finder }\n\n| Journey |") in english
    vietnamese = build_site(playbook, "vi").pages["journeys/index.md"].content
    assert "*Tìm hành trình*{ .jb-journey-finder__label }" in vietnamese
    assert "*&#123;shown}/4 hành trình*{ .jb-journey-finder__status }" in vietnamese
    assert "## Chưa xếp nhóm" in vietnamese and "| Chưa xếp nhóm |" in vietnamese


def test_journeys_index_without_journeys_has_no_search_field(tmp_path: Path) -> None:
    (tmp_path / "journeys").mkdir()
    page = build_site(Playbook.load(tmp_path / "journeys", tmp_path), "en").pages[
        "journeys/index.md"].content
    assert "No journeys yet" in page and "jb-journey-finder" not in page


def test_journeys_index_heading_ids_stay_unique(project) -> None:
    # A group named like a journey, and like the label of journeys without one: every
    # heading still gets its own anchor, and the sanitiser keeps the search field's words.
    site = project(language="en")
    site.add("a-call", _journey("Call", owner="Call"))
    site.add("b-call", _journey("Call", owner="Ungrouped"))
    site.add("c-alone", _journey("Alone"))
    site.build()
    html = site.html("journeys")
    ids = [h["id"] for h in html.select("article h2, article h3")]
    assert len(ids) == len(set(ids)) == 6, ids  # three groups, three journeys
    words = html.select_one("article p.jb-journey-finder")
    assert words is not None
    assert [em.get("class") for em in words.find_all("em")] == [
        ["jb-journey-finder__label"], ["jb-journey-finder__hint"], ["jb-journey-finder__status"]]
    assert words.find_next_sibling().name == "table"
    assert words.select_one(".jb-journey-finder__status").text == "{shown} of 3 journeys"
