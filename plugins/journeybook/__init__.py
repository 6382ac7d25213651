"""Journeybook: customer-journey playbooks kept as YAML, published as a training site.

Data flows one way: ``source`` reads the files → ``model`` → ``playbook`` → ``site`` (pages and
charts) → the adapters ``plugin`` (MkDocs), ``generate`` and ``cli``. ``authoring`` serves the
people who write journeys, ``review`` the people who review changes to them.

The public API::

    playbook = Playbook.load(Path("journeys"))      # raises JourneybookError, every Problem
    built = build(playbook, language="vi")          # pages, navigation, assets, charts
"""

from __future__ import annotations

from .errors import JourneybookError, Problem
from .playbook import Playbook
from .site import BuiltSite, Site, build, build_site, render_all

__all__ = [
    "BuiltSite",
    "JourneybookError",
    "Playbook",
    "Problem",
    "Site",
    "build",
    "build_site",
    "render_all",
]
