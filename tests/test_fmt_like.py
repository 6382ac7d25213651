"""`journeybook fmt --like REF`: after a form editor rewrote a journey, only the values it
changed differ from REF, and every comment is back. Real git repositories, the real sample
journeys (which carry comments), the CLI as a user runs it."""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from journeybook.cli import main
from journeybook.review.diff import yaml_comments

from .conftest import ROOT, commit_all, editor_rewrite, examples

SAMPLES = sorted(path.parent.name for path in (ROOT / "journeys").glob("*/journey.yaml"))


def _load(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def changed_lines(repo: Path) -> list[str]:
    """The added and removed lines of ``git diff`` against HEAD."""
    diff = subprocess.run(["git", "diff", "-U0", "--no-color"], cwd=repo, check=True,
                          capture_output=True, text=True).stdout
    return [line for line in diff.splitlines()
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for journey in SAMPLES:
        (tmp_path / "journeys").mkdir(exist_ok=True)
        subprocess.run(["cp", "-r", str(ROOT / "journeys" / journey),
                        str(tmp_path / "journeys" / journey)], check=True)
    commit_all(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def journey_file(repo: Path, journey: str) -> Path:
    return repo / "journeys" / journey / "journey.yaml"


def first_touchpoint_with_doing(data: Any) -> dict[str, Any]:
    return next(t for s in data["stages"] for t in s["touchpoints"] if t.get("doing"))


@pytest.mark.parametrize("journey", SAMPLES)
def test_a_form_edit_of_one_text_is_one_changed_value(
        repo: Path, journey: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = journey_file(repo, journey)
    before = path.read_text("utf-8")
    data = _load(before)
    touchpoint = first_touchpoint_with_doing(data)
    touchpoint["doing"] = "Khách gọi lại lần thứ hai."  # one line, in a place that had more
    path.write_text(editor_rewrite(data), encoding="utf-8")
    assert len(changed_lines(repo)) > 100  # what the reviewer would have had to read

    assert main(["fmt", "--like", "HEAD"]) == 0
    assert capsys.readouterr().out == f"re-laid journeys/{journey}/journey.yaml\n"
    after = path.read_text("utf-8")
    assert _load(after) == data
    assert Counter(yaml_comments(after)) == Counter(yaml_comments(before))
    # The value's old lines out, its new line in; nothing else.
    changed = changed_lines(repo)
    assert [line for line in changed if line.startswith("+")] == [
        "+" + next(line for line in after.splitlines() if "Khách gọi lại lần thứ hai." in line)]
    removed = " ".join(line[1:].strip() for line in changed if line.startswith("-"))
    assert removed.removeprefix("doing: ") == first_touchpoint_with_doing(_load(before))["doing"]
    assert main(["fmt", "--like", "HEAD", "--check"]) == 0  # laid out already: idempotent


def test_only_the_changed_value_of_a_one_line_text(repo: Path) -> None:
    path = journey_file(repo, "mua-sam-truc-tuyen")
    before = path.read_text("utf-8")
    data = _load(before)
    touchpoint = next(t for s in data["stages"] for t in s["touchpoints"]
                      if "\n" not in t.get("doing", "\n")
                      and f"doing: {t['doing']}" in before)
    old_line = next(line for line in before.splitlines()
                    if line.strip() == f"doing: {touchpoint['doing']}")
    touchpoint["doing"] += " Rồi đặt hàng."
    path.write_text(editor_rewrite(data), encoding="utf-8")
    assert main(["fmt", "--like", "HEAD"]) == 0
    assert changed_lines(repo) == ["-" + old_line, "+" + old_line + " Rồi đặt hàng."]


def test_adding_removing_and_reordering(repo: Path) -> None:
    path = journey_file(repo, "goi-tong-dai")
    before = path.read_text("utf-8")
    data = _load(before)
    first, second = data["stages"][0], data["stages"][1]
    removed = second["touchpoints"].pop(1)
    first["touchpoints"].insert(1, {"name": "Hỏi hàng xóm", "emotion": 0, "channel": "analog",
                                    "id": "hoi-hang-xom"})
    data["stages"][2], data["stages"][3] = data["stages"][3], data["stages"][2]
    path.write_text(editor_rewrite(data), encoding="utf-8")
    assert main(["fmt", "--like", "HEAD"]) == 0
    after = path.read_text("utf-8")
    assert _load(after) == data
    # The new touchpoint in the format's key order, spaced like its neighbours.
    assert ("\n\n      - id: hoi-hang-xom\n        name: Hỏi hàng xóm\n        channel: analog\n"
            "        emotion: 0\n\n") in after
    assert f"id: {removed['id']}" not in after
    # The stages moved with their comments; no other comment was lost.
    comments = yaml_comments(before)
    stage_comments = [c for c in comments if c.startswith("# Giai đoạn")]
    assert Counter(yaml_comments(after)) == Counter(comments)
    assert [c for c in yaml_comments(after) if c.startswith("# Giai đoạn")] == [
        *stage_comments[:2], stage_comments[3], stage_comments[2], *stage_comments[4:]]


def test_a_removed_entry_goes_with_its_comments(repo: Path) -> None:
    path = journey_file(repo, "goi-tong-dai")
    before = path.read_text("utf-8")
    data = _load(before)
    third = before.index("# Giai đoạn 3")
    stage = next(i for i, s in enumerate(data["stages"])
                 if s["name"] in before[third:third + 300])
    del data["stages"][stage]
    path.write_text(editor_rewrite(data), encoding="utf-8")
    assert main(["fmt", "--like", "HEAD"]) == 0
    after = path.read_text("utf-8")
    assert _load(after) == data
    assert "# Giai đoạn 3" not in after
    assert "# Giai đoạn 4" in after


def test_an_evaluation_note_front_matter_body_byte_for_byte(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    note = next((repo / "journeys" / "goi-tong-dai" / "evaluations").glob("*.md"))
    text = note.read_text("utf-8")
    front, body = text[4:].split("\n---\n", 1)
    data = _load(front)
    data["nps"] = data.get("nps", 0) + 1
    note.write_text(f"---\n{editor_rewrite(data)}---\n{body}", encoding="utf-8")
    assert main(["fmt", "--like", "HEAD", str(note)]) == 0
    assert capsys.readouterr().out == f"re-laid {note}\n"
    after = note.read_text("utf-8")
    assert after.endswith("\n---\n" + body)
    assert changed_lines(repo) == [f"-nps: {data['nps'] - 1}", f"+nps: {data['nps']}"]


def test_files_equal_to_ref_and_new_files(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fmt", "--like", "HEAD"]) == 0
    assert capsys.readouterr().out == ""
    assert changed_lines(repo) == []
    # A journey new since HEAD has no old layout: it gets fmt's canonical one.
    new = journey_file(repo, "moi")
    new.parent.mkdir()
    new.write_text("title: 'Mới'\nstages:\n- touchpoints:\n  - {emotion: 1, name: A}\n  "
                   "name: B\n", encoding="utf-8")
    assert main(["fmt", "--like", "HEAD", "--check"]) == 1
    assert capsys.readouterr().out == f"would re-lay {Path('journeys/moi/journey.yaml')}\n"
    assert main(["fmt", "--like", "HEAD"]) == 0
    assert new.read_text("utf-8") == ("title: Mới\nstages:\n  - name: B\n    touchpoints:\n"
                                      "      - {emotion: 1, name: A}\n")


def test_check_writes_nothing(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = journey_file(repo, "goi-tong-dai")
    rewritten = editor_rewrite(_load(path.read_text("utf-8")))
    path.write_text(rewritten, encoding="utf-8")
    assert main(["fmt", "--like", "HEAD", "--check"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "would re-lay journeys/goi-tong-dai/journey.yaml\n"
    assert "run `journeybook fmt --like HEAD`" in captured.err
    assert path.read_text("utf-8") == rewritten
    assert main(["fmt", "--like", "HEAD"]) == 0
    assert changed_lines(repo) == []  # nothing but the layout had changed


@pytest.mark.parametrize("ref", ["no-such-branch", "HEAD~5"])
def test_a_bad_ref_is_one_error_line(repo: Path, ref: str,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fmt", "--like", ref]) == 1
    err = capsys.readouterr().err
    assert err == (f"error: `{ref}` is not a revision of this repository; give a branch, tag "
                   "or commit, such as HEAD or origin/main\n")


def test_outside_a_git_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "journeys").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert main(["fmt", "--like", "HEAD"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: `--like` compares with a git revision, but")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_file_that_cannot_be_laid_out_is_left_with_a_located_error(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = journey_file(repo, "goi-tong-dai")
    broken = "title: [unclosed\nstages: []\n"
    path.write_text(broken, encoding="utf-8")
    assert main(["fmt", "--like", "HEAD"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: journeys/goi-tong-dai/journey.yaml:2:")
    assert "not valid YAML" in err and "Traceback" not in err
    assert path.read_text("utf-8") == broken


def test_an_old_version_fmt_cannot_read_is_named_with_the_ref(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = journey_file(repo, "goi-tong-dai")
    path.write_text("team: &t CNTT\ntitle: T\nother: *t\n", encoding="utf-8")
    commit_all(repo, "anchors")
    path.write_text("other: CNTT\nteam: CNTT\ntitle: U\n", encoding="utf-8")
    assert main(["fmt", "--like", "HEAD"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: HEAD:journeys/goi-tong-dai/journey.yaml:1:7: fmt leaves "
                          "files with YAML anchors")
    assert "journeybook fmt journeys/goi-tong-dai/journey.yaml" in err
    assert path.read_text("utf-8") == "other: CNTT\nteam: CNTT\ntitle: U\n"


def test_crlf_and_styles_of_changed_scalars(repo: Path) -> None:
    path = journey_file(repo, "mua-sam-truc-tuyen")
    old = ("# header\r\ntitle: 'Một'\r\nsummary: |\r\n  dòng 1\r\n  dòng 2\r\n"
           "owner: \"A\"  # who\r\nstages:\r\n  - name: S\r\n    touchpoints:\r\n"
           "      - {id: a, name: A, emotion: 1}\r\n")
    path.write_bytes(old.encode("utf-8"))
    commit_all(repo, "crlf")
    data = _load(old)
    data.update(title="Hai", summary="dòng 1\ndòng 3\n", owner="B")
    data["stages"][0]["touchpoints"][0]["emotion"] = 2
    path.write_text(editor_rewrite(data), encoding="utf-8")
    assert main(["fmt", "--like", "HEAD"]) == 0
    assert path.read_bytes().decode("utf-8") == (
        "# header\ntitle: 'Hai'\nsummary: |\n  dòng 1\n  dòng 3\nowner: \"B\"  # who\n"
        "stages:\n  - name: S\n    touchpoints:\n      - {id: a, name: A, emotion: 2}\n")


def test_a_form_edit_then_diff_names_the_changed_doing(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = journey_file(repo, "goi-tong-dai")
    data = _load(path.read_text("utf-8"))
    touchpoint = first_touchpoint_with_doing(data)
    touchpoint["doing"] = "Khác hẳn."
    path.write_text(editor_rewrite(data), encoding="utf-8")
    assert main(["diff", "HEAD", "--language", "vi"]) == 0
    out = capsys.readouterr().out
    assert "Không có thay đổi" not in out
    assert f"    - Làm gì (Phát hiện sự cố \u203a **{touchpoint['name']}**)" in out.splitlines()


# --- Random edits ----------------------------------------------------------------------------

_SAMPLE_TEXT = {journey: (ROOT / "journeys" / journey / "journey.yaml").read_text("utf-8")
                for journey in SAMPLES}


def _scalar_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _scalar_paths(item, (*path, key))]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in _scalar_paths(item, (*path, index))]
    return [path] if isinstance(value, str) else []


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=60)


@settings(max_examples=examples(15))
@given(journey=st.sampled_from(SAMPLES), edits=st.lists(
    st.tuples(st.integers(min_value=0), _TEXT), min_size=1, max_size=4))
def test_random_text_edits_change_only_their_lines(
        tmp_path_factory: pytest.TempPathFactory, journey: str,
        edits: list[tuple[int, str]]) -> None:
    repo = tmp_path_factory.mktemp("edits")
    path = repo / "journeys" / journey / "journey.yaml"
    path.parent.mkdir(parents=True)
    before = _SAMPLE_TEXT[journey]
    path.write_text(before, encoding="utf-8")
    commit_all(repo)
    data = _load(before)
    paths = _scalar_paths(data)
    for index, text in edits:
        *parents, last = paths[index % len(paths)]
        holder = data
        for part in parents:
            holder = holder[part]
        holder[last] = text if text.strip() else "x"
    path.write_text(editor_rewrite(data), encoding="utf-8")
    assert main(["fmt", "--like", "HEAD", "--journeys", str(repo / "journeys")]) == 0
    after = path.read_text("utf-8")
    assert _load(after) == data
    assert Counter(yaml_comments(after)) >= Counter(yaml_comments(before))
    # Every line that changed belongs to a changed value: unchanged values keep their lines.
    old_lines = Counter(before.splitlines())
    new_lines = Counter(after.splitlines())
    gone = sum((old_lines - new_lines).values())
    budget = sum(_lines_of(before, p) for p in {paths[i % len(paths)] for i, _ in edits})
    assert gone <= budget


def _lines_of(text: str, path: tuple[Any, ...]) -> int:
    """How many lines of ``text`` the value at ``path`` spans (a folded text spans several
    although it holds no line break), and the key's own line."""
    node = YAML(typ="safe", pure=True).compose(text)
    for part in path:
        if isinstance(part, int):
            node = node.value[part]
        else:
            node = next(value for key, value in node.value if key.value == part)
    return node.end_mark.line - node.start_mark.line + 2


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data
