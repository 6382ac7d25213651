"""Linear-time stand-ins for two loops in libraries the site is built with.

An evaluation note may run to 100,000 lines. Three steps of a build take time that grows with
the square of such a page, outside our code:

- Python-Markdown's ``abbr`` tree processor (the glossary) looks up the position of every
  element among its siblings with ``list(parent).index(el)``;
- ``pymdownx.superfences`` puts each fenced block back into the page by copying the whole list
  of lines (``SuperFencesBlockPreprocessor.reassemble``);
- Material's search plugin finds the table-of-contents entry of every section by scanning the
  whole table of contents (``SearchIndex._find_toc_by_id``).

Each stand-in gives the same result as the original, in linear time. Neither library offers a
setting for this; report upstream and remove these when fixed releases are the minimum we pin.
"""

from __future__ import annotations

import hashlib
import json
import types
from typing import TYPE_CHECKING, Any, TypeVar

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.abbr import AbbrTreeprocessor
from markdown.util import AtomicString

from ..cache import Digests, Recent

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from markdown.util import Registry

_Item = TypeVar("_Item")


class _LinearAbbrTreeprocessor(AbbrTreeprocessor):
    """``abbr``'s tree processor, told each element's position instead of searching for it."""

    def iter_element(self, el: Element, parent: Element | None = None,
                     position: int = 0) -> None:
        # Children right to left, as upstream does, so inserting after a child never moves
        # the children still to visit.
        for index in range(len(el) - 1, -1, -1):
            self.iter_element(el[index], el, index)
        assert self.RE is not None
        if (text := el.text) and not isinstance(text, AtomicString):
            for match in reversed(list(self.RE.finditer(text))):
                if self.abbrs[match.group(0)]:
                    el.insert(0, self.create_element(self.abbrs[match.group(0)],
                                                     match.group(0), text[match.end():]))
                    text = text[:match.start()]
            el.text = text
        if parent is not None and (tail := el.tail) and not isinstance(tail, AtomicString):
            for match in reversed(list(self.RE.finditer(tail))):
                if self.abbrs[match.group(0)]:
                    parent.insert(position + 1, self.create_element(
                        self.abbrs[match.group(0)], match.group(0), tail[match.end():]))
                    tail = tail[:match.start()]
            el.tail = tail


def _reassemble(self: Any, lines: list[str]) -> list[str]:
    """superfences' ``reassemble``: the fenced blocks found (in order, never overlapping) put
    in place of their lines, in one pass."""
    out: list[str] = []
    position = 0
    for fenced, start, end in self.stack:
        out.extend(lines[position:start])
        out.append(fenced)
        position = end
    out.extend(lines[position:])
    self.stack.clear()
    return out


def _registered(registry: Registry[_Item], name: str) -> _Item | None:
    # A Registry has no get().
    return registry[name] if name in registry else None  # noqa: SIM401


class LinearMarkdown(Extension):
    """Put the linear stand-ins in place of ``abbr``'s tree processor (sharing its
    abbreviations) and of superfences' ``reassemble``. List it after the other Markdown
    extensions; it leaves alone what is not there."""

    def extendMarkdown(self, md: Markdown) -> None:
        abbr = _registered(md.treeprocessors, "abbr")
        if type(abbr) is AbbrTreeprocessor:  # not someone else's replacement
            # Registry keeps priorities only in `_priority`, which the stubs leave out.
            priority = next(item.priority
                            for item in md.treeprocessors._priority  # type: ignore[attr-defined]
                            if item.name == "abbr")
            md.treeprocessors.register(_LinearAbbrTreeprocessor(md, abbr.abbrs), "abbr",
                                       priority)
        fences = _registered(md.preprocessors, "fenced_code_block")
        if fences is not None and type(fences).__name__ == "SuperFencesBlockPreprocessor" \
                and hasattr(fences, "reassemble") and hasattr(fences, "stack"):
            fences.reassemble = types.MethodType(_reassemble, fences)


