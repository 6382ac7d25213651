"""Versions of the site on the Pages branch, without mike: ``journeybook publish``.

A built site goes into ``VERSION/`` on the Pages branch (``gh-pages``) of the current git
repository, each alias is a full copy of it (GitHub Pages does not publish symbolic links),
``versions.json`` lists the versions the way mike writes it and the version selectors of
Material for MkDocs and Zensical read it (``../versions.json`` from any page: ``version``,
``title``, ``aliases``, newest first), and the root ``index.html`` redirects to the default.

The commit is made with git's plumbing on a temporary index: the user's working tree, index
and current branch are never touched, so publishing from a dirty tree is safe. Nothing leaves
the machine unless ``push`` is asked for.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import engines

VERSIONS_FILE = "versions.json"
REDIRECT_FILE = "index.html"
NO_JEKYLL = ".nojekyll"
#: Files of the branch's root that publish owns; a version or alias of that name would clash.
ROOT_FILES = frozenset({VERSIONS_FILE, REDIRECT_FILE, NO_JEKYLL, "404.html", "CNAME"})
#: A version or alias is one path segment of the site's address: plain letters, digits and
#: ``.``, ``_``, ``+``, ``-``, starting with a letter or digit (so never ``.git`` or ``..``).
FOLDER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]*")
ZERO = "0" * 40


class PublishError(Exception):
    """A mistake the user can fix; the message says what to do."""


@dataclass
class Version:
    """One entry of ``versions.json``. ``properties`` is mike's optional extra data, kept as
    it was found."""

    version: str
    title: str
    aliases: list[str] = field(default_factory=list)
    properties: Any = None

    def to_json(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"version": self.version, "title": self.title,
                                 "aliases": self.aliases}
        if self.properties:
            entry["properties"] = self.properties
        return entry


@dataclass
class Published:
    """What a publish did: the commit (``None`` when the branch already held exactly this),
    the versions now listed, and the name the root redirects to."""

    branch: str
    commit: str | None
    versions: list[Version]
    default: str
    pushed: bool


def folder_problem(name: str, kind: str) -> str | None:
    """Why ``name`` cannot be a version or alias folder on the branch, or ``None``."""
    if not name:
        return f"the {kind} is empty; give a name such as 1.0 or latest"
    if not FOLDER_NAME.fullmatch(name) or name in ROOT_FILES:
        return (f"`{name}` is not a safe {kind} name: use letters, digits and . _ + - only, "
                "starting with a letter or digit (it becomes a folder of the site's address)")
    return None


def newest_first(versions: Sequence[Version]) -> list[Version]:
    """mike's order, so a branch mike started reads the same: names that do not start with a
    digit (``dev``, ``main``) above releases, releases by their numbers (1.10 above 1.9)."""

    def key(entry: Version) -> tuple[int, list[tuple[int, int, str]]]:
        release = re.match(r"v?\d", entry.version) is not None
        parts = [(1, int(part), "") if part.isdigit() else (0, 0, part)
                 for part in re.findall(r"\d+|[A-Za-z]+", entry.version)]
        return (0 if release else 1, parts)

    return sorted(versions, key=key, reverse=True)


def with_version(versions: Sequence[Version], name: str, title: str | None,
                 aliases: Sequence[str]) -> list[Version]:
    """The versions after publishing ``name`` with ``aliases``: a republished version keeps its
    title (unless a new one is given) and its aliases, and gains the new ones; an alias moves
    here from the version that had it."""
    for alias in aliases:
        if alias == name:
            raise PublishError(f"`{alias}` is both the version and one of its aliases; "
                               "drop that --alias")
        if any(other.version == alias for other in versions if other.version != name):
            raise PublishError(f"alias `{alias}` is already a published version; an alias "
                               "cannot replace a version: choose another alias")
    for other in versions:
        if name in other.aliases and other.version != name:
            raise PublishError(f"`{name}` is already an alias of version {other.version}; "
                               "choose another version name")
    updated: list[Version] = []
    entry = Version(name, title if title is not None else name)
    for other in versions:
        if other.version == name:
            entry = Version(name, title if title is not None else other.title,
                            list(other.aliases), other.properties)
            continue
        kept = [alias for alias in other.aliases if alias not in aliases]
        updated.append(Version(other.version, other.title, kept, other.properties))
    entry.aliases += [alias for alias in dict.fromkeys(aliases) if alias not in entry.aliases]
    return newest_first([*updated, entry])


def names(versions: Sequence[Version]) -> set[str]:
    """Every folder the versions occupy: their names and their aliases."""
    return {name for entry in versions for name in (entry.version, *entry.aliases)}


def choose_default(versions: Sequence[Version], asked: str | None,
                   current: str | None) -> str:
    """Where the root redirects: the name asked for; else where it already pointed (the way
    mike keeps it until `mike set-default`), while that still exists; else the newest
    version's first alias, or the newest version itself."""
    if asked is not None:
        if asked not in names(versions):
            raise PublishError(f"--default `{asked}` is neither a version nor an alias on the "
                               f"branch (there: {', '.join(sorted(names(versions)))})")
        return asked
    if current is not None and current in names(versions):
        return current
    newest = versions[0]
    return newest.aliases[0] if newest.aliases else newest.version


