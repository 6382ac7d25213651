"""The generated site: a playbook in, ``{site path: page}`` and a navigation tree out.

Page prose lives in ``templates/*.md.j2``. User text reaches Markdown through exactly one
door, :func:`journeybook.site.escape.escape_text` (applied to every ``{{ … }}`` by Jinja's
``finalize``), which keeps its meaning; the adapters then clean each page's rendered HTML with
:func:`journeybook.site.sanitize.clean`, the safety boundary.
"""

from __future__ import annotations

import datetime
import importlib.resources
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ..i18n import labels
from ..model import Evaluation, Journey, Stage
from ..playbook import Playbook, TrackedImprovement, note_lines
from ..source import EVALUATIONS
from .charts import (
    ChartSpec,
    CurveLegend,
    EvaluationColumn,
    Kind,
    MetricTargets,
    Point,
    TrendLegend,
)
from .escape import alt, cell, escape_text, indented, inline, quoted, score
from .paths import (
    ACTIONS,
    ASSETS,
    CHECKLISTS,
    GLOSSARY,
    JOURNEYS,
    chart_path,
    evaluation_path,
    evaluations_path,
    journey_checklist_path,
    journey_path,
    stage_path,
    team_path,
    touchpoint_link,
)
from .views import journey_view, stage_view


@dataclass(frozen=True)
class SitePage:
    """One generated Markdown page."""

    path: str
    content: str
    #: The YAML file behind the page (for "edit this page"); None for pages made of many.
    source: Path | None = None


@dataclass(frozen=True)
class NavItem:
    """A navigation entry: a page (``path``) or a section (``children``). Titles are plain text."""

    title: str
    path: str | None = None
    children: tuple[NavItem, ...] = ()


@dataclass
class Site:
    pages: dict[str, SitePage] = field(default_factory=dict)
    nav: list[NavItem] = field(default_factory=list)
    #: Charts the pages show, by path without the ``-light.svg``/``-dark.svg`` ending.
    charts: dict[str, ChartSpec] = field(default_factory=dict)
    #: Static files the pages need (checklist script, print stylesheet), by site path.
    assets: dict[str, bytes] = field(default_factory=dict)


def _assets() -> dict[str, bytes]:
    folder = importlib.resources.files("journeybook") / "site" / "assets"
    return {path: (folder / name).read_bytes() for path, name in ASSETS.items()}


# --- rendering ------------------------------------------------------------------------------

TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("journeybook", "site/templates"),
    undefined=jinja2.StrictUndefined,
    finalize=escape_text,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    # Not HTML escaping: `finalize` (escape_text) escapes every value and returns Markup, which
    # autoescaping then leaves alone. What it adds is that macros return Markup too, so a
    # macro's output is not escaped a second time where a page shows it.
    autoescape=True,
)
TEMPLATES.filters.update(
    inline=inline, cell=cell, quoted=quoted, indented=indented, score=score, alt=alt
)


