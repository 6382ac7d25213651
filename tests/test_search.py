"""Search that finds Vietnamese typed with or without diacritics (issue 16): in Chromium, on
the built sample and on small projects, with Material's own search box."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from playwright.sync_api import Page

from journeybook.site.search import FOLD_LANGUAGE, FOLD_SCRIPT, SEARCH_INDEX, fold, fold_search

from .conftest import MINIMAL_MKDOCS, Project, examples, serve

#: The queries staff type, with their diacritics and without.
QUERIES = [
    ("tổng đài", "tong dai"),
    ("điểm chạm", "diem cham"),
    ("hóa đơn điện tử", "hoa don dien tu"),
    ("khoảnh khắc quyết định", "khoanh khac quyet dinh"),
]


def results(page: Page, text: str, count: int = 3) -> list[str]:
    """Type ``text`` into Material's search box as a reader does and return the titles of the
    first ``count`` pages found, once the list stops changing."""
    page.keyboard.press("/")
    box = page.locator("input.md-search__input")
    box.fill("")
    box.press_sequentially(text, delay=10)
    # A last letter typed with a mark arrives as text without a key of its own; the box
    # searches on key presses.
    box.press("End")
    titles = page.locator(".md-search-result__item > .md-search-result__link h1")
    last: list[str] | None = None
    for _ in range(40):
        page.wait_for_timeout(250)
        found = [t.strip() for t in titles.all_inner_texts()[:count]]
        if found and found == last:
            return found
        last = found
    raise AssertionError(f"the results for {text!r} did not settle: {last}")


@pytest.fixture(scope="module")
def sample_page(browser, sample_url: str):  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(sample_url)
    yield page
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize(("written", "typed"), QUERIES)
def test_a_query_without_diacritics_finds_the_same_first_pages(
        sample_page: Page, written: str, typed: str) -> None:
    with_marks = results(sample_page, written)
    assert len(with_marks) == 3
    assert results(sample_page, typed) == with_marks


@pytest.mark.browser
def test_hoa_don_dien_tu_finds_the_e_invoice_journeys_first(sample_page: Page) -> None:
    # Before, the first result was the online shopping journey ("trực tuyến" starts with "tu").
    for title in results(sample_page, "hoa don dien tu"):
        assert "hóa đơn điện tử" in title


def _project(root: Path, pages: dict[str, str]) -> Project:
    (root / "docs").mkdir(parents=True)
    for name, text in pages.items():
        (root / "docs" / name).write_text(text, "utf-8")
    (root / "journeys").mkdir()
    (root / "mkdocs.yml").write_text(
        MINIMAL_MKDOCS.format(language="vi")
        .replace("  - search\n", "  - search:\n      lang: [vi, en]\n")
        .replace("[content.action.edit]", "[content.action.edit, search.highlight]"),
        "utf-8")
    return Project(root)


LOOK_ALIKES = {
    "index.md": "# Trang chủ\n\nGiới thiệu.\n",
    # "tông" and "đài" apart, several times: folded, it looks like "tong dai" a lot.
    "be-tong.md": "# Bê tông\n\nBê tông, bê tông và bê tông; đài phun nước, đài quan sát.\n",
    "tong-dai.md": "# Gọi tổng đài\n\nKhách gọi tổng đài khi mạng chập chờn.\n",
}


@pytest.fixture(scope="module")
def look_alikes(tmp_path_factory: pytest.TempPathFactory, browser):  # type: ignore[no-untyped-def]
    site = _project(tmp_path_factory.mktemp("look-alikes"), LOOK_ALIKES).build()
    url, server = serve(site)
    page = browser.new_page()
    page.goto(url)
    yield page
    page.close()
    server.shutdown()
    server.server_close()


@pytest.mark.browser
def test_typed_with_diacritics_exact_matches_come_first(look_alikes: Page) -> None:
    # "Bê tông" has "đài" as written, and "tông", which folds like "tổng": found, but after.
    assert results(look_alikes, "tổng đài", count=5) == ["Gọi tổng đài", "Bê tông"]
    # Typed without them, both the word and its look-alikes are found; the phrase first.
    assert results(look_alikes, "tong dai", count=5) == ["Gọi tổng đài", "Bê tông"]
    # One word typed with diacritics: the word as typed first, its look-alikes after.
    assert results(look_alikes, "tông", count=5) == ["Bê tông", "Gọi tổng đài"]


@pytest.mark.browser
def test_the_opened_page_marks_the_words_as_written(look_alikes: Page) -> None:
    results(look_alikes, "tong dai")
    look_alikes.locator(".md-search-result__link", has_text="Gọi tổng đài").first.click()
    look_alikes.wait_for_url("**/tong-dai/**")
    marks = look_alikes.locator("article mark")
    marks.first.wait_for()
    assert set(marks.all_inner_texts()) == {"tổng", "đài"}
    # Only whole words: "tổng đài" is marked, nothing inside another word.
    assert look_alikes.locator("article").inner_text().count("tổng đài") == 2


def test_the_index_names_the_folding_once_and_does_not_grow(tmp_path: Path) -> None:
    text = "# Hành trình\n\n" + "Khách hàng gọi tổng đài và nhận hóa đơn điện tử. " * 200
    site = _project(tmp_path / "p", {"index.md": text}).build()
    index = site / SEARCH_INDEX
    config = json.loads(index.read_text("utf-8"))["config"]
    assert config["lang"] == ["vi", "en", FOLD_LANGUAGE]
    assert (site / FOLD_SCRIPT).read_bytes().startswith(b"/*")
    # Without the folding, Material's own index: the plugin's may not be bigger than 1.6 times.
    plain = tmp_path / "plain"
    shutil.copytree(tmp_path / "p", plain, ignore=shutil.ignore_patterns("site", ".cache"))
    (plain / "mkdocs.yml").write_text((plain / "mkdocs.yml").read_text("utf-8").replace(
        "  - journeybook\n", "  - journeybook:\n      search_ignores_diacritics: false\n"),
        "utf-8")
    plain_site = Project(plain).build()
    plain_index = plain_site / SEARCH_INDEX
    assert json.loads(plain_index.read_text("utf-8"))["config"]["lang"] == ["vi", "en"]
    assert not (plain_site / FOLD_SCRIPT).exists()
    assert index.stat().st_size <= 1.6 * plain_index.stat().st_size
    # Only the settings changed: the documents are what the search plugin wrote.
    assert (json.loads(index.read_text("utf-8"))["docs"]
            == json.loads(plain_index.read_text("utf-8"))["docs"])
    # Run again (as `mkdocs serve` does on each change): named once.
    assert fold_search(site)
    assert json.loads(index.read_text("utf-8"))["config"]["lang"].count(FOLD_LANGUAGE) == 1


def test_no_material_search_index_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_text('{"docs": []}', "utf-8")
    assert not fold_search(tmp_path)
    assert not fold_search(tmp_path / "missing")
    assert not (tmp_path / FOLD_SCRIPT).exists()


# --- One folding everywhere: Python, the search worker and the page script ------------------

def test_fold_examples() -> None:
    assert fold("Tổng đài ĐIỆN tử, khoảnh khắc quyết định") == (
        "Tong dai DIEN tu, khoanh khac quyet dinh")
    # Decomposed input (a mark typed as its own character) folds the same.
    assert fold("to\u0302\u0309ng") == "tong"


@settings(max_examples=examples(200), derandomize=True, deadline=None)
@given(st.text(max_size=40))
def test_fold_is_stable_and_leaves_no_marks(text: str) -> None:
    import unicodedata
    folded = fold(text)
    assert fold(folded) == folded
    assert not any(unicodedata.category(c).startswith("M") for c in folded)
    assert "đ" not in folded.lower()


VIETNAMESE = st.text(alphabet=st.sampled_from(
    "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
    "ĐÂÊÔƠƯ \u0301\u0300\u0309\u0303\u0323"), max_size=30)


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node")
@settings(max_examples=examples(1), derandomize=True, deadline=None)
@given(st.lists(VIETNAMESE, min_size=50, max_size=50))
def test_the_worker_folds_as_python_does(texts: list[str]) -> None:
    """lunr.fold.js's fold, run by Node on the same texts, gives what Python's gives."""
    script = (Path(__file__).parent.parent / "plugins" / "journeybook" / "site" / "assets"
              / "lunr.fold.js").read_text("utf-8")
    source = script[script.index("  function fold(text)"):script.index("  // Two words")]
    program = (f"{source}\nconst texts = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n"
               "process.stdout.write(JSON.stringify(texts.map(fold)));\n")
    out = subprocess.run(["node", "-e", program], input=json.dumps(texts), text=True,
                         capture_output=True, check=True).stdout
    assert json.loads(out) == [fold(t) for t in texts]
