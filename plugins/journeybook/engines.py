"""`journeybook build` and `journeybook serve`: the same playbook on MkDocs, ProperDocs or Zensical.

MkDocs and ProperDocs run the plugin themselves: the command starts them (a process of this
Python, exactly as `mkdocs build` would) and lets them work. Zensical runs no third-party
plugins, so the command prepares a complete project for it in a work folder — the hand-written
pages, the pages, charts, assets and navigation `journeybook generate` writes, and a copy of
`mkdocs.yml` without what Zensical cannot load — and then runs `zensical build` (or `serve`,
regenerating the pages whenever a journey changes).

The plugin's safety boundary goes with the pages: Zensical renders Markdown with
Python-Markdown, and the project names :class:`GeneratedPages`, an extension that passes each
generated page's rendered HTML through the same allowlist (:func:`~journeybook.site.sanitize.
clean`) as the plugin does under MkDocs, before Zensical writes it or indexes it for search.
"""

from __future__ import annotations

import datetime
import html
import importlib.util
import json
import os
import posixpath
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from types import FrameType
from typing import Any
from xml.etree.ElementTree import Element

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from .errors import JourneybookError, Problem
from .files import write_atomic
from .generate import NAV_FILE, generate
from .playbook import Playbook, build_date
from .review.chart import release_charts
from .review.release import NONE, Release, Releases
from .site.paths import ASSETS
from .site.sanitize import anchor, clean, clean_text
from .source import read_glossary

ENGINES = ("mkdocs", "properdocs", "zensical")

#: The work folder of the Zensical project, under the plugin's `cache_dir`.
ZENSICAL_FOLDER = "zensical"
#: Plugins a Zensical project must not name: ours (Zensical cannot run it; its pages are
#: generated beforehand) and mike (versions are published without it, `journeybook publish`).
NOT_FOR_ZENSICAL = ("journeybook", "mike")
#: The first lines of the Zensical copy of mkdocs.yml.
HEADER = ("# Written by `journeybook build --engine zensical` from the project's mkdocs.yml, "
          "for Zensical;\n# edit mkdocs.yml instead: this copy is written again on every "
          "build.\n")
#: The generated pages of the Zensical project and the files "Edit this page" opens for them,
#: in the work folder (beside, not inside, the pages Zensical reads).
MANIFEST = "generated.json"
#: The Markdown extension that cleans the generated pages, as the Zensical config names it.
EXTENSION = "journeybook.engines:GeneratedPages"
#: How often `serve --engine zensical` looks for changed journeys and pages, in seconds.
POLL_SECONDS = 0.5


class EngineError(Exception):
    """A mistake the user can fix: the message says what to do."""


def missing(engine: str) -> str | None:
    """What to install when ``engine`` is not installed, else None."""
    if importlib.util.find_spec(engine) is not None:
        return None
    extra = f'pip install "journeybook[{engine}]"' if engine != "mkdocs" else "pip install mkdocs"
    return f"{engine} is not installed; install it with {extra}"


def build(engine: str, config_file: Path, site_dir: Path | None, strict: bool = False) -> int:
    """Build the site with ``engine``; returns the engine's exit status."""
    _require(engine)
    if engine == "zensical":
        return Zensical(config_file).build(site_dir, strict)
    command = ["build", "-f", str(config_file)] + (["-d", str(site_dir)] if site_dir else [])
    return _run(engine, command + (["--strict"] if strict else []))


def serve(engine: str, config_file: Path, dev_addr: str | None) -> int:
    """Serve the site with ``engine``, rebuilding it on changes, until interrupted."""
    _require(engine)
    address = ["-a", dev_addr] if dev_addr else []
    with _stopped_by_sigterm():
        if engine == "zensical":
            return Zensical(config_file).serve(address)
        process = subprocess.Popen(_command(engine, ["serve", "-f", str(config_file),
                                                     *address]))
        try:
            return process.wait()
        except KeyboardInterrupt:
            return 0
        finally:
            _stop(process)


