"""What a MkDocs build may reuse from an earlier one, and the proof that it may.

MkDocs renders every page on every build, and ``mkdocs serve`` builds the whole site after
every saved file. Two things make that affordable for a playbook of 1,600 generated pages:

- :class:`GeneratedPage` keeps each generated page's HTML (Markdown rendered, then
  sanitised) under a hash of everything that rendering reads: the page's Markdown, where it
  lives, the Markdown settings and the files ``pymdownx.snippets`` may append, and what each
  of its links points at. In memory while serving, on disk between builds. A page whose
  render warned about anything is never kept, so every warning is seen again.
- :class:`FinishedPages` (``mkdocs serve`` only) keeps each generated page's finished HTML
  under a hash of everything the theme shows on that page: the page itself, the part of the
  navigation it prints (with Material's ``navigation.prune``, the sections around the page;
  otherwise all of it), its neighbours, the site's settings and the theme's templates. A page
  whose hash is unchanged is not put through the theme again.

HTML read back from disk passes the sanitiser again: the cache folder is not trusted more
than the Markdown it came from.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import posixpath
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element

import jinja2
import markdown
from markdown.extensions import Extension
from markdown.extensions.toc import nest_toc_tokens
from markdown.treeprocessors import Treeprocessor
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure import StructureItem
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents, get_toc

from .cache import Digests, Recent, Store
from .site.sanitize import anchor, clean, clean_text

#: Bump when what is stored, or how it is keyed, changes.
VERSION = "2"


def _stable(value: Any) -> Any:
    """``value`` as JSON-able data that is the same in every process (no memory addresses)."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _stable(v) for k, v in value.items()}
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        items = [_stable(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if hasattr(value, "items") and callable(value.items):  # MkDocs' Config, Theme …
        return {str(k): _stable(v) for k, v in value.items()}
    kind = type(value)
    name = getattr(value, "__qualname__", None)
    if name is None and " at 0x" not in (shown := repr(value)):
        return {"object": kind.__qualname__, "repr": shown}  # a date, a Path …
    configs = value.getConfigs() if isinstance(value, Extension) else None
    module = getattr(value, "__module__", kind.__module__)
    return {"object": f"{module}.{name or kind.__qualname__}", "configs": _stable(configs)}


def _hash(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True, default=_stable,
                                     ).encode("utf-8", "surrogatepass")).hexdigest()


def _tree_digest(paths: list[Path]) -> str:
    """Names and bytes of the files at ``paths`` (folders: every file inside)."""
    digest = hashlib.sha256()
    for root in paths:
        found = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in found:
            digest.update(str(path).encode("utf-8", "surrogateescape") + b"\0")
            try:
                digest.update(path.read_bytes())
            except OSError:
                digest.update(b"\1unreadable")
    return digest.hexdigest()


def markdown_settings(config: MkDocsConfig) -> str:
    """A hash of every setting a page's Markdown is rendered with."""
    import mkdocs
    import pymdownx

    snippets = config.mdx_configs.get("pymdownx.snippets") or {}
    base = snippets.get("base_path", ["."])
    folders = [base] if isinstance(base, str) else list(base)
    root = Path(config.config_file_path or ".").parent
    return _hash(VERSION, mkdocs.__version__, markdown.__version__, pymdownx.__version__,
                 _code_digest(), config.markdown_extensions, config.mdx_configs,
                 config.use_directory_urls, config.validation,
                 # Snippets reads these while rendering (the glossary is appended to every
                 # page that way).
                 _tree_digest([root / folder for folder in folders])
                 if "pymdownx.snippets" in config.markdown_extensions else "")


_CODE: str | None = None


def _code_digest() -> str:
    """This package's own code: a new Journeybook never reuses an older one's pages."""
    global _CODE
    if _CODE is None:
        _CODE = _tree_digest(sorted(Path(__file__).parent.rglob("*.py")))
    return _CODE


# --- rendered pages -------------------------------------------------------------------------


class _LinkRecorder(Treeprocessor):
    """Notes each link and image address before MkDocs rewrites it (its ``relpath`` runs at
    priority 0): where they point decides the HTML as much as the Markdown does."""

    def __init__(self, md: markdown.Markdown, found: list[str]) -> None:
        super().__init__(md)
        self.found = found

    def run(self, root: Element) -> None:
        for element in root.iter():
            url = element.get("href") if element.tag == "a" else (
                element.get("src") if element.tag == "img" else None)
            if url is not None:
                self.found.append(url)


class LinkRecording(Extension):
    """Listed in ``markdown_extensions`` by the plugin; records only while a
    :class:`GeneratedPage` renders (``found`` is None otherwise)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] | None = None

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        if self.found is not None:
            md.treeprocessors.register(_LinkRecorder(md, self.found), "journeybook_links", 0.5)


def _targets(page: File, files: Files, urls: list[str]) -> dict[str, Any]:
    """What each relative address of a page resolves to now: the file it names, and that
    file's URL and inclusion (None when there is no such file)."""
    state: dict[str, Any] = {}
    for url in urls:
        try:
            parts = urlsplit(url)
        except ValueError:
            continue
        if parts.scheme or parts.netloc or not parts.path:
            continue
        path = unquote(parts.path)
        # MkDocs resolves the same way (`_RelativePathTreeprocessor._target_uri`).
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page.src_uri), path)
                                    ).lstrip("/")
        found = files.src_uris.get(target)
        state[url] = [target, None, None] if found is None else [target, found.url,
                                                                  found.inclusion.name]
    return state


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.seen = False

    def emit(self, record: logging.LogRecord) -> None:
        self.seen = True


