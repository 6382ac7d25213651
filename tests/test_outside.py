"""Files outside the project are never read, and no message quotes a file that is not text.

A journey, note or glossary that is a link to somewhere outside the project (a secrets file,
say) is a located error for `journeybook check` and for `mkdocs build`; nothing of it is
published, printed or put into a pull-request annotation. Links inside the project still work.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from journeybook.cli import main

from .conftest import FIXTURES, MINIMAL_MKDOCS, Project

SMALL = (FIXTURES / "small.yaml").read_text("utf-8")
#: What must never appear in any output or page.
SECRET = "ghp_Secret0Token0Never0Printed"
NOTE = f"---\ndate: 2026-03-01\nscores: {{search: 1}}\n---\n\n## Search result\n\n{SECRET}\n"


@pytest.fixture
def elsewhere(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder beside the project, not in it, holding a secrets file."""
    folder = tmp_path_factory.mktemp("elsewhere")
    (folder / "secret.txt").write_text(f"{SECRET}\n", "utf-8")
    return folder


@pytest.fixture
def playbook(project: Callable[..., Project]) -> Project:
    """A project with one valid journey, `kettle`."""
    p = project()
    p.add("kettle", SMALL)
    return p


def check(p: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
          output: str = "text") -> tuple[int, str]:
    """`journeybook check` run in the project: its exit code and everything it printed."""
    monkeypatch.chdir(p.root)
    code = main(["check", "--format", output])
    out, err = capsys.readouterr()
    return code, out + err


def located(file: str, output: str) -> str:
    """How an error at line 1, column 1 of ``file`` starts, in either output format."""
    return f"file={file},line=1,col=1," if output == "github" else f"error: {file}:1:1: "


def build_fails(p: Project, caplog: pytest.LogCaptureFixture) -> str:
    """Build the project for real; it must stop. Returns the log."""
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        p.build()
    assert "Traceback" not in caplog.text
    return caplog.text


def published(p: Project) -> str:
    """Every file the build left in site/, as text."""
    site = p.root / "site"
    return "".join(f.read_text("utf-8", "replace") for f in site.rglob("*") if f.is_file())


