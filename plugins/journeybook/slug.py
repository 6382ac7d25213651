"""Slugs: the ASCII ids that name journeys, stages, touchpoints and teams in URLs."""

from __future__ import annotations

import re
import unicodedata

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# NFD splits most Vietnamese letters into a base letter plus combining marks, but "đ" is a
# letter of its own, so it is folded by hand.
_UNSPLITTABLE = str.maketrans({"đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L"})


def slugify(text: str) -> str:
    """Fold diacritics and join words with hyphens: "Đặt hàng" → "dat-hang"."""
    decomposed = unicodedata.normalize("NFD", text.translate(_UNSPLITTABLE))
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    ascii_text = ascii_text.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def is_slug(text: str) -> bool:
    return bool(SLUG_PATTERN.match(text))


def toc_slugify(value: str, separator: str = "-") -> str:
    """Heading anchors for Python-Markdown's ``toc`` that keep Vietnamese readable.

    The default drops "đ" and every accented letter's accent *and* the letter with it in some
    cases ("được" → "uoc"); this gives "duoc". Use in ``mkdocs.yml``::

        markdown_extensions:
          - toc:
              slugify: !!python/name:journeybook.slug.toc_slugify
    """
    return slugify(value).replace("-", separator)