def _require(engine: str) -> None:
    if engine not in ENGINES:
        raise EngineError(f"unknown engine `{engine}`; choose one of {', '.join(ENGINES)}")
    problem = missing(engine)
    if problem:
        raise EngineError(problem)


def _command(engine: str, arguments: list[str]) -> list[str]:
    # This Python: the engine finds the journeybook package (and Zensical imports
    # `journeybook.slug` for the heading ids), whatever is first on PATH.
    return [sys.executable, "-m", engine, *arguments]


def _run(engine: str, arguments: list[str], cwd: Path | None = None) -> int:
    return subprocess.run(_command(engine, arguments), cwd=cwd, check=False).returncode


@contextmanager
def _stopped_by_sigterm() -> Iterator[None]:
    """`kill` stops a serving command as Ctrl-C does, so the engine it started stops too
    (Ctrl-C reaches both; a signal sent to this process alone would leave the engine)."""
    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- Zensical ---------------------------------------------------------------------------


@dataclass
class _Options:
    """The journeybook plugin's options in mkdocs.yml, as the plugin reads them."""

    journeys_dir: str = "journeys"
    language: str | None = None
    nav: bool = True
    cache_dir: str = ".cache/journeybook"
    glossary: str | None = None
    group_journeys: bool | None = None
    changes_since: str = "auto"
    changes_tag_pattern: str = "v*"
    build_date: str | datetime.date | None = None
    stale_after: int = 180
    cms: bool = False
    cms_branch: str = "main"
    cms_base_url: str | None = None
    cms_local_backend: bool = False


