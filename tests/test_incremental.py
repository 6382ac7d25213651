"""`mkdocs serve` never serves a stale page: after each kind of edit an author makes (issue 12),
every page the server shows equals what a full `mkdocs build` of the same files writes.

One real `mkdocs serve` of a small playbook (three journeys from the test fixture and one from
the sample, with its evaluation notes) for the module; each test edits its own journeys.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from journeybook.files import write_atomic

from .conftest import FIXTURES, MINIMAL_MKDOCS, ROOT, write_journey

sys.path.insert(0, str(ROOT / "benchmarks"))
from edits import (
    FIVE_EDITS,
    Server,
    differences,
    full_build,
    journey_title,
    site_urls,
    stage_name,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("playbook")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(MINIMAL_MKDOCS.format(language="en"), encoding="utf-8")
    small = (FIXTURES / "small.yaml").read_text("utf-8")
    for n in range(3):
        # Stage names of their own, so a journey's navigation labels are its own too.
        write_journey(root / "journeys", f"trip-{n}",
                      small.replace("Buying a kettle online", f"Buying kettle {n}")
                      .replace("Nhận thức", f"Nhận thức {n}").replace("Đặt hàng", f"Đặt hàng {n}"))
    shutil.copytree(ROOT / "journeys" / "goi-tong-dai", root / "journeys" / "goi-tong-dai")
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with Server(root, log) as running:
        running.wait_until_serving(timeout=120)
        yield running
        assert "Traceback" not in running.output()


def assert_served_as_built(server: Server, site_dir: Path, after: str) -> Path:
    """Every page (and chart, and the search index) served equals a full build's."""
    built = full_build(server.root, server.site_url, site_dir)
    urls = site_urls(built)
    assert len(urls) > 40
    found = differences(server, built, urls)
    assert not found, f"after {after}, served ≠ built:\n" + "\n".join(found)
    return built


def nav_labels(page: str) -> list[str]:
    """The labels of the site navigation (Material's primary nav) on a page."""
    nav = BeautifulSoup(page, "html.parser").select_one("nav.md-nav--primary")
    assert nav is not None
    return [label.get_text(" ", strip=True) for label in nav.select(".md-ellipsis")]


def test_each_kind_of_edit_is_served_as_a_full_build_builds_it(server: Server,
                                                               tmp_path: Path) -> None:
    journeys = server.root / "journeys"
    edited = ["trip-0", "goi-tong-dai", "trip-0", "goi-tong-dai", "goi-tong-dai"]
    for number, (make, journey) in enumerate(zip(FIVE_EDITS, edited, strict=True), start=1):
        edit = make(journeys, journey, f"Sửa-{number}")
        assert not edit.shown_in(server.page(edit.url))
        since = server.mark()
        edit.apply()
        assert server.wait_for_rebuild(since), server.output(since)
        shown = edit.shown_in(server.page(edit.url))
        assert shown, f"{edit.kind}: {edit.url} does not show {edit.marker!r}"
        if edit.gone:
            assert server.get(edit.gone)[0] == 404, f"{edit.gone} is still served"
        assert_served_as_built(server, tmp_path / f"built-{number}", f"the {edit.kind} edit")


def test_a_renamed_stage_is_renamed_in_the_nav_of_every_page_of_its_journey(
        server: Server, tmp_path: Path) -> None:
    edit = stage_name(server.root / "journeys", "trip-1", "(renamed)")
    since = server.mark()
    edit.apply()
    assert server.wait_for_rebuild(since), server.output(since)

    built = assert_served_as_built(server, tmp_path / "built", "renaming a stage")
    pages = [url for url in site_urls(built, "journeys/trip-1") if url.endswith("/")]
    assert len(pages) == 7  # overview, two stages, blueprint, checklist, practice quiz, evaluations
    for url in pages:
        labels = nav_labels(server.page(url))
        assert "Đặt hàng 1 (renamed)" in labels, url
        assert "Đặt hàng 1" not in labels, url
    assert edit.gone == "journeys/trip-1/dat-hang-1/"
    assert server.get(edit.gone)[0] == 404


def test_a_broken_journey_keeps_the_server_running_and_its_fix_is_served(
        server: Server, tmp_path: Path) -> None:
    fix = journey_title(server.root / "journeys", "trip-2", "(fixed)")
    # An unclosed `[` on the title's line, as a half-typed edit saves it.
    broken = fix.text.replace("title: Buying kettle 2", "title: [Buying kettle 2", 1)
    since = server.mark()
    write_atomic(fix.file, broken)
    assert not server.wait_for_rebuild(since)
    assert server.running()
    # The error names the file, line and column where the `[` was opened, in plain words.
    assert re.search(r"journeys/trip-2/journey\.yaml:\d+:8: the `\[` opened on line \d+, "
                     r"column 8 is never closed", server.output(since))

    since = server.mark()
    fix.apply()
    assert server.wait_for_rebuild(since), server.output(since)
    shown = fix.shown_in(server.page(fix.url))
    assert shown, f"{fix.url} does not show {fix.marker!r}"
    assert_served_as_built(server, tmp_path / "built", "fixing a broken journey")
