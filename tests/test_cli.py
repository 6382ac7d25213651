from __future__ import annotations

from pathlib import Path

import pytest

from journeybook.cli import main

from .conftest import FIXTURES, ROOT, write_journey


def test_check_passes_on_the_sample(capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    # The sample speaks Vietnamese (mkdocs.yml), and so does check; --language overrides.
    assert main(["check"]) == 0
    assert capsys.readouterr().out.startswith("ổn: 4 hành trình, ")
    assert main(["check", "--language", "en"]) == 0
    assert capsys.readouterr().out.startswith("ok: 4 journeys, ")


def test_check_lists_every_problem_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    write_journey(tmp_path / "journeys", "good", (FIXTURES / "small.yaml").read_text("utf-8"))
    write_journey(tmp_path / "journeys", "bad",
                  "title: Bad\nstages:\n  - name: One\n    touchpoints:\n"
                  "      - {name: A, emotion: -3, chanel: digital}\n")
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "error: journeys/bad/journey.yaml:5:28: stages[0].touchpoints[0].emotion: must be a "
        "whole number from -2 to 2, got -3",
        "error: journeys/bad/journey.yaml:5:32: stages[0].touchpoints[0].chanel: unknown key "
        "`chanel` (did you mean `channel`?). Allowed here: id, name, channel, control, direct, "
        "team, doing, thinking, feeling, expects, frustrations, evidence, desired, emotion, "
        "target, moment_of_truth, link, layers, checklist, improvements",
        "2 problems found.",
    ]


def test_check_with_another_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_journey(tmp_path / "maps", "good", (FIXTURES / "small.yaml").read_text("utf-8"))
    assert main(["check", "--journeys", str(tmp_path / "maps")]) == 0
    assert "ok: 1 journey, 4 touchpoints, 0 evaluation notes" in capsys.readouterr().out


def test_check_without_a_journeys_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 1
    assert "the journeys folder does not exist" in capsys.readouterr().err


def test_help_lists_check(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    assert "check" in capsys.readouterr().out


BROKEN = ("title: Bad\nstages:\n  - name: One\n    touchpoints:\n"
          "      - {name: A, emotion: -3}\n")


def test_check_for_github_annotations(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    write_journey(tmp_path / "journeys", "bad", BROKEN)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--format", "github"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "::error file=journeys/bad/journey.yaml,line=5,col=28,title=journeybook at "
        "stages[0].touchpoints[0].emotion::must be a whole number from -2 to 2, got -3"]
    assert err == "1 problem found.\n"
    # On GitHub Actions that is the default.
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["check"]) == 1
    assert capsys.readouterr().out.startswith("::error file=journeys/bad/journey.yaml,line=5,")
    assert main(["check", "--format", "text"]) == 1
    assert capsys.readouterr().err.startswith("error: journeys/bad/journey.yaml:5:28: ")


def test_annotation_escaping() -> None:
    from journeybook.cli import _annotation

    assert _annotation("a%b\nc") == "a%25b%0Ac"
    assert _annotation("x:y,z", property_=True) == "x%3Ay%2Cz"