def redirect_page(default: str) -> str:
    """The root page: a meta refresh and a plain link work without JavaScript; the script
    keeps a query and #anchor a reader followed to the root."""
    href = html.escape(f"{default}/")
    return f"""<!DOCTYPE html>
<html>
<head>
  <meta charset="utf-8">
  <title>Redirecting to {href}</title>
  <link rel="canonical" href="{href}">
  <meta http-equiv="refresh" content="0; url={href}">
  <script>
    window.location.replace({json.dumps(f"{default}/")} + window.location.search +
                            window.location.hash);
  </script>
</head>
<body>
  <p>Redirecting to <a href="{href}">{href}</a>…</p>
</body>
</html>
"""


def redirect_target(page: str) -> str | None:
    """The folder a root redirect (ours or mike's) sends readers to."""
    found = re.search(r'http-equiv="refresh"\s+content="\d+;\s*url=([^"/]+)/?"', page)
    return html.unescape(found.group(1)) if found else None


def site_files(site: Path) -> Iterator[tuple[str, Path]]:
    """Every file of a built site as (path inside the site with / separators, file). A
    symbolic link is published as a copy of what it points to, like the aliases."""
    seen: set[str] = set()
    for folder, subfolders, files in os.walk(site, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen:  # a link back up the tree: walked already
            subfolders.clear()
            continue
        seen.add(real)
        subfolders.sort()
        for name in sorted(files):
            path = Path(folder, name)
            if path.is_file():
                yield path.relative_to(site).as_posix(), path


class PagesBranch:
    """One branch of a repository, changed through a temporary index of its own."""

    def __init__(self, repo: Path, branch: str, remote: str) -> None:
        self.repo, self.branch, self.remote = repo, branch, remote
        self.ref = f"refs/heads/{branch}"

    def git(self, *args: str, stdin: str | None = None,
            env: dict[str, str] | None = None) -> str:
        try:
            result = subprocess.run(["git", *args], cwd=self.repo, input=stdin,
                                    capture_output=True, text=True, encoding="utf-8",
                                    errors="replace", env=env, check=False)
        except FileNotFoundError:
            raise PublishError("git is not installed or not on PATH") from None
        if result.returncode != 0:
            message = result.stderr.strip() or f"git {args[0]} failed"
            raise PublishError(f"git {args[0]}: {message}")
        return result.stdout

    def commit_of(self, ref: str) -> str | None:
        try:
            return self.git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").strip()
        except PublishError:
            return None

    def tips(self) -> tuple[str | None, str | None]:
        """The commit to build on and the branch's commit now (``None``: no such branch yet).
        The one to build on is the local branch, or the remote's copy when the local one is
        missing or behind it (as mike does after `git fetch origin gh-pages`)."""
        local = self.commit_of(self.ref)
        remote = self.commit_of(f"refs/remotes/{self.remote}/{self.branch}")
        if remote is None or remote == local or (
                local is not None and self.is_ancestor(remote, local)):
            return local, local
        if local is None or self.is_ancestor(local, remote):
            return remote, local
        raise PublishError(f"{self.branch} and {self.remote}/{self.branch} have diverged; "
                           f"merge or reset {self.branch} first")

    def is_ancestor(self, older: str, newer: str) -> bool:
        try:
            self.git("merge-base", "--is-ancestor", older, newer)
        except PublishError:
            return False
        return True

    def read(self, commit: str | None, path: str) -> str | None:
        if commit is None:
            return None
        try:
            return self.git("cat-file", "blob", f"{commit}:{path}")
        except PublishError:
            return None

    def entries(self, commit: str | None) -> list[tuple[str, str, str]]:
        """(mode, object, path) of every file in ``commit``."""
        if commit is None:
            return []
        listing = self.git("ls-tree", "-r", "-z", "--full-tree", commit)
        found = []
        for line in filter(None, listing.split("\0")):
            info, path = line.split("\t", 1)
            mode, _kind, object_id = info.split()
            found.append((mode, object_id, path))
        return found

    def store(self, files: Sequence[Path]) -> list[str]:
        """Write each file into git's object store as is (no line-ending filters)."""
        if any("\n" in str(file) for file in files):
            raise PublishError("a file name in the site contains a line break; rename it")
        if not files:
            return []
        stdin = "".join(f"{file}\n" for file in files)
        return self.git("hash-object", "-w", "--no-filters", "--stdin-paths",
                        stdin=stdin).split()

    def store_text(self, text: str) -> str:
        return self.git("hash-object", "-w", "--no-filters", "--stdin", stdin=text).strip()

    def commit(self, base: str | None, local: str | None,
               entries: Sequence[tuple[str, str, str]], message: str) -> str | None:
        """Commit exactly ``entries`` on top of ``base`` and move the branch there from
        ``local``, unless someone moved it meanwhile; ``None`` when ``base`` holds exactly
        this already."""
        with tempfile.TemporaryDirectory(prefix="journeybook-publish-") as work:
            env = {**os.environ, "GIT_INDEX_FILE": str(Path(work, "index"))}
            self.git("read-tree", "--empty", env=env)
            self.git("update-index", "-z", "--index-info", env=env, stdin="".join(
                f"{mode} {object_id}\t{path}\0" for mode, object_id, path in entries))
            tree = self.git("write-tree", env=env).strip()
        if base is not None and self.git("rev-parse", f"{base}^{{tree}}").strip() == tree:
            if local != base:  # behind the remote's copy, which already has it
                self.git("update-ref", "-m", message, self.ref, base, local or ZERO)
            return None
        parents = ["-p", base] if base is not None else []
        commit = self.git("commit-tree", tree, *parents, "-m", message).strip()
        self.git("update-ref", "-m", message, self.ref, commit, local or ZERO)
        return commit

    def push(self) -> None:
        self.git("push", self.remote, f"{self.ref}:{self.ref}")


def _check_repository(repo: Path, branch: str, remote: str) -> PagesBranch:
    pages = PagesBranch(repo, branch, remote)
    try:
        inside = pages.git("rev-parse", "--is-inside-work-tree").strip() == "true"
    except PublishError:
        inside = False
    if not inside:
        raise PublishError(f"{repo} is not inside a git repository; run publish from the "
                           "project's repository (git init, or cd into it)")
    try:
        pages.git("check-ref-format", "--branch", branch)
    except PublishError:
        raise PublishError(f"--branch `{branch}` is not a valid branch name") from None
    if remote.startswith("-") or not remote:
        raise PublishError(f"--remote `{remote}` is not a remote name")
    try:
        current = pages.git("symbolic-ref", "-q", "HEAD").strip()
    except PublishError:
        current = ""  # a detached HEAD is on no branch
    if current == pages.ref:
        raise PublishError(f"the current branch is {branch}, the branch publish writes to; "
                           "switch to your project's branch first")
    return pages


def publish(repo: Path, site: Path, version: str, *, aliases: Sequence[str] = (),
            title: str | None = None, branch: str = "gh-pages", remote: str = "origin",
            default: str | None = None, push: bool = False) -> Published:
    """Commit the built ``site`` as ``version`` (and copies as each alias) on ``branch``."""
    site = site.resolve()  # git runs in the repository, not here
    for name, kind in ((version, "version"), *((alias, "alias") for alias in aliases)):
        problem = folder_problem(name, kind)
        if problem:
            raise PublishError(problem)
    if not site.is_dir():
        raise PublishError(f"no built site at {site}; build it first or give --site-dir")
    if not (site / "index.html").is_file():
        raise PublishError(f"{site} has no index.html: is it a built site? build it first")
    pages = _check_repository(repo, branch, remote)
    base, local = pages.tips()

    versions = read_versions(pages, base)
    versions = with_version(versions, version, title, aliases)
    [published] = [entry for entry in versions if entry.version == version]
    current = pages.read(base, REDIRECT_FILE)
    chosen = choose_default(versions, default, redirect_target(current) if current else None)

    # Everything the new version (and its aliases, old and new) occupies is replaced, the
    # rest of the branch (other versions, a CNAME) kept as it was.
    replaced = {version, *published.aliases}
    kept = [entry for entry in pages.entries(base)
            if entry[2].split("/", 1)[0] not in replaced
            and entry[2] not in (VERSIONS_FILE, REDIRECT_FILE, NO_JEKYLL)]
    files = list(site_files(site))
    objects = pages.store([file for _, file in files])
    built = [("100755" if os.access(file, os.X_OK) else "100644", object_id, path)
             for (path, file), object_id in zip(files, objects, strict=True)]
    entries = [*kept,
               *((mode, object_id, f"{folder}/{path}")
                 for folder in sorted(replaced) for mode, object_id, path in built),
               ("100644", pages.store_text(versions_json(versions)), VERSIONS_FILE),
               ("100644", pages.store_text(redirect_page(chosen)), REDIRECT_FILE),
               ("100644", pages.store_text(""), NO_JEKYLL)]
    listed = f" [{', '.join(published.aliases)}]" if published.aliases else ""
    commit = pages.commit(base, local, entries, f"Publish {version}{listed} (journeybook publish)")
    if push:
        pages.push()
    return Published(branch, commit, versions, chosen, push)


def read_versions(pages: PagesBranch, commit: str | None) -> list[Version]:
    text = pages.read(commit, VERSIONS_FILE)
    if text is None:
        return []
    where = f"{VERSIONS_FILE} on {pages.branch}"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PublishError(f"{where}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); "
                           "fix or delete it on that branch") from None
    versions = []
    for index, entry in enumerate(data if isinstance(data, list) else [None]):
        if not (isinstance(entry, dict) and isinstance(entry.get("version"), str)
                and isinstance(entry.get("aliases", []), list)):
            raise PublishError(f"{where}: entry {index + 1} is not a version "
                               '({"version": …, "title": …, "aliases": […]}); fix it on '
                               "that branch")
        versions.append(Version(entry["version"], str(entry.get("title", entry["version"])),
                                [str(alias) for alias in entry.get("aliases", [])],
                                entry.get("properties")))
    return versions


def versions_json(versions: Sequence[Version]) -> str:
    return json.dumps([entry.to_json() for entry in versions], indent=2,
                      ensure_ascii=False) + "\n"


@contextmanager
def built_site(config_file: Path, engine: str = "mkdocs") -> Iterator[Path]:
    """Build the project of ``config_file`` into a temporary folder with ``engine`` (as
    `journeybook build --engine` does) and yield it; the folder is gone afterwards. A build
    that fails (a warning under ``strict: true`` included) raises, so nothing is published."""
    if not config_file.is_file():
        raise PublishError(f"no {config_file} here; run publish in the project's folder, or "
                           "give --site-dir with an already built site")
    with tempfile.TemporaryDirectory(prefix="journeybook-site-") as work:
        out = Path(work, "site")
        try:
            status = engines.build(engine, config_file.resolve(), out)
        except engines.EngineError as exc:
            raise PublishError(str(exc)) from None
        if status != 0 or not out.is_dir():
            raise PublishError(f"the site did not build with {engine}, nothing was "
                               "published; fix what it says, or build the site yourself and "
                               "give --site-dir")
        yield out