@pytest.mark.parametrize("output", ["text", "github"])
def test_check_refuses_a_journey_linked_to_a_secrets_file(
        playbook: Project, elsewhere: Path, output: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    (playbook.journeys / "leak").mkdir()
    (playbook.journeys / "leak" / "journey.yaml").symlink_to(elsewhere / "secret.txt")
    code, printed = check(playbook, monkeypatch, capsys, output)
    assert code == 1
    assert located("journeys/leak/journey.yaml", output) in printed
    assert "outside the project folder" in printed
    assert SECRET not in printed
    assert elsewhere.name not in printed  # not even where the link points


def test_build_refuses_a_journey_linked_to_a_secrets_file(
        playbook: Project, elsewhere: Path, caplog: pytest.LogCaptureFixture) -> None:
    (playbook.journeys / "leak").mkdir()
    (playbook.journeys / "leak" / "journey.yaml").symlink_to(elsewhere / "secret.txt")
    log = build_fails(playbook, caplog)
    assert "journeys/leak/journey.yaml:1:1: " in log and "outside the project folder" in log
    assert SECRET not in log
    assert SECRET not in published(playbook)


def _linked_folder(p: Project, elsewhere: Path) -> str:
    copy = elsewhere / "kettle"
    copy.mkdir()
    (copy / "journey.yaml").write_text(SMALL.replace("Buying a kettle online", SECRET), "utf-8")
    (p.journeys / "leak").symlink_to(copy, target_is_directory=True)
    return "journeys/leak"


def _linked_note(p: Project, elsewhere: Path) -> str:
    (elsewhere / "2026-03-01.md").write_text(NOTE, "utf-8")
    (p.journeys / "kettle" / "evaluations").mkdir()
    (p.journeys / "kettle" / "evaluations" / "2026-03-01.md").symlink_to(
        elsewhere / "2026-03-01.md")
    return "journeys/kettle/evaluations/2026-03-01.md"


def _linked_notes_folder(p: Project, elsewhere: Path) -> str:
    (elsewhere / "notes").mkdir()
    (elsewhere / "notes" / "2026-03-01.md").write_text(NOTE, "utf-8")
    (p.journeys / "kettle" / "evaluations").symlink_to(elsewhere / "notes",
                                                      target_is_directory=True)
    return "journeys/kettle/evaluations"


def _linked_journeys_folder(p: Project, elsewhere: Path) -> str:
    _linked_folder(p, elsewhere)  # the secret journey, now inside the folder linked to
    (elsewhere / "journeys").mkdir()
    (p.journeys / "leak").rename(elsewhere / "journeys" / "leak")
    (p.journeys / "kettle" / "journey.yaml").unlink()
    (p.journeys / "kettle").rmdir()
    p.journeys.rmdir()
    p.journeys.symlink_to(elsewhere / "journeys", target_is_directory=True)
    return "journeys"


LINKS = [_linked_folder, _linked_note, _linked_notes_folder, _linked_journeys_folder]


@pytest.mark.parametrize("link", LINKS, ids=lambda f: f.__name__.strip("_"))
@pytest.mark.parametrize("output", ["text", "github"])
def test_check_refuses_linked_folders_and_notes(
        playbook: Project, elsewhere: Path, link: Callable[[Project, Path], str], output: str,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    where = link(playbook, elsewhere)
    code, printed = check(playbook, monkeypatch, capsys, output)
    assert code == 1
    assert located(where, output) in printed and "outside the project folder" in printed
    assert SECRET not in printed and elsewhere.name not in printed


@pytest.mark.parametrize("link", LINKS, ids=lambda f: f.__name__.strip("_"))
def test_build_refuses_linked_folders_and_notes(
        playbook: Project, elsewhere: Path, link: Callable[[Project, Path], str],
        caplog: pytest.LogCaptureFixture) -> None:
    where = link(playbook, elsewhere)
    log = build_fails(playbook, caplog)
    assert f"{where}:1:1: " in log and "outside the project folder" in log
    assert SECRET not in log and elsewhere.name not in log
    assert SECRET not in published(playbook)


def test_journeys_dir_option_outside_the_project(
        project: Callable[..., Project], elsewhere: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    (elsewhere / "journeys" / "kettle").mkdir(parents=True)
    (elsewhere / "journeys" / "kettle" / "journey.yaml").write_text(
        SMALL.replace("Buying a kettle online", SECRET), "utf-8")
    relative = Path(os.path.relpath(elsewhere / "journeys", project().root)).as_posix()
    p = project(mkdocs_yml=MINIMAL_MKDOCS.format(language="en").replace(
        "  - journeybook\n", f"  - journeybook:\n      journeys_dir: {relative}\n"))
    log = build_fails(p, caplog)
    assert f"{relative}:1:1: " in log and "outside the project folder" in log
    assert SECRET not in published(p)


@pytest.mark.parametrize("how", ["relative", "link"])
def test_glossary_outside_the_project(
        playbook: Project, elsewhere: Path, how: str, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (elsewhere / "glossary.md").write_text(f"*[NPS]: {SECRET}\n", "utf-8")
    if how == "link":
        glossary = "includes/glossary.md"
        (playbook.root / "includes").mkdir()
        (playbook.root / glossary).symlink_to(elsewhere / "glossary.md")
    else:
        glossary = Path(os.path.relpath(elsewhere / "glossary.md", playbook.root)).as_posix()
    mkdocs_yml = playbook.root / "mkdocs.yml"
    mkdocs_yml.write_text(mkdocs_yml.read_text("utf-8").replace(
        "  - journeybook\n", f"  - journeybook:\n      glossary: {glossary}\n"), "utf-8")
    log = build_fails(playbook, caplog)
    assert f"{glossary}:1:1: " in log and "outside the project folder" in log
    assert SECRET not in log and SECRET not in published(playbook)
    # `journeybook generate --glossary` reads it no more than the plugin does.
    monkeypatch.chdir(playbook.root)
    assert main(["generate", "--out", "generated", "--glossary", glossary]) == 1
    out, err = capsys.readouterr()
    assert f"{glossary}:1:1: " in out + err and SECRET not in out + err
    assert not (playbook.root / "generated").exists()


@pytest.mark.parametrize(("link", "target", "says"), [
    ("broken/journey.yaml", "missing.yaml", "does not exist"),
    ("broken/journey.yaml", "journey.yaml", "loop"),
    ("broken", "missing-folder", "does not exist"),
], ids=["dangling", "loop", "dangling-folder"])
def test_broken_links_are_located_errors(
        playbook: Project, link: str, target: str, says: str,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (playbook.journeys / link).parent.mkdir(exist_ok=True)
    (playbook.journeys / link).symlink_to(target)  # relative to the link's folder
    code, printed = check(playbook, monkeypatch, capsys)
    assert code == 1
    assert f"error: journeys/{link}:1:1: " in printed and says in printed
    assert "Traceback" not in printed


def test_links_inside_the_project_still_work(
        playbook: Project, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    # Teams share one file between journeys, and a note between rounds' folders, by links.
    shared = playbook.root / "shared"
    shared.mkdir()
    (shared / "2026-03-01.md").write_text(NOTE.replace(SECRET, "Shared note."), "utf-8")
    (playbook.journeys / "kettle-copy").mkdir()
    (playbook.journeys / "kettle-copy" / "journey.yaml").symlink_to("../kettle/journey.yaml")
    (playbook.journeys / "kettle" / "evaluations").mkdir()
    (playbook.journeys / "kettle" / "evaluations" / "2026-03-01.md").symlink_to(
        shared / "2026-03-01.md")
    (playbook.journeys / "linked-folder").symlink_to(playbook.journeys / "kettle",
                                                     target_is_directory=True)
    code, printed = check(playbook, monkeypatch, capsys)
    assert (code, printed) == (0, "ok: 3 journeys, 12 touchpoints, 2 evaluation notes\n")
    playbook.build()
    for journey in ("kettle", "kettle-copy", "linked-folder"):
        assert playbook.html(f"journeys/{journey}").select_one("h1") is not None
    assert "Shared note." in (playbook.root / "site" / "journeys" / "kettle" / "evaluations"
                              / "2026-03-01" / "index.html").read_text("utf-8")


NOT_TEXT = [
    # (file content, its first byte that is not text, where that byte is: line:column)
    (f"title: {SECRET}\nstages: \x00\x00\x00 {SECRET}\n".encode(), b"\x00", "2:9"),
    (f"title: {SECRET}\n".encode() + b"\xff\xfe " + SECRET.encode(), b"\xff", "2:1"),
    (f"title: Đặt {SECRET}\x1b[2J\n".encode(), b"\x1b", "1:42"),  # column in characters
]


@pytest.mark.parametrize(("content", "byte", "position"), NOT_TEXT,
                         ids=["nul", "not-utf-8", "escape"])
@pytest.mark.parametrize("output", ["text", "github"])
def test_a_file_that_is_not_text_is_never_quoted(
        playbook: Project, content: bytes, byte: bytes, position: str, output: str,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (playbook.journeys / "binary").mkdir()
    (playbook.journeys / "binary" / "journey.yaml").write_bytes(content)
    code, printed = check(playbook, monkeypatch, capsys, output)
    assert code == 1
    line, column = position.split(":")
    if output == "github":
        assert f"file=journeys/binary/journey.yaml,line={line},col={column}," in printed
    else:
        assert f"error: journeys/binary/journey.yaml:{position}: " in printed
    assert f"byte 0x{byte[0]:02x} at byte offset {content.index(byte)}" in printed
    assert SECRET not in printed and "Secret" not in printed


def test_a_note_with_control_bytes_is_not_published(
        playbook: Project, caplog: pytest.LogCaptureFixture) -> None:
    (playbook.journeys / "kettle" / "evaluations").mkdir()
    text = NOTE.replace(SECRET, f"{SECRET}\x07\x1b]0;pwned\x07")  # rings, retitles the terminal
    (playbook.journeys / "kettle" / "evaluations" / "2026-03-01.md").write_text(text, "utf-8")
    log = build_fails(playbook, caplog)
    assert "journeys/kettle/evaluations/2026-03-01.md:8:31: " in log
    assert f"control byte 0x07 at byte offset {text.index(chr(7))}; " in log
    assert SECRET not in log and "pwned" not in log
    assert not (playbook.root / "site").exists()


def test_fmt_never_touches_a_file_outside_the_project(
        playbook: Project, elsewhere: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    messy = "stages: []\ntitle:   Messy\n"
    (elsewhere / "messy.yaml").write_text(messy, "utf-8")
    (playbook.journeys / "leak").mkdir()
    (playbook.journeys / "leak" / "journey.yaml").symlink_to(elsewhere / "messy.yaml")
    monkeypatch.chdir(playbook.root)
    outside = os.path.relpath(elsewhere / "messy.yaml", playbook.root)
    for arguments, where in (([], "journeys/leak/journey.yaml"),
                             (["journeys"], "journeys/leak/journey.yaml"),
                             (["journeys/leak/journey.yaml"], "journeys/leak/journey.yaml"),
                             ([outside], outside)):
        for check_only in ([], ["--check"]):
            assert main(["fmt", *check_only, *arguments]) == 1
            err = capsys.readouterr().err
            assert f"error: {where}:1:1: " in err and "outside the project folder" in err
            assert (elsewhere / "messy.yaml").read_text("utf-8") == messy
