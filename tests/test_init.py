"""`journeybook init`: a new playbook repository that checks, builds, passes zizmor and
deploys with mike; and `init --upgrade`, which changes only what the templates change."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from journeybook.authoring.init import OWNED, RECORD, installable, running_version
from journeybook.cli import main

BIN = Path(sys.executable).parent
ENV = {**os.environ, "PATH": str(BIN) + os.pathsep + os.environ.get("PATH", ""),
       "NO_MKDOCS_2_WARNING": "1", "GIT_AUTHOR_NAME": "CX team",
       "GIT_AUTHOR_EMAIL": "cx@example.com", "GIT_COMMITTER_NAME": "CX team",
       "GIT_COMMITTER_EMAIL": "cx@example.com"}


def run(folder: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    # From the playbook's folder, as its editors and its workflows run these.
    result = subprocess.run(list(args), cwd=folder, env=ENV, capture_output=True, text=True)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module", params=["vi", "en"])
def playbook(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp(f"init-{request.param}") / "my-playbook"
    assert main(["init", str(folder), "--language", request.param,
                 "--repo-url", "https://github.com/example/playbook"]) == 0
    return folder


def workflow(folder: Path, name: str) -> dict:
    return YAML(typ="safe").load((folder / ".github" / "workflows" / name).read_text("utf-8"))


def test_the_new_playbook_checks_and_builds_strict(playbook: Path) -> None:
    assert "ok: 1 journey" in run(playbook, str(BIN / "journeybook"), "check").stdout
    run(playbook, str(BIN / "journeybook"), "fmt", "--check")
    run(playbook, str(BIN / "mkdocs"), "build", "--strict")
    site = playbook / "site"
    [journey] = (playbook / "journeys").iterdir()
    assert (site / "journeys" / journey.name / "index.html").is_file()
    # The glossary reaches the generated pages, the palette toggles, the edit button points
    # at GitHub.
    overview = (site / "journeys" / journey.name / "index.html").read_text("utf-8")
    assert '<abbr title="Net Promoter Score' in overview
    home = (site / "index.html").read_text("utf-8")
    assert 'data-md-color-scheme="slate"' in home
    assert "https://github.com/example/playbook/edit/main/content/index.md" in home
    # The pull-request workflow's offline link check passes on it.
    lychee = shutil.which("lychee") or str(BIN / "lychee")
    if Path(lychee).exists():
        run(playbook, lychee, "--offline", "--no-progress", "--root-dir", str(site),
            f"{site}/**/*.html")


def test_the_pages_speak_the_chosen_language(playbook: Path) -> None:
    config = (playbook / "mkdocs.yml").read_text("utf-8")
    language = YAML(typ="rt").load(config)["theme"]["language"]
    readme = (playbook / "README.md").read_text("utf-8")
    if language == "vi":
        assert "Xem trang trên máy của bạn" in readme
        assert (playbook / "content" / "de-xuat-thay-doi.md").is_file()
        assert (playbook / "journeys" / "doi-tra-don-hang" / "journey.yaml").is_file()
    else:
        assert "See the site on your computer" in readme
        assert (playbook / "content" / "propose-a-change.md").is_file()
    for setting in ("strict: true", "alias_type: copy", "provider: mike",
                    "slugify: !!python/name:journeybook.slug.toc_slugify",
                    "auto_append: [glossary.md]", "glossary: includes/glossary.md"):
        assert setting in config, setting
    ignored = (playbook / ".gitignore").read_text("utf-8").split()
    assert {"/site/", ".cache/", "node_modules/"} <= set(ignored)


def test_the_workflows_install_journeybook_pinned_and_run_the_checks(playbook: Path) -> None:
    _, release = running_version()
    pr, deploy = workflow(playbook, "pr.yml"), workflow(playbook, "deploy.yml")
    for flow in (pr, deploy):
        [job] = flow["jobs"].values()
        commands = "\n".join(step.get("run", "") for step in job["steps"])
        assert f'pip install "journeybook=={release}"' in commands
        assert "pip install -e" not in commands and "pytest" not in commands
        for step in job["steps"]:
            if "uses" in step:
                assert len(step["uses"].split("@")[1]) == 40, step["uses"]
    [job] = pr["jobs"].values()
    commands = "\n".join(step.get("run", "") for step in job["steps"])
    order = [commands.index(c) for c in ("journeybook check", "journeybook fmt --check",
                                          "mkdocs build --strict", 'journeybook diff "origin/',
                                          "lychee --offline")]
    assert order == sorted(order)
    assert '>> "$GITHUB_STEP_SUMMARY"' in commands
    [job] = deploy["jobs"].values()
    commands = "\n".join(step.get("run", "") for step in job["steps"])
    assert "mike deploy --push dev" in commands and "mike set-default --push latest" in commands
    hooks = YAML(typ="safe").load((playbook / ".pre-commit-config.yaml").read_text("utf-8"))
    assert hooks["repos"][0]["rev"] == f"v{release}"


def test_the_workflows_pass_zizmor(playbook: Path) -> None:
    zizmor = shutil.which("zizmor") or str(BIN / "zizmor")
    if not Path(zizmor).exists():
        pytest.skip("zizmor is not installed (pip install -e '.[test]')")
    result = subprocess.run([zizmor, "--offline", "--no-progress",
                             str(playbook / ".github" / "workflows")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("ours\n", "utf-8")
    assert main(["init", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "not empty" in err and "--force" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    # --force writes the playbook beside it, and says what it overwrote.
    (tmp_path / "README.md").write_text("old\n", "utf-8")
    assert main(["init", str(tmp_path), "--force"]) == 0
    assert f"overwritten: {tmp_path / 'README.md'}" in capsys.readouterr().out
    assert (tmp_path / "notes.txt").read_text("utf-8") == "ours\n"
    assert main(["init", str(tmp_path), "--repo-url", "github.com/x"]) == 1
    assert "error: --repo-url must be a web address" in capsys.readouterr().err
    # The theme prints the site name as HTML (every page's <title>): no markup in it.
    assert main(["init", str(tmp_path / "new"), "--site-name", "A</title><script>x()"]) == 1
    assert "error: --site-name cannot hold <, > or &" in capsys.readouterr().err
    assert not (tmp_path / "new").exists()


@pytest.mark.slow
def test_mike_deploys_the_new_playbook(tmp_path: Path) -> None:
    folder = tmp_path / "playbook"
    assert main(["init", str(folder), "--language", "en"]) == 0
    run(folder, "git", "init", "-q", "-b", "main")
    run(folder, "git", "add", "-A")
    run(folder, "git", "commit", "-q", "-m", "playbook")
    run(folder, str(BIN / "mike"), "deploy", "2026.1", "latest", "--update-aliases")
    run(folder, str(BIN / "mike"), "set-default", "latest")
    assert run(folder, str(BIN / "mike"), "list").stdout.splitlines() == ["2026.1 [latest]"]
    listing = run(folder, "git", "ls-tree", "-r", "--name-only", "gh-pages").stdout.split()
    assert "latest/journeys/return-an-order/index.html" in listing
    assert "2026.1/index.html" in listing and "versions.json" in listing


def upgraded(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run(folder, str(BIN / "journeybook"), "init", "--upgrade", *args, check=False)


def test_upgrade_shows_only_the_template_changes_and_keeps_the_teams(tmp_path: Path) -> None:
    folder = tmp_path / "playbook"
    assert main(["init", str(folder), "--language", "vi"]) == 0
    assert upgraded(folder).returncode == 0
    assert "up to date" in upgraded(folder).stdout
    # A playbook made by an older Journeybook whose templates set up Python 3.11 and ignored
    # less: what it wrote is in the record, and in the files.
    record_path = folder / RECORD
    record = json.loads(record_path.read_text("utf-8"))
    old = {path: record["files"][path] for path in OWNED}
    old[".github/workflows/pr.yml"] = old[".github/workflows/pr.yml"].replace(
        'python-version: "3.12"', 'python-version: "3.11"')
    old[".gitignore"] = old[".gitignore"].replace("node_modules/\n", "")
    record["files"] = old
    record_path.write_text(json.dumps(record), "utf-8")
    for path, text in old.items():
        (folder / path).write_text(text, "utf-8")
    # Since then, the team added a step to the PR workflow and edited the PR template.
    pr = folder / ".github" / "workflows" / "pr.yml"
    team_step = "      - name: Spell-check the pages\n        run: echo codespell\n\n"
    pr.write_text(pr.read_text("utf-8").replace(
        "      - name: Build the site (strict)\n",
        team_step + "      - name: Build the site (strict)\n"), "utf-8")
    template = folder / ".github" / "PULL_REQUEST_TEMPLATE.md"
    template.write_text(template.read_text("utf-8") + "- [ ] Đã báo cho trưởng nhóm.\n", "utf-8")
    journey = next((folder / "journeys").glob("*/journey.yaml"))
    journey_text = journey.read_text("utf-8")
    (folder / "mkdocs.yml").write_text("site_name: Của chúng tôi\n", "utf-8")

    shown = upgraded(folder)
    assert shown.returncode == 0, shown.stderr
    diff = shown.stdout
    # Only the template's changes: Python 3.12 and node_modules, not the team's step.
    assert '-          python-version: "3.11"\n+          python-version: "3.12"' in diff
    assert "+node_modules/" in diff
    assert "Spell-check" not in diff and "trưởng nhóm" not in diff
    assert "mkdocs.yml" not in diff and "journey.yaml" not in diff
    assert "--- a/.github/PULL_REQUEST_TEMPLATE.md" not in diff
    assert 'python-version: "3.11"' in pr.read_text("utf-8")  # nothing written yet

    assert upgraded(folder, "--write").returncode == 0
    text = pr.read_text("utf-8")
    assert 'python-version: "3.12"' in text and team_step in text
    assert "node_modules/" in (folder / ".gitignore").read_text("utf-8")
    assert "trưởng nhóm" in template.read_text("utf-8")
    assert journey.read_text("utf-8") == journey_text
    assert (folder / "mkdocs.yml").read_text("utf-8") == "site_name: Của chúng tôi\n"
    assert "up to date" in upgraded(folder).stdout


def test_upgrade_reports_a_conflict_and_leaves_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "playbook"
    assert main(["init", str(folder)]) == 0
    record_path = folder / RECORD
    record = json.loads(record_path.read_text("utf-8"))
    pr = folder / ".github" / "workflows" / "pr.yml"
    record["files"][".github/workflows/pr.yml"] = pr.read_text("utf-8").replace(
        '"3.12"', '"3.11"')
    record_path.write_text(json.dumps(record), "utf-8")
    pr.write_text(pr.read_text("utf-8").replace('"3.12"', '"3.10"'), "utf-8")  # the team's

    result = upgraded(folder, "--write")
    assert result.returncode == 1
    assert f"conflict: {Path('.') / '.github/workflows/pr.yml'}" in result.stderr
    assert '+          python-version: "3.12"' in result.stderr  # the template's own change
    assert '"3.10"' in pr.read_text("utf-8")


def test_upgrade_outside_a_playbook_says_what_to_do(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "--upgrade", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and RECORD in err and "Traceback" not in err


def test_a_development_build_is_pinned_to_a_release_the_index_can_have() -> None:
    assert installable("0.1.0") == "0.1.0"
    assert installable("0.2.0.dev3+g1a2b3c") == "0.2.0"
    assert installable("0.2.0+ubuntu1") == "0.2.0"
    assert installable("0.2.0rc1") == "0.2.0rc1"