def _toc_tokens(items: TableOfContents | list[AnchorLink]) -> list[dict[str, Any]]:
    return [{"level": item.level, "id": item.id, "name": item.title,
             "children": _toc_tokens(item.children)} for item in items]


def _cleaned_toc_tokens(tokens: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"level": int(t["level"]), "id": anchor(str(t["id"])),
             "name": clean_text(str(t["name"])),
             "children": _cleaned_toc_tokens(t["children"])} for t in tokens]


class RenderedPages:
    """Rendered generated pages by key: in memory for the life of the process (the plugin
    lives as long as ``mkdocs serve``), on disk in the cache folder between builds."""

    def __init__(self) -> None:
        #: Renderings used by this build or the one before.
        self.recent: Recent[dict[str, Any]] = Recent()
        #: Pages made of parts, joined, by their parts' keys (memory only).
        self.joined: Recent[Any] = Recent()
        self.digests = Digests()
        self.store: Store | None = None
        self.settings = ""
        self.links = LinkRecording()
        self._files: Files | None = None
        self._files_count = 0
        self._digest = ""
        self._previous: str | None = None
        self._state: dict[str, tuple[str, str]] = {}
        self._changed: set[str] = set()

    def forget(self) -> None:
        self.recent.clear()
        self.joined.clear()

    def joined_page(self, keys: list[str], files: Files) -> Any:
        """A page made of parts, as the last build joined it, if its parts and the site's
        files are the same (the parts are kept too)."""
        found = self.joined.get("".join(keys))
        digest = self._files_digest(files)
        if found is None or (found[0] != digest and found[0] != self._previous):
            return None
        parts = [self.recent.get(key) for key in keys]  # keeps the parts for the next build
        if found[0] != digest:
            # The site's files changed: still good if no part links to one that did.
            if any(part is None or self._affected(part) for part in parts):
                return None
            self.joined.put("".join(keys), (digest, found[1]))
        return found[1]

    def _affected(self, entry: dict[str, Any]) -> bool:
        return any(target[0] in self._changed for target in entry["targets"].values())

    def keep_joined(self, keys: list[str], joined: Any, files: Files) -> None:
        self.joined.put("".join(keys), (self._files_digest(files), joined))

    def next_build(self, store: Store | None, settings: str) -> None:
        # Keep only what the last build used: a long `serve` session does not grow.
        self.recent.next_build()
        self.joined.next_build()
        self.digests.next_build()
        self.store, self.settings = store, settings

    def key(self, page: Page) -> str:
        digest = hashlib.sha256()
        for part in (self.settings, page.file.src_uri, page.file.url,
                     self.digests.of(page.markdown or "")):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
        return digest.hexdigest()

    def get(self, key: str, page: Page, files: Files) -> dict[str, Any] | None:
        entry = self.recent.get(key)
        if entry is None and self.store is not None:
            entry = self._from_disk(key)
        if entry is None:
            return None
        # Links are checked again only when a file they lead to came, went or moved since
        # the last check.
        files_digest = self._files_digest(files)
        checked = entry.get("checked")
        if checked != files_digest:
            unaffected = checked is not None and checked == self._previous \
                and not self._affected(entry)
            if not unaffected and \
                    _targets(page.file, files, list(entry["targets"])) != entry["targets"]:
                return None
            entry["checked"] = files_digest
        self.recent.put(key, entry)
        return entry

    def _files_digest(self, files: Files) -> str:
        if self._files is not files or len(files) != self._files_count:
            self._files, self._files_count = files, len(files)
            state = {f.src_uri: (f.url, f.inclusion.name) for f in files}
            digest = _hash(sorted(state.items()))
            if digest != self._digest:
                # What came, went or moved since the files seen last.
                self._changed = {src for src in state.keys() | self._state.keys()
                                 if state.get(src) != self._state.get(src)}
                self._previous, self._digest, self._state = self._digest, digest, state
        return self._digest

    def _from_disk(self, key: str) -> dict[str, Any] | None:
        assert self.store is not None
        payload = self.store.get(key)
        if payload is None:
            return None
        try:
            entry = json.loads(payload)
            # Not trusted more than Markdown: sanitised again, shapes checked.
            entry["content"] = clean(str(entry["content"]))
            entry["toc"] = _cleaned_toc_tokens(entry["toc"])
            entry["title"] = None if entry["title"] is None else str(entry["title"])
            entry["anchors"] = [str(a) for a in entry["anchors"]]
            entry["links_to_anchors"] = {str(k): {str(a): str(u) for a, u in v.items()}
                                         for k, v in entry["links_to_anchors"].items()}
            targets = entry["targets"]
            if not isinstance(targets, dict) or not all(
                    isinstance(t, list) and len(t) == 3 and isinstance(t[0], str)
                    for t in targets.values()):
                return None
            entry.pop("checked", None)
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
        return dict(entry)

    def put(self, key: str, entry: dict[str, Any]) -> None:
        self.recent.put(key, entry)
        if self.store is not None:
            self.store.put(key, json.dumps(entry, ensure_ascii=False).encode("utf-8"))