class _Renderer:
    def __init__(self, playbook: Playbook, language: str | None) -> None:
        self.playbook = playbook
        self.t = labels(language)
        self.site = Site()

    def render(self, template: str, path: str, source: Path | None = None, **context: Any) -> None:
        def url(target: str) -> Markup:
            """A link from this page to another generated page, relative as MkDocs wants."""
            page, _, anchor = target.partition("#")
            relative = posixpath.relpath(page, posixpath.dirname(path))
            return Markup(relative + (f"#{anchor}" if anchor else ""))

        content = TEMPLATES.get_template(template).render(
            t=self.t, plural=self.t.plural, url=url, paths=_PATHS, label=self.label,
            chart=self.chart, trend=self.trend, **context
        )
        self.site.pages[path] = SitePage(path, content, source)

    def chart(self, journey: Journey, stage: Stage | None = None,
              kind: Kind = "curve") -> dict[str, Any]:
        """Declare a chart for the page being rendered; returns what the template shows."""
        rows = [(s, t) for s, t in journey.touchpoints() if stage is None or s is stage]
        t = self.t
        evaluations = self.playbook.evaluations_of(journey)
        latest = evaluations[-1] if evaluations else None
        if kind == "sparkline":
            # A sparkline draws the as-is line and nothing else: its key holds only that.
            spec = ChartSpec(kind, tuple(Point("", "", "", tp.emotion, None, False)
                                         for _, tp in rows), ())
        else:
            spec = ChartSpec(
                kind=kind,
                points=tuple(Point(tp.id, tp.name, s.name, tp.emotion, tp.target,
                                   tp.moment_of_truth,
                                   latest.scores.get(tp.id) if latest else None)
                             for s, tp in rows),
                levels=tuple(t[f"emotion_{level}"] for level in range(-2, 3)),
                legend=CurveLegend(
                    as_is=t["as_is"], target=t["target"], moment_of_truth=t["moment_of_truth"],
                    pain_point=t["pain_point"],
                    measured=t["measured_on"].format(date=latest.date) if latest else ""),
            )
        path = chart_path(journey, stage, kind)
        self.site.charts[path] = spec
        what = f"“{stage.name if stage else journey.title}”"
        if kind == "sparkline":
            text = t["sparkline_alt"].format(what=what)
        else:
            low = min(rows, key=lambda row: row[1].emotion)[1]
            high = max(rows, key=lambda row: row[1].emotion)[1]
            text = t["chart_alt"].format(
                what=what, touchpoints=t.plural("n_touchpoints", len(rows)),
                low=score(low.emotion), low_name=f"“{low.name}”",
                high=score(high.emotion), high_name=f"“{high.name}”",
                moments=t.plural("n_moments", sum(tp.moment_of_truth for _, tp in rows)),
                pains=t.plural("n_pain_points", sum(tp.is_pain_point for _, tp in rows)),
            ) + (t["chart_alt_target"] if spec.has_target else "")
        measured = {tp.id: latest.scores.get(tp.id) for _, tp in rows} if latest else {}
        return {"path": path, "alt": text, "rows": rows, "measured": measured,
                "latest": latest}

    def trend(self, journey: Journey) -> dict[str, Any] | None:
        """Declare the evaluation trend chart of a journey (None while no evaluation has measured
        anything: a chart of dates alone says nothing)."""
        evaluations = self.playbook.evaluations_of(journey)
        t = self.t
        rows = [(s, tp) for s, tp in journey.touchpoints()
                if any(tp.id in e.scores for e in evaluations)]
        if not rows and all(e.nps is None and e.csat is None for e in evaluations):
            return None
        spec = ChartSpec(
            kind="trend",
            points=tuple(Point(tp.id, tp.name, s.name, tp.emotion, tp.target,
                               tp.moment_of_truth) for s, tp in rows),
            levels=(), legend=TrendLegend(nps=t["nps"], csat=t["csat"], target=t["target"]),
            evaluations=tuple(
                EvaluationColumn(e.date.isoformat(), tuple(e.scores.get(tp.id) for _, tp in rows),
                                 e.nps, e.csat)
                for e in evaluations),
            targets=MetricTargets(
                nps=journey.metrics.nps.target if journey.metrics.nps else None,
                csat=journey.metrics.csat.target if journey.metrics.csat else None),
        )
        path = f"{JOURNEYS}/{journey.id}/charts/trend"
        self.site.charts[path] = spec

        def series(name: str) -> str:
            values = [getattr(e, name) for e in evaluations]
            return ", ".join("\u2013" if v is None else str(v) for v in values)

        has_metrics = any(e.nps is not None or e.csat is not None for e in evaluations)
        text = t["trend_alt"].format(
            touchpoints=t.plural("n_touchpoints", len(rows)),
            rounds=t.plural("n_rounds", len(evaluations)), first=evaluations[0].date,
            last=evaluations[-1].date,
            metrics=t["trend_metrics"].format(nps=series("nps"), csat=series("csat"))
            if has_metrics else "",
        )
        return {"path": path, "alt": text, "rows": rows, "evaluations": evaluations}

    def label(self, key: Any) -> str:
        """The localised label of a fixed vocabulary value (channel, status, emotion …)."""
        return self.t.get(str(key), str(key))


_PATHS: Mapping[str, Any] = {
    "journey": journey_path,
    "stage": stage_path,
    "checklist": journey_checklist_path,
    "team": team_path,
    "touchpoint": touchpoint_link,
    "evaluations": evaluations_path,
    "evaluation": evaluation_path,
}


def note_body(playbook: Playbook, journey: Journey, evaluation: Evaluation,
              here: str, t: Mapping[str, str]) -> Markup:
    """An evaluation note's Markdown, escaped, with a link under each heading that names a
    touchpoint."""
    # The lines `mentions` counts (escaping keeps the line count). Plain strings: adding
    # text to Markup would escape the link a second time.
    lines = str(escape_text("\n".join(note_lines(evaluation.body)))).split("\n")
    stages = {tp.id: stage for stage, tp in journey.touchpoints()}
    for index, touchpoint in playbook.mentions(journey, evaluation).items():
        target = touchpoint_link(journey, stages[touchpoint.id], touchpoint)
        page, _, anchor = target.partition("#")
        link = f"{posixpath.relpath(page, posixpath.dirname(here))}#{anchor}"
        lines[index] += f"\n\n*{t['touchpoint']}: [{inline(touchpoint.name)}]({link})*\n"
    return Markup("\n".join(lines))


