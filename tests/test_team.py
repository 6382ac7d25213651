"""A CX team's whole path with nothing but the released package.

The wheel is built from this source tree, installed alone in a fresh virtual environment
outside it (only what the README tells a team to install), and every command runs from a
folder outside the source tree with no Node.js on the PATH: install → `init` → write →
`check` → a strict build with the form editor → a form editor's save → `fmt --like` →
`diff` → a broken draft. The release workflow's own check of the wheel
(.github/scripts/try_wheel.py) runs here on the same wheel.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from ruamel.yaml import YAML

from .conftest import ROOT, editor_rewrite

pytestmark = pytest.mark.slow

TRY_WHEEL = ROOT / ".github" / "scripts" / "try_wheel.py"
REPO_URL = "https://github.com/example/playbook"
#: What a package build reads from the source tree (see pyproject.toml, MANIFEST.in).
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "LICENSE", "README.md", "plugins")


def _try_wheel() -> ModuleType:
    spec = importlib.util.spec_from_file_location("try_wheel", TRY_WHEEL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _copy_sources(source: Path, *, editor: bool = True) -> None:
    """What a package build reads, copied (a build writes build/ and egg-info, and the tests
    write nothing into the repository); without the editor's files unless ``editor``."""
    skip = ["__pycache__", "*.egg-info", *([] if editor else ["decap-cms"])]
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns(*skip))
        else:
            shutil.copy(ROOT / name, source / name)


def _build_wheel(source: Path, out: Path,
                 env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "--disable-pip-version-check", "-w", str(out), str(source)],
                          capture_output=True, text=True, check=False, env=env)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the sources."""
    source = tmp_path_factory.mktemp("source")
    _copy_sources(source)
    out = tmp_path_factory.mktemp("dist")
    result = _build_wheel(source, out)
    assert result.returncode == 0, result.stdout + result.stderr
    [built] = out.glob("journeybook-*.whl")
    return built


def test_a_build_refuses_an_editor_that_is_not_the_pinned_one(tmp_path: Path) -> None:
    """The form editor's files are checked against decap-cms.json's SHA-256 when the package
    is built: a damaged copy in node_modules is not taken, and a tarball that is not the
    pinned one stops the build."""
    source = tmp_path / "source"
    source.mkdir()
    _copy_sources(source, editor=False)
    installed = source / "node_modules" / "decap-cms" / "dist"
    installed.mkdir(parents=True)
    (installed / "decap-cms.js").write_text("alert('not Decap')\n", "utf-8")
    tarball = tmp_path / "decap-cms.tgz"
    tarball.write_bytes(b"not the pinned tarball")
    result = _build_wheel(source, tmp_path / "out",
                          {**os.environ, "JOURNEYBOOK_DECAP_TARBALL": str(tarball)})
    assert result.returncode != 0
    assert "is not the pinned" in result.stdout + result.stderr
    assert not list((tmp_path / "out").glob("*.whl"))
    assert not (source / "plugins" / "journeybook" / "authoring" / "decap-cms").exists()


@dataclass
class Team:
    env_dir: Path
    env: dict[str, str]
    work: Path

    def run(self, *command: str, cwd: Path | None = None,
            ok: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(list(command), cwd=cwd or self.work, env=self.env,
                                capture_output=True, text=True, check=False)
        if ok:
            assert result.returncode == 0, f"{command}\n{result.stdout}{result.stderr}"
        assert "Traceback" not in result.stdout + result.stderr
        return result


@pytest.fixture(scope="module")
def team(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    try_wheel = _try_wheel()
    root = tmp_path_factory.mktemp("team")
    env_dir = root / "venv"
    try_wheel.install(wheel, env_dir)
    env = try_wheel.team_environment(env_dir, root / "tools")
    env.update(GIT_AUTHOR_NAME="CX team", GIT_AUTHOR_EMAIL="cx@example.com",
               GIT_COMMITTER_NAME="CX team", GIT_COMMITTER_EMAIL="cx@example.com",
               GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    work = root / "work"
    work.mkdir()
    yield Team(env_dir, env, work)


def test_the_release_workflows_check_of_the_wheel_passes(wheel: Path, team: Team) -> None:
    """What the release workflow runs before publishing: init in vi and en, with and without
    the form editor, check, fmt --check, a strict build, admin/ as pinned."""
    result = subprocess.run([sys.executable, str(TRY_WHEEL), str(wheel), "--venv",
                             str(team.env_dir)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    for name in ("playbook-vi:", "playbook-vi-cms:", "playbook-en:", "playbook-en-cms:"):
        assert any(line.startswith(name) for line in lines), result.stdout
    assert sum("admin/ as pinned" in line for line in lines) == 2


def test_the_package_is_the_one_installed(team: Team) -> None:
    where = team.run("python", "-c", "import journeybook; print(journeybook.__file__)").stdout
    assert Path(where.strip()).is_relative_to(team.env_dir)
    assert shutil.which("node", path=team.env["PATH"]) is None
    assert str(ROOT) not in team.env["PATH"]


TWO_PERSONAS = """\
# yaml-language-server: $schema=../../schema/journey.schema.json
schema: 1
title: Mua tủ lạnh trả góp
summary: Khách chọn, đặt và nhận một chiếc tủ lạnh mua trả góp.
owner: Chăm sóc khách hàng
personas:
  - id: chi-lan
    name: Chị Lan
    goals:
      - Mua được tủ lạnh bền, giao nhanh
  - id: anh-minh
    name: Anh Minh
    goals:
      - Trả góp không phí ẩn
