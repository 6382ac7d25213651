"""The safety boundary: whatever an author writes, no generated page carries live markup.

Markdown escaping decides how text *reads*; the allowlist sanitiser (nh3) decides what may
*run*. These tests attack both from the outside: real builds with the real plugin, the built
HTML read with an HTML parser, never a regular expression.
"""

from __future__ import annotations

import itertools
import json
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup, Comment, Tag
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

import journeybook.plugin
import journeybook.rebuild
from journeybook.site.escape import escape_text
from journeybook.site.sanitize import clean

from .conftest import MINIMAL_MKDOCS, Project, examples

#: What a hostile author reaches for: every character Markdown, HTML, attribute lists,
#: snippets and URLs give meaning to, whole payloads, newlines and blank lines.
ALPHABET = [*"`\\[](){}:<>\"'*_!#-=|&;/.~^%$ \tabcé", "\n", "\n\n", "đ", "ữ"]
TOKENS = [
    "<script>XSS()</script>", "<img src=x onerror=XSS()>", "javascript:XSS()",
    "JaVa\tScRiPt:XSS()", "onerror=XSS()", "onclick=\"XSS()\"", "--8<--", '--8<-- "mkdocs.yml"',
    "{: onclick=\"XSS()\" }", "{ onmouseover=XSS() }", "\\`", "`", "``", "```", "~~~",
    "[r]:", "[x][r]", "](javascript:XSS())", "<svg onload=XSS()>", "<iframe src=x>",
    "<object data=x>", "<embed src=x>", "<form action=x>", "<style>*{}</style>", "&#60;",
    "&lt;script&gt;", "<!--", "-->", "<a href='javascript:XSS()'>", "![i](data:text/html,x)",
    "    ", "- ", "1. ", "# ", "!!! note \"", "??? ", "<details open ontoggle=XSS()>", "\\",
    "*[XSS]: x", "[^1]", "<https://x>", "<b", "data:text/html;base64,PHNjcmlwdD4=",
    # Found by hand after the first version: an indented fence superfences gives up on, an
    # attribute list reaching the table of contents, HTML in tooltips.
    "\n  ```\n", "\n## ", "{: id='x\" onmouseover=\"XSS()' }", "{: #__config }",
    '[l](https://x "<img src=x onerror=XSS()>")', "*[here]: <img src=x onerror=XSS()>",
]
hostile = st.lists(st.one_of(st.sampled_from(ALPHABET), st.sampled_from(TOKENS)),
                   max_size=24).map("".join)

UNSAFE_URL = re.compile(r"^(javascript|vbscript|data):", re.I)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster",
                  "data", "background", "cite", "ping"}
NEVER_IN_CONTENT = ["script", "iframe", "object", "embed", "form", "style", "base", "meta",
                    "link", "svg", "math", "frame", "frameset", "applet", "textarea",
                    "button", "select"]


def _url(value: str) -> str:
    # What a browser makes of an attribute value: control characters and spaces dropped.
    return re.sub(r"[\x00-\x20]", "", value)


def live_markup(html: str, *, whole_page: bool, scripts: set[str] | None = None,
                tooltips: bool = True) -> list[str]:
    """Everything in ``html`` that could run: handlers, script URLs, and elements the
    templates do not write. Returns what it found, for a readable failure."""
    soup = BeautifulSoup(html, "html.parser")
    found: list[str] = []
    for element in soup.find_all(True):
        found += _live_attributes(element, whole_page=whole_page, tooltips=tooltips)
    content = soup.find("article") if whole_page else soup
    if whole_page and content:
        for button in content.select(".md-content__button"):  # the theme's edit button
            button.extract()
    for name in NEVER_IN_CONTENT:
        found += [f"<{name}> in the content" for _ in (content.find_all(name) if content else [])]
    if whole_page:
        found += _foreign_scripts(soup, scripts)
    return found


