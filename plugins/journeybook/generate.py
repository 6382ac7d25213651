"""`journeybook generate`: the generated part of the site as plain files in a folder.

For site builders that do not run MkDocs plugins (Zensical, for one), and for looking at
exactly what the plugin hands MkDocs.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeAlias

from ruamel.yaml import YAML

from .cache import Cache
from .playbook import STALE_AFTER, Playbook
from .review.release import Release
from .site import build
from .site.pages import NavItem

NAV_FILE = "nav.yml"
#: MkDocs' `nav:` as YAML data: each entry maps a title to a page path or to more entries.
Nav: TypeAlias = list[dict[str, "str | Nav"]]


def _nav(items: list[NavItem]) -> Nav:
    return [{item.title: item.path} if item.path else {item.title: _nav(list(item.children))}
            for item in items]


def _walk(items: list[NavItem] | tuple[NavItem, ...]) -> list[NavItem]:
    found: list[NavItem] = []
    for item in items:
        found.append(item)
        found += _walk(item.children)
    return found


def generate(playbook: Playbook, out: Path, language: str | None = None,
             cache_dir: str | Path | None = None, today: datetime.date | None = None,
             glossary: list[tuple[str, str]] | None = None,
             warn: Callable[[str], None] | None = None,
             stale_after: int = STALE_AFTER, group: bool | None = None,
             release: Release | None = None,
             release_charts: Mapping[str, bytes] | None = None,
             sources: dict[str, Path | None] | None = None) -> int:
    """Write every generated page and chart under ``out``; returns how many files.
    ``group``, ``release`` and ``release_charts`` as the plugin's options give them (see
    :func:`~journeybook.site.pages.build_site`).

    ``nav.yml`` holds the navigation the plugin would add, ready to paste under `nav:`, and
    the `not_in_nav` patterns of the pages that only links reach. A cache folder that cannot
    be used is told to ``warn`` (once) and the charts are drawn without it. ``sources``, when
    given, receives each page's source file (None for pages made of many journeys), where
    "Edit this page" leads.
    """
    cache = Cache(Path(cache_dir)) if cache_dir else None
    built = build(playbook, language, today, glossary, cache.charts if cache else None,
                  stale_after=stale_after, group=group, release=release,
                  release_charts=release_charts)
    site, charts = built.site, built.charts
    warning = cache.warning(str(cache_dir)) if cache else None
    if warning and warn:
        warn(warning)
    count = 0
    for path, page in site.pages.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.content, "utf-8")
        if sources is not None:
            sources[path] = page.source
        count += 1
    for path, data in site.assets.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        count += 1
    for path, svg in charts.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(svg)
        count += 1
    yaml = YAML(typ="safe")
    yaml.allow_unicode = True
    yaml.default_flow_style = False
    # Pages reached by links only (evaluation notes), for MkDocs' `not_in_nav` setting.
    in_nav = {item.path for item in _walk(site.nav)}
    hidden = "\n".join(f"/{path}" for path in site.pages if path not in in_nav)
    with (out / NAV_FILE).open("w", encoding="utf-8") as file:
        yaml.dump({"nav": _nav(site.nav), "not_in_nav": hidden}, file)
    return count + 1