class GeneratedPage(Page):
    """A generated page: rendered once per distinct input, then reused (see module doc).

    A page made of independent ``chunks`` (one per journey on the pages that list them all)
    is rendered chunk by chunk, so an edit to one journey renders only that journey's part.
    The parts are joined only if the ids they give their headings are all different (as one
    rendering of the whole would make them); otherwise the page is rendered whole.
    """

    def __init__(self, file: File, config: MkDocsConfig, rendered: RenderedPages,
                 chunks: tuple[str, ...] = ()) -> None:
        super().__init__(None, file, config)
        self._rendered = rendered
        self._chunks = chunks
        #: The HTML of each chunk, when the page was rendered by chunks (for the search index).
        self.html_chunks: list[str] | None = None
        #: The page's HTML, when `mkdocs serve` reuses the finished page (for the search index).
        self.set_aside: str | None = None

    def render(self, config: MkDocsConfig, files: Files) -> None:
        assert self.markdown is not None
        whole = self.markdown
        chunks = self._chunks_of(whole)
        if chunks:
            rendered = self._rendered
            keys = []
            for chunk in chunks:
                self.markdown = chunk
                keys.append(rendered.key(self))
            joined = rendered.joined_page(keys, files)
            if joined is None:
                entries = [self._render_part(chunk, config, files) for chunk in chunks]
                anchors = [a for entry in entries for a in entry["anchors"]]
                if len(anchors) == len(set(anchors)):
                    joined = (_joined(entries), [entry["content"] for entry in entries])
                    rendered.keep_joined(keys, joined, files)
            if joined is not None:
                self._restore(joined[0], files)
                self.html_chunks = joined[1]
                self.markdown = whole
                return
        self._restore(self._render_part(whole, config, files), files)
        self.markdown = whole

    def _chunks_of(self, markdown_text: str) -> list[str] | None:
        if len(self._chunks) < 2:
            return None
        # Front matter, if any, was taken off the first chunk by MkDocs; another plugin that
        # changed the Markdown gets a whole rendering.
        rest = "".join(self._chunks[1:])
        if not markdown_text.endswith(rest) or _DEFINITION.search(markdown_text):
            return None
        return [markdown_text[:len(markdown_text) - len(rest)], *self._chunks[1:]]

    def _render_part(self, markdown_text: str, config: MkDocsConfig,
                     files: Files) -> dict[str, Any]:
        rendered = self._rendered
        self.markdown = markdown_text
        key = rendered.key(self)
        entry = rendered.get(key, self, files)
        if entry is not None:
            return entry
        found: list[str] = []
        rendered.links.found = found
        warnings = _Warnings()
        logging.getLogger("mkdocs").addHandler(warnings)
        try:
            super().render(config, files)
        finally:
            rendered.links.found = None
            logging.getLogger("mkdocs").removeHandler(warnings)
        assert self.content is not None
        entry = {
            # The safety boundary: whatever Markdown made of the page, only allowlisted HTML
            # reaches the reader (and the search index, built from this HTML).
            "content": clean(self.content),
            "toc": _cleaned_toc_tokens(_toc_tokens(self.toc)),
            "title": self._title_from_render,
            "anchors": sorted(self.present_anchor_ids or ()),
            "links_to_anchors": {target.src_uri: dict(links) for target, links
                                 in (self.links_to_anchors or {}).items()},
            "targets": _targets(self.file, files, found),
        }
        if not warnings.seen:  # else rendered again next time, so the warning is seen again
            rendered.put(key, entry)
        return entry

    def _restore(self, entry: dict[str, Any], files: Files) -> None:
        self.content = entry["content"]
        self.toc = get_toc(entry["toc"])
        self._title_from_render = entry["title"]
        self.present_anchor_ids = set(entry["anchors"])
        links: dict[File, dict[str, str]] = {}
        for src_uri, anchors in entry["links_to_anchors"].items():
            target = files.get_file_from_path(src_uri)
            if target is not None:
                links[target] = dict(anchors)
        if logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG:
            self.links_to_anchors = links