stages:
  - id: dat-hang
    name: Đặt hàng
    touchpoints:
      - id: form-tra-gop
        name: Biểu mẫu trả góp
        channel: digital
        team: Bán hàng
        emotion:
          chi-lan: -1
          anh-minh: 1
        target: 1
        checklist:
          - Phí trả góp hiện trước khi khách gửi biểu mẫu
"""


@pytest.fixture(scope="module")
def playbook(team: Team) -> Path:
    """A Vietnamese playbook with the form editor, made by the installed package, with a
    second journey written by the team, committed to git."""
    made = team.run("journeybook", "init", "playbook", "--language", "vi", "--cms",
                    "--repo-url", REPO_URL).stdout
    # Installed from a file on this computer, which GitHub cannot reach: init says what the
    # workflows install instead, and how to choose.
    assert "note: this Journeybook was installed from file:" in made, made
    assert "--tool" in made
    folder = team.work / "playbook"
    (folder / "journeys" / "tra-gop").mkdir()
    (folder / "journeys" / "tra-gop" / "journey.yaml").write_text(TWO_PERSONAS, "utf-8")
    team.run("git", "init", "-q", "-b", "main", cwd=folder)
    team.run("git", "add", "-A", cwd=folder)
    team.run("git", "commit", "-q", "-m", "Cẩm nang đầu tiên", cwd=folder)
    return folder


def test_the_new_playbook_checks_and_builds_with_the_editor_without_node(
        team: Team, playbook: Path) -> None:
    checked = team.run("journeybook", "check", cwd=playbook)
    assert "2 hành trình" in checked.stdout, checked.stdout
    team.run("journeybook", "fmt", "--check", cwd=playbook)
    team.run("mkdocs", "build", "--strict", cwd=playbook)
    admin = playbook / "site" / "admin"
    assert (admin / "decap-cms.js").stat().st_size > 1_000_000
    assert "tra-gop" in (admin / "config.yml").read_text("utf-8")
    # Two personas, each with its own line in the chart's data table.
    overview = (playbook / "site" / "journeys" / "tra-gop" / "index.html").read_text("utf-8")
    assert "Chị Lan" in overview and "Anh Minh" in overview
    team.run("git", "clean", "-qfdx", "site", cwd=playbook)


def _comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def test_a_form_save_becomes_a_one_line_change(team: Team, playbook: Path) -> None:
    """A file rewritten as the form editor writes it (keys sorted, comments gone, one value
    changed) → `journeybook fmt --like HEAD` (what cms.yml runs) → the diff is that value's
    line, every comment is back → `journeybook diff` names the change."""
    journey = next(p for p in (playbook / "journeys").glob("*/journey.yaml")
                   if p.parent.name != "tra-gop")
    before = journey.read_text("utf-8")
    new_doing = "Mở đơn hàng, chọn sản phẩm cần trả và điền lý do, rồi bấm gửi."
    data = YAML(typ="safe", pure=True).load(before)
    data["stages"][0]["touchpoints"][0]["doing"] = new_doing
    journey.write_text(editor_rewrite(data), "utf-8")
    messy = team.run("git", "diff", "--numstat", cwd=playbook).stdout.split()
    assert int(messy[0]) > 20  # what a reviewer would face without fmt --like

    team.run("journeybook", "fmt", "--like", "HEAD", cwd=playbook)
    after = journey.read_text("utf-8")
    diff = team.run("git", "diff", "-U0", cwd=playbook).stdout
    changed = [line for line in diff.splitlines()
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert len(changed) == 2, diff
    assert changed[0].startswith("-") and changed[1] == f"+        doing: {new_doing}", diff
    assert _comments(after) == _comments(before)
    assert YAML(typ="safe").load(after)["stages"][0]["touchpoints"][0]["doing"] == new_doing

    summary = team.run("journeybook", "diff", "HEAD", "--language", "vi", cwd=playbook).stdout
    assert "Không có thay đổi nào" not in summary
    # The field by its label on the site, and where it is: the stage, then the touchpoint.
    assert re.search(r"Làm gì \(.+ \u203a \*\*.+\*\*\)", summary), summary
    team.run("git", "checkout", "-q", "--", ".", cwd=playbook)


def test_a_flow_list_of_prose_gets_a_located_warning(team: Team, playbook: Path) -> None:
    journey = playbook / "journeys" / "tra-gop" / "journey.yaml"
    journey.write_text(TWO_PERSONAS.replace(
        "    goals:\n      - Mua được tủ lạnh bền, giao nhanh\n",
        "    goals: [Mua được tủ lạnh bền, giao nhanh]\n"), "utf-8")
    try:
        result = team.run("journeybook", "check", cwd=playbook)
        output = result.stdout + result.stderr
        line = 1 + TWO_PERSONAS.splitlines().index("    goals:")
        assert f"journeys/tra-gop/journey.yaml:{line}:" in output, output
        # The block-list form, so the author sees the two items the comma made.
        assert "- Mua được tủ lạnh bền" in output and "- giao nhanh" in output, output
        team.run("journeybook", "fmt", cwd=playbook)
        assert "      - giao nhanh\n" in journey.read_text("utf-8")
    finally:
        team.run("git", "checkout", "-q", "--", ".", cwd=playbook)


BROKEN_DRAFT = """\
title: Bảo hành máy giặt
owner: Chăm sóc khách hàng
stages:
  - id: bao-loi
    name: Báo lỗi
    touchpoints:
      - id: tong-dai
        name: Gọi tổng đài
        channel: dien-thoai
        emotion: 5
        colour: đỏ
        target:
          chi-lan: 1
      - id: tong-dai
        name: Gọi lại
        emotion: -1
  - id: sua-chua
    touchpoints:
      - id: ky-thuat
        name: Kỹ thuật viên đến nhà
        emotion: 0
"""


def test_a_broken_draft_gets_every_problem_in_vietnamese_in_one_run(
        team: Team, playbook: Path) -> None:
    draft = playbook / "journeys" / "bao-hanh" / "journey.yaml"
    draft.parent.mkdir()
    draft.write_text(BROKEN_DRAFT, "utf-8")
    try:
        result = team.run("journeybook", "check", cwd=playbook, ok=False)
        assert result.returncode == 1
        output = result.stderr + result.stdout
        located = re.findall(r"journeys/bao-hanh/journey\.yaml:(\d+):(\d+):", output)
        lines = {int(line) for line, _ in located}
        # channel, emotion, unknown key, a number per persona without personas, the duplicate
        # id, the stage without a name: all at once.
        for expected in (9, 10, 11, 13, 14, 17):
            assert expected in lines, output
        assert "colour" in output and "dien-thoai" in output
        # In the playbook's language (mkdocs.yml says vi), not in English.
        assert "must be" not in output and "unknown key" not in output, output
        assert re.search(r"\d+ lỗi", output), output
    finally:
        shutil.rmtree(draft.parent)