def build_site(playbook: Playbook, language: str | None = None,
               today: datetime.date | None = None,
               glossary: list[tuple[str, str]] | None = None) -> Site:
    """Every generated page of the playbook, and where each goes in the navigation.

    ``today`` decides which improvements are overdue (default: the real date); with a
    ``glossary`` (term, definition pairs) a glossary page lists it.
    """
    today = today or datetime.date.today()
    renderer = _Renderer(playbook, language)
    renderer.site.assets = _assets()
    t = renderer.t
    teams = playbook.teams()
    renderer.render("journeys.md.j2", f"{JOURNEYS}/index.md", journeys=playbook.journeys,
                    groups=playbook.groups())
    journey_nav: list[NavItem] = [NavItem(t["overview"], f"{JOURNEYS}/index.md")]
    for journey in playbook.journeys:
        source = playbook.source_of(journey)
        renderer.render("journey.md.j2", journey_path(journey), source, journey=journey,
                        view=journey_view(playbook, journey))
        children = [NavItem(t["overview"], journey_path(journey))]
        for number, stage in enumerate(journey.stages, start=1):
            renderer.render(
                "stage.md.j2", stage_path(journey, stage), source,
                journey=journey,
                view=stage_view(playbook, journey, stage, number, t, renderer.label),
            )
            children.append(NavItem(f"{number}. {stage.name}", stage_path(journey, stage)))
        renderer.render("journey_checklist.md.j2", journey_checklist_path(journey), source,
                        journey=journey)
        children.append(NavItem(t["journey_checklist"], journey_checklist_path(journey)))
        evaluations = playbook.evaluations_of(journey)
        renderer.render("evaluations.md.j2", evaluations_path(journey), None,
                        journey=journey, evaluations=evaluations)
        children.append(NavItem(t["evaluations"], evaluations_path(journey)))
        folder = source.parent / EVALUATIONS if source else None
        for evaluation in evaluations:
            path = evaluation_path(journey, evaluation)
            renderer.render("evaluation.md.j2", path,
                            folder / f"{evaluation.slug}.md" if folder else None,
                            journey=journey, evaluation=evaluation,
                            body=note_body(playbook, journey, evaluation, path, t))
        journey_nav.append(NavItem(journey.title, children=tuple(children)))

    renderer.render("teams.md.j2", f"{CHECKLISTS}/index.md", teams=teams)
    team_nav = [NavItem(t["overview"], f"{CHECKLISTS}/index.md")]
    for team in teams:
        renderer.render("team.md.j2", team_path(team), team=team)
        team_nav.append(NavItem(team.name, team_path(team)))

    improvements = playbook.improvements(today)
    renderer.render("actions.md.j2", f"{ACTIONS}/index.md", improvements=improvements,
                    today=today, by_status=_by_status(improvements),
                    by_team=_by_team(improvements))

    renderer.site.nav = [
        NavItem(t["journeys"], children=tuple(journey_nav)),
        NavItem(t["checklists"], children=tuple(team_nav)),
        NavItem(t["actions"], f"{ACTIONS}/index.md"),
    ]
    if glossary is not None:
        terms = sorted({term.casefold(): (term, d) for term, d in glossary}.values(),
                       key=lambda pair: pair[0].casefold())
        renderer.render("glossary.md.j2", GLOSSARY, terms=terms)
        renderer.site.nav.append(NavItem(t["glossary"], GLOSSARY))
    return renderer.site


_STATUS_ORDER = ("in-progress", "planned", "done")


def _urgency(tracked: TrackedImprovement) -> tuple[bool, datetime.date]:
    return (not tracked.overdue, tracked.improvement.due or datetime.date.max)


def _by_status(
    improvements: list[TrackedImprovement],
) -> list[tuple[str, list[TrackedImprovement]]]:
    """Open work first; in each status overdue first, then by due date."""
    return [(status, sorted((a for a in improvements if a.improvement.status == status),
                            key=_urgency))
            for status in _STATUS_ORDER
            if any(a.improvement.status == status for a in improvements)]


def _by_team(improvements: list[TrackedImprovement]) -> list[tuple[str, list[TrackedImprovement]]]:
    teams: dict[str, list[TrackedImprovement]] = {}
    for tracked in improvements:
        teams.setdefault(tracked.owner.strip() or "—", []).append(tracked)
    return [(team, sorted(items, key=lambda a: (_STATUS_ORDER.index(a.improvement.status),
                                                *_urgency(a))))
            for team, items in sorted(teams.items(), key=lambda kv: kv[0].casefold())]
