"""`journeybook check` speaks the playbook's language, names YAML slips in plain words at the
place to fix, warns about prose split at commas, and shows every problem in one run."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeybook.authoring.fmt import format_yaml
from journeybook.cli import main
from journeybook.errors import Message, Problem
from journeybook.i18n import languages
from journeybook.source import parse_journey, parse_yaml
from journeybook.source.raw import journey_ids

from .conftest import FIXTURES, examples, write_journey

SMALL = (FIXTURES / "small.yaml").read_text("utf-8")
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")

MKDOCS = """\
site_name: Playbook
theme:
  name: material
{theme_language}
markdown_extensions:
  - toc:
      slugify: !!python/name:journeybook.slug.toc_slugify
plugins:
  - journeybook{plugin}
"""


def _check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
           *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


# -- the words --------------------------------------------------------------------------


def _texts(language: str) -> dict[str, str]:
    from ruamel.yaml import YAML

    import journeybook

    data = YAML(typ="safe").load(
        (Path(journeybook.__file__).parent / "locales" / f"{language}.yml").read_text("utf-8"))
    found: dict[str, str] = {}
    for key, value in data["problems"].items():
        for form, text in (value.items() if isinstance(value, dict) else [("", value)]):
            found[f"{key}.{form}" if form else key] = text
    return found


@pytest.mark.parametrize("language", [code for code in languages() if code != "en"])
def test_every_message_has_the_same_placeholders_in_every_language(language: str) -> None:
    english = {key.split(".")[0]: set(PLACEHOLDER.findall(text))
               for key, text in _texts("en").items()}
    for key, text in _texts(language).items():
        assert set(PLACEHOLDER.findall(text)) <= english[key.split(".")[0]], key


@pytest.mark.parametrize("language", languages())
def test_every_message_renders_with_its_arguments(language: str) -> None:
    for key, text in _texts(language).items():
        names = set(PLACEHOLDER.findall(text))
        message = Message.of(key.split(".")[0], **{name: "X" for name in names - {"count"}},
                             count=2)
        assert not PLACEHOLDER.search(message.render(language)), key


def test_a_problem_is_put_into_words_when_shown() -> None:
    problem = Problem("j.yaml", 3, 5, "stages[0].id",
                      Message.of("duplicate_stage_id", id="mua", first="stages[0]"))
    assert problem.render() == ("j.yaml:3:5: stages[0].id: duplicate stage id `mua` (also "
                                "stages[0]); stage ids must be unique in a journey: add a "
                                "distinct `id:`")
    assert problem.render("vi") == ("j.yaml:3:5: stages[0].id: mã giai đoạn `mua` bị trùng (với "
                                    "stages[0]); mỗi giai đoạn trong hành trình cần một mã "
                                    "riêng: hãy thêm `id:` khác")
    # A language without a locale file still shows the problem, in English.
    assert problem.text("xx") == problem.text("en")


# -- the language ---------------------------------------------------------------------------


BROKEN = SMALL.replace("emotion: -1", "emotion: 5", 1)


@pytest.mark.parametrize(("theme_language", "plugin", "args", "says"), [
    ("", "", (), "must be a whole number from -2 to 2, got 5"),
    ("  language: vi", "", (), "phải là số nguyên từ -2 đến 2, nhưng đang là 5"),
    ("  language: de", "", (), "must be a whole number from -2 to 2, got 5"),
    ("", ":\n      language: vi", (), "phải là số nguyên từ -2 đến 2, nhưng đang là 5"),
    ("  language: vi", ":\n      language: en", (), "must be a whole number"),
    ("  language: vi", "", ("--language", "en"), "must be a whole number"),
    ("", "", ("--language", "vi"), "phải là số nguyên từ -2 đến 2"),
])
def test_check_speaks_the_playbooks_language(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        theme_language: str, plugin: str, args: tuple[str, ...], says: str) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        MKDOCS.format(theme_language=theme_language, plugin=plugin), "utf-8")
    write_journey(tmp_path / "journeys", "kettle", BROKEN)
    code, out, err = _check(tmp_path, monkeypatch, capsys, *args)
    assert code == 1 and out == "" and says in err
    vietnamese = "phải" in says
    assert err.splitlines()[-1] == ("Tìm thấy 1 lỗi." if vietnamese else "1 problem found.")
    assert err.startswith("lỗi: " if vietnamese else "error: ")


def test_the_summary_line_is_in_the_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "mkdocs.yml").write_text(MKDOCS.format(theme_language="  language: vi",
                                                       plugin=""), "utf-8")
    write_journey(tmp_path / "journeys", "kettle", SMALL)
    assert _check(tmp_path, monkeypatch, capsys) == (
        0, "ổn: 1 hành trình, 4 điểm chạm, 0 ghi chú đánh giá\n", "")
    assert _check(tmp_path, monkeypatch, capsys, "--language", "en")[1] == (
        "ok: 1 journey, 4 touchpoints, 0 evaluation notes\n")


def test_a_broken_mkdocs_yml_leaves_check_in_english(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: [\n", "utf-8")
    write_journey(tmp_path / "journeys", "kettle", BROKEN)
    code, _, err = _check(tmp_path, monkeypatch, capsys)
    assert code == 1 and "must be a whole number" in err


def test_the_build_reports_in_the_plugins_language(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n", "utf-8")
    (tmp_path / "mkdocs.yml").write_text(MKDOCS.format(theme_language="  language: vi",
                                                       plugin=""), "utf-8")
    write_journey(tmp_path / "journeys", "kettle", BROKEN)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "phải là số nguyên từ -2 đến 2, nhưng đang là 5" in result.stderr
    assert "Tìm thấy 1 lỗi; sửa xong rồi dựng lại trang." in result.stderr


# -- every problem in one run ---------------------------------------------------------------

DRAFT = """\
title: Mua tủ lạnh
summary: Khách mua tủ lạnh trên website.
owner: [Chăm sóc khách hàng]
persona:
  name: Chị Lan
  goals:
    - Mua được tủ lạnh bền
