"""Slugs: the ASCII ids that name journeys, stages, touchpoints and teams in URLs."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from .errors import Message

#: The longest id. Ids name folders, pages and charts (`stage-<id>-light.svg`), so this keeps
#: every generated file name far below the usual 255-byte limit of file systems.
MAX_SLUG_LENGTH = 64
#: The one slug rule: lowercase ASCII words joined by single hyphens (also for JSON Schema).
SLUG_REGEX = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_SLUG = re.compile(SLUG_REGEX)
# A shortened slug ends in "-" and this many hex digits of a hash of the whole slug.
_HASH_DIGITS = 8

# NFD splits most Vietnamese letters into a base letter plus combining marks, but "đ" is a
# letter of its own, so it is folded by hand.
_UNSPLITTABLE = str.maketrans({"đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L"})


def _fold(text: str) -> str:
    """Diacritics folded and words joined with hyphens, however long."""
    decomposed = unicodedata.normalize("NFD", text.translate(_UNSPLITTABLE))
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    ascii_text = ascii_text.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def shorten(slug: str) -> str:
    """A slug cut to :data:`MAX_SLUG_LENGTH`, at a hyphen when there is one, plus a short hash
    of the whole slug: long names that start alike still get different ids, and the same name
    always gets the same id."""
    if len(slug) <= MAX_SLUG_LENGTH:
        return slug
    digest = hashlib.sha256(slug.encode("ascii")).hexdigest()[:_HASH_DIGITS]
    head = slug[: MAX_SLUG_LENGTH - _HASH_DIGITS - 1]
    if "-" in head and slug[len(head)] != "-":
        head = head.rsplit("-", 1)[0]
    return f"{head.rstrip('-')}-{digest}"


def slugify(text: str) -> str:
    """An id from a name: "Đặt hàng" → "dat-hang"; at most :data:`MAX_SLUG_LENGTH` characters."""
    return shorten(_fold(text))


def unique(slug: str, taken: set[str]) -> str:
    """``slug``, else ``slug-2``, ``slug-3`` …: the first id not in ``taken``, which it joins."""
    candidate, number = slug, 1
    while candidate in taken:
        number += 1
        candidate = shorten(f"{slug}-{number}")
    taken.add(candidate)
    return candidate


def is_slug(text: str) -> bool:
    return slug_problem(text) is None


def slug_problem(text: str) -> str | None:
    """Why ``text`` cannot be an id, said so its writer can fix it; None when it can."""
    reason = slug_reason(text)
    return None if reason is None else reason.render()


def slug_reason(text: str) -> Message | None:
    """Why ``text`` cannot be an id, as a message to put into the playbook's language."""
    if len(text) > MAX_SLUG_LENGTH:
        return Message.of("slug_too_long", length=len(text), most=MAX_SLUG_LENGTH)
    if not _SLUG.fullmatch(text):
        return Message.of("slug_characters")
    return None


def shown(text: str, limit: int = 40) -> str:
    """An id as written, for a message: invisible characters made visible, long ones cut."""
    visible = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return visible if len(visible) <= limit else visible[: limit - 1] + "…"


def toc_slugify(value: str, separator: str = "-") -> str:
    """Heading anchors for Python-Markdown's ``toc`` that keep Vietnamese readable.

    The default drops "đ" and every accented letter's accent *and* the letter with it in some
    cases ("được" → "uoc"); this gives "duoc". Use in ``mkdocs.yml``::

        markdown_extensions:
          - toc:
              slugify: !!python/name:journeybook.slug.toc_slugify

    Anchors are not file names, so they are not shortened: links to long headings keep working.
    """
    return _fold(value).replace("-", separator)
