"""`journeybook publish`: versions on the Pages branch without mike, end to end, in throwaway
git repositories (a copy of the sample for the real site, tiny sites for the rules)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from journeybook.cli import main

from .conftest import CHROMIUM, Project, copy_sample, serve

RENAMED = "Gọi tổng đài khi mạng chập chờn"


def git(repo: Path, *args: str, check: bool = True) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True,
                          check=check).stdout


def publish(repo: Path, *args: str) -> tuple[int, str, str]:
    """`journeybook publish ARGS` run in ``repo``: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    before = Path.cwd()
    os.chdir(repo)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["publish", *args])
    finally:
        os.chdir(before)
    return code, out.getvalue(), err.getvalue()


def published(repo: Path, *args: str) -> str:
    code, out, err = publish(repo, *args)
    assert code == 0, err
    return out


def show(repo: Path, path: str, branch: str = "gh-pages") -> str:
    return git(repo, "show", f"{branch}:{path}")


def tree(repo: Path, path: str = "") -> dict[str, str]:
    """Names in a gh-pages folder and their git modes (040000 folder, 120000 symlink)."""
    listing = git(repo, "ls-tree", f"gh-pages:{path}")
    return {line.split("\t")[1]: line.split()[0] for line in listing.splitlines()}


def versions(repo: Path) -> list[tuple[str, str, list[str]]]:
    return [(v["version"], v["title"], v["aliases"])
            for v in json.loads(show(repo, "versions.json"))]