def linear_search_index() -> None:
    """Make Material's search index find a section's table-of-contents entry in constant
    time (the same entry: the first with that id, in document order). Safe to call twice."""
    try:
        from material.plugins.search.plugin import SearchIndex
    except ImportError:  # not Material, or a version without this class: nothing to do
        return
    original = getattr(SearchIndex, "_find_toc_by_id", None)
    if original is None or getattr(original, "journeybook", False):
        return

    def find_toc_by_id(self: Any, toc: Any, id: str) -> Any:
        # Sections of one page come one after another with the same `toc`: index it once.
        known = self.__dict__.get("_journeybook_toc")
        if known is None or known[0] is not toc:
            by_id: dict[str, Any] = {}
            stack = list(reversed(list(toc)))
            while stack:  # pre-order, like the upstream recursion
                item = stack.pop()
                by_id.setdefault(item.id, item)
                stack.extend(reversed(list(item.children)))
            known = self.__dict__["_journeybook_toc"] = (toc, by_id)
        return known[1].get(id)

    find_toc_by_id.journeybook = True  # type: ignore[attr-defined]
    find_toc_by_id.original = original  # type: ignore[attr-defined]
    SearchIndex._find_toc_by_id = find_toc_by_id


class _Piece:
    """What Material's indexer reads of a page, with only part of its HTML."""

    def __init__(self, page: Any, content: str) -> None:
        self.meta, self.toc, self.url, self.title = page.meta, page.toc, page.url, page.title
        self.content = content
        self.file = page.file


class _SearchMemo:
    """Search entries by a hash of what made them, from this build and the one before."""

    def __init__(self) -> None:
        self.index: Any = None
        self.recent: Recent[list[dict[str, Any]]] = Recent()
        self.digests = Digests()

    def entries(self, index: Any, page: Any, content: str, original: Any) -> list[dict[str, Any]]:
        if index is not self.index:  # each build makes a new index
            self.index = index
            self.recent.next_build()
            self.digests.next_build()
        digest = hashlib.sha256(json.dumps(
            [repr(sorted(index.config.items())), page.url, page.title, page.meta.get("title"),
             repr(page.meta.get("search")), repr(page.meta.get("tags"))],
            ensure_ascii=False).encode("utf-8"))
        digest.update(self.digests.of(content).encode("ascii"))
        key = digest.hexdigest()
        found = self.recent.get(key)
        if found is None:
            start = len(index.entries)
            original(index, _Piece(page, content))
            found = index.entries[start:]
            del index.entries[start:]
            self.recent.put(key, found)
        return [dict(entry) for entry in found]


_SEARCH_MEMO = _SearchMemo()


def memoized_search_index() -> None:
    """Make Material's search index reuse the entries of a page (or of one part of a page,
    see ``GeneratedPage.html_chunks``) whose HTML it has indexed before: while ``mkdocs
    serve`` runs, only what an edit changed is parsed again. Safe to call twice."""
    try:
        from material.plugins.search.plugin import SearchIndex
    except ImportError:
        return
    original = SearchIndex.add_entry_from_context
    if getattr(original, "journeybook", False):
        return

    def add_entry_from_context(self: Any, page: Any) -> None:
        if (page.meta.get("search") or {}).get("exclude"):
            return
        # A page `mkdocs serve` reuses as it was carries its HTML aside (see
        # FinishedPages.set_aside): nothing else needs it again.
        content = getattr(page, "set_aside", None) or page.content
        chunks = getattr(page, "html_chunks", None)
        if chunks and "\n".join(chunks) == content:
            found = _SEARCH_MEMO.entries(self, page, chunks[0], original)
            for chunk in chunks[1:]:
                part = _SEARCH_MEMO.entries(self, page, chunk, original)
                # A part indexed alone starts with an empty section the whole page does not
                # have; a part with text before its first heading is indexed with the page.
                if not part or part[0]["location"] != page.url or part[0]["text"]:
                    break
                found += part[1:]
            else:
                self.entries += found
                return
        self.entries += _SEARCH_MEMO.entries(self, page, content, original)

    add_entry_from_context.journeybook = True  # type: ignore[attr-defined]
    SearchIndex.add_entry_from_context = add_entry_from_context
