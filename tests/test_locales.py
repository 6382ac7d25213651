"""Languages are data: one file in ``locales/`` per language, plurals included."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from journeybook import i18n
from journeybook.cli import main
from journeybook.i18n import labels, languages

from .conftest import FIXTURES, Project

SMALL = (FIXTURES / "small.yaml").read_text("utf-8")

MKDOCS_WITH_LANGUAGE = """\
site_name: Test playbook
theme:
  name: material
plugins:
  - search
  - journeybook:
      language: {language}
"""


def test_plurals_follow_the_count() -> None:
    en, vi = labels("en"), labels("vi")
    assert en.plural("n_touchpoints", 1) == "1 touchpoint"
    assert en.plural("n_touchpoints", 0) == "0 touchpoints"
    assert en.plural("n_touchpoints", 2) == "2 touchpoints"
    assert en.plural("evidence_count", 1, backed=0) == "0 of 1 touchpoint backed by evidence"
    # Vietnamese nouns do not change with the number: one form.
    assert vi.plural("n_touchpoints", 1) == "1 điểm chạm"
    assert vi.plural("n_touchpoints", 3) == "3 điểm chạm"


def test_one_of_a_kind_is_described_in_the_singular(project: Callable[..., Project]) -> None:
    site = project("en")
    site.add("kettle", SMALL.replace("      - id: confirmation-call", "  - name: Giao hàng\n"
                                     "    touchpoints:\n      - id: confirmation-call"))
    site.build()
    alts = [img["alt"] for img in site.html("journeys/kettle/dat-hang").find_all("img")]
    assert "across 1 touchpoint, " in alts[0]
    assert alts[0].endswith("1 moment of truth, 1 pain point. The dashed line is the target "
                            "experience.")


def test_an_unknown_language_in_mkdocs_yml_is_a_config_error(
        project: Callable[..., Project], caplog: pytest.LogCaptureFixture) -> None:
    site = project(mkdocs_yml=MKDOCS_WITH_LANGUAGE.format(language="xx"))
    site.add("kettle", SMALL)
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        site.build()
    assert caplog.messages == ["journeybook: language `xx` is not available; use one of: "
                               + ", ".join(languages())]


def test_a_theme_language_without_a_locale_file_keeps_english_labels(
        project: Callable[..., Project]) -> None:
    # Material speaks ~60 languages; the theme's choice alone is not a mistake.
    site = project("de")
    site.add("kettle", SMALL)
    site.build()
    assert site.html("journeys").h1.get_text() == "Journeys"


@pytest.mark.parametrize("command", [
    ["new", "bao-hanh"], ["generate", "--out", "out"], ["diff", "HEAD"]])
def test_an_unknown_language_on_the_command_line_is_an_error(
        command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main([*command, "--language", "xx"]) == 1
    err = capsys.readouterr().err
    assert err == "error: language `xx` is not available; use one of: en, vi\n"
    assert not any(tmp_path.iterdir())  # nothing written


def test_a_new_language_is_one_data_file(tmp_path: Path) -> None:
    """Copy en.yml to xx.yml, change its words: the site, the CLI and the scaffold speak xx."""
    package = tmp_path / "lib" / "journeybook"
    shutil.copytree(Path(i18n.__file__).parent, package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    english = (package / "locales" / "en.yml").read_text("utf-8")
    (package / "locales" / "xx.yml").write_text(
        english.replace("  journeys: Journeys\n", "  journeys: XX-Journeys\n")
        .replace("{count} touchpoints", "{count} XX-touchpoints")
        .replace("team that owns this map", "XX-owner comment")
        .replace("- Awareness\n", "- XX-Awareness\n"), "utf-8")
    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "index.md").write_text("# Home\n", "utf-8")
    (project / "mkdocs.yml").write_text(MKDOCS_WITH_LANGUAGE.format(language="xx"), "utf-8")
    (project / "journeys" / "kettle").mkdir(parents=True)
    (project / "journeys" / "kettle" / "journey.yaml").write_text(SMALL, "utf-8")
    # The copy comes first on the path: no file of the installed package changes.
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "lib"), "NO_MKDOCS_2_WARNING": "1"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, *args], cwd=project, env=env, text=True,
                              capture_output=True, timeout=300, check=False)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return run("-c", "import sys; from journeybook.cli import main; "
                   "sys.exit(main(sys.argv[1:]))", *args)

    assert "{en,vi,xx}" in cli("new", "--help").stdout
    built = run("-m", "mkdocs", "build", "--strict")
    assert built.returncode == 0, built.stderr
    index = (project / "site" / "journeys" / "index.html").read_text("utf-8")
    assert "<h1" in index and "XX-Journeys" in index
    journey = (project / "site" / "journeys" / "kettle" / "index.html").read_text("utf-8")
    assert "XX-touchpoints" in journey
    created = cli("new", "bao-hanh", "--language", "xx")
    assert created.returncode == 0, created.stderr
    scaffold = (project / "journeys" / "bao-hanh" / "journey.yaml").read_text("utf-8")
    assert "# XX-owner comment" in scaffold and "- name: XX-Awareness\n" in scaffold
    assert cli("check").returncode == 0