stages:
  - name: Tìm hiểu
    touchpionts:
      - name: Quảng cáo
        emotion: 1
  - name: Mua hàng
    touchpoints:
      - id: gio-hang
        name: Giỏ hàng
        channel: web
        emotion: {chi-lan: 1, anh-tuan: -1}
        target: 3
        link: giao-hang/nhan-hangg
      - id: gio-hang
        name: Thanh toán
        emotion: -3
        moment_of_truth: yes
  - name: Tìm hiểu
    touchpoints:
      - name: Hỏi đáp
        emotion: 0
        link: van-chuyen
"""

DRAFT_FIXES = [
    ("owner: [Chăm sóc khách hàng]", "owner: Chăm sóc khách hàng"),
    ("    touchpionts:", "    touchpoints:"),
    ("        channel: web", "        channel: digital"),
    ("emotion: {chi-lan: 1, anh-tuan: -1}", "emotion: {chi-lan: 1}"),
    ("        target: 3", "        target: 2"),
    ("link: giao-hang/nhan-hangg", "link: giao-hang/nhan-hang"),
    ("      - id: gio-hang\n        name: Thanh toán",
     "      - id: thanh-toan\n        name: Thanh toán"),
    ("        emotion: -3", "        emotion: -2"),
    ("moment_of_truth: yes", "moment_of_truth: true"),
    ("  - name: Tìm hiểu\n    touchpoints:\n      - name: Hỏi đáp",
     "  - name: Hỏi lại\n    touchpoints:\n      - name: Hỏi đáp"),
    ("link: van-chuyen", "link: giao-hang"),
]

OTHER = """\
title: Giao hàng
stages:
  - id: nhan-hang
    name: Nhận hàng
    touchpoints:
      - id: giao
        name: Giao tận nhà
        emotion: 1
        target: [2]
"""

NOTE = """\
---
date: 2026-03-01
scores:
  gio-hang: {chi-lann: 1}
  thanh-toan: 1
  gio-hangg: 2
