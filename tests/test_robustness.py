"""Odd input, as users hit it: every journey `check` accepts builds with `mkdocs build --strict`,
and every one it refuses gets an error naming file, line and column, never a traceback."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journeybook import Playbook
from journeybook.cli import main
from journeybook.slug import MAX_SLUG_LENGTH, is_slug, slugify

from .conftest import Project, examples, write_journey

#: An error line as `check` prints it: `error: FILE:LINE:COLUMN: message`.
LOCATED = re.compile(r"error: [^\n]+?:\d+:\d+: \S")


def journey(stage: str = "Stage", touchpoint: str = "Touchpoint", team: str = "Team",
            stage_id: str | None = None, touchpoint_id: str | None = None) -> str:
    """A small valid journey with the given texts, each written as a quoted YAML string."""
    def q(text: str) -> str:
        return json.dumps(text)

    stage_key = f"id: {q(stage_id)}\n    " if stage_id is not None else ""
    touchpoint_key = f"id: {q(touchpoint_id)}\n        " if touchpoint_id is not None else ""
    return (f"title: Odd names\nstages:\n  - {stage_key}name: {q(stage)}\n    touchpoints:\n"
            f"      - {touchpoint_key}name: {q(touchpoint)}\n        team: {q(team)}\n"
            f"        emotion: -1\n        checklist: [Greet the customer]\n"
            f"  - name: Second\n    touchpoints:\n      - name: Other\n        emotion: 1\n")


def check(capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    """`journeybook check` in the current folder: exit code and error lines."""
    code = main(["check"])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err.splitlines()[:-1]


def assert_located(lines: list[str]) -> None:
    assert lines
    for line in lines:
        assert LOCATED.match(line), line


# --- long names and ids --------------------------------------------------------------------

def test_long_names_build_and_every_file_name_stays_short(
    project: Callable[..., Project],
) -> None:
    site = project()
    long_stage = "Bước " * 65  # 325 characters
    site.add("kettle", journey(stage=long_stage, touchpoint="Gọi điện " * 40, team="T" * 300)
             .replace("name: Second", f"name: {json.dumps(long_stage + 'cuối')}"))
    site.build()

    [loaded] = Playbook.load(site.journeys, site.root).journeys
    first, second = loaded.stages
    assert len(first.id) <= MAX_SLUG_LENGTH and is_slug(first.id)
    assert first.id != second.id, "names that start alike still get their own ids"
    assert first.id.startswith("buoc-buoc-")
    for stage in loaded.stages:
        assert (site.root / "site" / "journeys" / "kettle" / stage.id / "index.html").is_file()
    [team] = Playbook.load(site.journeys, site.root).teams()
    assert team.slug == slugify("T" * 300) and len(team.slug) <= MAX_SLUG_LENGTH
    assert (site.root / "site" / "checklists" / team.slug / "index.html").is_file()
    longest = max(len(path.name.encode()) for path in (site.root / "site").rglob("*"))
    assert longest < 100


def test_an_explicit_id_too_long_is_a_located_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_journey(tmp_path / "journeys", "kettle",
                  journey(stage_id="a" * (MAX_SLUG_LENGTH + 1), touchpoint_id="b" * 300))
    write_journey(tmp_path / "journeys", "k" * (MAX_SLUG_LENGTH + 1), journey())
    monkeypatch.chdir(tmp_path)
    code, errors = check(capsys)
    assert code == 1
    assert_located(errors)
    assert any(line.startswith("error: journeys/kettle/journey.yaml:3:9: stages[0].id: ")
               and f"at most {MAX_SLUG_LENGTH} characters" in line for line in errors)
    assert any(line.startswith("error: journeys/kettle/journey.yaml:6:13: ")
               and "it is 300 characters long" in line for line in errors)
    assert any(line.startswith(f"error: journeys/{'k' * (MAX_SLUG_LENGTH + 1)}/journey.yaml:1:1:")
               for line in errors)


def test_new_and_import_refuse_a_long_id_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "j.mmd").write_text("journey\n  section S\n    Call: 3: Me\n", "utf-8")
    for command in (["new", "a" * 300], ["import", "mermaid", "j.mmd", "--id", "a" * 300]):
        assert main(command) == 1
        err = capsys.readouterr().err
        assert f"is not a valid journey id: it is 300 characters long; an id has at most " \
               f"{MAX_SLUG_LENGTH} characters" in err
    assert not (tmp_path / "journeys").exists()


def test_an_id_ending_in_a_newline_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_journey(tmp_path / "journeys", "kettle",
                  journey(stage_id="dat-hang\n", touchpoint_id="goi\n"))
    write_journey(tmp_path / "journeys", "folder\n", journey())
    monkeypatch.chdir(tmp_path)
    code, errors = check(capsys)
    assert code == 1
    assert_located([line for line in errors if "kettle" in line])
    assert any(r"`dat-hang\n` is not a valid id" in line for line in errors)
    assert any(r"`goi\n` is not a valid id" in line for line in errors)
    assert "journey folder name `folder" in "\n".join(errors)
    assert main(["new", "kettle-2\n"]) == 1
    assert r"`kettle-2\n` is not a valid journey id" in capsys.readouterr().err


def test_an_evaluation_note_name_too_long_is_a_located_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_journey(tmp_path / "journeys", "kettle", journey())
    notes = tmp_path / "journeys" / "kettle" / "evaluations"
    notes.mkdir()
    (notes / f"2026-03-15-{'x' * 200}.md").write_text("---\ndate: 2026-03-15\n---\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    code, errors = check(capsys)
    assert code == 1
    assert_located(errors)
    assert "the part of the name after the date it is 200 characters long" in errors[0]


# --- nesting --------------------------------------------------------------------------------

DEEP = 500
NESTED = {
    "flow list": "summary: " + "[" * DEEP + "]" * DEEP + "\n",
    "flow mapping": "summary: " + "{a: " * DEEP + "1" + "}" * DEEP + "\n",
    "block mappings": "summary:\n" + "".join(" " * (i + 1) + "a:\n" for i in range(DEEP)),
    "compact lists": "summary:\n  " + "- " * DEEP + "x\n",
    "aliases of aliases": "summary: &a0 " + "[" * 40 + "]" * 40 + "\n" + "".join(
        f"a{i}: &a{i} " + "[" * 40 + f"*a{i - 1}" + "]" * 40 + "\n" for i in range(1, 20)),
}


@pytest.mark.parametrize("text", NESTED.values(), ids=NESTED.keys())
def test_deep_nesting_is_a_located_error(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_journey(tmp_path / "journeys", "deep", "title: Deep\n" + text)
    monkeypatch.chdir(tmp_path)
    code, errors = check(capsys)
    assert code == 1
    [error] = errors
    assert LOCATED.match(error)
    assert error.startswith("error: journeys/deep/journey.yaml:")
    assert "nest more than 50 levels deep here" in error


def test_the_error_points_where_the_nesting_passes_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_journey(tmp_path / "journeys", "deep", "title: Deep\nsummary: " + "[" * 60 + "]" * 60)
    write_journey(tmp_path / "journeys", "loop", "title: Loop\nsummary: &a [1, *a]\n")
    notes = write_journey(tmp_path / "journeys", "kettle", journey()).parent / "evaluations"
    notes.mkdir()
    (notes / "2026-03-15.md").write_text("---\ndate: 2026-03-15\nscores:\n" + "".join(
        " " * (i + 1) + "a:\n" for i in range(DEEP)) + "---\nNotes\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    code, errors = check(capsys)
    assert code == 1
    # The mapping of the whole file is level 1, so level 51 is the 50th `[`.
    assert errors[0].startswith("error: journeys/deep/journey.yaml:2:59: lists and mappings "
                                "nest more than 50 levels deep here")
    # The front matter starts on line 2 of the note; level 51 starts at the 50th `a:`.
    assert errors[1].startswith("error: journeys/kettle/evaluations/2026-03-15.md:53:51: ")
    assert errors[2].startswith("error: journeys/loop/journey.yaml:2:17: alias `*a` is inside "
                                "the very list or mapping it names")


def test_nesting_that_crashes_the_parser_is_refused(tmp_path: Path) -> None:
    # 50,000 levels crash the C composer (a segmentation fault), so this runs in its own
    # process, as a user would run it.
    deep = 50_000
    for name, text in {"brackets": "[" * deep + "]" * deep, "braces": "{a: " * deep + "}" * deep,
                       "dashes": "\n  " + "- " * deep + "x"}.items():
        write_journey(tmp_path / "journeys", name, f"title: Deep\nsummary: {text}\n")
    done = subprocess.run([sys.executable, "-m", "journeybook.cli", "check"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1, done.stderr[-2000:]
    errors = done.stderr.splitlines()
    assert errors[:3] == [
        "error: journeys/braces/journey.yaml:2:206: lists and mappings nest more than 50 "
        "levels deep here (a journey needs 7); remove the extra levels of `[`, `{` or "
        "indentation",
        "error: journeys/brackets/journey.yaml:2:59: lists and mappings nest more than 50 "
        "levels deep here (a journey needs 7); remove the extra levels of `[`, `{` or "
        "indentation",
        "error: journeys/dashes/journey.yaml:3:101: lists and mappings nest more than 50 "
        "levels deep here (a journey needs 7); remove the extra levels of `[`, `{` or "
        "indentation",
    ]


def test_fmt_refuses_what_check_refuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = write_journey(tmp_path / "journeys", "deep", "title: Deep\n" + NESTED["flow list"])
    # A million values from a few lines.
    bomb = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"] + [
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 6)]
    big = write_journey(tmp_path / "journeys", "big", "title: Big\n" + "\n".join(bomb) + "\n")
    before = {path: path.read_bytes() for path in (deep, big)}
    monkeypatch.chdir(tmp_path)
    assert main(["fmt", "journeys"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "error: journeys/deep/journey.yaml:2:59: lists and mappings nest more than 50 " \
           "levels" in err
    assert re.search(r"^error: journeys/big/journey.yaml:\d+:\d+: ", err, re.M)
    assert {path: path.read_bytes() for path in (deep, big)} == before


# --- journeybook new and import --------------------------------------------------------------

ODD_TEXTS = ['A\nB', 'say "hi"', "it's", "# not a comment", "key: value", "- dash", "{brace",
             "[bracket", "Đặt hàng ở Hà Nội", "Index", "???", "x" * 300, "tab\there",
             "\u2028 \x85 \x7f", "*star", "&amp", "!tag", "%percent", "@at", "`tick`"]


@pytest.mark.slow
def test_new_keeps_odd_titles_and_stage_names_and_the_result_builds(
    project: Callable[..., Project], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = project()
    monkeypatch.chdir(site.root)
    for number, text in enumerate(ODD_TEXTS):
        assert main(["new", f"odd-{number}", "--title", text, "--stages", f"{text},{text},x"]) \
            == 0, capsys.readouterr().err
    assert main(["new", "many", "--stages", ",".join(ODD_TEXTS)]) == 0
    capsys.readouterr()
    assert check(capsys)[0] == 0
    journeys = {j.id: j for j in Playbook.load(site.journeys, site.root).journeys}
    for number, text in enumerate(ODD_TEXTS):
        loaded = journeys[f"odd-{number}"]
        assert loaded.title == text
        assert [stage.name for stage in loaded.stages] == [text.strip(), text.strip(), "x"]
    assert main(["fmt", "--check"]) == 0, capsys.readouterr()
    site.build()
    longest = max(len(path.name.encode()) for path in (site.root / "site").rglob("*"))
    assert longest < 100


def test_new_refuses_text_that_is_not_utf8(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    # How Python hands over command-line bytes that are not UTF-8.
    title = os.fsdecode(b"caf\xe9")
    assert main(["new", "cafe", "--title", title]) == 1
    assert "error: --title is not valid UTF-8 text" in capsys.readouterr().err
    assert not (tmp_path / "journeys").exists()


MERMAID_PROBLEMS = {
    "journey\n  section S\n    Call: ²: Me\n": "j.mmd:3:11: the score must be a whole number "
                                                 "from 1 to 5, got `²`",
    "journey\n  section S\n    Call: ٣\n": "j.mmd:3:11: the score must be a whole number "
                                           "from 1 to 5, got `٣`",
    "journey\n  title T\n  section Empty\n  section S\n    Call: 3\n":
        "j.mmd:3:3: this section has no tasks",
    "journey\n  title Only a title\n": "j.mmd:1:1: the diagram has no tasks",
}


@pytest.mark.parametrize(("diagram", "expected"), MERMAID_PROBLEMS.items())
def test_import_errors_name_the_mermaid_file(
    diagram: str, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "j.mmd").write_text(diagram, "utf-8")
    assert main(["import", "mermaid", "j.mmd", "--id", "t"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "journey.yaml" not in err
    assert f"error: {expected}" in err
    assert not (tmp_path / "journeys").exists()


def test_import_gives_sections_the_ids_their_names_cannot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "j.mmd").write_text(
        "\ufeffjourney\n  section Index\n    A: 1\n  section Index\n    A: 2\n"
        "  section ???\n    ???: 3\n  section " + "Long " * 80 + "\n    " + "Task " * 80
        + ": 5: " + "Team " * 80 + "\n  section Form\x0cfeed\n    B: 4\n", "utf-8")
    assert main(["import", "mermaid", "j.mmd", "--id", "t"]) == 0, capsys.readouterr().err
    capsys.readouterr()
    assert check(capsys)[0] == 0
    [loaded] = Playbook.load(tmp_path / "journeys", tmp_path).journeys
    assert [stage.name for stage in loaded.stages][:3] == ["Index", "Index", "???"]
    assert all(is_slug(s.id) for s in loaded.stages)
    assert all(is_slug(t.id) for _, t in loaded.touchpoints())
    assert loaded.stages[-1].name == "Form\x0cfeed"


# --- any text at all -------------------------------------------------------------------------

# Every character but lone surrogates (which no UTF-8 file can hold), plus long runs of the
# characters that slugs are made of.
ANY_TEXT = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=400),
    st.text(st.sampled_from("aăđz09 -_\n.Ạ"), min_size=50, max_size=400),
)


@settings(max_examples=examples(40), derandomize=True, deadline=None)
@given(stage=ANY_TEXT, touchpoint=ANY_TEXT, team=ANY_TEXT,
       stage_id=st.none() | ANY_TEXT, touchpoint_id=st.none() | ANY_TEXT)
def test_check_accepts_with_valid_ids_or_gives_located_problems(
    stage: str, touchpoint: str, team: str, stage_id: str | None, touchpoint_id: str | None,
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        journeys = Path(folder) / "journeys"
        write_journey(journeys, "kettle", journey(stage, touchpoint, team, stage_id,
                                                  touchpoint_id))
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["check", "--journeys", str(journeys)])
        if code == 0:
            playbook = Playbook.load(journeys)
            ids = [s.id for s in playbook.journeys[0].stages]
            ids += [t.id for _, t in playbook.journeys[0].touchpoints()]
            ids += [team.slug for team in playbook.teams()]
            assert all(is_slug(i) and len(i) <= MAX_SLUG_LENGTH for i in ids), ids
        else:
            assert code == 1
            assert_located(err.getvalue().splitlines()[:-1])


@settings(max_examples=examples(25), derandomize=True, deadline=None)
@given(title=ANY_TEXT, stages=st.lists(ANY_TEXT, max_size=4))
def test_new_scaffolds_pass_check_whatever_the_text(title: str, stages: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        journeys = str(Path(folder) / "journeys")
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["new", "kettle", "--journeys", journeys, "--title", title,
                         "--stages", ",".join(stages)])
            assert code == 0, err.getvalue()
            assert main(["check", "--journeys", journeys]) == 0, err.getvalue()


MERMAID_LINE = st.one_of(
    st.builds("  title {}".format, ANY_TEXT),
    st.builds("  section {}".format, ANY_TEXT),
    st.builds("    {}: {}: {}".format, ANY_TEXT, st.sampled_from(["1", "3", "5", "²", "9", ""]),
              ANY_TEXT),
    ANY_TEXT,
)


@settings(max_examples=examples(40), derandomize=True, deadline=None)
@given(lines=st.lists(MERMAID_LINE, max_size=6))
def test_import_gives_a_valid_journey_or_errors_in_the_diagram(lines: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        diagram = Path(folder) / "j.mmd"
        diagram.write_text("journey\n" + "\n".join(lines) + "\n", "utf-8")
        journeys = str(Path(folder) / "journeys")
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["import", "mermaid", str(diagram), "--id", "t", "--journeys", journeys])
            if code == 0:
                assert main(["check", "--journeys", journeys]) == 0, err.getvalue()
        if code == 1:
            errors = err.getvalue().splitlines()[:-1]
            assert errors and all(e.startswith(f"error: {diagram}:") for e in errors), errors



@pytest.mark.parametrize("folder", ["a" * (MAX_SLUG_LENGTH + 1), "x\n", "x\x1b[31m"])
def test_a_bad_journey_folder_name_says_why_on_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        folder: str) -> None:
    write_journey(tmp_path / "journeys", folder, "title: T\nstages: []\n")
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if "journey folder name" in line]
    assert len(lines) == 1 and "journey.yaml:1:1:" in lines[0]
    assert "\x1b" not in err
    if len(folder) > MAX_SLUG_LENGTH:
        assert "at most 64 characters" in lines[0]
