"""The GitHub workflows: they parse, run the right commands, and pass a workflow linter."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from .conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"


def load(name: str) -> dict:
    return YAML(typ="safe").load((WORKFLOWS / name).read_text("utf-8"))


def steps(workflow: dict) -> list[dict]:
    [job] = workflow["jobs"].values()
    return job["steps"]


def runs(workflow: dict) -> str:
    return "\n".join(step.get("run", "") for step in steps(workflow))


def uses(workflow: dict) -> dict[str, dict]:
    return {step["uses"].split("@")[0]: step.get("with", {}) for step in steps(workflow)
            if "uses" in step}


def test_pull_request_workflow() -> None:
    pr = load("pr.yml")
    assert "pull_request" in pr["on"]
    assert pr["permissions"] == {"contents": "read"}
    commands = runs(pr)
    readme = (ROOT / "README.md").read_text("utf-8")
    assert 'pip install -e ".[test]"' in commands and 'pip install -e ".[test]"' in readme
    for command in ("journeybook check", "journeybook fmt --check", "pytest",
                    "mkdocs build --strict", 'journeybook diff "origin/$BASE_REF"',
                    '>> "$GITHUB_STEP_SUMMARY"', "--chart", "lychee --offline"):
        assert command in commands, command
    # Commands run in this order: validate before testing, build before checking links.
    order = [commands.index(c) for c in ("journeybook check", "pytest", "mkdocs build",
                                          "journeybook diff", "lychee")]
    assert order == sorted(order)
    actions = uses(pr)
    assert actions["actions/checkout"]["fetch-depth"] == 0
    assert actions["actions/upload-artifact"]["path"] == "site/"


def test_deploy_workflow() -> None:
    deploy = load("deploy.yml")
    assert deploy["on"]["push"] == {"branches": ["main"], "tags": ["v*"]}
    assert deploy["permissions"] == {"contents": "write"}
    assert deploy["concurrency"]["group"] == "gh-pages"
    assert deploy["concurrency"]["cancel-in-progress"] is False
    assert uses(deploy)["actions/checkout"]["fetch-depth"] == 0
    by_name = {step.get("name"): step for step in steps(deploy)}
    # The publisher is a switch, mike unless the repository variable PUBLISHER says otherwise.
    [job] = deploy["jobs"].values()
    assert job["env"]["PUBLISHER"] == "${{ vars.PUBLISHER || 'mike' }}"
    dev = by_name["Deploy dev"]
    assert dev["if"] == "github.ref == 'refs/heads/main' && env.PUBLISHER == 'mike'"
    assert dev["run"].strip() == "mike deploy --push dev"
    release = by_name["Deploy the release and move latest"]
    assert release["if"] == "startsWith(github.ref, 'refs/tags/v') && env.PUBLISHER == 'mike'"
    assert 'mike deploy --push --update-aliases "${TAG#v}" latest' in release["run"]
    assert "mike set-default --push latest" in release["run"]
    dev = by_name["Publish dev (journeybook publish)"]
    assert dev["if"] == "github.ref == 'refs/heads/main' && env.PUBLISHER == 'journeybook'"
    assert dev["run"].strip() == "journeybook publish dev --site-dir site --push"
    release = by_name["Publish the release and move latest (journeybook publish)"]
    assert release["if"] == (
        "startsWith(github.ref, 'refs/tags/v') && env.PUBLISHER == 'journeybook'")
    assert release["run"].strip() == ('journeybook publish "${TAG#v}" --alias latest '
                                      "--default latest --site-dir site --push")
    names = list(by_name)
    assert names.index("Build the site (strict)") < names.index("Deploy dev")
    assert names.index("Build the site (strict)") < names.index(
        "Publish dev (journeybook publish)")


def test_every_action_is_pinned_to_a_commit() -> None:
    for name in ("pr.yml", "deploy.yml"):
        for action in (s["uses"] for s in steps(load(name)) if "uses" in s):
            assert len(action.split("@")[1]) == 40, action


def test_zizmor_finds_nothing() -> None:
    zizmor = shutil.which("zizmor") or str(Path(sys.executable).parent / "zizmor")
    if not Path(zizmor).exists():
        pytest.skip("zizmor is not installed (pip install -e '.[test]')")
    result = subprocess.run([zizmor, "--offline", "--no-progress", str(WORKFLOWS)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mkdocs_yml_makes_every_version_strict_and_publishable() -> None:
    text = (ROOT / "mkdocs.yml").read_text("utf-8")
    assert "\nstrict: true\n" in text
    assert "alias_type: copy" in text
    assert "provider: mike" in text


def test_links_of_the_built_sample_resolve(sample_site) -> None:
    lychee = shutil.which("lychee") or str(Path(sys.executable).parent / "lychee")
    if not Path(lychee).exists():
        pytest.skip("lychee is not installed (pip install -e '.[test]')")
    site = sample_site.root / "site"
    result = subprocess.run([lychee, "--offline", "--no-progress", "--root-dir", str(site),
                             f"{site}/**/*.html"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 Errors" in result.stdout + result.stderr


def test_release_workflow() -> None:
    """A tag builds both files, tries the wheel with the same script the tests run
    (tests/test_team.py), attaches them to a GitHub Release and publishes to PyPI by trusted
    publishing: an OIDC token, no stored secret; each job has only the permission it needs."""
    release = load("release.yml")
    assert release["on"] == {"push": {"tags": ["v*"]}}
    assert release["permissions"] == {}
    jobs = release["jobs"]
    build = "\n".join(step.get("run", "") for step in jobs["build"]["steps"])
    assert "python -m build" in build
    assert "python .github/scripts/try_wheel.py dist/*.whl" in build
    assert build.index("python -m build") < build.index("try_wheel.py")
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["github-release"]["permissions"] == {"contents": "write"}
    assert "gh release create" in jobs["github-release"]["steps"][-1]["run"]
    pypi = jobs["pypi"]
    assert pypi["permissions"] == {"id-token": "write"}
    assert pypi["environment"]["name"] == "pypi"
    [publish] = [step for step in pypi["steps"]
                 if step.get("uses", "").startswith("pypa/gh-action-pypi-publish@")]
    assert "with" not in publish  # no password: trusted publishing
    assert "secrets." not in (WORKFLOWS / "release.yml").read_text("utf-8")
    for job in jobs.values():
        needs = job.get("needs", [])
        assert needs in ([], "build"), needs
        for step in job["steps"]:
            if "uses" in step:
                assert len(step["uses"].split("@")[1]) == 40, step["uses"]