colour: red
---
Ghi chú.
"""


def _problems(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("error: ")]


def test_a_first_draft_takes_one_round(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    """Every problem a first draft has is reported at once: fixing exactly those makes it
    pass, however many of them stop the journey from being read as a model."""
    journey = write_journey(tmp_path / "journeys", "mua-tu-lanh", DRAFT)
    other = write_journey(tmp_path / "journeys", "giao-hang", OTHER)
    notes = journey.parent / "evaluations"
    notes.mkdir()
    (notes / "2026-03-01.md").write_text(NOTE, "utf-8")
    code, _, err = _check(tmp_path, monkeypatch, capsys, "--language", "en")
    assert code == 1
    reported = _problems(err)
    expected = {
        "mua-tu-lanh/journey.yaml:10:5: stages[0].touchpionts: unknown key `touchpionts`",
        "mua-tu-lanh/journey.yaml:17:18: stages[1].touchpoints[0].channel: must be one of",
        # Persona keys: found with the errors above, not once they are fixed.
        "mua-tu-lanh/journey.yaml:18:31: stages[1].touchpoints[0].emotion.anh-tuan: `anh-tuan` "
        "is not a persona of this journey; the persona ids are `chi-lan`",
        "mua-tu-lanh/journey.yaml:19:17: stages[1].touchpoints[0].target: must be a whole "
        "number from -2 to 2",
        "mua-tu-lanh/journey.yaml:20:15: stages[1].touchpoints[0].link: journey `giao-hang` "
        "has no stage `nhan-hangg` (did you mean `nhan-hang`?); its stages are `nhan-hang`",
        "mua-tu-lanh/journey.yaml:21:13: stages[1].touchpoints[1].id: duplicate touchpoint id",
        "mua-tu-lanh/journey.yaml:23:18: stages[1].touchpoints[1].emotion: must be a whole",
        "mua-tu-lanh/journey.yaml:24:26: stages[1].touchpoints[1].moment_of_truth: must be "
        "true or false",
        "mua-tu-lanh/journey.yaml:25:11: stages[2].id: duplicate stage id `tim-hieu`",
        "mua-tu-lanh/journey.yaml:29:15: stages[2].touchpoints[0].link: there is no journey "
        "`van-chuyen`",
        "giao-hang/journey.yaml:9:17: stages[0].touchpoints[0].target: must be a whole number",
        "mua-tu-lanh/journey.yaml:3:8: owner: must be text",
        # The notes of a journey with errors are checked against the ids that could be read.
        "evaluations/2026-03-01.md:4:14: scores.gio-hang.chi-lann: `chi-lann` is not a persona "
        "of this journey (did you mean `chi-lan`?); the persona ids are `chi-lan`",
        "evaluations/2026-03-01.md:5:3: scores.thanh-toan: `thanh-toan` is not a touchpoint of "
        "journey `mua-tu-lanh`; scores are keyed by touchpoint ids from journey.yaml: "
        "`quang-cao`, `gio-hang`, `hoi-dap`",
        "evaluations/2026-03-01.md:6:3: scores.gio-hangg: `gio-hangg` is not a touchpoint",
        "evaluations/2026-03-01.md:7:1: colour: unknown key `colour`",
    }
    for part in expected:
        assert any(part in line for line in reported), (part, reported)
    assert len(reported) == len(expected), reported
    # The author fixes exactly what was reported, and nothing else is left.
    text = DRAFT
    for old, new in DRAFT_FIXES:
        assert old in text
        text = text.replace(old, new, 1)
    journey.write_text(text, "utf-8")
    other.write_text(OTHER.replace("target: [2]", "target: 2"), "utf-8")
    (notes / "2026-03-01.md").write_text(
        NOTE.replace("{chi-lann: 1}", "{chi-lan: 1}")
        .replace("gio-hangg: 2", "thanh-toan: 2").replace("  thanh-toan: 1\n", "")
        .replace("colour: red\n", ""), "utf-8")
    assert _check(tmp_path, monkeypatch, capsys, "--language", "en")[:2] == (
        0, "ok: 2 journeys, 5 touchpoints, 1 evaluation note\n")


@pytest.mark.parametrize(("where", "written", "says"), [
    ("stages[0].touchpoints[0].emotion.anh-mihn", "{chi-ha: 1, anh-mihn: 1}",
     "`anh-mihn` is not a persona of this journey (did you mean `anh-minh`?); the persona ids "
     "are `chi-ha`, `anh-minh`"),
])
def test_unknown_ids_are_listed_with_the_nearest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        where: str, written: str, says: str) -> None:
    text = (FIXTURES / "personas.yaml").read_text("utf-8")
    text = re.sub(r"(\n        emotion: )[^\n]+", lambda m: m.group(1) + written, text, count=1)
    # Another error in the same file does not hold the persona check back.
    write_journey(tmp_path / "journeys", "j", text.replace("title:", "title: [x]\nsummary:", 1))
    err = _check(tmp_path, monkeypatch, capsys, "--language", "en")[2]
    assert any(where in line and says in line for line in _problems(err)), err


def test_a_badly_named_journey_folder_is_still_checked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    write_journey(tmp_path / "journeys", "Mua_Hang", BROKEN)
    err = _check(tmp_path, monkeypatch, capsys, "--language", "en")[2]
    assert len(_problems(err)) == 2 and "is not a valid id" in err and "got 5" in err


# -- YAML slips -----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "line", "column", "english", "vietnamese"), [
    ("title: T\nsummary:Mua hàng\nowner: X\n", 2, 8,
     "write a space after the `:` of `summary:`: `summary: Mua hàng`",
     "thiếu dấu cách sau dấu `:` của `summary:`; hãy viết `summary: Mua hàng`"),
    ("title: T\nstages:\n\t- name: A\n", 3, 1, "indented with a tab", "thụt lề bằng phím Tab"),
    ("title: T\nstages:\n  - name: A\n  \ttouchpoints: []\n", 4, 3, "indented with a tab",
     "thụt lề bằng phím Tab"),
    ('title: "Mua hàng\nsummary: x\nowner: y\n', 1, 8,
     'the quote " opened on line 1, column 8 is never closed',
     'dấu nháy " mở ở dòng 1, cột 8 chưa được đóng'),
    ("title: T\ngoals: [a, b\nowner: y\n", 2, 8,
     "the `[` opened on line 2, column 8 is never closed; add `]`",
     "dấu `[` mở ở dòng 2, cột 8 chưa được đóng"),
    ("title: T\nemotion: {a: 1\nowner: y\n", 2, 10, "the `{` opened on line 2",
     "dấu `{` mở ở dòng 2"),
    ("title: T\ngoals: [a]]\n", 2, 11, "this `]` closes nothing", "dấu `]` này không đóng"),
    ("title: T\n- a\nowner: y\n", 2, 1, "a `- ` list item among `key: value` lines",
     "một mục danh sách `- ` nằm lẫn giữa các dòng `khoá: giá trị`"),
    ("goals:\n  - a\n  b: c\n", 3, 3, "a `key: value` line among `- ` list items",
     "một dòng `khoá: giá trị` nằm lẫn giữa các mục danh sách"),
    ("title: T\n  summary: x\n", 2, 3, "indented more than the lines above it",
     "thụt vào sâu hơn các dòng phía trên"),
    ("title: Bước 1: Tìm hiểu\n", 1, 14, "this text holds a `: `", "đoạn chữ này có `: `"),
    ("title: T\nsummary: a\ntitle: U\n", 3, 1, "duplicate key `title` (first given on line 1)",
     "khoá `title` bị lặp (đã có ở dòng 1)"),
])
def test_yaml_slips_are_named_at_the_place_to_fix(text: str, line: int, column: int,
                                                   english: str, vietnamese: str) -> None:
    [problem] = parse_yaml(text, "j.yaml").problems
    assert (problem.line, problem.column) == (line, column)
    assert english in problem.text("en") and vietnamese in problem.text("vi")


def test_a_slip_in_a_notes_front_matter_counts_the_files_lines(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    journey = write_journey(tmp_path / "journeys", "kettle", SMALL)
    (journey.parent / "evaluations").mkdir()
    (journey.parent / "evaluations" / "2026-03-01.md").write_text(
        "---\ndate: 2026-03-01\ntitle: 'Khảo sát\n---\nGhi chú\n", "utf-8")
    err = _check(tmp_path, monkeypatch, capsys, "--language", "en")[2]
    assert "2026-03-01.md:3:8: the quote ' opened on line 3, column 8 is never closed" in err


# -- prose split at commas ------------------------------------------------------------------

FLOW = SMALL.replace("  goals: [Get a reliable kettle quickly]",
                     "  goals: [Mua được tủ lạnh bền, giao nhanh]")


def test_a_prose_flow_list_is_a_warning_with_its_block_form(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    write_journey(tmp_path / "journeys", "kettle", FLOW)
    code, out, err = _check(tmp_path, monkeypatch, capsys, "--language", "vi")
    assert code == 0 and out.startswith("ổn: 1 hành trình")
    assert err == ("cảnh báo: journeys/kettle/journey.yaml:8:3: persona.goals: dấu phẩy trong "
                   "`[ ]` tách `goals` thành nhiều mục, nên một câu có dấu phẩy sẽ bị cắt làm "
                   "hai; hãy viết mỗi mục trên một dòng riêng:\ngoals:\n  - Mua được tủ lạnh "
                   "bền\n  - giao nhanh\n")
    code, out, err = _check(tmp_path, monkeypatch, capsys, "--language", "en",
                            "--format", "github")
    assert code == 0 and err == ""
    assert out.splitlines()[0] == (
        "::warning file=journeys/kettle/journey.yaml,line=8,col=3,title=journeybook at "
        "persona.goals::a comma in `[ ]` splits `goals` into separate items, so a sentence "
        "with a comma becomes two; write each item on its own line:%0Agoals:%0A  - Mua được "
        "tủ lạnh bền%0A  - giao nhanh")


def test_warnings_show_with_the_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    write_journey(tmp_path / "journeys", "kettle", FLOW.replace("emotion: -1", "emotion: 5", 1))
    code, _, err = _check(tmp_path, monkeypatch, capsys, "--language", "en")
    assert code == 1 and "warning: journeys/kettle/journey.yaml:8:3" in err
    assert err.splitlines()[-1] == "1 problem found."


def test_the_build_logs_prose_flow_lists_as_info_and_passes_strict(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n", "utf-8")
    (tmp_path / "mkdocs.yml").write_text(MKDOCS.format(theme_language="", plugin=""), "utf-8")
    write_journey(tmp_path / "journeys", "kettle", FLOW)
    for _ in range(2):  # a warm build (cache) still says it
        result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"],
                                cwd=tmp_path, capture_output=True, text=True, timeout=300,
                                check=False)
        assert result.returncode == 0, result.stderr
        assert ("INFO    -  journeybook: journeys/kettle/journey.yaml:8:3: persona.goals: a "
                "comma") in result.stderr


def test_fmt_writes_prose_flow_lists_as_block_lists() -> None:
    text = FLOW.replace("  frustrations: [Hidden delivery fees]",
                        "  frustrations: [Hidden fees, # why\n    slow]")
    text = text.replace("      - id: search\n", "      - id: search\n        evidence: "
                        "[\"Khảo sát: 2026\", 'Phỏng vấn']   # nguồn\n")
    written = format_yaml(text)
    assert ("  goals:\n    - Mua được tủ lạnh bền\n    - giao nhanh\n") in written
    assert re.search(r"\n        evidence: +# nguồn\n          - 'Khảo sát: 2026'\n"
                     r"          - Phỏng vấn\n", written)
    # A comment inside the list: kept as written.
    assert "  frustrations: [Hidden fees, # why\n    slow]\n" in written
    assert format_yaml(written) == written
    journey, problems = parse_journey(written, "j.yaml", "kettle")
    assert problems == [] and journey is not None
    assert journey.personas[0].goals == ["Mua được tủ lạnh bền", "giao nhanh"]


# -- never a traceback ------------------------------------------------------------------------

_LINES = SMALL.splitlines(keepends=True)


@st.composite
def _mutated(draw: st.DrawFn) -> str:
    lines = list(_LINES)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        how = draw(st.sampled_from(["delete", "duplicate", "indent", "dedent", "tab", "glue",
                                    "quote", "bracket", "dash", "value"]))
        line = lines[at]
        if how == "delete":
            del lines[at]
        elif how == "duplicate":
            lines.insert(at, line)
        elif how == "indent":
            lines[at] = "  " + line
        elif how == "dedent":
            lines[at] = line[2:] if line.startswith("  ") else line
        elif how == "tab":
            lines[at] = "\t" + line.lstrip(" ")
        elif how == "glue":
            lines[at] = line.replace(": ", ":", 1)
        elif how == "quote":
            lines[at] = line.replace(": ", ': "', 1)
        elif how == "bracket":
            lines[at] = line.replace(": ", ": [", 1)
        elif how == "dash":
            lines[at] = re.sub(r"^(\s*)", r"\1- ", line, count=1)
        else:
            lines[at] = re.sub(r": .*", ": " + draw(st.sampled_from(
                ["5", "{x: 1}", "[a, b]", "''", "yes", "-1.5", "2026-02-30", "{}", "[]"])), line)
        if not lines:
            break
    return "".join(lines)


@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_mutated())
def test_any_mutation_of_a_journey_is_reported_located_and_in_words(text: str) -> None:
    journey, problems = parse_journey(text, "j.yaml", "kettle")
    lines = text.split("\n")
    for problem in problems:
        assert 1 <= problem.line <= max(len(lines), 1)
        assert 1 <= problem.column <= len(lines[problem.line - 1]) + 1
        for language in languages():
            assert not PLACEHOLDER.search(problem.text(language)), problem
    assert (journey is None) == bool(problems)
    journey_ids(None, "kettle")  # what the notes are checked against never fails either


def test_a_missing_locale_section_is_an_error_naming_it(tmp_path: Path) -> None:
    import journeybook

    package = tmp_path / "journeybook"
    shutil.copytree(Path(journeybook.__file__).parent, package,
                    ignore=shutil.ignore_patterns("__pycache__", "decap-cms"))
    vi = package / "locales" / "vi.yml"
    vi.write_text(vi.read_text("utf-8").replace("  glossary_line:", "  glossary_lines:"),
                  "utf-8")
    result = subprocess.run(
        [sys.executable, "-c", "from journeybook.i18n import labels; labels('vi')"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert "problems: missing glossary_line" in result.stderr
