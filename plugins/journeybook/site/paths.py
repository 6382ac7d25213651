"""The site's URL scheme: where each generated page, chart and asset goes."""

from __future__ import annotations

import posixpath

from ..model import Evaluation, Journey, Stage, Touchpoint
from ..playbook import Team
from ..source import EVALUATIONS

JOURNEYS = "journeys"
CHECKLISTS = "checklists"
ACTIONS = "actions"
#: Where the site's script and stylesheet go; an adapter links them from every page.
ASSETS = {"assets/journeybook/journeybook.js": "journeybook.js",
          "assets/journeybook/journeybook.css": "journeybook.css"}
GLOSSARY = "glossary.md"
#: The journeys' changes since the previous release, and its before/after pictures.
CHANGES_FOLDER = "changes"
CHANGES = f"{CHANGES_FOLDER}/index.md"
#: The reader's own progress (filled in by the script from the browser's storage).
PROGRESS = "progress/index.md"
#: The maps to review (stale journeys). Top level: under `journeys/` it could clash with a
#: journey's id.
MAPS_TO_REVIEW = "review/index.md"
#: Every journey by group with the links between them. Top level, like the maps to review.
LANDSCAPE = "landscape/index.md"
#: Touchpoints of every journey by channel and control, and by team.
CHANNELS = "channels/index.md"


def journey_path(journey: Journey) -> str:
    return f"{JOURNEYS}/{journey.id}/index.md"


def stage_path(journey: Journey, stage: Stage) -> str:
    return f"{JOURNEYS}/{journey.id}/{stage.id}.md"


def journey_checklist_path(journey: Journey) -> str:
    return f"{JOURNEYS}/{journey.id}/checklist.md"


def journey_quiz_path(journey: Journey) -> str:
    """The journey's practice quiz (questions made from its map)."""
    return f"{JOURNEYS}/{journey.id}/quiz.md"


def journey_blueprint_path(journey: Journey) -> str:
    """The journey's service blueprint (what stands behind each stage's touchpoints)."""
    return f"{JOURNEYS}/{journey.id}/blueprint.md"


def browser_link(page: str, target: str) -> str:
    """A link from the generated page ``page`` to ``target`` (a page path, maybe with
    ``#anchor``) as the browser follows it, for raw HTML, whose links MkDocs does not rewrite
    as it does Markdown's. Written for directory URLs (``x.md`` is served as ``x/``), MkDocs'
    and Zensical's default."""
    def folder(path: str) -> str:
        path = path.removesuffix(".md")
        return path.removesuffix("/index") if path.endswith("/index") else path

    target_page, _, anchor = target.partition("#")
    relative = posixpath.relpath(folder(target_page), folder(page)) + "/"
    return relative + (f"#{anchor}" if anchor else "")


def team_path(team: Team) -> str:
    # `index` is the team list itself.
    return f"{CHECKLISTS}/{'team-index' if team.slug == 'index' else team.slug}.md"


def touchpoint_link(journey: Journey, stage: Stage, touchpoint: Touchpoint) -> str:
    return f"{stage_path(journey, stage)}#{touchpoint.id}"


def evaluations_path(journey: Journey) -> str:
    return f"{JOURNEYS}/{journey.id}/{EVALUATIONS}/index.md"


def evaluation_path(journey: Journey, evaluation: Evaluation) -> str:
    return f"{JOURNEYS}/{journey.id}/{EVALUATIONS}/{evaluation.slug}.md"


def chart_path(journey: Journey, stage: Stage | None = None, kind: str = "curve") -> str:
    """Where a chart goes, without its ``-light.svg``/``-dark.svg`` ending."""
    name = "sparkline" if kind == "sparkline" else (f"stage-{stage.id}" if stage else "journey")
    return f"{JOURNEYS}/{journey.id}/charts/{name}"
