"""The MkDocs adapter: hands the core's pages to MkDocs and merges its navigation.

Everything about journeys lives in the core (``source`` → ``model`` → ``playbook`` →
``pages``); this module only translates between it and MkDocs.
"""

from __future__ import annotations

import datetime
import gc
import html
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, cast

from jinja2 import BytecodeCache, Environment
from jinja2.bccache import Bucket
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure import StructureItem
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils import get_relative_url
from mkdocs.utils.templates import TemplateContext

from .authoring.cms import CMS_LOCAL, admin_files, cms_config, entry_path, repository_of
from .authoring.cms_bundle import bundle_files, missing_bundle
from .cache import Cache, JourneyCache, Recent
from .config import JourneybookConfig
from .errors import JourneybookError, Problem
from .i18n import LanguageError, is_available, labels
from .playbook import Playbook, build_date
from .rebuild import FinishedPages, GeneratedPage, RenderedPages, ServedSite, markdown_settings
from .review.chart import release_charts
from .review.release import NONE, Release, Releases
from .site import Site, build
from .site.charts import Drawing, worker_pool
from .site.pages import Memo, NavItem
from .site.paths import ASSETS
from .site.sanitize import anchor, clean, clean_text
from .site.search import fold_search
from .site.speedups import LinearMarkdown, linear_search_index, memoized_search_index
from .source import read_glossary

log = get_plugin_logger(__name__)

#: Allocations between two collections of young objects while serving (Python's default: 700).
SERVE_GC_THRESHOLD = 50_000

#: Above this many generated pages, Material's `navigation.prune` is turned on (unless set).
PRUNE_ABOVE = 300

#: Markdown extensions the generated pages are written for.
REQUIRED_EXTENSIONS = (
    "admonition",
    "attr_list",
    "tables",
    "toc",
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.tasklist",
)