def pages_branch(repo: Path, folder: Path) -> Path:
    """The files of the Pages branch, as GitHub Pages would serve them, in a new ``folder``."""
    folder.mkdir()
    archive = subprocess.run(["git", "archive", "--format=tar", "gh-pages"], cwd=repo,
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def user_state(repo: Path) -> tuple[str, ...]:
    """What publishing must never change: status, staged entries, HEAD and its branch."""
    return (git(repo, "status", "--porcelain"), git(repo, "ls-files", "-s"),
            git(repo, "rev-parse", "HEAD"), git(repo, "symbolic-ref", "HEAD"),
            (repo / "content" / "index.md").read_text("utf-8")
            if (repo / "content").exists() else (repo / "notes.md").read_text("utf-8"))


def new_repo(root: Path) -> Path:
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Release bot")
    git(root, "config", "user.email", "release@example.com")
    return root


# --- The sample, published twice -------------------------------------------------------------


@dataclass
class Release:
    repo: Path
    before: tuple[str, ...]
    after: tuple[str, ...]


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory, sample_site: Project) -> Release:
    root = new_repo(tmp_path_factory.mktemp("publish"))
    copy_sample(root, warm_from=sample_site)  # the charts are not what versions are about
    (root / ".gitignore").write_text("site/\n.cache/\n", "utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "playbook")
    # A tree mid-edit: a staged change, an unstaged one and an untracked file.
    glossary = root / "includes" / "glossary.md"
    glossary.write_text(glossary.read_text("utf-8") + "*[QA]: kiểm thử\n", "utf-8")
    git(root, "add", "includes/glossary.md")
    home = root / "content" / "index.md"
    home.write_text(home.read_text("utf-8") + "\nĐang sửa.\n", "utf-8")
    (root / "draft.md").write_text("nháp\n", "utf-8")
    before = user_state(root)
    # 1.0 is built by publish itself (MkDocs, strict: true from mkdocs.yml)…
    published(root, "1.0", "--alias", "latest")
    # …2.0 is a site built elsewhere (a renamed journey), given with --site-dir.
    site = root.parent / "site-2.0"
    shutil.copytree(sample_site.root / "site", site)
    page = site / "journeys" / "goi-tong-dai" / "index.html"
    page.write_text(page.read_text("utf-8").replace(
        "Gọi tổng đài khi internet gia đình chập chờn", RENAMED), "utf-8")
    published(root, "2.0", "--alias", "latest", "--site-dir", str(site))
    return Release(root, before, user_state(root))


def test_versions_json_lists_both_newest_first_with_latest_on_the_newer(
        release: Release) -> None:
    assert versions(release.repo) == [("2.0", "2.0", ["latest"]), ("1.0", "1.0", [])]


def test_each_version_is_a_whole_site_and_latest_a_real_copy(release: Release) -> None:
    repo = release.repo
    assert {"1.0", "2.0", "latest", "versions.json", "index.html", ".nojekyll"} <= tree(
        repo).keys()
    # GitHub Pages does not publish symlinks: folders and files only, everywhere.
    modes = {line.split()[0] for line in git(repo, "ls-tree", "-r", "gh-pages").splitlines()}
    assert modes <= {"100644", "100755"}
    assert tree(repo)["latest"] == "040000"
    for version in ("1.0", "2.0", "latest"):
        charts = tree(repo, f"{version}/journeys/goi-tong-dai/charts")
        assert {"journey-light.svg", "journey-dark.svg"} <= charts.keys()
        assert tree(repo, version)["search"] == "040000"
    journey = "journeys/goi-tong-dai/index.html"
    assert show(repo, f"latest/{journey}") == show(repo, f"2.0/{journey}")
    assert RENAMED in show(repo, f"2.0/{journey}")
    assert RENAMED not in show(repo, f"1.0/{journey}")


def test_root_redirects_to_latest_without_javascript(release: Release) -> None:
    root = BeautifulSoup(show(release.repo, "index.html"), "html.parser")
    assert root.find("meta", attrs={"http-equiv": "refresh"})["content"] == "0; url=latest/"
    assert root.find("link", rel="canonical")["href"] == "latest/"
    assert root.find("a")["href"] == "latest/"


def test_the_users_tree_index_and_branch_are_untouched(release: Release) -> None:
    assert release.after == release.before
    assert "gh-pages" not in git(release.repo, "branch", "--show-current")
    assert not (release.repo / "1.0").exists()
    assert not (release.repo / "versions.json").exists()


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM, reason="Chromium is not installed (apt-get install chromium)")
def test_materials_version_selector_lists_both_versions(release: Release, tmp_path: Path,
                                                         browser, screenshots: Path) -> None:
    site = pages_branch(release.repo, tmp_path / "gh-pages")
    url, server = serve(site)
    page = browser.new_page()
    try:
        page.goto(url)
        page.wait_for_url("**/latest/")
        page.goto(url + "1.0/journeys/goi-tong-dai/")
        current = page.locator(".md-version__current")
        current.wait_for(timeout=10_000)
        assert current.inner_text().startswith("1.0")
        page.locator(".md-version").hover()
        links = page.locator(".md-version__link")
        # Newest first, latest shown beside the version it names.
        assert [text.strip() for text in links.all_inner_texts()] == ["2.0latest", "1.0"]
        assert page.locator(".md-version__link .md-version__alias").inner_text() == "latest"
        page.screenshot(path=str(screenshots / "publish-version-selector.png"))
        # Choosing 2.0 opens the same page in 2.0, whose journey was renamed.
        links.first.click()
        page.wait_for_url("**/2.0/**")
    finally:
        page.close()
        server.shutdown()
        server.server_close()


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM, reason="Chromium is not installed (apt-get install chromium)")
def test_zensicals_version_selector_reads_the_same_versions_json(
        tmp_path: Path, sample_site: Project, browser, screenshots: Path) -> None:
    pytest.importorskip("zensical", reason='pip install "journeybook[zensical]"')
    root = new_repo(tmp_path)
    copy_sample(root, warm_from=sample_site)
    (root / ".gitignore").write_text("site/\n.cache/\n", "utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "playbook")
    published(root, "1.0", "--alias", "latest", "--engine", "zensical")
    pages = pages_branch(root, tmp_path / "gh-pages")
    published(root, "2.0", "--alias", "latest", "--site-dir", str(pages / "1.0"))
    shutil.rmtree(pages)
    url, server = serve(pages_branch(root, pages))
    page = browser.new_page()
    try:
        page.goto(url + "1.0/journeys/")
        current = page.locator(".md-version__current")
        current.wait_for(timeout=10_000)
        assert current.inner_text().startswith("1.0")
        page.locator(".md-version").hover()
        links = page.locator(".md-version__link")
        assert [text.strip() for text in links.all_inner_texts()] == ["2.0latest", "1.0"]
        page.screenshot(path=str(screenshots / "publish-zensical-version-selector.png"))
    finally:
        page.close()
        server.shutdown()
        server.server_close()


# --- The rules, on tiny sites ----------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    new_repo(root)
    (root / "notes.md").write_text("# Notes\n", "utf-8")
    git(root, "add", "notes.md")
    git(root, "commit", "-q", "-m", "notes")
    return root


def site(folder: Path, text: str, *extra: str) -> str:
    """A tiny built site whose home page says ``text``, with ``extra`` pages."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(f"<p>{text}</p>\n", "utf-8")
    for name in extra:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(name, "utf-8")
    return str(folder)


def test_republishing_a_version_replaces_it_and_its_aliases(repo: Path, tmp_path: Path) -> None:
    published(repo, "1.0", "--site-dir", site(tmp_path / "a", "one"))
    published(repo, "2.0", "--alias", "latest", "--alias", "stable",
              "--site-dir", site(tmp_path / "b", "two", "old/page.html"))
    before = user_state(repo)
    published(repo, "2.0", "--site-dir", site(tmp_path / "b", "two, fixed", "new.html"))
    for folder in ("2.0", "latest", "stable"):
        assert show(repo, f"{folder}/index.html") == "<p>two, fixed</p>\n"
        assert set(tree(repo, folder)) == {"index.html", "new.html"}  # old/ is gone
    assert show(repo, "1.0/index.html") == "<p>one</p>\n"
    assert versions(repo) == [("2.0", "2.0", ["latest", "stable"]), ("1.0", "1.0", [])]
    assert user_state(repo) == before
    # The same site again changes nothing: no empty commit.
    count = git(repo, "rev-list", "--count", "gh-pages")
    assert "nothing committed" in published(
        repo, "2.0", "--site-dir", str(tmp_path / "b"))
    assert git(repo, "rev-list", "--count", "gh-pages") == count


def test_an_alias_moves_and_the_root_keeps_its_default(repo: Path, tmp_path: Path) -> None:
    published(repo, "1.9", "--alias", "latest", "--site-dir", site(tmp_path / "a", "1.9"))
    published(repo, "1.10", "--alias", "latest", "--title", "1.10 (Tết)",
              "--site-dir", site(tmp_path / "b", "1.10"))
    published(repo, "dev", "--site-dir", site(tmp_path / "c", "dev"))
    # mike's order: development versions first, then releases by number (1.10 above 1.9).
    assert versions(repo) == [("dev", "dev", []), ("1.10", "1.10 (Tết)", ["latest"]),
                              ("1.9", "1.9", [])]
    assert show(repo, "latest/index.html") == "<p>1.10</p>\n"
    # Publishing dev leaves readers of the root on latest, as mike does.
    assert 'url=latest/"' in show(repo, "index.html")
    published(repo, "1.10", "--default", "1.9", "--site-dir", str(tmp_path / "b"))
    assert 'url=1.9/"' in show(repo, "index.html")
    assert versions(repo)[1] == ("1.10", "1.10 (Tết)", ["latest"])  # title kept


def test_a_branch_mike_started_is_continued(repo: Path, tmp_path: Path) -> None:
    # What mike leaves: versions.json with properties, its redirect, a CNAME.
    worktree = tmp_path / "pages"
    worktree.mkdir()
    new_repo(worktree)
    (worktree / "1.0").mkdir()
    (worktree / "1.0" / "index.html").write_text("mike's 1.0", "utf-8")
    shutil.copytree(worktree / "1.0", worktree / "stable")
    (worktree / "CNAME").write_text("playbook.example.com\n", "utf-8")
    (worktree / "versions.json").write_text(json.dumps([{
        "version": "1.0", "title": "1.0", "aliases": ["stable"],
        "properties": {"release": "2026-01"}}]), "utf-8")
    (worktree / "index.html").write_text(
        '<meta http-equiv="refresh" content="1; url=stable/" />', "utf-8")
    git(worktree, "add", "-A")
    git(worktree, "commit", "-q", "-m", "Deployed 1.0 with MkDocs 1.6.1 and mike 2.1.3")
    git(repo, "fetch", "-q", str(worktree), "main:gh-pages")
    published(repo, "2.0", "--alias", "latest", "--site-dir", site(tmp_path / "a", "two"))
    assert json.loads(show(repo, "versions.json"))[1]["properties"] == {"release": "2026-01"}
    assert show(repo, "CNAME") == "playbook.example.com\n"
    assert show(repo, "stable/index.html") == "mike's 1.0"
    assert 'url=stable/"' in show(repo, "index.html")


@pytest.mark.parametrize(("args", "message"), [
    (["../x"], "not a safe version name"),
    ([""], "the version is empty"),
    ([".git"], "not a safe version name"),
    (["versions.json"], "not a safe version name"),
    (["2.0", "--alias", "a/b"], "not a safe alias name"),
    (["2.0", "--alias", "2.0"], "both the version and one of its aliases"),
    (["2.0", "--alias", "1.0"], "alias `1.0` is already a published version"),
    (["latest"], "`latest` is already an alias of version 1.0"),
    (["2.0", "--default", "3.0"], "--default `3.0` is neither a version nor an alias"),
    (["2.0", "--site-dir", "missing"], "no built site at"),
    (["2.0", "--branch", "a..b"], "not a valid branch name"),
])
def test_mistakes_are_refused_and_nothing_is_committed(repo: Path, tmp_path: Path,
                                                       args: list[str], message: str) -> None:
    published(repo, "1.0", "--alias", "latest", "--site-dir", site(tmp_path / "a", "one"))
    tip = git(repo, "rev-parse", "gh-pages")
    if "--site-dir" not in args:
        args = [*args, "--site-dir", str(tmp_path / "a")]
    code, out, err = publish(repo, *args)
    assert (code, out) == (1, "")
    assert err.startswith("error: ") and message in err and "Traceback" not in err
    assert git(repo, "rev-parse", "gh-pages") == tip


def test_outside_a_repository_and_on_the_pages_branch(repo: Path, tmp_path: Path) -> None:
    folder = site(tmp_path / "a", "one")
    outside = tmp_path / "plain"
    outside.mkdir()
    code, _, err = publish(outside, "1.0", "--site-dir", folder)
    assert code == 1 and "is not inside a git repository" in err
    code, _, err = publish(repo, "1.0", "--site-dir", str(tmp_path / "nothing"))
    assert code == 1 and "no built site at" in err
    git(repo, "switch", "-q", "--orphan", "gh-pages")
    code, _, err = publish(repo, "1.0", "--site-dir", folder)
    assert code == 1 and "the current branch is gh-pages" in err


def test_push_publishes_to_the_remote_and_only_with_push(repo: Path, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    git(repo, "remote", "add", "origin", str(remote))
    git(repo, "push", "-q", "origin", "main")
    published(repo, "1.0", "--alias", "latest", "--site-dir", site(tmp_path / "a", "one"))
    assert git(remote, "branch", "--list").split() == ["*", "main"]  # nothing left the machine
    out = published(repo, "2.0", "--alias", "latest", "--push",
                    "--site-dir", site(tmp_path / "b", "two"))
    assert "pushed gh-pages to origin" in out
    assert git(remote, "rev-parse", "gh-pages") == git(repo, "rev-parse", "gh-pages")
    assert show(remote, "latest/index.html") == "<p>two</p>\n"
    # Another machine (CI) that fetched the branch builds on it, not on nothing.
    clone = tmp_path / "ci"
    subprocess.run(["git", "clone", "-q", str(remote), str(clone)], check=True)
    new_repo(clone)
    git(clone, "fetch", "-q", "origin", "gh-pages")
    published(clone, "3.0", "--alias", "latest", "--push",
              "--site-dir", site(tmp_path / "c", "three"))
    assert [entry[0] for entry in versions(remote)] == ["3.0", "2.0", "1.0"]
