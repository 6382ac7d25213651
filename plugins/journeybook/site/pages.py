"""The generated site: a playbook in, ``{site path: page}`` and a navigation tree out.

Page prose lives in ``templates/*.md.j2``. User text reaches Markdown through exactly one
door, :func:`journeybook.site.escape.escape_text` (applied to every ``{{ … }}`` by Jinja's
``finalize``), which keeps its meaning; the adapters then clean each page's rendered HTML with
:func:`journeybook.site.sanitize.clean`, the safety boundary.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib.resources
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from ..cache import Recent
from ..i18n import labels
from ..model import Evaluation, Journey, Persona, Stage, Touchpoint
from ..playbook import STALE_AFTER, Playbook, TrackedImprovement, note_lines
from ..source import EVALUATIONS
from .blueprint import blueprint_rows
from .channels import CONTROLS, NOT_SET, average, by_team, journey_matrix, summary
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
    CHANGES,
    CHANGES_FOLDER,
    CHANNELS,
    CHECKLISTS,
    GLOSSARY,
    JOURNEYS,
    LANDSCAPE,
    MAPS_TO_REVIEW,
    PROGRESS,
    browser_link,
    chart_path,
    evaluation_path,
    evaluations_path,
    journey_blueprint_path,
    journey_checklist_path,
    journey_path,
    journey_quiz_path,
    stage_path,
    team_path,
    touchpoint_link,
)
from .portfolio import matrix_chart, portfolio
from .practice import practice_questions
from .views import journey_view, stage_view


@dataclass(frozen=True)
class SitePage:
    """One generated Markdown page."""

    path: str
    content: str
    #: The YAML file behind the page (for "edit this page"); None for pages made of many.
    source: Path | None = None
    #: ``content`` cut into independent parts (one per journey on the pages that list them
    #: all), which an adapter may render one by one; joined, they are ``content``.
    chunks: tuple[str, ...] = ()


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


if TYPE_CHECKING:
    from ..review.release import Release

#: A line by itself in a template: where one independent part of a page ends and the next
#: begins. Each part must stand alone in Markdown: blank lines around the line, and headings
#: with explicit ids (`{ #id }`), unique on the page.
CHUNK = "<!-- journeybook: part -->"


@dataclass(frozen=True)
class _Values:
    """One persona's numbers at a touchpoint, as a curve and its data table show them."""

    emotion: int
    target: int | None
    #: What the latest evaluation measured (None: not measured, or no evaluation).
    measured: int | None


def _point(stage: Stage, tp: Touchpoint, values: list[_Values], personas: bool) -> Point:
    """A touchpoint on a curve: its one line's values, or (``personas``) each persona's."""
    if personas:
        return Point(tp.id, tp.name, stage.name, tp.mean_emotion, None, tp.moment_of_truth,
                     emotions=tuple(v.emotion for v in values),
                     targets=tuple(v.target for v in values))
    [one] = values
    return Point(tp.id, tp.name, stage.name, one.emotion, one.target, tp.moment_of_truth,
                 one.measured)


@dataclass(frozen=True)
class _TrendRow:
    """A row of the trend chart: a touchpoint, for one persona when evaluations scored
    personas apart there."""

    stage: Stage
    touchpoint: Touchpoint
    persona: Persona | None
    #: The persona id the scores are read for ("" or the only persona's for everyone's).
    who: str
    #: Its score in each evaluation, oldest first.
    scores: tuple[int | None, ...]

    @property
    def id(self) -> str:
        return f"{self.touchpoint.id}--{self.persona.id}" if self.persona else self.touchpoint.id


def _trend_rows(journey: Journey, evaluations: list[Evaluation]) -> list[_TrendRow]:
    """The touchpoints some evaluation scored; one row per persona measured where a round
    scored them apart (a journey of two personas or more), else one row."""
    everyone = journey.primary.id if len(journey.personas) == 1 and journey.primary else ""
    rows = []
    for stage, tp in journey.touchpoints():
        written = [e.scores[tp.id] for e in evaluations if tp.id in e.scores]
        if not written:
            continue
        apart = len(journey.personas) > 1 and any(isinstance(v, dict) for v in written)
        for persona in journey.personas if apart else [None]:
            who = persona.id if persona else everyone
            scores = tuple(e.score_for(tp.id, who) for e in evaluations)
            if any(value is not None for value in scores):
                rows.append(_TrendRow(stage, tp, persona, who, scores))
    return rows