# mkdocs leaves `__init_subclass__` (which checks `config_class`) unannotated.
class JourneybookPlugin(BasePlugin[JourneybookConfig]):  # type: ignore[no-untyped-call]
    """Generate the playbook's pages from ``journeys/*/journey.yaml``."""

    def __init__(self) -> None:
        self.site: Site | None = None
        self._nav: Navigation | None = None
        self._cache: Cache | None = None
        self._told_prune = False
        self._warned = False
        self._drawing: Drawing | None = None
        self._pool: ProcessPoolExecutor | None = None
        self._charts: list[_DrawnChart] = []
        self._templates = _CompiledTemplates()
        #: The folder of mkdocs.yml: plugin paths are relative to it.
        self.root = Path.cwd()
        self.journeys_dir = Path("journeys")
        #: The language of the labels, once known to have a locale file; None for English.
        self.language: str | None = None
        # Kept from build to build while `mkdocs serve` runs (MkDocs keeps a plugin that has
        # `on_startup`): what an edit did not change is not made again.
        self.serving = False
        self.journey_pages = Memo()
        self.rendered = RenderedPages()
        self.finished = FinishedPages()
        self.served = ServedSite()
        self.releases = Releases()
        self.release_charts: Recent[bytes] = Recent()
        #: Generated page → where its form opens in the editor (option `edit_in_cms`).
        self._cms_entries: dict[str, str] = {}

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"
        if self.serving:
            # What serve keeps between rebuilds (journeys, rendered pages, search entries) is a
            # large, long-lived heap; Python's default collector walks it every few thousand
            # allocations, a third of a rebuild at 200 journeys. Collect young objects less
            # often (the process is a developer's preview, its memory is not at stake).
            gc.set_threshold(SERVE_GC_THRESHOLD, *gc.get_threshold()[1:])

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig,
                 builder: Callable[..., Any]) -> LiveReloadServer | None:
        return self.served.serve_from(server)

    def on_shutdown(self) -> None:
        self.served.stop()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return config
        self.root = Path(config.config_file_path or ".").resolve().parent
        if self.serving and self.config.serve_from_memory:
            first = self.served.folder is None
            folder = self.served.start()
            if folder is not None:
                if first:
                    log.info("The site is served from memory (%s): rebuilds rewrite its "
                             "files in milliseconds", folder)
                config.site_dir = folder
        theme_language = config.theme.get("language")
        # An unknown language named here is a mistake; the theme's (Material knows ~60) just
        # leaves the labels in English.
        self.language = self.config.language or (
            theme_language if is_available(theme_language) else None)
        try:
            labels(self.language)
        except LanguageError as exc:
            raise PluginError(f"journeybook: {exc}") from None
        # Not resolved: a journeys folder that links outside the project is reported by the
        # link's own name (where it points may be private), and nothing there is read.
        self.journeys_dir = Path(os.path.abspath(self.root / self.config.journeys_dir))
        # `mkdocs serve` rebuilds when a journey changes (a missing folder is reported by the
        # build, not by the file watcher).
        if self.journeys_dir.is_dir():
            config.watch.append(str(self.journeys_dir))
        for extension in REQUIRED_EXTENSIONS:
            if extension not in config.markdown_extensions:
                config.markdown_extensions.append(extension)
        # Evaluation notes can be very long: keep Markdown and the search index linear.
        # mkdocs annotates the list as names, yet hands it to Python-Markdown, which takes
        # Extension objects too (mkdocs validated the names before on_config).
        config.markdown_extensions.append(LinearMarkdown())  # type: ignore[arg-type]
        # Records where generated pages link, so a kept rendering is reused only while its
        # links lead where they did.
        config.markdown_extensions.append(self.rendered.links)  # type: ignore[arg-type]
        linear_search_index()
        memoized_search_index()
        # The checklist script and the print stylesheet, on every page.
        for path in ASSETS:
            extra = config.extra_css if path.endswith(".css") else config.extra_javascript
            if path not in extra:
                extra.append(path)
        return config

    def _sources(self, journeys: JourneyCache,
                 config: MkDocsConfig) -> tuple[Playbook, list[tuple[str, str]] | None]:
        """The playbook and the glossary, or a PluginError with every problem of both in the
        playbook's language: both are read before anything is reported, so one build shows
        everything to fix. Warnings are logged as info: a prose list in `[ ]` is worth
        fixing, not worth failing a strict build over."""
        problems: list[Problem] = []
        warnings: list[Problem] = []
        try:
            playbook: Playbook | None = Playbook.load(self.journeys_dir, self.root, journeys)
        except JourneybookError as exc:
            playbook, problems, warnings = None, exc.problems, exc.warnings
        glossary = None
        if self.config.glossary:
            glossary_path = self.root / self.config.glossary
            try:
                glossary = read_glossary(glossary_path, self.config.glossary, self.root)
            except JourneybookError as exc:
                problems += exc.problems
            config.watch.append(str(glossary_path))
        if playbook is None or problems:
            report = JourneybookError(problems, warnings).report(self.language)
            raise PluginError(f"journeybook: invalid journeys\n{report}") from None
        for warning in playbook.warnings:
            log.info("%s", warning.render(self.language))
        return playbook, glossary

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return files
        folder = (self.root / self.config.cache_dir).resolve()
        if not self.serving:
            # Kept in memory only while serving: a build reads what it may reuse from disk.
            self._cache = None
            self.journey_pages = Memo()
            self.rendered.forget()
            self._told_prune = False
        if self._cache is None or self._cache.directory != folder:
            self._cache = Cache(folder)
        cache = self._cache
        cache.next_build()
        self._warned = False
        playbook, glossary = self._sources(cache.journeys, config)
        self.journey_pages.next_build()
        if self.serving and self._pool is None:
            # Kept while serving: an edit's few charts are drawn at once, beside the pages.
            self._pool = worker_pool(self.config.max_workers or os.cpu_count() or 1)
        release, release_charts = self._release(playbook)
        built = build(playbook, self.language, self._build_date(), glossary, cache.charts,
                      self.config.max_workers or None, memo=self.journey_pages,
                      group=self.config.group_journeys,
                      pool=self._pool if self.serving else None,
                      stale_after=self._stale_after(),
                      release=release, release_charts=release_charts)
        self.site = built.site
        self.rendered.next_build(cache.pages, markdown_settings(config))
        cache.pages.prune()
        self._prune_navigation(config, len(self.site.pages))
        docs_dir = Path(config.docs_dir).resolve()
        for page in self.site.pages.values():
            existing = files.src_uris.get(page.path)
            if existing is not None and existing.generated_by is None:
                raise PluginError(
                    f"journeybook: {Path(config.docs_dir).name}/{page.path} is a generated page; "
                    "rename or remove the hand-written file with that name"
                )
            # NOT_IN_NAV: MkDocs neither places these pages nor warns that they are missing
            # from an explicit `nav`; on_nav places them.
            file = File.generated(config, page.path, content=page.content,
                                  inclusion=InclusionLevel.NOT_IN_NAV)
            # "Edit this page" opens the journey's YAML. MkDocs joins this to `edit_uri`,
            # which points at the docs folder in the repository, hence the relative path.
            file.edit_uri = (
                Path(os.path.relpath(page.source, docs_dir)).as_posix() if page.source else None
            )
            GeneratedPage(file, config, self.rendered, page.chunks)
            files.append(file)
        for path, data in self.site.assets.items():
            files.append(File.generated(config, path, content=data))
        self._add_cms(files, config, playbook)
        # The charts are drawn while MkDocs renders the pages, and written at the end.
        self._drawing = built.drawing
        self._charts = [cast(_DrawnChart, _DrawnChart.generated(config, path, content=b""))
                        for path in built.drawing.files()]
        for chart in self._charts:
            chart.drawing = built.drawing
            files.append(chart)
        self._warn_about_cache()
        log.info("Generated %d pages from %d journeys; charts: %d drawn, %d from cache",
                 len(self.site.pages), len(playbook.journeys), built.stats.rendered,
                 built.stats.cached)
        return files

    def _add_cms(self, files: Files, config: MkDocsConfig, playbook: Playbook) -> None:
        """The form editor at admin/ (option `cms`), and where each page's form opens."""
        self._cms_entries = {}
        if not self.config.cms:
            return
        cms = cms_config(
            self.language or "en", repository_of(config.repo_url), self.config.cms_branch,
            Path(os.path.relpath(self.journeys_dir, self.root)).as_posix(),
            local_backend=self.config.cms_local_backend or bool(os.environ.get(CMS_LOCAL)),
            journeys=playbook.journeys,
            docs_dir=Path(os.path.relpath(Path(config.docs_dir).resolve(), self.root)).as_posix(),
            base_url=self.config.cms_base_url)
        for path, data in admin_files(cms, config.site_name).items():
            # Not Markdown: neither in the navigation nor in the search index.
            files.append(File.generated(config, path, content=data))
        # Decap CMS as shipped in this package, copied by MkDocs: no CDN.
        bundle = bundle_files()
        if bundle is None:
            log.warning(missing_bundle())
        for path, installed in (bundle or {}).items():
            files.append(File.generated(config, path, abs_src_path=str(installed)))
        if not self.config.edit_in_cms or self.site is None:
            return
        for page in self.site.pages.values():
            if page.source is None:
                continue
            try:
                parts = page.source.relative_to(self.journeys_dir).parts
            except ValueError:
                continue
            if len(parts) == 2:
                self._cms_entries[page.path] = entry_path(parts[0])
            elif len(parts) == 3:
                self._cms_entries[page.path] = entry_path(parts[0], Path(parts[2]).stem)

    def _release(self, playbook: Playbook) -> tuple[Release | None, dict[str, bytes]]:
        """The journeys' changes since the previous release, and a before/after picture of
        each changed curve (drawn once per change while serving)."""
        if self.config.changes_since.strip().lower() == NONE:
            return None, {}
        release = self.releases.changes_since(
            self.root, self.journeys_dir, playbook.journeys, self.config.changes_since.strip(),
            self.config.changes_tag_pattern)
        self.release_charts.next_build()
        charts = release_charts(release, self.language, self.release_charts)
        return release, charts

    def _warn_about_cache(self) -> None:
        warning = self._cache.warning(self.config.cache_dir) if self._cache else None
        if warning and not self._warned:
            self._warned = True
            log.warning("%s", warning)

    @event_priority(100)  # first: other plugins' post-build steps find the charts written
    def _write_charts(self, *, config: MkDocsConfig) -> None:
        if self._drawing is None:
            return
        pictures, self._drawing = self._drawing.finish(), None
        for chart in self._charts:
            os.makedirs(os.path.dirname(chart.abs_dest_path), exist_ok=True)
            with open(chart.abs_dest_path, "wb") as output:
                output.write(pictures[chart.src_uri])
        self._warn_about_cache()

    @event_priority(-100)  # last: after the search plugin has written its index
    def _fold_search(self, *, config: MkDocsConfig) -> None:
        if self.config.search_ignores_diacritics:
            fold_search(Path(config.site_dir))

    on_post_build = CombinedEvent(_write_charts, _fold_search)

    def on_build_error(self, *, error: Exception) -> None:
        if self._drawing is not None:
            self._drawing.cancel()
            self._drawing = None

    def _prune_navigation(self, config: MkDocsConfig, pages: int) -> None:
        """Turn on Material's `navigation.prune` for big playbooks, unless told not to."""
        setting = self.config.prune_navigation
        features = config.theme.get("features")
        if config.theme.name != "material" or not isinstance(features, list) \
                or "navigation.prune" in features or setting is False:
            return
        if setting is None and pages <= PRUNE_ABOVE:
            return
        if "navigation.expand" in features:
            log.info("%d generated pages and `navigation.expand`, which Material cannot "
                     "combine with `navigation.prune`: every page carries the whole navigation, "
                     "and builds take longer", pages)
            return
        features.append("navigation.prune")
        if self._told_prune:
            return
        self._told_prune = True
        log.info("%d generated pages: turned on Material's `navigation.prune`, so each page "
                 "carries only the navigation around it (builds and pages stay small); set "
                 "`prune_navigation: false` under the journeybook plugin to keep it all", pages)

    def _stale_after(self) -> int:
        if self.config.stale_after < 0:
            raise PluginError(f"journeybook: stale_after `{self.config.stale_after}` is not a "
                              "number of days; write 0 or more (default 180)")
        return self.config.stale_after

    def _build_date(self) -> datetime.date:
        try:
            return build_date(self.config.build_date)
        except ValueError:
            raise PluginError(f"journeybook: build_date `{self.config.build_date}` is not "
                              "a date; write it as YYYY-MM-DD") from None

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        if not self.config.enabled or not self.config.nav or self.site is None:
            return nav
        ours = set(self.site.pages)
        items, position = _without(nav.items, ours)
        if position is None:
            position = len(items)
        items[position:position] = [_to_mkdocs(item, files) for item in self.site.nav]
        pages = _pages_in(items)
        # Pages outside the nav keep their Page objects (MkDocs made them) but get no links.
        neighbours = zip([None, *pages[:-1]], pages, [*pages[1:], None], strict=True)
        for previous, page, following in neighbours:
            page.previous_page, page.next_page = previous, following
        _set_parents(items, None)
        self._nav = Navigation(items, pages)
        return self._nav

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str | None:
        # The safety boundary: whatever Markdown made of a generated page, only allowlisted
        # HTML reaches the reader (and the search index, built from this HTML). A
        # GeneratedPage cleans as it renders; this covers a page some other plugin replaced.
        # Hand-written pages are the site owner's and stay as written.
        if isinstance(page, GeneratedPage):
            return html
        if self.site is not None and page.file.src_uri in self.site.pages:
            # The theme prints the table of contents from `page.toc`, made from the same
            # Markdown: its labels and anchors are cleaned too.
            _clean_toc(page.toc)
            return clean(html)
        return html

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        # Every page is read and rendered, none yet put through the theme: the moment to see
        # which generated pages would come out as they did in the previous build.
        if self.config.enabled and self.serving and self.site is not None and self._nav:
            self.finished.plan(config, self._nav, [
                file.page for file in files.documentation_pages()
                if isinstance(file.page, GeneratedPage)])
            self.finished.loader(env)
        # The theme's templates, compiled once per process rather than once per rebuild.
        env.bytecode_cache = self._templates
        return env

    @event_priority(100)  # first: before the search plugin reads the page
    def on_page_context(self, context: TemplateContext, *, page: Page, config: MkDocsConfig,
                        nav: Navigation) -> TemplateContext | None:
        entry = self._cms_entries.get(page.file.src_uri)
        if entry is not None:
            # "Edit this page" opens the form (relative, so it works under any version path).
            admin, fragment = entry.split("#", 1)
            page.edit_url = f"{get_relative_url(admin, page.url)}#{fragment}"
        if self.serving:
            self.finished.set_aside(page)
        return context

    @event_priority(-100)  # last: the HTML kept is the HTML written
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        if self.serving and isinstance(page, GeneratedPage):
            output = self.finished.output(page, self._title(output, page))
            return output
        return self._title(output, page)

    @staticmethod
    def _title(output: str, page: Page) -> str:
        # Material writes `{{ page.title | striptags }}` into <title>; `striptags` also decodes
        # entities, so a heading such as "</title><script>…" would come out as live markup.
        # MkDocs titles are HTML-safe, so put the decoded text back in escaped form.
        if not page.title:
            return output
        decoded = Markup(page.title).striptags()
        escaped = html.escape(decoded, quote=False)
        if decoded == escaped:
            return output
        return output.replace(f"<title>{decoded}", f"<title>{escaped}", 1)