#: A link reference definition applies to the whole page: such a page is rendered whole.
_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:", re.MULTILINE)


def _flat(tokens: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for token in tokens:
        yield {**token, "children": []}
        yield from _flat(token["children"])


def _joined(entries: list[dict[str, Any]]) -> dict[str, Any]:
    links: dict[str, dict[str, str]] = {}
    for entry in entries:
        for target, anchors in entry["links_to_anchors"].items():
            for name, url in anchors.items():
                links.setdefault(target, {}).setdefault(name, url)
    return {
        "content": "\n".join(entry["content"] for entry in entries),
        # The table of contents of the whole page: the headings of all parts, nested again.
        "toc": nest_toc_tokens([t for entry in entries  # type: ignore[misc]
                                for t in _flat(entry["toc"])]),
        "title": next((e["title"] for e in entries if e["title"]), None),
        "anchors": [a for entry in entries for a in entry["anchors"]],
        "links_to_anchors": links,
    }


# --- finished pages (mkdocs serve) ----------------------------------------------------------

#: The template a reused page is "rendered" with; :meth:`FinishedPages.output` replaces it.
REUSED_TEMPLATE = "journeybook/reused.html"


def _item_view(item: StructureItem) -> list[Any]:
    if isinstance(item, Page):
        return ["page", item.title, item.url, item.meta, item.is_index]
    if isinstance(item, Section):
        return ["section", item.title]
    return ["link", item.title, getattr(item, "url", None)]


def _first_page(item: StructureItem) -> str | None:
    while isinstance(item, Section):
        if not item.children:
            return None
        item = item.children[0]
    return getattr(item, "url", None)


def _pruned_view(items: list[StructureItem], features: list[str], active: set[int],
                 level: int = 1, parent_active: bool = False) -> Iterator[Any]:
    """The navigation Material prints on a page with ``navigation.prune``
    (``partials/nav-item.html``): a section's items when the section is around the page or is
    shown as a heading (``navigation.sections``/``tabs``); other sections by title and first
    page."""
    tabs, sections = "navigation.tabs" in features, "navigation.sections" in features
    for item in items:
        view = _item_view(item)
        if isinstance(item, Section):
            is_active = id(item) in active
            if tabs:
                heading = (level == 1 and is_active) or (
                    sections and level == 2 and parent_active)
            else:
                heading = sections and level == 1
            if is_active or heading:
                view.append(list(_pruned_view(item.children, features, active, level + 1,
                                              is_active)))
            else:
                view.append(_first_page(item))
        yield view


def _full_view(items: list[StructureItem]) -> Iterator[Any]:
    for item in items:
        view = _item_view(item)
        if isinstance(item, Section):
            view.append(list(_full_view(item.children)))
        yield view


class FinishedPages:
    """Finished HTML of generated pages from the previous build of this ``mkdocs serve``."""

    def __init__(self) -> None:
        #: (hash, HTML) of each generated page, by source path, from this build and the last.
        self._finished: Recent[tuple[str, str]] = Recent()
        self._digests = Digests()
        self._hashes: dict[str, str] = {}
        self.reused: set[str] = set()

    def plan(self, config: MkDocsConfig, nav: Navigation, pages: list[Page]) -> None:
        """Decide, before the theme runs, which pages can keep last build's HTML; mark them to
        be "rendered" with :data:`REUSED_TEMPLATE`."""
        self._finished.next_build()
        self._digests.next_build()
        self.reused = set()
        self._hashes = {}
        theme = config.theme
        features = list(theme.get("features") or [])
        prune = theme.name == "material" and "navigation.prune" in features
        site = _hash(VERSION, _code_digest(), _site_settings(config),
                     _tree_digest([Path(theme.custom_dir)]) if theme.custom_dir else "",
                     None if prune else list(_full_view(nav.items)))
        around: dict[int, str] = {}  # pages in one section print the same navigation
        for page in pages:
            parent = id(page.parent)
            if parent not in around:
                active = {id(a) for a in page.ancestors}
                around[parent] = _hash(list(_pruned_view(nav.items, features, active))
                                       if prune else None,
                                       [[a.title, _first_page(a)] for a in page.ancestors])
            neighbours = [[p.title, p.url] if p else None
                          for p in (page.previous_page, page.next_page)]
            value = _hash(site, page.file.src_uri, page.url, page.canonical_url,
                          page.edit_url, page.title, page.meta,
                          self._digests.of(page.content or ""),
                          _toc_tokens(page.toc), around[parent], neighbours)
            self._hashes[page.file.src_uri] = value
            kept = self._finished.get(page.file.src_uri)
            if kept is not None and kept[0] == value:
                self.reused.add(page.file.src_uri)
        for page in pages:
            if page.file.src_uri in self.reused:
                page.meta["template"] = REUSED_TEMPLATE

    def set_aside(self, page: Page) -> None:
        """Before the theme's plugins see a reused page: its HTML is not printed again, so
        only the search index (speedups.memoized_search_index) gets it, and nothing scans it."""
        if page.file.src_uri in self.reused and isinstance(page, GeneratedPage):
            page.set_aside, page.content = page.content, ""

    @staticmethod
    def loader(env: jinja2.Environment) -> None:
        assert env.loader is not None
        env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({REUSED_TEMPLATE: "reused"}),
                                          env.loader])

    def output(self, page: Page, output: str) -> str:
        """The page's HTML: last build's if it was reused, else ``output``, kept for next."""
        src_uri = page.file.src_uri
        value = self._hashes.get(src_uri)
        if value is None:
            return output
        if src_uri in self.reused:
            kept = self._finished.get(src_uri)
            assert kept is not None
            output = kept[1]
        self._finished.put(src_uri, (value, output))
        return output


