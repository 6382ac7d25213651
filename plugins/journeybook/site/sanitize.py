"""The safety boundary: generated pages' HTML, cleaned with an allowlist.

Markdown has more syntax than any escaper anticipates, so readers are not kept safe by
escaping (:mod:`journeybook.site.escape` is about meaning) but here: the HTML that Markdown made
of a generated page goes through `nh3` (the Python binding of Rust's `ammonia`), which keeps
only the elements, attributes and URL schemes listed below and drops everything else, such
as ``script``, ``style``, ``iframe``, ``object``, ``embed``, ``form``, every ``on…``
attribute and ``javascript:``/``vbscript:``/``data:`` URLs.

The lists are exactly what the page templates and the Markdown extensions they are written
for produce (headings with anchors, admonitions, collapsible blocks, task lists, tables, the
glossary's ``abbr``, images with ``#only-light``/``#only-dark``, code); a test checks that
cleaning the sample site's generated pages changes nothing. Hand-written pages under the
docs folder belong to the site owner and are not cleaned.
"""

from __future__ import annotations

import re
import urllib.parse

import nh3

#: Elements that keep their tag. Anything else is unwrapped (its text kept, as text).
TAGS = frozenset({
    # text
    "p", "br", "hr", "em", "strong", "b", "i", "code", "pre", "span", "abbr", "blockquote",
    "del", "ins", "sub", "sup", "small", "mark", "kbd",
    # structure
    "h1", "h2", "h3", "h4", "h5", "h6", "div", "ul", "ol", "li", "dl", "dt", "dd",
    "details", "summary", "label", "input",
    # links, pictures, tables
    "a", "img", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
})

#: Elements dropped together with what they hold.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "template", "textarea", "title"})

#: Attributes each element may keep (``*``: every element).
ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "title"},
    **{f"h{level}": {"id"} for level in range(1, 7)},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    # `colspan`: the service blueprint's lines, rows across every stage.
    "th": {"style", "align", "colspan"},
    "td": {"style", "align", "colspan"},
    "ol": {"start"},
    "details": {"open"},
}

#: Attributes allowed only with these values.
ATTRIBUTE_VALUES: dict[str, dict[str, set[str]]] = {
    "input": {"type": {"checkbox"}, "checked": {"", "checked"}, "disabled": {"", "disabled"}},
    "img": {"loading": {"lazy"}},
    # Header cells that say what they head (the service blueprint's stages and rows).
    "th": {"scope": {"col", "row", "colgroup", "rowgroup"}},
}

#: URL schemes of links and pictures; relative URLs (other pages, charts) always pass.
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

#: The only style a generated page writes: table column alignment.
STYLE_PROPERTIES = frozenset({"text-align"})


#: Heading anchors a page may carry: word characters, dots and hyphens, and never the theme's
#: own `__…` ids (a heading `__config` would take the place of the theme's settings).
_ANCHOR = re.compile(r"(?!__)[\w.-]+")


def _attribute(element: str, attribute: str, value: str) -> str | None:
    if attribute == "id":
        return value if _ANCHOR.fullmatch(value) else None
    # Material's tooltips (`content.tooltips`) show a `title` as HTML: a `<` in one must stay
    # a character there too, whoever wrote it (a link title, a glossary definition).
    return value.replace("<", "&lt;") if attribute == "title" else value


def clean_text(html: str) -> str:
    """An HTML fragment reduced to its text (still HTML-escaped): for labels the theme prints
    as HTML, such as table-of-contents entries."""
    return nh3.clean(html, tags=set(), clean_content_tags=set(DROPPED_WITH_CONTENT),
                     attributes={}, strip_comments=True, link_rel=None)


def anchor(identifier: str) -> str:
    """A heading id as it may appear after ``#`` in a link the theme writes (percent-encoded
    unless it is a plain anchor)."""
    return identifier if _ANCHOR.fullmatch(identifier) else urllib.parse.quote(identifier,
                                                                                safe="")


def clean(html: str) -> str:
    """The HTML of a generated page with everything not on the allowlist removed."""
    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        tag_attribute_values={tag: {name: set(values) for name, values in allowed.items()}
                              for tag, allowed in ATTRIBUTE_VALUES.items()},
        url_schemes=set(URL_SCHEMES),
        filter_style_properties=set(STYLE_PROPERTIES),
        strip_comments=True,
        link_rel=None,
        attribute_filter=_attribute,
    )