class _DrawnChart(File):
    """A chart that is being drawn while MkDocs renders the pages: MkDocs' copy step leaves
    it alone, and the plugin writes it once drawn, at the end of the build."""

    drawing: Drawing

    def copy_file(self, dirty: bool = False) -> None:
        pass

    @property
    def content_bytes(self) -> bytes:  # anyone who reads it waits for the picture
        return self.drawing.finish()[self.src_uri]

    @content_bytes.setter
    def content_bytes(self, value: bytes) -> None:
        raise AttributeError("a chart's picture is drawn by Journeybook")


class _CompiledTemplates(BytecodeCache):
    """Compiled Jinja templates in memory, by name and source (Jinja checks both)."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


def _clean_toc(items: TableOfContents | list[AnchorLink]) -> None:
    for item in items:
        item.title = clean_text(item.title)
        item.id = anchor(item.id)
        _clean_toc(item.children)


def _without(items: list[StructureItem], paths: set[str]) -> tuple[list[StructureItem], int | None]:
    """Drop our pages from a nav tree (MkDocs may have placed them); note where they were."""
    kept: list[StructureItem] = []
    position: int | None = None
    for item in items:
        if isinstance(item, Page) and item.file.src_uri in paths:
            position = len(kept) if position is None else position
            continue
        if isinstance(item, Section):
            children, inner = _without(item.children, paths)
            if inner is not None and position is None:
                position = len(kept)
            if not children:
                continue
            item.children = children
        kept.append(item)
    return kept, position


def _to_mkdocs(item: NavItem, files: Files) -> StructureItem:
    if item.path is not None:
        file = files.src_uris.get(item.path)
        assert file is not None and file.page is not None, item.path
        return file.page
    # Material prints section titles as HTML; user text must arrive escaped.
    return Section(html.escape(item.title), [_to_mkdocs(child, files) for child in item.children])


def _pages_in(items: list[StructureItem]) -> list[Page]:
    pages: list[Page] = []
    for item in items:
        if isinstance(item, Page):
            pages.append(item)
        elif isinstance(item, Section):
            pages.extend(_pages_in(item.children))
    return pages


def _set_parents(items: list[StructureItem], parent: Section | None) -> None:
    for item in items:
        item.parent = parent
        if isinstance(item, Section):
            _set_parents(item.children, item)
