"""`journeybook pdf`: what a trainer checks in the PDF they print for a class.

Read with Debian's poppler-utils (`pdftotext`, `pdfimages`, `pdffonts`, as a reader would
copy text out of it) and pypdf (its bookmarks). One PDF of a sample journey and one of a small
playbook, each made once for the module.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from journeybook import Playbook
from journeybook.cli import main

from .conftest import CHROMIUM, FIXTURES, MINIMAL_MKDOCS, Project, copy_sample, write_journey

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM, reason="Chromium is not installed (apt-get install chromium)"),
    pytest.mark.skipif(not shutil.which("pdftotext"),
                       reason="poppler-utils is not installed (apt-get install poppler-utils)"),
]

JOURNEY = "xuat-hoa-don-dau-tien"


def pdftotext(pdf: Path, page: int | None = None, layout: bool = False) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", *pages, *(["-layout"] if layout else []), str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout


def poppler(tool: str, pdf: Path) -> list[str]:
    """The rows of `pdfimages -list` / `pdffonts`, without their two header lines."""
    output = subprocess.run([tool, *(["-list"] if tool == "pdfimages" else []), str(pdf)],
                            check=True, capture_output=True, text=True).stdout
    return output.splitlines()[2:]


def pdf_pages(pdf: Path) -> list[str]:
    """Each page's text, in order (pdftotext separates pages with a form feed)."""
    return pdftotext(pdf).split("\f")[:-1]


def bookmarks(pdf: Path) -> list[str]:
    """The titles of the PDF's top-level bookmarks (its outline), in order."""
    from pypdf import PdfReader

    return [entry.title for entry in PdfReader(io.BytesIO(pdf.read_bytes())).outline
            if not isinstance(entry, list)]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory, sample_site: Project) -> Project:
    root = tmp_path_factory.mktemp("pdf-sample")
    copy_sample(root, warm_from=sample_site)
    return Project(root)


@pytest.fixture(scope="module")
def journey_pdf(sample: Project) -> Path:
    output = sample.root / "trainer.pdf"
    assert main(["pdf", JOURNEY, "-o", str(output), "-f", str(sample.root / "mkdocs.yml"),
                 "--chromium", CHROMIUM]) == 0
    return output


@pytest.fixture(scope="module")
def journey(sample: Project):
    playbook = Playbook.load(sample.journeys, sample.root)
    return next(j for j in playbook.journeys if j.id == JOURNEY)


def test_every_stage_is_in_the_text_with_its_diacritics(journey_pdf: Path, journey) -> None:
    text = pdftotext(journey_pdf)
    # Diacritics as one would type them (NFC), not split into letters and marks.
    assert unicodedata.is_normalized("NFC", text)
    assert journey.title in text
    for stage in journey.stages:
        assert stage.name in text
    assert "Mục lục" in text


def test_one_bookmark_per_section(journey_pdf: Path, journey) -> None:
    # Overview, every stage, the blueprint, the checklist, the practice quiz.
    titles = bookmarks(journey_pdf)
    assert len(titles) == 1 + len(journey.stages) + 3
    assert titles[0] == journey.title
    assert titles[1:1 + len(journey.stages)] == [stage.name for stage in journey.stages]


def test_contents_and_footer_give_the_page_numbers(journey_pdf: Path, journey) -> None:
    pages = pdf_pages(journey_pdf)
    for number, text in enumerate(pages, start=1):
        assert f"{number} / {len(pages)}" in text
        assert journey.title in text.splitlines()[0]  # the header
    # Each stage's line in the contents gives the page its title is on.
    contents = pdftotext(journey_pdf, 1, layout=True)
    for number, stage in enumerate(journey.stages, start=1):
        line = re.search(rf"{number}\. {re.escape(stage.name)}\W*(\d+)\s*$", contents, re.M)
        assert line, f"no line for {stage.name} in the contents:\n{contents}"
        header, title = [text for text in pages[int(line[1]) - 1].splitlines() if text][:2]
        assert (header, title) == (journey.title, stage.name)


def test_tick_boxes_print_empty_and_answers_show(journey_pdf: Path, journey) -> None:
    text = pdftotext(journey_pdf)
    item = next(item for stage in journey.stages for tp in stage.touchpoints
                for item in tp.checklist)
    assert item in text
    assert "✓" not in text and "✔" not in text
    # Every self-check answer printed; the quiz's buttons and words for the screen are not,
    # nor the site's navigation, search or edit button.
    for stage in journey.stages:
        for review in stage.review:
            if not review.is_multiple_choice:
                assert review.answer.split("\n")[0].replace("**", "")[:30] in text
    assert "Đáp án đúng" in text
    for screen_only in ("Kiểm tra đáp án", "Làm lại", "Tìm kiếm", "Chỉnh sửa", "Dữ liệu biểu đồ"):
        assert screen_only not in text


def test_charts_are_vectors_and_fonts_are_embedded(journey_pdf: Path) -> None:
    assert poppler("pdfimages", journey_pdf) == []
    fonts = poppler("pdffonts", journey_pdf)
    assert fonts
    # Columns: name, type, encoding, emb, sub, uni, object, id; "emb" counted from the end.
    assert all(row.split()[-5] == "yes" for row in fonts), fonts


def test_an_unknown_journey_names_the_nearest(sample: Project, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "x.pdf"
    assert main(["pdf", "xuat-hoa-don", "-o", str(output), "-f",
                 str(sample.root / "mkdocs.yml"), "--chromium", CHROMIUM]) == 1
    assert "did you mean `xuat-hoa-don-dau-tien`?" in capsys.readouterr().err
    assert not output.exists()


def test_no_chromium_says_how_to_get_one(sample: Project, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pdf", JOURNEY, "-o", str(tmp_path / "x.pdf"), "-f",
                 str(sample.root / "mkdocs.yml"), "--chromium", str(tmp_path / "none")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert 'pip install "journeybook[pdf]"' in err and "apt-get install chromium" in err


def test_no_playwright_names_the_extra(sample: Project, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    # What an installation without the `pdf` extra looks like to Python.
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)
    assert main(["pdf", JOURNEY, "-o", str(tmp_path / "x.pdf"), "-f",
                 str(sample.root / "mkdocs.yml")]) == 1
    assert 'needs playwright: pip install "journeybook[pdf]"' in capsys.readouterr().err


@pytest.mark.slow
def test_the_whole_playbook_has_every_journey(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n", "utf-8")
    (tmp_path / "mkdocs.yml").write_text(MINIMAL_MKDOCS.format(language="en"), "utf-8")
    kettle = (FIXTURES / "small.yaml").read_text("utf-8")
    write_journey(tmp_path / "journeys", "kettle", kettle)
    write_journey(tmp_path / "journeys", "am-dun-nuoc",
                  kettle.replace("Buying a kettle online", "Đổi trả ấm đun nước"))
    output = tmp_path / "playbook.pdf"
    assert main(["pdf", "-o", str(output), "-f", str(tmp_path / "mkdocs.yml"),
                 "--chromium", CHROMIUM]) == 0
    text = pdftotext(output)
    assert "Buying a kettle online" in text and "Đổi trả ấm đun nước" in text
    # One bookmark per journey, its pages under it.
    assert sorted(bookmarks(output)) == ["Buying a kettle online", "Đổi trả ấm đun nước"]
    assert "Contents" in text
