"""Versions with mike, end to end, in a throwaway git repository with no remote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import CHROMIUM, Project, copy_sample, serve

# Two `mike deploy`s of the whole sample: seconds, not milliseconds.
pytestmark = pytest.mark.slow

# mike runs `mkdocs` from PATH: make it this environment's.
BIN = str(Path(sys.executable).parent)
ENV = {**os.environ, "PATH": BIN + os.pathsep + os.environ.get("PATH", ""),
       "NO_MKDOCS_2_WARNING": "1", "GIT_AUTHOR_NAME": "Release bot",
       "GIT_AUTHOR_EMAIL": "release@example.com", "GIT_COMMITTER_NAME": "Release bot",
       "GIT_COMMITTER_EMAIL": "release@example.com"}


def run(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), cwd=repo, env=ENV, capture_output=True, text=True,
                          check=check)


def mike(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    # mike has no `python -m mike`; its script sits beside this interpreter.
    return run(repo, str(Path(BIN) / "mike"), *args, check=check)


def show(repo: Path, path: str) -> str:
    return run(repo, "git", "show", f"gh-pages:{path}").stdout


def tree(repo: Path, path: str) -> dict[str, str]:
    """Names in a gh-pages folder and their git modes (040000 folder, 120000 symlink)."""
    listing = run(repo, "git", "ls-tree", f"gh-pages:{path}").stdout
    return {line.split("\t")[1]: line.split()[0] for line in listing.splitlines()}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory, sample_site: Project) -> Path:
    root = tmp_path_factory.mktemp("release")
    copy_sample(root, warm_from=sample_site)  # the charts are not what versions are about
    (root / ".gitignore").write_text("site/\n.cache/\n", "utf-8")
    run(root, "git", "init", "-q", "-b", "main")
    run(root, "git", "add", "-A")
    run(root, "git", "commit", "-q", "-m", "playbook")
    mike(root, "deploy", "2026.1", "latest", "--update-aliases")
    # The next version changes a journey, so the two versions differ.
    journey = root / "journeys" / "goi-tong-dai" / "journey.yaml"
    journey.write_text(journey.read_text("utf-8").replace(
        "Gọi tổng đài khi internet gia đình chập chờn", "Gọi tổng đài khi mạng chập chờn", 1),
        "utf-8")
    run(root, "git", "commit", "-q", "-am", "rename the journey")
    mike(root, "deploy", "2026.2", "latest", "--update-aliases")
    mike(root, "set-default", "latest")
    return root


def test_versions_json_lists_both_with_latest_on_the_newer(repo: Path) -> None:
    versions = json.loads(show(repo, "versions.json"))
    assert [(v["version"], v["aliases"]) for v in versions] == [
        ("2026.2", ["latest"]), ("2026.1", [])]
    assert mike(repo, "list").stdout.splitlines() == ["2026.2 [latest]", "2026.1"]


def test_each_version_has_its_journey_pages_and_charts(repo: Path) -> None:
    for version in ("2026.1", "2026.2", "latest"):
        journey = tree(repo, f"{version}/journeys/goi-tong-dai")
        assert {"index.html", "lien-he-tong-dai", "checklist", "evaluations",
                "charts"} <= journey.keys()
        charts = tree(repo, f"{version}/journeys/goi-tong-dai/charts")
        assert {"journey-light.svg", "journey-dark.svg", "trend-light.svg"} <= charts.keys()
        assert tree(repo, version)["search"] == "040000"
        # Each version's search ignores diacritics: the index names the folding, and the
        # version carries its script where Material's worker looks.
        index = json.loads(show(repo, f"{version}/search/search_index.json"))
        assert index["config"]["lang"][-1] == "fold"
        assert "lunr.fold.min.js" in tree(repo, f"{version}/assets/javascripts/lunr/min")
    assert "Gọi tổng đài khi mạng chập chờn" in show(
        repo, "2026.2/journeys/goi-tong-dai/index.html")
    assert "Gọi tổng đài khi internet gia đình" in show(
        repo, "2026.1/journeys/goi-tong-dai/index.html")


def test_latest_is_a_copy_not_a_symlink(repo: Path) -> None:
    # GitHub Pages does not publish symlinks.
    assert tree(repo, "")["latest"] == "040000"
    assert show(repo, "latest/journeys/index.html") == show(repo, "2026.2/journeys/index.html")


def test_root_redirects_to_the_default(repo: Path) -> None:
    index = show(repo, "index.html")
    assert 'http-equiv="refresh" content="1; url=latest/"' in index
    assert '"latest/" + window.location.search' in index


def test_pages_work_inside_a_version_folder(repo: Path) -> None:
    page = show(repo, "2026.2/journeys/goi-tong-dai/lien-he-tong-dai/index.html")
    # Relative links only: the same page works under /2026.2/ and /latest/.
    assert 'href="/' not in page.replace('href="/"', "")
    assert 'src="../charts/stage-lien-he-tong-dai-light.svg#only-light"' in page
    assert '"version": {"alias": true, "default": "latest", "provider": "mike"}' in page


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM, reason="Chromium is not installed (apt-get install chromium)")
def test_every_page_shows_its_version_in_the_browser(repo: Path, tmp_path: Path,
                                                     browser) -> None:
    from .test_browser import search

    site = tmp_path / "gh-pages"
    site.mkdir()
    archive = subprocess.run(["git", "archive", "--format=tar", "gh-pages"], cwd=repo,
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(site)], input=archive, check=True)
    url, server = serve(site)
    page = browser.new_page()
    try:
        for path, version in (("2026.1/journeys/goi-tong-dai/", "2026.1"),
                              ("2026.2/checklists/", "2026.2"),
                              ("latest/journeys/goi-tong-dai/lien-he-tong-dai/", "2026.2")):
            page.goto(url + path)
            current = page.locator(".md-version__current")
            current.wait_for(timeout=10_000)
            assert current.inner_text().startswith(version), path
            if "goi-tong-dai" not in path:
                continue
            # The chart of this version loads from inside the version folder.
            image = page.locator("article img[src*='-light.svg']").first
            image.scroll_into_view_if_needed()
            page.wait_for_function("i => i.complete && i.naturalWidth > 0",
                                   arg=image.element_handle(), timeout=10_000)
        # Search inside a version finds that version's pages.
        page.goto(url + "2026.1/")
        search(page, "tổng đài")
        hrefs = page.locator(".md-search-result__link").evaluate_all(
            "links => links.map(a => a.href)")
        assert hrefs and all("/2026.1/" in href for href in hrefs)
        # The root sends readers to the default version.
        page.goto(url)
        page.wait_for_url("**/latest/")
    finally:
        page.close()
        server.shutdown()
        server.server_close()


def test_a_version_with_warnings_is_never_deployed(repo: Path, tmp_path: Path) -> None:
    before = run(repo, "git", "rev-parse", "gh-pages").stdout
    page = repo / "content" / "index.md"
    original = page.read_text("utf-8")
    page.write_text(original + "\n[broken](khong-ton-tai.md)\n", "utf-8")
    try:
        result = mike(repo, "deploy", "2026.3", "latest", "--update-aliases", check=False)
    finally:
        page.write_text(original, "utf-8")
    assert result.returncode != 0
    assert "khong-ton-tai.md" in result.stderr
    assert run(repo, "git", "rev-parse", "gh-pages").stdout == before
