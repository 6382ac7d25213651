"""Linear-time stand-ins for two loops in libraries the site is built with.

An evaluation note may run to 100,000 lines. Two steps of a build take time that grows with the
square of such a page, outside our code:

- Python-Markdown's ``abbr`` tree processor (the glossary) looks up the position of every
  element among its siblings with ``list(parent).index(el)``;
- Material's search plugin finds the table-of-contents entry of every section by scanning the
  whole table of contents (``SearchIndex._find_toc_by_id``).

Both give the same result as the originals in linear time. Neither library offers a setting
for this; report upstream and remove these when fixed releases are the minimum we pin.
"""

from __future__ import annotations

from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.abbr import AbbrTreeprocessor
from markdown.util import AtomicString


class _LinearAbbrTreeprocessor(AbbrTreeprocessor):
    """``abbr``'s tree processor, told each element's position instead of searching for it."""

    def iter_element(self, el: Any, parent: Any = None, position: int = 0) -> None:
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


class LinearAbbr(Extension):
    """Put the linear tree processor in place of ``abbr``'s, sharing its abbreviations.

    List it after ``abbr`` in the Markdown extensions; without ``abbr`` it does nothing.
    """

    def extendMarkdown(self, md: Markdown) -> None:
        if "abbr" not in md.treeprocessors:
            return
        current = md.treeprocessors["abbr"]
        if type(current) is not AbbrTreeprocessor:
            return  # someone else's replacement: leave it
        priority = next(item.priority for item in md.treeprocessors._priority
                        if item.name == "abbr")
        md.treeprocessors.register(_LinearAbbrTreeprocessor(md, current.abbrs), "abbr",
                                   priority)


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
