"""The plugin's options in `mkdocs.yml`, typed and documented the way MkDocs does it."""

from __future__ import annotations

import datetime

from mkdocs.config import base
from mkdocs.config import config_options as c

from .playbook import STALE_AFTER


# mkdocs leaves `__init_subclass__` (which collects the options) unannotated.
class JourneybookConfig(base.Config):  # type: ignore[no-untyped-call]
    enabled = c.Type(bool, default=True)
    """Turn the plugin off without removing it from ``mkdocs.yml``."""

    journeys_dir = c.Type(str, default="journeys")
    """Folder holding one sub-folder per journey, relative to ``mkdocs.yml``."""

    language = c.Optional(c.Type(str))
    """Language of the generated labels: one of the files in ``locales/`` (``en``, ``vi`` …).
    Defaults to ``theme.language`` when there is a file for it, else English."""

    nav = c.Type(bool, default=True)
    """Add the journey and team-checklist sections to the navigation."""

    cache_dir = c.Type(str, default=".cache/journeybook")
    """Where drawn charts and parsed journeys are kept between builds, relative to
    ``mkdocs.yml``. Safe to delete at any time."""

    max_workers = c.Type(int, default=0)
    """Processes that draw charts in parallel; 0 means one per CPU core."""

    glossary = c.Optional(c.Type(str))
    """A file of ``*[TERM]: definition`` lines, relative to ``mkdocs.yml``; listed on a
    generated glossary page. Append it to every page with ``pymdownx.snippets`` so each term
    shows its definition wherever it appears."""

    group_journeys = c.Optional(c.Type(bool))
    """List journeys in the navigation under their ``group`` (else their owner). Unset: only
    when there are more than 15 journeys."""

    prune_navigation = c.Optional(c.Type(bool))
    """Turn on Material's ``navigation.prune``, so each page carries only the navigation around
    it. Unset: only when there are more than 300 generated pages (a big playbook's pages and
    build time otherwise grow with the number of journeys). ``false`` never touches the
    theme's features."""

    serve_from_memory = c.Type(bool, default=True)
    """Under ``mkdocs serve``, write the throwaway site to memory (``/dev/shm``, when it exists
    and has 1 GiB free) instead of a temporary folder on disk."""

    changes_since = c.Type(str, default="auto")
    """The release the page of changes (``changes/``) compares with: ``auto`` (the newest git
    tag matching ``changes_tag_pattern`` before ``HEAD``), a git revision, or ``none`` (no
    page)."""

    changes_tag_pattern = c.Type(str, default="v*")
    """The tags that mark releases, as a ``git describe --match`` pattern."""

    search_ignores_diacritics = c.Type(bool, default=True)
    """Material's search finds words typed with or without diacritics ("tong dai" finds
    "tổng đài"; typed with them, exact matches rank first). ``false`` leaves search as
    Material ships it."""

    # Declared: mkdocs cannot infer one type from a tuple of types.
    build_date: c.Optional[str | datetime.date] = c.Optional(c.Type((str, datetime.date)))
    """The day improvements are judged overdue against (``YYYY-MM-DD``), and journeys stale;
    default: the ``SOURCE_DATE_EPOCH`` environment variable when set (reproducible builds),
    else today."""

    stale_after = c.Type(int, default=STALE_AFTER)
    """Days after its newest evaluation note that a journey is stale: its overview and the
    journeys index say how long ago it was last evaluated (or that it never was), and a
    generated page lists the maps to review."""

    cms = c.Type(bool, default=False)
    """Add a form editor (Decap CMS) at ``admin/`` of the built site: ``admin/config.yml`` is
    generated from the journey model, and saving proposes the change as a pull request (see
    the README, "Editing with forms")."""

    cms_branch = c.Type(str, default="main")
    """The branch the form editor's pull requests go to."""

    cms_base_url = c.Optional(c.Type(str))
    """Where editors sign in to GitHub: the address of the OAuth proxy that holds the GitHub
    OAuth App's secret (Decap's ``backend.base_url``; see the README, "Editing with forms").
    Unset: Decap's default, Netlify's hosted sign-in."""

    cms_local_backend = c.Type(bool, default=False)
    """Let the form editor talk to ``npx decap-server`` on this machine instead of GitHub, to
    try it locally (also with the ``JOURNEYBOOK_CMS_LOCAL`` environment variable set)."""

    edit_in_cms = c.Type(bool, default=False)
    """With ``cms: true``, "Edit this page" on a journey's pages and an evaluation note opens
    its form in the editor instead of the YAML on GitHub."""