class _Renderer:
    def __init__(self, playbook: Playbook, language: str | None,
                 memo: Memo | None = None) -> None:
        self.playbook = playbook
        self.t = labels(language)
        self.site = Site()
        self.memo = memo
        #: Charts declared since the start of the part being rendered (see `part`).
        self._declared: list[str] | None = None

    def render(self, template: str, path: str, source: Path | None = None, **context: Any) -> None:
        content = self._text(template, path, **context)
        parts = content.split(f"\n{CHUNK}\n")
        chunks = (*[part + "\n" for part in parts[:-1]], parts[-1])
        self.site.pages[path] = SitePage(path, "".join(chunks), source,
                                         chunks if len(chunks) > 1 else ())

    def part(self, template: str, path: str, key: str, **context: Any) -> Markup:
        """One journey's part of a page that lists them all (``key``: everything it shows,
        see :func:`_journey_key`), rendered once while the memo keeps it."""
        memo_key = _digest(template, path, key)
        found = self.memo.get(memo_key) if self.memo is not None else None
        if found is None:
            self._declared = []
            text = self._text(template, path, **context)
            found = (text, {chart: self.site.charts[chart] for chart in self._declared})
            self._declared = None
            if self.memo is not None:
                self.memo.put(memo_key, found)
        self.site.charts.update(found[1])
        return Markup(found[0])

    def _text(self, template: str, path: str, **context: Any) -> str:
        def url(target: str) -> Markup:
            """A link from this page to another generated page, relative as MkDocs wants."""
            page, _, anchor = target.partition("#")
            relative = posixpath.relpath(page, posixpath.dirname(path))
            return Markup(relative + (f"#{anchor}" if anchor else ""))

        return TEMPLATES.get_template(template).render(
            t=self.t, plural=self.t.plural, url=url, paths=_PATHS, label=self.label,
            chart=self.chart, trend=self.trend, **context
        )

    def chart(self, journey: Journey, stage: Stage | None = None,
              kind: Kind = "curve") -> dict[str, Any]:
        """Declare a chart for the page being rendered; returns what the template shows: its
        path, alt text, and per touchpoint each persona's values (one set when the journey
        has fewer than two personas)."""
        rows = [(s, t) for s, t in journey.touchpoints() if stage is None or s is stage]
        t = self.t
        evaluations = self.playbook.evaluations_of(journey)
        latest = evaluations[-1] if evaluations else None
        # Two personas or more: a line each. Otherwise one line, of the only persona if any.
        personas = journey.personas if len(journey.personas) > 1 else []
        ids = [p.id for p in personas] or [journey.primary.id if journey.primary else ""]
        values = {tp.id: [_Values(tp.emotion_for(who), tp.target_for(who),
                                  latest.score_for(tp.id, who) if latest else None)
                          for who in ids] for _, tp in rows}
        if kind == "sparkline":
            # A sparkline draws the as-is line and nothing else (the mean of the personas):
            # its key holds only that.
            spec = ChartSpec(kind, tuple(Point("", "", "", tp.mean_emotion, None, False)
                                         for _, tp in rows), ())
        else:
            spec = ChartSpec(
                kind=kind,
                points=tuple(_point(s, tp, values[tp.id], bool(personas)) for s, tp in rows),
                levels=tuple(t[f"emotion_{level}"] for level in range(-2, 3)),
                legend=CurveLegend(
                    as_is=t["as_is"], target=t["target"], moment_of_truth=t["moment_of_truth"],
                    pain_point=t["pain_point"],
                    measured=t["measured_on"].format(date=latest.date)
                    if latest and not personas else ""),
                personas=tuple(p.name for p in personas),
            )
        path = chart_path(journey, stage, kind)
        self._declare(path, spec)
        what = f"“{stage.name if stage else journey.title}”"
        if kind == "sparkline":
            text = t["sparkline_alt"].format(what=what)
        else:
            text = self._curve_alt(what, rows, values, personas, spec.has_target)
        return {"path": path, "alt": text, "rows": rows, "feelings": values, "latest": latest,
                "personas": personas}

    def _curve_alt(self, what: str, rows: list[tuple[Stage, Touchpoint]],
                   values: Mapping[str, list[_Values]], personas: list[Persona],
                   has_target: bool) -> str:
        """An emotion curve in words: its lowest and highest point (each persona's)."""
        t = self.t

        def extremes(number: int) -> dict[str, str]:
            low = min(rows, key=lambda row: values[row[1].id][number].emotion)[1]
            high = max(rows, key=lambda row: values[row[1].id][number].emotion)[1]
            return {"low": score(values[low.id][number].emotion), "low_name": f"“{low.name}”",
                    "high": score(values[high.id][number].emotion),
                    "high_name": f"“{high.name}”"}

        common = {
            "what": what, "touchpoints": t.plural("n_touchpoints", len(rows)),
            "moments": t.plural("n_moments", sum(tp.moment_of_truth for _, tp in rows)),
            "pains": t.plural("n_pain_points", sum(tp.is_pain_point for _, tp in rows)),
        }
        if not personas:
            return (t["chart_alt"].format(**common, **extremes(0))
                    + (t["chart_alt_target"] if has_target else ""))
        lines = "; ".join(t["chart_alt_persona"].format(name=f"“{persona.name}”",
                                                         **extremes(number))
                          for number, persona in enumerate(personas))
        return (t["chart_alt_personas"].format(
                    **common, personas=t.plural("n_personas", len(personas)), lines=lines)
                + (t["chart_alt_persona_target"] if has_target else ""))

    def trend(self, journey: Journey) -> dict[str, Any] | None:
        """Declare the evaluation trend chart of a journey (None while no evaluation has measured
        anything: a chart of dates alone says nothing)."""
        evaluations = self.playbook.evaluations_of(journey)
        t = self.t
        rows = _trend_rows(journey, evaluations)
        if not rows and all(e.nps is None and e.csat is None for e in evaluations):
            return None
        spec = ChartSpec(
            kind="trend",
            points=tuple(Point(row.id, row.touchpoint.name, row.stage.name,
                               row.touchpoint.emotion_for(row.who),
                               row.touchpoint.target_for(row.who),
                               row.touchpoint.moment_of_truth,
                               persona=row.persona.name if row.persona else "")
                         for row in rows),
            levels=(), legend=TrendLegend(nps=t["nps"], csat=t["csat"], target=t["target"]),
            evaluations=tuple(
                EvaluationColumn(e.date.isoformat(), tuple(row.scores[n] for row in rows),
                                 e.nps, e.csat)
                for n, e in enumerate(evaluations)),
            targets=MetricTargets(
                nps=journey.metrics.nps.target if journey.metrics.nps else None,
                csat=journey.metrics.csat.target if journey.metrics.csat else None),
        )
        path = f"{JOURNEYS}/{journey.id}/charts/trend"
        self._declare(path, spec)

        def series(name: str) -> str:
            values = [getattr(e, name) for e in evaluations]
            return ", ".join("\u2013" if v is None else str(v) for v in values)

        has_metrics = any(e.nps is not None or e.csat is not None for e in evaluations)
        text = t["trend_alt"].format(
            touchpoints=t.plural("n_touchpoints", len({row.touchpoint.id for row in rows})),
            rounds=t.plural("n_rounds", len(evaluations)), first=evaluations[0].date,
            last=evaluations[-1].date,
            metrics=t["trend_metrics"].format(nps=series("nps"), csat=series("csat"))
            if has_metrics else "",
        )
        return {"path": path, "alt": text, "rows": rows, "evaluations": evaluations}

    def _declare(self, path: str, spec: ChartSpec) -> None:
        self.site.charts[path] = spec
        if self._declared is not None:
            self._declared.append(path)

    def label(self, key: Any) -> str:
        """The localised label of a fixed vocabulary value (channel, status, emotion …)."""
        return self.t.get(str(key), str(key))