def _live_attributes(element: Tag, *, whole_page: bool, tooltips: bool) -> list[str]:
    found = []
    for name, value in element.attrs.items():
        text = " ".join(value) if isinstance(value, list) else str(value)
        shown = f"<{element.name} {name}={text!r}>"
        if name.lower().startswith("on"):
            found.append(shown)
        if name.lower() in URL_ATTRIBUTES and UNSAFE_URL.match(_url(text)):
            found.append(shown)
        # Material's tooltips put a title into the page as HTML.
        if tooltips and name.lower() == "title" and "<" in text:
            found.append(shown)
        if name.lower() == "id" and text.startswith("__") and whole_page \
                and element.find_parent("article"):
            found.append(f"{shown} takes a theme id")
    return found


def _foreign_scripts(soup: BeautifulSoup, scripts: set[str] | None) -> list[str]:
    found = []
    for script in soup.find_all("script"):
        if script.get("src"):
            if scripts is not None and Path(script["src"]).name not in scripts:
                found.append(f"<script src={script['src']!r}> the theme does not write")
        elif "XSS" in script.get_text():
            found.append(f"inline script with injected text: {script.get_text()[:80]!r}")
    return found


# --- the allowlist fits what the templates produce --------------------------------------

def _normalised(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for element in soup.find_all(style=True):
        element["style"] = re.sub(r"\s|;$", "", element["style"])
    return soup.decode()


@pytest.mark.slow
def test_cleaning_the_sample_changes_nothing_it_should_keep(
        sample_copy: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every element, attribute and class that the templates and Markdown extensions write
    for the sample survives the sanitiser: the allowlist is not narrower than the site."""
    seen: dict[str, str] = {}

    def recording_clean(html: str) -> str:
        cleaned = clean(html)
        seen[html] = cleaned
        return cleaned

    monkeypatch.setattr(journeybook.rebuild, "clean", recording_clean)
    sample_copy.build()
    assert len(seen) > 40  # every generated page went through it
    for before, after in seen.items():
        assert _normalised(after) == _normalised(before)


@pytest.mark.parametrize("html", [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '<a href="javascript:x()">a</a>',
    '<a href=" JaVaScRiPt:x()">a</a>', "<iframe src=x></iframe>", "<object data=x></object>",
    "<embed src=x>", "<form action=x><input type=text></form>", "<style>*{}</style>",
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">', "<svg><script>x</script></svg>",
    '<a href="vbscript:x">a</a>', '<details open ontoggle="alert(1)"><summary>s</summary>',
    '<input type="image" src=x onerror=alert(1)>', '<p style="background:url(javascript:x)">',
])
def test_the_sanitiser_drops_what_can_run(html: str) -> None:
    assert live_markup(clean(html), whole_page=False) == []


def test_anchors_and_titles_are_kept_only_as_plain_text() -> None:
    from journeybook.site.sanitize import anchor, clean_text

    # An id that would break out of a link the theme writes, or take the place of the theme's
    # own `__config`, is dropped; plain ones stay.
    assert clean('<h2 id="n&quot; onmouseover=&quot;x()">a</h2>') == "<h2>a</h2>"
    assert clean('<h2 id="__config">a</h2>') == "<h2>a</h2>"
    assert clean('<h2 id="nhan-thuc_1">a</h2>') == '<h2 id="nhan-thuc_1">a</h2>'
    assert anchor("nhan-thuc") == "nhan-thuc"
    assert anchor('n" onmouseover="x()') == "n%22%20onmouseover%3D%22x%28%29"
    # Material's tooltips print titles as HTML: a `<` stays a character there.
    tooltip = BeautifulSoup(clean('<abbr title="&lt;img src=x onerror=x()&gt;">t</abbr>'),
                            "html.parser").abbr["title"]
    assert "<" not in tooltip and live_markup(tooltip, whole_page=False) == []
    assert clean_text("<img src=x onerror=x()>a &lt;b&gt;") == "a &lt;b&gt;"


# --- any text in any field: built with the real plugin --------------------------------------

def _yaml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # JSON strings are YAML strings


def _journey(texts: list[str]) -> str:
    pick = itertools.cycle(texts).__next__
    return f"""\
title: {_yaml(pick())}
summary: {_yaml(pick())}
owner: {_yaml(pick())}
group: {_yaml(pick())}
personas:
  - id: p-one
    name: {_yaml(pick() or "p")}
    description: {_yaml(pick())}
    goals: [{_yaml(pick())}]
    frustrations: [{_yaml(pick())}]
  - id: p-two
    name: {_yaml(pick() or "q")}
stages:
  - id: one
    name: {_yaml(pick() or "s")}
    goal: {_yaml(pick())}
    objectives: [{_yaml(pick())}]
    review:
      - question: {_yaml(pick())}
        answer: {_yaml(pick())}
    touchpoints:
      - id: first
        name: {_yaml(pick() or "t")}
        team: {_yaml(pick() + "x")}
        doing: {_yaml(pick())}
        thinking: {_yaml(pick())}
        feeling: {_yaml(pick())}
        expects: [{_yaml(pick())}]
        frustrations: [{_yaml(pick())}]
        desired: {{think: {_yaml(pick())}, do: {_yaml(pick())}, feel: {_yaml(pick())}}}
        evidence: [{_yaml(pick())}]
        emotion: {{p-one: -1, p-two: 1}}
        target: {{p-one: 1, p-two: 2}}
        moment_of_truth: true
        link: other/far
        layers: {{systems: [{_yaml(pick())}], procedures: [{_yaml(pick())}],
                  interactions: [{_yaml(pick())}]}}
        checklist: [{_yaml(pick())}, {_yaml(pick())}]
        improvements:
          - action: {_yaml(pick() or "a")}
            owner: {_yaml(pick())}
            status: planned
            due: 2020-01-01
            impact: 3
            effort: 1
  - id: two
    name: {_yaml(pick() or "s2")}
    touchpoints:
      - id: second
        name: {_yaml(pick() or "t2")}
        team: {_yaml(pick() + "y")}
        emotion: 2
"""


def _note(texts: list[str]) -> str:
    pick = itertools.cycle(texts).__next__
    return f"""\
---
date: 2026-01-02
title: {_yaml(pick())}
evaluators: [{_yaml(pick())}, {_yaml(pick())}]
method: {_yaml(pick())}
scores: {{first: {{p-one: -2, p-two: 0}}, second: 1}}
nps: 10
---

## first

{pick()}

## {pick().replace(chr(10), " ")}

{pick()}
{pick()}
"""


@pytest.fixture(scope="module")
def theme_scripts(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The script files Material writes on a page: the only ones a page may load."""
    root = tmp_path_factory.mktemp("baseline")
    project = _hostile_project(root)
    project.add("plain", _journey(["plain text"]).replace("        link: other/far\n", ""))
    site = project.build()
    soup = BeautifulSoup((site / "journeys" / "plain" / "index.html").read_text("utf-8"),
                         "html.parser")
    return {Path(s["src"]).name for s in soup.find_all("script", src=True)}


def _hostile_project(root: Path) -> Project:
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "index.md").write_text("# Home\n", "utf-8")
    (root / "includes").mkdir(exist_ok=True)
    (root / "includes" / "glossary.md").write_text("*[NPS]: Net Promoter Score\n", "utf-8")
    # The sample's Markdown extensions, snippets and glossary included: the riskiest setup.
    (root / "mkdocs.yml").write_text(MINIMAL_MKDOCS.format(language="en") + """\
markdown_extensions:
  - admonition
  - attr_list
  - tables
  - toc: {permalink: true}
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tasklist: {custom_checkbox: true, clickable_checkbox: true}
  - abbr
  - pymdownx.snippets:
      base_path: [includes]
      auto_append: [glossary.md]
      check_paths: true
""", "utf-8")
    return Project(root)


@pytest.mark.slow
# Each example is a full build; a failure is reported as found (shrinking would rebuild the
# site hundreds of times).
@settings(max_examples=examples(12), phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(texts=st.lists(hostile, min_size=30, max_size=30))
def test_no_text_in_any_field_becomes_live_markup(
        tmp_path_factory: pytest.TempPathFactory, theme_scripts: set[str],
        texts: list[str]) -> None:
    root = tmp_path_factory.mktemp("hostile")
    project = _hostile_project(root)
    project.add("evil", _journey(texts))
    # A second journey that the first continues in, and that links back: the links show the
    # other journey's hostile title and names.
    project.add("other", _journey(texts[::-1]).replace("id: one", "id: far")
                .replace("link: other/far", "link: evil/one"))
    notes = project.journeys / "evil" / "evaluations"
    notes.mkdir()
    (notes / "2026-01-02.md").write_text(_note(texts[::-1]), "utf-8")
    site = project.build()

    pages = sorted(site.glob("journeys/**/index.html")) + sorted(site.glob("checklists/**/*.html"))
    assert len(pages) >= 6
    for page in [*pages, *(site / name / "index.html" for name in (
            "actions", "landscape", "channels"))]:
        found = live_markup(page.read_text("utf-8"), whole_page=True, scripts=theme_scripts)
        assert found == [], page.relative_to(site)
    # The search index is shown by the theme's own code: its text must carry nothing live.
    index = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
    for document in index["docs"]:
        for field in ("title", "text"):
            assert live_markup(document[field], whole_page=False) == [], document["location"]
    # No snippet was included: the site's own files never show up in a page.
    for page in pages:
        assert "site_name: Test playbook" not in page.read_text("utf-8")
    # Charts keep user text as text.
    for svg in site.glob("journeys/evil/charts/*.svg"):
        tree = ElementTree.parse(svg)
        assert not [e for e in tree.iter() if e.tag.endswith("script")
                    or any(a.lower().startswith("on") for a in e.attrib)], svg.name


@settings(max_examples=examples(300))
@given(text=hostile)
def test_escaped_text_alone_renders_nothing_live(text: str) -> None:
    """Defence in depth: even before the sanitiser, the escaper's Markdown renders (with the
    sample's extensions) to no live markup, includes no snippet, and keeps the line count
    (notes' headings are found by line)."""
    escaped = escape_text(text)
    assert escaped.count("\n") == text.count("\n")
    html = _MARKDOWN.reset().convert(escaped)
    # (A `<` in a link title is left to the sanitiser: only Material's tooltips read it.)
    assert live_markup(html, whole_page=False, tooltips=False) == []
    assert "site_name" not in html


_MARKDOWN = markdown.Markdown(extensions=[
    "admonition", "attr_list", "tables", "toc", "pymdownx.details", "pymdownx.superfences",
    "pymdownx.tasklist", "abbr", "pymdownx.snippets"],
    extension_configs={"pymdownx.snippets": {"base_path": [str(Path(__file__).parent.parent)],
                                             "check_paths": False}})


def test_hostile_text_reads_exactly_as_written(tmp_path: Path) -> None:
    """The fixtures that got past the old escaper: every payload is shown, as text, where
    the author put it (meaning kept), and none of it is markup."""
    from .conftest import FIXTURES

    project = _hostile_project(tmp_path)
    project.add("evil", (FIXTURES / "evil.yaml").read_text("utf-8"))
    (project.journeys / "evil" / "evaluations").mkdir()
    (project.journeys / "evil" / "evaluations" / "2026-03-01.md").write_text(
        (FIXTURES / "evil-note.md").read_text("utf-8"), "utf-8")
    project.build()
    stage = project.html("journeys/evil/script-alert-stage-script-stage-onclick-alert-1")
    headings = [h.get_text().rstrip("¶") for h in stage.select("article h2")]
    assert headings[0] == "<script>alert('touchpoint')</script>"
    items = [" ".join(li.get_text().split()) for li in stage.select("article li")]
    # `\`` is a literal backtick; the code span starts at the next one.
    assert "Doing: a `x<img src=x onerror=alert('backslash')>" in items
    assert stage.find("code", string="<img src=x onerror=alert('backslash')>")
    assert "Feeling: `x{: onclick=\"alert('attr')\" }`" in items
    assert stage.select("article em") and not stage.select("article [onclick]")
    note = project.html("journeys/evil/evaluations/2026-03-01")
    link = note.select_one("article h2#evil ~ p a")
    assert link is not None and link.get_text() == "<script>alert('touchpoint')</script>"
    assert "<script>alert('note body')</script>" in note.select_one("article").get_text()
    for page in (stage, note):
        assert live_markup(str(page), whole_page=True) == []