class Zensical:
    """A Zensical project made from a MkDocs project that uses the journeybook plugin."""

    def __init__(self, config_file: Path) -> None:
        self.config_file = config_file
        self.root = config_file.resolve().parent
        self.releases = Releases()
        self._load()

    def _load(self) -> None:
        """Read mkdocs.yml (again, when serving: it may have changed)."""
        self.config = _read_config(self.config_file)
        self.options = _plugin_options(self.config, str(self.config_file))
        self.work = self.root / self.options.cache_dir / ZENSICAL_FOLDER
        self.docs = self.work / "docs"
        self.manifest = self.work / MANIFEST

    @property
    def journeys_dir(self) -> Path:
        # Not resolved, like the plugin: a journeys folder linking out of the project is named
        # by the link, and nothing there is read.
        return Path(os.path.abspath(self.root / self.options.journeys_dir))

    @property
    def docs_dir(self) -> Path:
        return (self.root / str(self.config.get("docs_dir", "docs"))).resolve()

    def build(self, site_dir: Path | None, strict: bool) -> int:
        target = (site_dir.resolve() if site_dir else
                  (self.root / str(self.config.get("site_dir", "site"))).resolve())
        self._check_target(target)
        with _one_at_a_time(self.work):
            return self._build(target, strict)

    def _build(self, target: Path, strict: bool) -> int:
        self.prepare()
        built = self.work / "site"
        # Zensical adds to the folder it builds into: start empty, so nothing a build before
        # this one left (a page since removed, a crashed build's half) is published.
        shutil.rmtree(built, ignore_errors=True)
        # `strict: true` in mkdocs.yml means what it does for MkDocs: warnings fail the build.
        strict = strict or self.config.get("strict") is True
        status = _run("zensical", ["build", "-f", str(self.work / "mkdocs.yml")]
                      + (["--strict"] if strict else []), cwd=self.work)
        if status != 0:
            return status
        self.finish(built, built.rglob("*.html"))
        # Zensical writes only inside its project: the site is moved where it was asked for.
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(built), str(target))
        return 0

    def serve(self, address: list[str]) -> int:
        self.prepare()
        process = subprocess.Popen(_command("zensical", ["serve", "-f", "mkdocs.yml", *address]),
                                   cwd=self.work)
        watched = self._snapshot()
        # Zensical serves the pages it writes under site/ as they are on disk: each one it
        # writes again is finished as `build` finishes it.
        finished: dict[Path, tuple[int, int]] = {}
        try:
            while process.poll() is None:
                time.sleep(POLL_SECONDS)
                self._finish_written(finished)
                now = self._snapshot()
                if now == watched:
                    continue
                watched = now
                try:
                    self._load()
                    self.prepare()
                    print("journeybook: pages regenerated", file=sys.stderr)
                except (EngineError, JourneybookError) as exc:
                    # The last good pages stay served; the mistake is shown, as MkDocs does.
                    problems = exc.problems if isinstance(exc, JourneybookError) else [exc]
                    for problem in problems:
                        print(f"error: {problem}", file=sys.stderr)
        except KeyboardInterrupt:
            pass
        finally:
            _stop(process)
        return 0

    def _finish_written(self, finished: dict[Path, tuple[int, int]]) -> None:
        """Finish the pages Zensical wrote since the last look; remember them as finished."""
        written = []
        # os.walk, not rglob: a folder Zensical removes during the walk is passed over.
        pages = (Path(folder) / name for folder, _, names in os.walk(self.work / "site")
                 for name in names if name.endswith(".html"))
        for page in pages:
            try:
                stat = page.stat()
            except FileNotFoundError:  # Zensical is replacing it
                continue
            if finished.get(page) != (stat.st_mtime_ns, stat.st_size):
                written.append(page)
        self.finish(self.work / "site", written, serving=True)
        for page in written:
            if page.is_file():
                stat = page.stat()
                finished[page] = (stat.st_mtime_ns, stat.st_size)

    def finish(self, site: Path, pages: Iterator[Path] | list[Path], *,
               serving: bool = False) -> None:
        """What the plugin does to a page after the theme, on the pages Zensical wrote:
        `<title>` as text, and "Edit this page" leading to a generated page's YAML.

        While ``serving``, Zensical may empty the site folder at any moment to build it again,
        and stops if a folder fills up while it does: a page is then rewritten in place and
        never created, so no file of ours (an atomic write's temporary file) lands there."""
        edits = self._edit_paths(site)
        for page in pages:
            try:
                text = page.read_text("utf-8")
            except FileNotFoundError:  # removed by Zensical meanwhile (serving)
                continue
            done = _escape_title(text)
            path = page.relative_to(site).as_posix()
            if path in edits:
                done = _edit_link(done, *edits[path])
            if done == text:
                continue
            if not serving:
                write_atomic(page, done)
                continue
            try:
                _rewrite_in_place(page, done)
            except FileNotFoundError:  # removed by Zensical meanwhile: the page it writes
                continue               # next is finished on the next look

    def _edit_paths(self, site: Path) -> dict[str, tuple[str, str | None]]:
        """Each generated page's HTML file in ``site``: the page's path and the file "Edit this
        page" opens, relative to the docs folder (None: no such link)."""
        directory_urls = self.config.get("use_directory_urls", True) is not False
        return {_html_path(path, directory_urls): (path, source)
                for path, source in _read_manifest(self.manifest).items()}

    def _snapshot(self) -> frozenset[tuple[str, int, int]]:
        """The watched files (journeys, hand-written pages, glossary, mkdocs.yml) and their
        modification times and sizes."""
        found: set[tuple[str, int, int]] = set()
        for folder in (self.journeys_dir, self.docs_dir, *self._snippet_folders()):
            for path in _files_in(folder):
                stat = path.stat()
                found.add((str(path), stat.st_mtime_ns, stat.st_size))
        stat = self.config_file.stat()
        found.add((str(self.config_file), stat.st_mtime_ns, stat.st_size))
        return frozenset(found)

    def _check_target(self, target: Path) -> None:
        """The site folder is emptied: never the project or the folders its site is made of."""
        sources = (self.docs_dir, self.journeys_dir, self.work)
        for folder in (self.root, *sources):
            if folder.is_relative_to(target) or (
                    folder in sources and target.is_relative_to(folder)):
                raise EngineError(f"the site folder {target} would replace or sit inside "
                                  f"{folder}; choose another folder with -d")

    def prepare(self) -> None:
        """Write the Zensical project: pages, charts, assets, navigation and config."""
        generated, sources = self._generate()
        wanted = dict(_read_tree(self.docs_dir))
        # Generated pages win over hand-written files of the same name, as in the plugin
        # (which refuses them: so does `journeybook build --engine mkdocs`).
        wanted.update(_read_tree(generated))
        wanted.pop(NAV_FILE, None)
        wanted.update(self._admin())
        nav = YAML(typ="safe").load((generated / NAV_FILE).read_text("utf-8"))
        shutil.rmtree(generated)
        _sync(self.docs, wanted)
        # Read by the Markdown extension (which pages to clean) and by `finish`.
        manifest = json.dumps({path: os.path.relpath(source, self.docs_dir) if source else None
                               for path, source in sorted(sources.items())}, indent=1)
        if not self.manifest.exists() or self.manifest.read_text("utf-8") != manifest:
            write_atomic(self.manifest, manifest)
        config = self._zensical_config(nav)
        text = _dump(config)
        path = self.work / "mkdocs.yml"
        if not path.exists() or path.read_text("utf-8") != text:
            path.write_text(text, "utf-8")

    def _admin(self) -> dict[str, bytes]:
        """The form editor at admin/ (the plugin's `cms` option) as static files, the Decap CMS
        bundle this package ships included; without it, the same warning as the plugin's."""
        from .authoring.cms import CMS_LOCAL, admin_files, cms_config, repository_of
        from .authoring.cms_bundle import bundle_files, missing_bundle

        options = self.options
        if not options.cms:
            return {}
        repo_url = self.config.get("repo_url")
        playbook = Playbook.load(self.journeys_dir, self.root)
        cms = cms_config(
            options.language or _theme_language(self.config) or "en",
            repository_of(repo_url if isinstance(repo_url, str) else None), options.cms_branch,
            os.path.relpath(self.journeys_dir, self.root).replace(os.sep, "/"),
            local_backend=options.cms_local_backend or bool(os.environ.get(CMS_LOCAL)),
            journeys=playbook.journeys,
            docs_dir=os.path.relpath(self.docs_dir, self.root).replace(os.sep, "/"),
            base_url=options.cms_base_url)
        title = self.config.get("site_name")
        files = dict(admin_files(cms, title if isinstance(title, str) else ""))
        bundle = bundle_files()
        if bundle is None:
            print(f"warning: {missing_bundle()}", file=sys.stderr)
        files.update({path: installed.read_bytes() for path, installed in (bundle or {}).items()})
        return files

    def _generate(self) -> tuple[Path, dict[str, Path | None]]:
        options = self.options
        playbook = Playbook.load(self.journeys_dir, self.root)
        glossary = None
        if options.glossary:
            glossary = read_glossary(self.root / options.glossary, options.glossary, self.root)
        try:
            today = build_date(options.build_date)
        except ValueError:
            raise EngineError(f"{self.config_file}: journeybook build_date "
                              f"`{options.build_date}` is not a date; write it as YYYY-MM-DD"
                              ) from None
        release, charts = self._release(playbook)
        language = options.language or _theme_language(self.config)
        self.work.mkdir(parents=True, exist_ok=True)
        out = Path(tempfile.mkdtemp(prefix="generated-", dir=self.work))
        sources: dict[str, Path | None] = {}
        generate(playbook, out, language, self.root / options.cache_dir, today=today,
                 glossary=glossary, stale_after=options.stale_after,
                 group=options.group_journeys, release=release, release_charts=charts,
                 warn=lambda message: print(f"warning: {message}", file=sys.stderr),
                 sources=sources)
        return out, sources

    def _release(self, playbook: Playbook) -> tuple[Release | None, dict[str, bytes]]:
        """The changes since the previous release, as the plugin shows them on `changes/`."""
        since = self.options.changes_since.strip()
        if since.lower() == NONE:
            return None, {}
        release = self.releases.changes_since(self.root, self.journeys_dir, playbook.journeys,
                                              since, self.options.changes_tag_pattern)
        language = self.options.language or _theme_language(self.config)
        return release, release_charts(release, language)

    def _snippet_folders(self) -> list[Path]:
        settings = _extension_settings(self.config, "pymdownx.snippets")
        paths = settings.get("base_path", ["."]) if settings else []
        return [(self.root / str(p)).resolve() for p in (
            [paths] if isinstance(paths, str) else paths)]

    def _zensical_config(self, nav: dict[str, Any]) -> CommentedMap:
        config = self.config
        config["docs_dir"] = "docs"
        config["site_dir"] = "site"
        plugins = config.get("plugins")
        if isinstance(plugins, list):
            config["plugins"] = [p for p in plugins if _plugin_name(p) not in NOT_FOR_ZENSICAL]
        elif isinstance(plugins, dict):
            for name in NOT_FOR_ZENSICAL:
                plugins.pop(name, None)
        if self.options.nav:
            own = config.get("nav")
            if own is None:
                own = _pages_nav(self.docs_dir)
            config["nav"] = [*own, *_escaped(nav["nav"])]
        hidden = "\n".join(filter(None, [str(config.get("not_in_nav") or "").strip(),
                                          nav["not_in_nav"]]))
        if hidden:
            config["not_in_nav"] = LiteralScalarString(hidden + "\n")
        for asset in ASSETS:
            key = "extra_css" if asset.endswith(".css") else "extra_javascript"
            extra = config.setdefault(key, CommentedSeq())
            if asset not in extra:
                extra.append(asset)
        self._add_markdown_extensions(config)
        self._edit_uri(config)
        # Paths in mkdocs.yml are relative to its folder; the copy lives elsewhere.
        if "INHERIT" in config:
            config["INHERIT"] = str(self.root / str(config["INHERIT"]))
        if isinstance(config.get("watch"), list):
            config["watch"] = [str(self.root / str(path)) for path in config["watch"]]
        snippets = _extension_settings(config, "pymdownx.snippets")
        if snippets is not None:
            snippets["base_path"] = [str(path) for path in self._snippet_folders()]
        return config

    def _add_markdown_extensions(self, config: CommentedMap) -> None:
        """The extensions the generated pages are written for, as the plugin adds them."""
        from .plugin import REQUIRED_EXTENSIONS

        extensions = config.setdefault("markdown_extensions", CommentedSeq())
        if isinstance(extensions, dict):
            for name in REQUIRED_EXTENSIONS:
                extensions.setdefault(name, None)
            extensions[EXTENSION] = {"manifest": str(self.manifest)}
            return
        named = {_plugin_name(item) for item in extensions}
        extensions.extend(name for name in REQUIRED_EXTENSIONS if name not in named)
        extensions.append({EXTENSION: {"manifest": str(self.manifest)}})

    def _edit_uri(self, config: CommentedMap) -> None:
        """MkDocs' default `edit_uri` (the docs folder on the default branch), which Zensical
        would otherwise take as `docs` relative to the work folder."""
        host = urllib.parse.urlparse(str(config.get("repo_url") or "")).hostname or ""
        prefix = {"github.com": "edit/master", "gitlab.com": "edit/master",
                  "bitbucket.org": "src/default"}.get(host)
        if prefix and "edit_uri" not in config and "edit_uri_template" not in config:
            docs = os.path.relpath(self.docs_dir, self.root.resolve())
            config["edit_uri"] = f"{prefix}/{Path(docs).as_posix()}/"