_PATHS: Mapping[str, Any] = {
    "journey": journey_path,
    "stage": stage_path,
    "checklist": journey_checklist_path,
    "blueprint": journey_blueprint_path,
    "team": team_path,
    "touchpoint": touchpoint_link,
    "evaluations": evaluations_path,
    "evaluation": evaluation_path,
    "maps_to_review": MAPS_TO_REVIEW,
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


@dataclass(frozen=True)
class JourneyPages:
    """What one journey adds to the site: its pages, the charts they show, its nav section."""

    pages: dict[str, SitePage]
    charts: dict[str, ChartSpec]
    nav: NavItem


class Memo(Recent[Any]):
    """What the previous build made, by a hash of what it was made of, for ``mkdocs serve``:
    a journey whose inputs (its data, its evaluation notes, the language, the day, the days a
    map stays fresh) are unchanged is not rendered again, nor is its part of the pages that
    list every journey."""

    def __init__(self) -> None:
        super().__init__()
        self.reused = 0

    def get(self, key: str) -> Any:
        found = super().get(key)
        self.reused += found is not None
        return found

    def next_build(self) -> None:
        super().next_build()
        self.reused = 0


def _digest(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def _journey_key(playbook: Playbook, journey: Journey, language: str | None,
                 today: datetime.date, stale_after: int) -> str:
    """Everything a journey's pages are made of. Its pages read only the journey, its own
    evaluation notes, these settings and the links between it and other journeys (never
    anything else of another journey), which keeps this complete."""
    # Links are the exception: its pages name the journeys it continues in and comes from.
    links = [(link.journey.id, link.journey.title, link.stage.id, link.stage.name,
              link.touchpoint.id, link.touchpoint.name, link.target.id, link.target.title,
              link.target_stage.name if link.target_stage else "")
             for link in playbook.links_from(journey) + playbook.links_to(journey)]
    return _digest(journey.id, str(playbook.source_of(journey)), language or "",
                   today.isoformat(), str(stale_after), journey.model_dump_json(), repr(links),
                   *[part for evaluation in playbook.evaluations_of(journey)
                     for part in (evaluation.slug, evaluation.model_dump_json(),
                                  evaluation.body)])


def _journey_pages(playbook: Playbook, journey: Journey, language: str | None,
                   today: datetime.date, stale_after: int) -> JourneyPages:
    renderer = _Renderer(playbook, language)
    t = renderer.t
    source = playbook.source_of(journey)
    renderer.render("journey.md.j2", journey_path(journey), source, journey=journey,
                    view=journey_view(playbook, journey),
                    freshness=playbook.freshness(journey, today, stale_after),
                    stale_after=stale_after)
    children = [NavItem(t["overview"], journey_path(journey))]
    for number, stage in enumerate(journey.stages, start=1):
        renderer.render(
            "stage.md.j2", stage_path(journey, stage), source,
            journey=journey,
            view=stage_view(playbook, journey, stage, number, t, renderer.label),
        )
        children.append(NavItem(f"{number}. {stage.name}", stage_path(journey, stage)))
    blueprint = journey_blueprint_path(journey)
    renderer.render("blueprint.md.j2", blueprint, source, journey=journey,
                    rows=blueprint_rows(journey),
                    href=lambda target: Markup(browser_link(blueprint, target)))
    children.append(NavItem(t["blueprint"], blueprint))
    renderer.render("journey_checklist.md.j2", journey_checklist_path(journey), source,
                    journey=journey)
    children.append(NavItem(t["journey_checklist"], journey_checklist_path(journey)))
    renderer.render("practice.md.j2", journey_quiz_path(journey), source, journey=journey,
                    questions=practice_questions(journey, t),
                    links={tp.id: touchpoint_link(journey, stage, tp)
                           for stage, tp in journey.touchpoints()})
    children.append(NavItem(t["practice"], journey_quiz_path(journey)))
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
    return JourneyPages(renderer.site.pages, renderer.site.charts,
                        NavItem(journey.title, children=tuple(children)))


#: With more journeys than this, the navigation lists them by group (unless told otherwise).
GROUP_JOURNEYS_ABOVE = 15
#: A group with more journeys than this lists them in runs of this many (1-25, 26-50 …, with
#: an en dash): a page's navigation then stays short however big the playbook grows.
RUN = 25


def _in_runs(journeys: list[NavItem]) -> tuple[NavItem, ...]:
    if len(journeys) <= RUN:
        return tuple(journeys)
    runs = [(start + 1, min(start + RUN, len(journeys))) for start in range(0, len(journeys), RUN)]
    return tuple(NavItem(f"{first}\u2013{last}" if last > first else str(first),
                         children=tuple(journeys[first - 1:last]))
                 for first, last in runs)


def build_site(playbook: Playbook, language: str | None = None,
               today: datetime.date | None = None,
               glossary: list[tuple[str, str]] | None = None,
               memo: Memo | None = None, group: bool | None = None,
               stale_after: int = STALE_AFTER, release: Release | None = None,
               release_charts: Mapping[str, bytes] | None = None) -> Site:
    """Every generated page of the playbook, and where each goes in the navigation.

    ``today`` decides which improvements are overdue (default: the real date); with a
    ``glossary`` (term, definition pairs) a glossary page lists it. ``memo`` keeps each
    journey's pages for the next build. ``group`` lists journeys in the navigation under
    their group (``group:``, else their owner); None does so above
    :data:`GROUP_JOURNEYS_ABOVE` journeys. A journey last evaluated more than
    ``stale_after`` days before ``today``, or never, is stale: its pages say so, and the page
    of maps to review lists it. With a ``release`` (the changes since the previous one, and
    ``release_charts``, a before/after SVG by journey id) a page lists the changes and every
    page of a changed journey links to its entry there.
    """
    today = today or datetime.date.today()
    renderer = _Renderer(playbook, language, memo)
    renderer.site.assets = _assets()
    t = renderer.t
    keys = {journey.id: _journey_key(playbook, journey, language, today, stale_after)
            for journey in playbook.journeys}
    sections: dict[str, NavItem] = {}
    changed = {c.id for c in release.changes if c.after is not None} if release else set()
    for journey in playbook.journeys:
        made = memo.get(keys[journey.id]) if memo is not None else None
        if made is None:
            made = _journey_pages(playbook, journey, language, today, stale_after)
            if memo is not None:
                memo.put(keys[journey.id], made)
        pages = made.pages
        if release is not None and journey.id in changed:
            pages = {path: _with_notice(page, release, t) for path, page in pages.items()}
        renderer.site.pages.update(pages)
        renderer.site.charts.update(made.charts)
        sections[journey.id] = made.nav

    # The pages that list every journey are made of one part per journey (see CHUNK).
    index = f"{JOURNEYS}/index.md"
    groups = playbook.groups()
    freshness = {journey.id: playbook.freshness(journey, today, stale_after)
                 for journey in playbook.journeys}
    parts = [renderer.part("journeys_part.md.j2", index, keys[journey.id] + name * (n == 0),
                           journey=journey, group=name if n == 0 else None,
                           freshness=freshness[journey.id])
             for name, members in groups for n, journey in enumerate(members)]
    renderer.render("journeys.md.j2", index, journeys=playbook.journeys, groups=groups,
                    parts=parts, freshness=freshness, stale_after=stale_after)
    parts = [renderer.part("landscape_part.md.j2", LANDSCAPE, keys[journey.id] + name * (n == 0),
                           journey=journey, group=name if n == 0 else None, number=number,
                           continues_in=playbook.links_from(journey),
                           comes_from=playbook.links_to(journey))
             for number, (name, members) in enumerate(groups, start=1)
             for n, journey in enumerate(members)]
    renderer.render("landscape.md.j2", LANDSCAPE, links=playbook.links(), parts=parts)
    journey_nav: list[NavItem] = [NavItem(t["overview"], index),
                                  NavItem(t["landscape"], LANDSCAPE)]
    if group if group is not None else len(playbook.journeys) > GROUP_JOURNEYS_ABOVE:
        journey_nav += [NavItem(name or t["ungrouped"],
                                children=_in_runs([sections[j.id] for j in journeys]))
                        for name, journeys in groups]
    else:
        journey_nav += [sections[j.id] for j in playbook.journeys]

    teams = playbook.teams()
    renderer.render("teams.md.j2", f"{CHECKLISTS}/index.md", teams=teams)
    team_nav = [NavItem(t["overview"], f"{CHECKLISTS}/index.md")]
    for team in teams:
        path = team_path(team)
        parts = [renderer.part("team_part.md.j2", path, keys[journey.id] + team.name,
                               journey=journey, assignments=assignments)
                 for journey, assignments in team.by_journey()]
        renderer.render("team.md.j2", path, team=team, parts=parts)
        team_nav.append(NavItem(team.name, path))

    improvements = playbook.improvements(today)
    path = f"{ACTIONS}/index.md"
    by_status = [(status, len(tracked),
                  [renderer.part("actions_part.md.j2", path, keys[items[0].journey.id] + status,
                                 status=status, journey=items[0].journey, items=items)
                   for items in _by_journey(tracked)])
                 for status, tracked in _by_status(improvements)]
    # The portfolio ranks every journey's improvements together: one part of its own, and
    # one matrix (redrawn only when a rating or the order changes: its spec is its key).
    ranked = portfolio(playbook, improvements)
    portfolio_chart = f"{ACTIONS}/charts/portfolio"
    if ranked:
        renderer._declare(portfolio_chart, matrix_chart(ranked, t))
    renderer.render("actions.md.j2", path, improvements=improvements, today=today,
                    by_status=by_status, by_team=_team_counts(improvements, by_status),
                    portfolio=ranked, portfolio_chart=portfolio_chart)

    # The channel matrix: a part per journey, then the summary and the teams over them all.
    words: dict[str, Any] = {"controls": CONTROLS, "not_set": NOT_SET, "average": average}
    renderer.render("channels.md.j2", CHANNELS, summary=summary(playbook), teams=by_team(playbook),
                    team_pages={team.slug: team_path(team) for team in teams}, **words,
                    parts=[renderer.part("channels_part.md.j2", CHANNELS, keys[journey.id],
                                         journey=journey, matrix=journey_matrix(journey),
                                         **words)
                           for journey in playbook.journeys])

    renderer.render("review.md.j2", MAPS_TO_REVIEW, stale=playbook.stale(today, stale_after),
                    stale_after=stale_after, today=today)

    renderer.render("progress.md.j2", PROGRESS, parts=[
        renderer.part("progress_part.md.j2", PROGRESS, keys[journey.id], journey=journey,
                      rows=_progress_rows(journey, t))
        for journey in playbook.journeys])

    renderer.site.nav = [
        NavItem(t["journeys"], children=tuple(journey_nav)),
        NavItem(t["checklists"], children=tuple(team_nav)),
        NavItem(t["actions"], f"{ACTIONS}/index.md"),
        NavItem(t["channels"], CHANNELS),
        NavItem(t["maps_to_review"], MAPS_TO_REVIEW),
        NavItem(t["progress"], PROGRESS),
    ]
    if release is not None:
        charts = {}
        for journey_id, svg in (release_charts or {}).items():
            charts[journey_id] = f"{CHANGES_FOLDER}/{journey_id}.svg"
            renderer.site.assets[charts[journey_id]] = svg
        renderer.render("changes.md.j2", CHANGES, release=release, charts=charts)
        renderer.site.nav.insert(-1, NavItem(t["changes"], CHANGES))
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


def _with_notice(page: SitePage, release: Release, t: Mapping[str, str]) -> SitePage:
    """A changed journey's page with a notice under its title, linking to the journey's entry
    on the page of changes."""
    title, _, rest = page.content.partition("\n")
    link = posixpath.relpath(CHANGES, posixpath.dirname(page.path))
    notice = (f'!!! info "{quoted(t["changed_notice_title"])}"\n\n    '
              + t["changed_notice"].format(since=inline(release.since or ""),
                                           link=f"{link}#{page.path.split('/')[1]}") + "\n")
    return replace(page, content=f"{title}\n\n{notice}{rest}", chunks=())


def _progress_rows(journey: Journey, t: Mapping[str, str]) -> list[tuple[str, str, int]]:
    """The pages of a journey a reader studies, each with its number of checklist items."""
    rows = [(t["overview"], journey_path(journey), 0)]
    rows += [(f"{number}. {stage.name}", stage_path(journey, stage),
              sum(len(tp.checklist) for tp in stage.touchpoints))
             for number, stage in enumerate(journey.stages, start=1)]
    rows.append((t["journey_checklist"], journey_checklist_path(journey),
                 sum(len(tp.checklist) for _, tp in journey.touchpoints())))
    rows.append((t["practice"], journey_quiz_path(journey), 0))
    return rows


def _by_journey(improvements: list[TrackedImprovement]) -> list[list[TrackedImprovement]]:
    """Improvements (already in order) by journey, journeys in the order of their first."""
    journeys: dict[str, list[TrackedImprovement]] = {}
    for tracked in improvements:
        journeys.setdefault(tracked.journey.id, []).append(tracked)
    return list(journeys.values())


def _team_counts(improvements: list[TrackedImprovement], by_status: list[tuple[str, Any, Any]],
                 ) -> list[tuple[str, list[int], int]]:
    """Per team (the improvement's owner): how many improvements in each status shown, and how
    many overdue."""
    teams: dict[str, list[TrackedImprovement]] = {}
    for tracked in improvements:
        teams.setdefault(tracked.owner.strip() or "—", []).append(tracked)
    return [(team, [sum(a.improvement.status == status for a in items)
                    for status, *_ in by_status], sum(a.overdue for a in items))
            for team, items in sorted(teams.items(), key=lambda kv: kv[0].casefold())]
