"""What a build reuses from an earlier one (journeybook.rebuild): never a stale or unsafe page.

The end-to-end proof, a real `mkdocs serve` edited five ways and compared with full builds, is
tests/test_incremental.py; these tests attack the pieces one by one.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st
from material.plugins.search.plugin import SearchIndex
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

import journeybook.plugin
import journeybook.site.pages
from journeybook.cache import Store
from journeybook.rebuild import MEMORY, GeneratedPage, RenderedPages, ServedSite
from journeybook.site.speedups import linear_search_index, memoized_search_index

from .conftest import FIXTURES, MINIMAL_MKDOCS, Project, examples, write_journey

SMALL = (FIXTURES / "small.yaml").read_text("utf-8")


def _entries(project: Project) -> list[Path]:
    return sorted((project.root / ".cache" / "journeybook" / "pages").glob("*.json"))


def test_a_rendered_page_read_back_from_the_cache_is_sanitised_again(project) -> None:
    """Someone who can write to the cache folder (a shared CI cache, say) writes a well-formed
    entry with a script in it: the page still carries only allowlisted HTML."""
    p = project()
    p.add("kettle", SMALL)
    p.build()
    poisoned = 0
    for entry in _entries(p):
        payload = json.loads(entry.read_bytes().partition(b"\n")[2])
        if "Buying a kettle online" in payload["content"]:
            payload["content"] += '<script>alert("cache")</script><img src=x onerror=alert(1)>'
            payload["toc"].append({"level": 2, "id": '"><script>x</script>',
                                   "name": "<img src=x onerror=alert(2)>", "children": []})
            # A valid entry: right name, right checksum (Store writes the header).
            Store(entry.parent, ".json").put(entry.name.removesuffix(".json"),
                                             json.dumps(payload).encode("utf-8"))
            poisoned += 1
    assert poisoned
    p.build()
    html = (p.root / "site" / "journeys" / "kettle" / "index.html").read_text("utf-8")
    assert "Buying a kettle online" in html
    assert "<script>alert" not in html and "onerror" not in html
    assert "<script>x</script>" not in html


def test_a_kept_rendering_is_not_reused_once_a_link_leads_elsewhere(project) -> None:
    """An evaluation note links to a hand-written page: a warm build after that page is gone
    must warn (and a strict build fail) exactly as a cold one does."""
    p = project()
    p.add("kettle", SMALL)
    (p.root / "docs" / "method.md").write_text("# Method\n", "utf-8")
    note = p.journeys / "kettle" / "evaluations" / "2026-03-01.md"
    note.parent.mkdir()
    note.write_text("---\ndate: 2026-03-01\n---\n\nSee [the method](../../../method.md).\n",
                    "utf-8")
    p.build()
    built = (p.root / "site" / "journeys" / "kettle" / "evaluations" / "2026-03-01" /
             "index.html").read_text("utf-8")
    assert 'href="../../../../method/"' in built
    (p.root / "docs" / "method.md").unlink()
    with pytest.raises(Abort):
        p.build()  # strict: the link to a missing page is a warning


def test_a_page_whose_parts_give_one_id_twice_is_rendered_whole(project) -> None:
    """The journeys index is rendered one journey at a time; a group called like a journey's
    id gives two headings one id, so the page is rendered whole and the ids stay unique."""
    p = project()
    p.add("call", SMALL.replace("owner: Marketing", "owner: Marketing\ngroup: Call"))
    p.add("shop", SMALL.replace("title: Buying a kettle online", "title: Shop"))
    p.build()
    soup = p.html("journeys")
    ids = [tag["id"] for tag in soup.select("article [id]")]
    assert len(ids) == len(set(ids)), ids
    assert {"call", "call_1"} <= set(ids)
    # And the headings the reader sees are all there.
    assert [h.get_text(strip=True).rstrip("¶") for h in soup.select("article h2, article h3")
            ] == ["Call", "Buying a kettle online", "Marketing", "Shop"]


def _mkdocs_yml(extra: str = "", features: str = "[content.action.edit]") -> str:
    return MINIMAL_MKDOCS.replace("  features: [content.action.edit]\n",
                                  f"  features: {features}\n").replace(
        "  - journeybook\n", f"  - journeybook{extra}\n").format(language="en")


def _three_journeys(p: Project) -> None:
    for n, team in enumerate(["Sales", "Sales", "Support"]):
        p.add(f"trip-{n}", SMALL.replace("title: Buying a kettle online", f"title: Trip {n}")
              .replace("owner: Marketing", f"owner: {team}"))


@pytest.mark.parametrize(("options", "features", "pruned", "said"), [
    ("", "[content.action.edit]", True, "turned on Material's `navigation.prune`"),
    (":\n      prune_navigation: false", "[content.action.edit]", False, None),
    ("", "[navigation.expand]", False, "cannot combine with `navigation.prune`"),
])
def test_big_playbooks_get_a_pruned_navigation_and_are_told(
        project: Callable[..., Project], monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture, options: str, features: str, pruned: bool,
        said: str | None) -> None:
    monkeypatch.setattr(journeybook.plugin, "PRUNE_ABOVE", 5)  # "big": more than 5 pages
    p = project(mkdocs_yml=_mkdocs_yml(options, features))
    _three_journeys(p)
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.journeybook"):
        p.build()
    page = p.html("journeys/trip-0")
    assert bool(page.select(".md-nav__item--pruned")) is pruned
    messages = " ".join(r.getMessage() for r in caplog.records)
    if said:
        assert said in messages
    else:
        assert "prune" not in messages


def test_many_journeys_are_listed_by_group_in_the_navigation(
        project: Callable[..., Project], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(journeybook.site.pages, "GROUP_JOURNEYS_ABOVE", 2)
    p = project()
    _three_journeys(p)
    p.build()
    nav = p.html("journeys/trip-2").select_one("nav.md-nav--primary")
    labels = [label.get_text(" ", strip=True) for label in nav.select("label.md-nav__link")]
    assert "Sales" in labels and "Support" in labels
    # A big group lists its journeys in runs, so that no page's navigation grows without end.
    monkeypatch.setattr(journeybook.site.pages, "RUN", 1)
    p.build()
    nav = p.html("journeys/trip-1").select_one("nav.md-nav--primary")
    labels = [label.get_text(" ", strip=True) for label in nav.select("label.md-nav__link")]
    assert labels.index("Sales") < labels.index("1") < labels.index("2")
    assert "Trip 1" in labels and "Support" in labels
    # Told not to: the journeys are listed one by one.
    (p.root / "mkdocs.yml").write_text(_mkdocs_yml(":\n      group_journeys: false"), "utf-8")
    p.build()
    nav = p.html("journeys/trip-2").select_one("nav.md-nav--primary")
    labels = [label.get_text(" ", strip=True) for label in nav.select("label.md-nav__link")]
    assert "Sales" not in labels and "Trip 0" in labels


# --- pages rendered part by part ------------------------------------------------------------

def _config(tmp_path: Path) -> tuple[object, Files]:
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "mkdocs.yml").write_text("site_name: t\nmarkdown_extensions: [toc, attr_list, "
                                         "tables]\n", "utf-8")
    config = load_config(str(tmp_path / "mkdocs.yml"))
    return config, Files([])


_words = st.sampled_from(["Call", "Shop", "call", "Tổng đài", "Đặt hàng", "x", "a b", "1"])


@settings(max_examples=examples(25))
@given(parts=st.lists(st.lists(_words, min_size=1, max_size=3), min_size=2, max_size=5),
       explicit=st.booleans())
def test_a_page_rendered_by_parts_means_what_it_means_whole(
        tmp_path_factory: pytest.TempPathFactory, parts: list[list[str]],
        explicit: bool) -> None:
    """Headings (some repeated, some with explicit ids), paragraphs and tables in parts: the
    page rendered part by part has the same headings, ids, table of contents and text as the
    page rendered whole, and its ids are unique."""
    config, files = _config(tmp_path_factory.mktemp("parts"))
    chunks = ["# Page\n\nIntro.\n"]
    for number, words in enumerate(parts):
        lines = [f"\n## {words[0]}" + (f" {{ #part-{number} }}" if explicit else "") + "\n"]
        lines += [f"\n### {word}\n\nText {word}.\n\n| a | b |\n| - | - |\n| {word} | 1 |\n"
                  for word in words[1:]]
        chunks.append("".join(lines))
    markdown = "".join(chunks)

    def rendered(page: Page) -> tuple[list[str], list[str], str, list[str]]:
        page.markdown = markdown
        page.render(config, files)  # type: ignore[arg-type]
        soup = BeautifulSoup(page.content or "", "html.parser")
        ids = [tag["id"] for tag in soup.select("[id]")]
        return (ids, [h.get_text() for h in soup.select("h1, h2, h3")],
                soup.get_text(" ", strip=True), [a.id for a in _walk(page.toc)])

    whole, split = _file("whole.md"), _file("split.md")
    expected = rendered(Page(None, whole, config))  # type: ignore[arg-type]
    page = GeneratedPage(split, config, RenderedPages(), tuple(chunks))  # type: ignore[arg-type]
    got = rendered(page)
    assert got == expected
    assert len(got[0]) == len(set(got[0]))


def _file(src_uri: str) -> File:
    return File(src_uri, src_dir=None, dest_dir="/nonexistent", use_directory_urls=True)


def _walk(items: object) -> list:
    found = []
    for item in items:  # type: ignore[attr-defined]
        found.append(item)
        found += _walk(item.children)
    return found


def test_search_entries_of_a_page_rendered_by_parts_equal_those_of_the_whole(
        tmp_path: Path) -> None:
    linear_search_index()
    memoized_search_index()  # as the plugin does
    config, files = _config(tmp_path)
    chunks = ("# Team\n\nIntro text.\n",
              "\n## Journey one { #one }\n\n### Greet { #one--greet }\n\n- [ ] Smile\n",
              "\n## Journey two { #two }\n\n### Greet { #two--greet }\n\nSay hello.\n")
    file = _file("team.md")
    page = GeneratedPage(file, config, RenderedPages(), chunks)  # type: ignore[arg-type]
    page.markdown = "".join(chunks)
    page.render(config, files)  # type: ignore[arg-type]
    assert page.html_chunks is not None
    by_parts = SearchIndex()
    by_parts.add_entry_from_context(page)
    whole = SearchIndex()
    page.html_chunks = None  # the same page, indexed in one piece
    whole.add_entry_from_context(page)
    assert by_parts.entries == whole.entries
    assert [e["location"] for e in whole.entries] == [
        "team/", "team/#one", "team/#one--greet", "team/#two", "team/#two--greet"]


# --- the served site, in memory -------------------------------------------------------------

@pytest.mark.skipif(not MEMORY.is_dir() or not os.access(MEMORY, os.W_OK),
                    reason="no memory-backed folder on this machine")
def test_the_served_site_lives_in_memory_and_leaves_nothing_behind() -> None:
    abandoned = MEMORY / "journeybook-serve-999999999-test"  # no such process
    abandoned.mkdir()
    (abandoned / "index.html").write_text("old", "utf-8")
    served = ServedSite()
    try:
        folder = served.start()
        if folder is None:
            pytest.skip("the memory-backed folder has less than 1 GiB free")
        assert Path(folder).parent == MEMORY and Path(folder).is_dir()
        assert served.start() == folder  # one folder for the whole session
        assert not abandoned.exists()  # a killed serve's folder is cleared
    finally:
        shutil.rmtree(abandoned, ignore_errors=True)
        served.stop()
    assert not Path(folder).exists()


def test_a_journeys_pages_are_made_again_only_when_it_changes(tmp_path: Path) -> None:
    from journeybook import Playbook
    from journeybook.site.pages import Memo, build_site

    for n in range(3):
        write_journey(tmp_path / "journeys", f"trip-{n}",
                      SMALL.replace("title: Buying a kettle online", f"title: Trip {n}"))
    memo = Memo()
    first = build_site(Playbook.load(tmp_path / "journeys"), "en", memo=memo)
    memo.next_build()
    path = tmp_path / "journeys" / "trip-1" / "journey.yaml"
    path.write_text(path.read_text("utf-8").replace("Trip 1", "Trip one"), "utf-8")
    second = build_site(Playbook.load(tmp_path / "journeys"), "en", memo=memo)
    fresh = build_site(Playbook.load(tmp_path / "journeys"), "en")
    assert {p: page.content for p, page in second.pages.items()} == {
        p: page.content for p, page in fresh.pages.items()}
    assert second.nav == fresh.nav and second.charts == fresh.charts
    # trip-0 and trip-2 and their parts of the all-journey pages came from the memo.
    assert memo.reused >= 2
    changed = {p for p in fresh.pages if first.pages.get(p) != fresh.pages[p]}
    assert "journeys/trip-1/index.md" in changed and "journeys/trip-0/index.md" not in changed
    assert re.search(r"Trip one", fresh.pages["journeys/index.md"].content)
