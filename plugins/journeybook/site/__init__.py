"""The site build: a playbook in, Markdown pages, their navigation and SVG charts out.

``paths`` is the URL scheme, ``views`` what the templates show, ``pages`` renders
``templates/*.md.j2`` (user text through ``escape``), ``charts`` draws the SVGs; ``sanitize`` and
``speedups`` serve the MkDocs adapter. :func:`build` is the one pipeline every adapter runs.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..cache import ChartCache
from ..playbook import STALE_AFTER, Playbook
from .charts import Drawing, RenderStats, render_all
from .pages import Memo, Site, build_site

if TYPE_CHECKING:
    from ..review.release import Release


@dataclass(frozen=True)
class BuiltSite:
    """The generated part of a site: pages, navigation and assets, and the charts on their
    way (see :class:`~journeybook.site.charts.Drawing`)."""

    site: Site
    drawing: Drawing

    @property
    def charts(self) -> dict[str, bytes]:
        """``{"<path>-light.svg": svg, "<path>-dark.svg": svg}`` for every chart the pages
        show, once drawn."""
        return self.drawing.finish()

    @property
    def stats(self) -> RenderStats:
        return self.drawing.stats


def build(playbook: Playbook, language: str | None = None, today: datetime.date | None = None,
          glossary: list[tuple[str, str]] | None = None, cache: ChartCache | None = None,
          workers: int | None = None, memo: Memo | None = None,
          group: bool | None = None, pool: ProcessPoolExecutor | None = None,
          stale_after: int = STALE_AFTER, release: Release | None = None,
          release_charts: Mapping[str, bytes] | None = None) -> BuiltSite:
    """Pages, then charts (drawn while the caller goes on): what the plugin,
    ``journeybook generate`` and the benchmark build. ``memo``, ``group`` and
    ``stale_after``, ``release``, ``release_charts``: see
    :func:`~journeybook.site.pages.build_site`; ``pool``: see
    :class:`~journeybook.site.charts.Drawing`."""
    site = build_site(playbook, language, today, glossary, memo, group, stale_after, release,
                      release_charts)
    return BuiltSite(site, Drawing(site.charts, cache, workers or os.cpu_count() or 1, pool))


__all__ = ["BuiltSite", "Site", "build", "build_site", "render_all"]
