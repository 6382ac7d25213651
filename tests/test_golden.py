"""Golden files: what the CLI writes for a small fixture playbook, compared byte for byte
with the files committed under ``tests/golden/``.

A change to a template, a label or a message shows up here as a diff of the output itself,
which a reviewer reads like code. After an intended change, refresh the golden files with

    JOURNEYBOOK_UPDATE_GOLDEN=1 pytest tests/test_golden.py

and commit the refreshed files with the change (review `git diff tests/golden` first).
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest

from journeybook.cli import main
from journeybook.files import write_atomic

from .conftest import FIXTURES, commit_all

GOLDEN = Path(__file__).resolve().parent / "golden"
PLAYBOOK = FIXTURES / "golden" / "playbook"
BROKEN = FIXTURES / "golden" / "broken"
UPDATE = os.environ.get("JOURNEYBOOK_UPDATE_GOLDEN") == "1"
REFRESH = "JOURNEYBOOK_UPDATE_GOLDEN=1 pytest tests/test_golden.py"
#: Lines of unified diff shown per differing file; the rest is counted, not printed.
DIFF_LINES = 40
#: The day overdue improvements are judged against (and named on the improvements page).
BUILD_DATE = "2026-06-01"
#: Output stored verbatim; every other file (charts, copied assets) is only listed in
#: `files.txt`. The SVG charts are deterministic, but their bytes change with matplotlib's
#: version and fonts, which would tie the golden files to one machine; the charts have
#: their own tests (test_charts.py).
VERBATIM = (".md", ".yml")


def assert_golden(actual: dict[str, str], folder: str) -> None:
    """Compare ``actual`` (relative path → text) with the files in ``tests/golden/<folder>``,
    or, with ``JOURNEYBOOK_UPDATE_GOLDEN=1``, make those files exactly ``actual``."""
    root = GOLDEN / folder
    expected = ({path.relative_to(root).as_posix(): path.read_bytes().decode("utf-8")
                 for path in sorted(root.rglob("*")) if path.is_file()}
                if root.is_dir() else {})
    if UPDATE:
        for name in expected.keys() - actual.keys():
            (root / name).unlink()
        for name, text in actual.items():
            if expected.get(name) != text:
                (root / name).parent.mkdir(parents=True, exist_ok=True)
                write_atomic(root / name, text)
        return
    report = []
    for name in sorted(expected.keys() | actual.keys()):
        if name not in actual:
            report.append(f"tests/golden/{folder}/{name}: no longer written")
        elif name not in expected:
            report.append(f"tests/golden/{folder}/{name}: written now, not in the golden files")
        elif actual[name] != expected[name]:
            lines = list(difflib.unified_diff(
                expected[name].splitlines(keepends=True), actual[name].splitlines(keepends=True),
                f"golden/{folder}/{name}", "now"))
            shown = "".join(lines[:DIFF_LINES])
            more = (f"\n… {len(lines) - DIFF_LINES} more diff lines" if len(lines) > DIFF_LINES
                    else "")
            report.append(f"tests/golden/{folder}/{name} differs:\n{shown}{more}")
    if report:
        # The report alone, without pytest's traceback and locals: it is what to review.
        pytest.fail("\n\n".join(report)
                    + f"\n\nIf the change is intended, refresh the golden files: {REFRESH}",
                    pytrace=False)


def _generated(out: Path) -> dict[str, str]:
    """The files `generate` wrote under ``out``: Markdown and nav.yml verbatim, the rest
    listed by path in files.txt."""
    written = sorted(path.relative_to(out).as_posix()
                     for path in out.rglob("*") if path.is_file())
    files = {name: (out / name).read_text("utf-8")
             for name in written if name.endswith(VERBATIM)}
    files["files.txt"] = "".join(f"{name}\n" for name in written)
    return files


@pytest.mark.parametrize("language", ["en", "vi"])
def test_generate(language: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                  capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(PLAYBOOK, tmp_path / "playbook")
    monkeypatch.chdir(tmp_path / "playbook")
    assert main(["generate", "--out", "../out", "--language", language,
                 "--glossary", "glossary.md", "--cache-dir", "../cache",
                 "--build-date", BUILD_DATE]) == 0
    assert capsys.readouterr().err == ""
    assert_golden(_generated(tmp_path / "out"), f"generate-{language}")


def test_error_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                      capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(BROKEN, tmp_path / "broken")
    monkeypatch.chdir(tmp_path / "broken")
    assert main(["check"]) == 1
    report = capsys.readouterr()
    assert report.out == ""
    # The same problems as a Vietnamese playbook's check tells them.
    assert main(["check", "--language", "vi"]) == 1
    vietnamese = capsys.readouterr()
    assert vietnamese.out == ""
    assert_golden({"check.txt": report.err, "check-vi.txt": vietnamese.err}, "error-report")


def test_diff_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                      capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "playbook"
    shutil.copytree(PLAYBOOK, repo)
    commit_all(repo)
    journey = repo / "journeys" / "kettle" / "journey.yaml"
    text = journey.read_text("utf-8")
    edits = [
        ("title: Buying a kettle online", "title: Buying a kettle"),
        ("        emotion: -1\n        target: 1", "        emotion: 1\n        target: 2"),
        ("name: Search result", "name: Search results page"),
        ("            status: planned", "            status: done"),
        ("""      - id: confirmation-call
        name: Confirmation call
        channel: analog
        control: owned
        team: contact center
        emotion: 1
        checklist:
          - Greet by name
          - Confirm the address
""", ""),
    ]
    for old, new in edits:
        assert old in text, f"the fixture no longer has {old!r}; update this test's edits"
        text = text.replace(old, new)
    edited = text + """  - name: Ủng hộ
    touchpoints:
      - id: review
        name: Public review
        emotion: 2
"""
    journey.write_text(edited, "utf-8")
    monkeypatch.chdir(repo)
    summaries = {}
    for language in ("en", "vi"):
        assert main(["diff", "HEAD", "--language", language]) == 0
        summaries[f"diff-{language}.md"] = capsys.readouterr().out
    assert_golden(summaries, "diff-summary")