def _read_config(config_file: Path) -> CommentedMap:
    """mkdocs.yml as data, tags such as `!!python/name:` kept as written (never constructed):
    the copy for Zensical carries them unchanged."""
    try:
        text = config_file.read_text("utf-8")
    except OSError as exc:
        raise EngineError(f"cannot read {config_file}: {exc.strerror or exc}; give the "
                          "project's config with -f") from None
    try:
        data = _yaml().load(text)
    except Exception as exc:  # ruamel's errors carry the line; the file is the user's
        mark = getattr(exc, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise JourneybookError([Problem(str(config_file), line, column, "",
                                        f"not valid YAML: {getattr(exc, 'problem', exc)}")]
                               ) from None
    if not isinstance(data, CommentedMap):
        raise JourneybookError([Problem(str(config_file), 1, 1, "",
                                        "expected the settings of a MkDocs site")])
    return data


def site_language(config_file: Path) -> str | None:
    """The language a playbook speaks, as the plugin chooses it: its `language` option, else
    the theme's when there is a locale file for it; None for English. Read without building
    anything (mkdocs.yml holds `!!python/name:` tags). A mkdocs.yml that cannot be read says
    nothing about the language: its own problems are the build's to report, and `check`
    must still report the journeys'."""
    try:
        config = _read_config(config_file)
        options = _plugin_options(config, str(config_file))
    except (EngineError, JourneybookError):
        return None
    return options.language or _theme_language(config)


def _yaml() -> YAML:
    yaml = YAML()  # round trip: comments, order and tags kept, no object constructed
    yaml.allow_unicode = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _dump(config: CommentedMap) -> str:
    from io import StringIO

    stream = StringIO()
    _yaml().dump(config, stream)
    return HEADER + stream.getvalue()


def _plugin_name(entry: Any) -> str | None:
    if isinstance(entry, str):
        return entry
    if isinstance(entry, dict) and len(entry) == 1:
        return str(next(iter(entry)))
    return None


def _plugin_options(config: CommentedMap, file: str) -> _Options:
    """The journeybook plugin's options, checked by the plugin's own config class."""
    from .config import JourneybookConfig

    plugins = config.get("plugins")
    raw: Any = None
    if isinstance(plugins, dict):
        raw = plugins.get("journeybook")
    elif isinstance(plugins, list):
        for entry in plugins:
            if _plugin_name(entry) == "journeybook":
                raw = entry["journeybook"] if isinstance(entry, dict) else None
    checked = JourneybookConfig()
    checked.load_dict(dict(raw or {}))
    errors, _warnings = checked.validate()
    if errors:
        line = getattr(getattr(plugins, "lc", None), "line", 0) + 1
        raise JourneybookError([Problem(file, line, 1, f"plugins.journeybook.{name}", str(error))
                                for name, error in errors])
    names = _Options.__dataclass_fields__
    return _Options(**{name: checked[name] for name in names})


def _theme_language(config: CommentedMap) -> str | None:
    from .i18n import is_available

    theme = config.get("theme")
    language = theme.get("language") if isinstance(theme, dict) else None
    return language if isinstance(language, str) and is_available(language) else None


def _extension_settings(config: CommentedMap, name: str) -> Any:
    extensions = config.get("markdown_extensions")
    if isinstance(extensions, dict):
        return extensions.get(name)
    for entry in extensions or []:
        if isinstance(entry, dict) and name in entry:
            if entry[name] is None:
                entry[name] = CommentedMap()
            return entry[name]
    return None


def _escaped(nav: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The generated navigation with its titles as HTML: Zensical prints a nav title as
    markup (as MkDocs does, whose titles come from rendered headings), and a journey's or
    stage's name is the author's text, never markup."""
    return [{_nav_title(title): _escaped(target) if isinstance(target, list) else target
             for title, target in item.items()} for item in nav]


def _nav_title(title: str) -> str:
    # Zensical also writes the title into <title> through `striptags`, which decodes
    # entities: an escaped "</title>" would come out live there. Angle brackets become the
    # look-alike quotes, which no decoding turns into markup.
    return html.escape(title.replace("<", "\u2039").replace(">", "\u203a"), quote=False)


def _escape_title(text: str) -> str:
    """`<title>` as text in a page Zensical wrote: a page outside the navigation takes its
    heading, decoded by `striptags`, so an evaluation note titled "</title><script>…" would
    otherwise run in the browser (the plugin does the same for MkDocs)."""
    head = text.find("</head>")
    start = text.find("<title>", 0, head)
    end = text.rfind("</title>", 0, head)
    if start < 0 or end <= start:
        return text
    title = text[start + len("<title>"):end]
    if "<" not in title:
        return text
    return text[:start + len("<title>")] + html.escape(title, quote=False) + text[end:]


def _html_path(page: str, directory_urls: bool) -> str:
    """Where Zensical writes the page ``page`` (a Markdown path in the docs folder)."""
    stem = page.removesuffix(".md")
    if not directory_urls:
        return f"{stem}.html"
    if stem == "index" or stem.endswith("/index"):
        return f"{stem}.html"
    return f"{stem}/index.html"


@lru_cache(maxsize=4)
def _manifest(path: str, _mtime_ns: int, _size: int) -> dict[str, str | None]:
    data: dict[str, str | None] = json.loads(Path(path).read_text("utf-8"))
    return data


def _read_manifest(path: Path) -> dict[str, str | None]:
    """The generated pages and their sources, read once per version of the file (Zensical
    renders every page with a new Markdown instance)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {}
    return _manifest(str(path), stat.st_mtime_ns, stat.st_size)


class _Links(HTMLParser):
    """The links of a page, with where each `<a …>…</a>` starts and ends in the text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self._lines = [0]
        for line in text.splitlines(keepends=True):
            self._lines.append(self._lines[-1] + len(line))
        self._open: tuple[int, dict[str, str]] | None = None
        self._tag_end = 0
        self.links: list[tuple[int, int, int, dict[str, str]]] = []
        self.feed(text)
        self.close()

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._open = (self._offset(), {name: value or "" for name, value in attrs})
            self._tag_end = self._offset() + len(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open is not None:
            start, attributes = self._open
            self.links.append((start, self._tag_end, self._offset() + len("</a>"), attributes))
            self._open = None


def _edit_link(text: str, page: str, source: str | None) -> str:
    """The theme's "Edit this page" (and "View source") links of a generated page, which
    Zensical makes from the page's path in the work folder, lead to ``source`` instead (a path
    relative to the docs folder, as the plugin sets `edit_uri`), or go when it is None."""
    links = _Links(text).links
    edit = next((attributes["href"] for _, _, _, attributes in links
                 if attributes.get("rel") == "edit" and "href" in attributes), None)
    if edit is None or not edit.endswith(page):
        return text
    new = _normalised(edit[:-len(page)] + source) if source else None
    # The same link as the theme's templates turn it into a "view" or "blob" link.
    variants = {edit: new}
    for made in (_view_url, lambda url: url.replace("edit", "blob")):
        variants.setdefault(made(edit), made(new) if new else None)
    for start, tag_end, end, attributes in reversed(links):
        if attributes.get("href") not in variants:
            continue
        target = variants[attributes["href"]]
        if target is None:
            text = text[:start] + text[end:]
            continue
        tag = "<a" + "".join(f' {name}="{html.escape(value)}"' for name, value in (
            {**attributes, "href": target}).items()) + ">"
        text = text[:start] + tag + text[tag_end:]
    return text


def _view_url(url: str) -> str:
    # As Material's `content.action.view` button makes it from the edit link.
    return url.replace("/blob/", "/raw/") if "/blob/" in url else url.replace("/edit/", "/raw/")


def _normalised(url: str) -> str:
    """``url`` with `..` resolved, as a browser resolves it (the plugin's links carry it)."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=posixpath.normpath(parts.path)))


# --- the Markdown extension Zensical runs ----------------------------------------------


class GeneratedPages(Extension):
    """Python-Markdown extension for the Zensical project: a generated page's HTML (and its
    table of contents) cleaned with the plugin's allowlist, and its title, when it has none
    from the navigation, made text; hand-written pages are the site owner's and stay as
    written, as under MkDocs."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {"manifest": ["", "the generated pages, as `journeybook build` lists them"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        manifest = Path(str(self.getConfig("manifest")))
        # After `toc` (5), which collects the headings; before the element tree becomes text.
        md.treeprocessors.register(_CleanContents(md, manifest), "journeybook_contents", 4)
        # Last: whatever every other extension made of the page.
        md.postprocessors.register(_CleanHtml(md, manifest), "journeybook_clean", -1000)


def _is_generated(md: Markdown, manifest: Path) -> Any:
    """Zensical's page being rendered when it is a generated one, else None."""
    from zensical.extensions.context import ContextPreprocessor

    context = ContextPreprocessor.from_markdown(md)
    if context is None or context.page.path not in _read_manifest(manifest):
        return None
    return context.page


class _CleanContents(Treeprocessor):
    def __init__(self, md: Markdown, manifest: Path) -> None:
        super().__init__(md)
        self.manifest = manifest

    def run(self, root: Element) -> None:
        page = _is_generated(self.md, self.manifest)
        if page is None:
            return
        # The theme prints the table of contents from these, as MkDocs does from `page.toc`.
        _clean_toc(getattr(self.md, "toc_tokens", []))
        # Without a navigation title, Zensical takes the page's heading and the theme prints
        # it through `striptags`, which decodes entities: the text, with look-alike quotes for
        # angle brackets, as in the navigation (`build` also escapes <title> afterwards).
        if page.title_override is None and page.title:
            page.title = _nav_title(Markup(page.title).striptags())


def _clean_toc(items: list[dict[str, Any]]) -> None:
    for item in items:
        item["name"] = clean_text(item["name"])
        item["html"] = clean(item["html"])
        item["data-toc-label"] = clean_text(item.get("data-toc-label") or "")
        item["id"] = anchor(item["id"])
        _clean_toc(item["children"])


class _CleanHtml(Postprocessor):
    def __init__(self, md: Markdown, manifest: Path) -> None:
        super().__init__(md)
        self.manifest = manifest

    def run(self, text: str) -> str:
        return clean(text) if _is_generated(self.md, self.manifest) is not None else text


def _pages_nav(docs: Path) -> list[Any]:
    """The hand-written pages in MkDocs' order (index first, then by name), for a mkdocs.yml
    without `nav:`: Zensical builds no navigation around an explicit one."""
    def walk(folder: Path) -> list[Any]:
        items: list[Any] = []
        children = sorted(folder.iterdir(), key=lambda p: (p.stem != "index", p.name))
        for child in children:
            if child.is_file() and child.suffix == ".md":
                items.append(child.relative_to(docs).as_posix())
            elif child.is_dir() and (inner := walk(child)):
                items.append({child.name.replace("-", " ").capitalize(): inner})
        return items
    return walk(docs) if docs.is_dir() else []


def _files_in(folder: Path) -> Iterator[Path]:
    if folder.is_file():
        yield folder
        return
    for directory, _folders, files in os.walk(folder):
        for name in files:
            yield Path(directory) / name


@contextmanager
def _one_at_a_time(work: Path) -> Iterator[None]:
    """Hold the work folder for one build: two builds of one project at once (two terminals,
    a CI job and an editor) would write the same project and site under each other. The
    second waits, and says so."""
    work.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks here; builds are not serialised
        yield
        return
    with open(work.parent / f"{work.name}.lock", "a+b") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for another Zensical build of this project ({work})",
                  file=sys.stderr)
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _read_tree(folder: Path) -> Iterator[tuple[str, bytes]]:
    for path in _files_in(folder):
        yield path.relative_to(folder).as_posix(), path.read_bytes()


def _sync(folder: Path, wanted: dict[str, bytes]) -> None:
    """Make ``folder`` hold exactly ``wanted``, writing only what changed: Zensical (serving)
    then rebuilds just the pages an edit touched."""
    for path in list(_files_in(folder)) if folder.is_dir() else []:
        if path.relative_to(folder).as_posix() not in wanted:
            path.unlink()
    for name, data in wanted.items():
        path = folder / name
        if path.is_file() and path.read_bytes() == data:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for directory, _folders, _files in os.walk(folder, topdown=False):
        if directory != str(folder) and not os.listdir(directory):
            os.rmdir(directory)


def _rewrite_in_place(page: Path, text: str) -> None:
    """Write ``text`` over an existing file without ever creating one (FileNotFoundError when
    it is gone)."""
    descriptor = os.open(page, os.O_WRONLY | os.O_TRUNC)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