def _site_settings(config: MkDocsConfig) -> Any:
    """The settings a theme may print on any page (everything but the navigation, which is
    hashed per page, and the plugin instances' state)."""
    return {key: value for key, value in config.items()
            if key not in ("nav", "plugins", "watch", "config_file_path")} | {
        "plugins": {name: dict(plugin.config) for name, plugin in config.plugins.items()},
        "theme": {"name": config.theme.name, "dirs": config.theme.dirs,
                  **{k: v for k, v in config.theme.items()}},
        "environment": os.environ.get("SOURCE_DATE_EPOCH"),
    }


# --- the served site, in memory (mkdocs serve) ----------------------------------------------

#: A memory-backed folder (Linux), and how much room it must have for the served site.
MEMORY = Path("/dev/shm")
MEMORY_ROOM = 1 << 30
_SERVED = "journeybook-serve-"


class ServedSite:
    """Where ``mkdocs serve`` writes the throwaway site: in memory when the machine has a
    memory-backed folder with room, so that rewriting thousands of files after each edit
    costs milliseconds rather than seconds. ``folder`` is None when it stays on disk."""

    def __init__(self) -> None:
        self.folder: str | None = None

    def start(self) -> str | None:
        if self.folder is None:
            try:
                room = os.statvfs(MEMORY)
                if room.f_bavail * room.f_frsize < MEMORY_ROOM or not os.access(MEMORY, os.W_OK):
                    return None
                _remove_abandoned()
                self.folder = tempfile.mkdtemp(prefix=f"{_SERVED}{os.getpid()}-", dir=MEMORY)
            except OSError:
                return None
        return self.folder

    def serve_from(self, server: LiveReloadServer) -> LiveReloadServer:
        """Point the live-reload server at the folder (the first build already wrote there),
        404 page included."""
        if self.folder is None:
            return server
        folder = self.folder
        server.root = folder
        fallback = server.error_handler

        def error_handler(code: int) -> bytes | None:
            page = Path(folder, f"{code}.html")
            if code in (404, 500) and page.is_file():
                return page.read_bytes()
            return fallback(code)

        server.error_handler = error_handler
        return server

    def stop(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


def _remove_abandoned() -> None:
    """Folders of `serve` processes that were killed (no one else's: the name says whose)."""
    for entry in MEMORY.glob(f"{_SERVED}*"):
        pid = entry.name[len(_SERVED):].partition("-")[0]
        if not pid.isdigit() or entry.is_symlink() or not entry.is_dir():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            continue  # alive, someone else's
