"""The playbook: every journey, and what can be asked across them."""

from __future__ import annotations

import datetime
import hashlib
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .cache import JourneyCache
from .errors import Problem
from .model import Evaluation, Improvement, Journey, Persona, Stage, Touchpoint
from .slug import slugify
from .source import JOURNEY_FILE, read_sources


@dataclass(frozen=True)
class Assignment:
    """A touchpoint a team owns, with where it sits."""

    journey: Journey
    stage: Stage
    touchpoint: Touchpoint


@dataclass
class Team:
    """A department that owns touchpoints, and so every checklist item on them."""

    slug: str
    name: str
    assignments: list[Assignment] = field(default_factory=list)

    def by_journey(self) -> list[tuple[Journey, list[Assignment]]]:
        grouped: dict[str, tuple[Journey, list[Assignment]]] = {}
        for assignment in self.assignments:
            grouped.setdefault(assignment.journey.id, (assignment.journey, []))[1].append(
                assignment
            )
        return list(grouped.values())

    @property
    def item_count(self) -> int:
        return sum(len(a.touchpoint.checklist) for a in self.assignments)


@dataclass(frozen=True)
class Score:
    """A touchpoint's measured emotion in one evaluation."""

    value: int
    evaluation: Evaluation


@dataclass(frozen=True)
class Gap:
    """A touchpoint measured below what it should be (for one persona), and by how much."""

    stage: Stage
    touchpoint: Touchpoint
    measured: Score
    #: The mapped `target`, or 0 when the map sets none.
    expected: int
    #: Whose gap it is, when the map or the evaluation tells personas apart.
    persona: Persona | None = None

    @property
    def size(self) -> int:
        return self.expected - self.measured.value


@dataclass(frozen=True)
class Link:
    """A touchpoint whose journey continues in another journey (or another stage)."""

    journey: Journey
    stage: Stage
    touchpoint: Touchpoint
    target: Journey
    #: The stage it continues in; None for the target journey as a whole.
    target_stage: Stage | None


@dataclass(frozen=True)
class TrackedImprovement:
    """An improvement, where it applies, and whether it is late."""

    journey: Journey
    stage: Stage
    touchpoint: Touchpoint
    improvement: Improvement
    overdue: bool

    @property
    def owner(self) -> str:
        """Who acts: the improvement's owner, else the team owning the touchpoint."""
        return self.improvement.owner or self.touchpoint.team


#: Days after its newest evaluation note that a journey map goes stale (the `stale_after`
#: option's default): a map is never finished, customers' experience moves on.
STALE_AFTER = 180


@dataclass(frozen=True)
class Freshness:
    """How long ago a journey was last evaluated, on a given day, and whether that is too long."""

    journey: Journey
    #: The date of its newest evaluation note; None when it was never evaluated.
    last_evaluated: datetime.date | None
    #: Days from that date to the day asked about; None when never evaluated.
    days: int | None
    #: Never evaluated, or last evaluated more than the days allowed before.
    stale: bool


# The heading's text is cut from the rest of the line with str methods: a pattern that also
# strips the closing `#`s and blanks backtracks over long runs of them (cubic in the line).
_HEADING = re.compile(r" {0,3}#{1,6}[ \t]+(.*)")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")


def note_lines(markdown: str) -> list[str]:
    """The lines of a note as Python-Markdown reads them: ``\r\n`` and ``\r`` end a line
    too, and nothing else does (``str.splitlines`` would also split at U+2028)."""
    return markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def headings(markdown: str) -> list[tuple[int, str]]:
    """ATX headings of a Markdown text as ``(line index, text)``, skipping fenced code; line
    indexes count :func:`note_lines`."""
    found: list[tuple[int, str]] = []
    fence: str | None = None
    for index, line in enumerate(note_lines(markdown)):
        marker = _FENCE.match(line)
        if marker:
            if fence is None:
                fence = marker.group(1)[0]
            elif marker.group(1)[0] == fence:
                fence = None
            continue
        if fence is None and (heading := _HEADING.match(line)):
            # Python-Markdown drops trailing `#`s, with or without a blank before them.
            text = heading.group(1).rstrip(" \t").rstrip("#").rstrip(" \t")
            if text:
                found.append((index, text))
    return found


@dataclass(frozen=True)
class _Reading:
    """What the headings of one note say about its journey's touchpoints."""

    #: Headings that name a touchpoint, by line index.
    mentions: dict[int, Touchpoint]
    #: Ids of the touchpoints named.
    named: frozenset[str]


@dataclass
class Playbook:
    """All journeys of a repository, in id order, with their evaluation notes."""

    journeys: list[Journey]
    journeys_dir: Path | None = None
    #: Evaluations of each journey, by journey id, oldest first.
    evaluations: dict[str, list[Evaluation]] = field(default_factory=dict)
    #: What the journeys could write better without being wrong (prose split at commas …).
    warnings: list[Problem] = field(default_factory=list)
    #: Each note's headings, read once however many touchpoints ask about the note, by
    #: journey id and note slug (the note's file name, unique in its journey).
    _readings: dict[tuple[str, str], _Reading] = field(
        default_factory=dict, init=False, repr=False, compare=False)
    _links: list[Link] | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def load(cls, journeys_dir: Path, base_dir: Path | None = None,
             cache: JourneyCache | None = None) -> Playbook:
        """Read and validate every journey and evaluation note; raises ``JourneybookError``
        listing all problems."""
        sources = read_sources(journeys_dir, base_dir, cache)
        return cls(sources.journeys, journeys_dir, sources.evaluations, sources.warnings)

    def evaluations_of(self, journey: Journey) -> list[Evaluation]:
        return self.evaluations.get(journey.id, [])

    def last_evaluated(self, journey: Journey) -> datetime.date | None:
        """The date of a journey's newest evaluation note; None when it has none."""
        return max((e.date for e in self.evaluations_of(journey)), default=None)

    def freshness(self, journey: Journey, today: datetime.date,
                  stale_after: int = STALE_AFTER) -> Freshness:
        """How long before ``today`` a journey was last evaluated; stale when never, or more
        than ``stale_after`` days before."""
        last = self.last_evaluated(journey)
        days = (today - last).days if last else None
        return Freshness(journey, last, days, days is None or days > stale_after)

    def is_stale(self, journey: Journey, today: datetime.date,
                 stale_after: int = STALE_AFTER) -> bool:
        return self.freshness(journey, today, stale_after).stale

    def stale(self, today: datetime.date, stale_after: int = STALE_AFTER) -> list[Freshness]:
        """The journeys stale on ``today``, oldest first: never evaluated, then the longest
        since their last evaluation (equals keep the playbook's order)."""
        found = [f for f in (self.freshness(j, today, stale_after) for j in self.journeys)
                 if f.stale]
        return sorted(found, key=lambda f: (f.days is not None, -(f.days or 0)))

    def scores(self, journey: Journey, touchpoint: Touchpoint, persona: str = "") -> list[Score]:
        """Every measurement of a touchpoint (for one persona, by id), oldest first. With no
        persona named, a round that measured personas apart counts with their rounded mean."""
        found = [(e.score_for(touchpoint.id, persona), e) for e in self.evaluations_of(journey)]
        return [Score(value, e) for value, e in found if value is not None]

    def latest_score(self, journey: Journey, touchpoint: Touchpoint,
                     persona: str = "") -> Score | None:
        scores = self.scores(journey, touchpoint, persona)
        return scores[-1] if scores else None

    def mentions(self, journey: Journey, evaluation: Evaluation) -> dict[int, Touchpoint]:
        """Headings of a note that name a touchpoint (by id or name), by line index (of
        :func:`note_lines`). The note is read once: every call returns the same dict."""
        return self._reading(journey, evaluation).mentions

    def evaluations_about(self, journey: Journey, touchpoint: Touchpoint) -> list[Evaluation]:
        """Evaluations that scored a touchpoint or wrote about it, newest first."""
        return [e for e in reversed(self.evaluations_of(journey))
                if touchpoint.id in e.scores or touchpoint.id in self._reading(journey, e).named]

    def _reading(self, journey: Journey, evaluation: Evaluation) -> _Reading:
        key = (journey.id, evaluation.slug)
        reading = self._readings.get(key)
        if reading is not None:
            return reading
        by_text: dict[str, Touchpoint] = {}
        for _, touchpoint in journey.touchpoints():
            by_text.setdefault(touchpoint.id, touchpoint)
            by_text.setdefault(" ".join(touchpoint.name.split()).casefold(), touchpoint)
        found: dict[int, Touchpoint] = {}
        for index, text in headings(evaluation.body):
            wanted = " ".join(text.split())
            named = by_text.get(wanted) or by_text.get(wanted.casefold())
            if named is not None:
                found[index] = named
        reading = self._readings[key] = _Reading(found, frozenset(t.id for t in found.values()))
        return reading

    def is_assumption(self, journey: Journey, touchpoint: Touchpoint) -> bool:
        """True when neither research (`evidence`) nor any evaluation backs its emotion."""
        return not touchpoint.evidence and not any(
            touchpoint.id in e.scores for e in self.evaluations_of(journey))

    def backed_by_evidence(self, journey: Journey) -> int:
        return sum(not self.is_assumption(journey, t) for _, t in journey.touchpoints())

    def gaps(self, journey: Journey) -> list[Gap]:
        """Touchpoints whose latest measured score is below their target (below 0 when they
        have none), largest gap first: where to act first."""
        found = []
        for stage, touchpoint in journey.touchpoints():
            apart = touchpoint.per_persona or any(
                isinstance(e.scores.get(touchpoint.id), dict)
                for e in self.evaluations_of(journey))
            for persona in journey.personas if apart else [None]:
                persona_id = persona.id if persona else ""
                latest = self.latest_score(journey, touchpoint, persona_id)
                target = touchpoint.target_for(persona_id)
                expected = target if target is not None else 0
                if latest is not None and latest.value < expected:
                    found.append(Gap(stage, touchpoint, latest, expected, persona))
        # sorted() is stable: equal gaps keep the journey's order.
        return sorted(found, key=lambda gap: -gap.size)

    def links(self) -> list[Link]:
        """Every touchpoint `link:` of the playbook, in journey order (checked when loading:
        each names a journey, and a stage of it when it says one)."""
        if self._links is None:
            by_id = {j.id: j for j in self.journeys}
            self._links = []
            for journey in self.journeys:
                for stage, touchpoint in journey.touchpoints():
                    target = by_id.get(touchpoint.link_journey or "")
                    if target is None:
                        continue
                    stage_id = touchpoint.link_stage
                    target_stage = next((s for s in target.stages if s.id == stage_id), None)
                    self._links.append(Link(journey, stage, touchpoint, target, target_stage))
        return self._links

    def links_from(self, journey: Journey) -> list[Link]:
        """Where a journey's touchpoints continue ("continues in")."""
        return [link for link in self.links() if link.journey.id == journey.id]

    def links_to(self, journey: Journey) -> list[Link]:
        """The touchpoints of other journeys (or of this one) that continue here
        ("comes from")."""
        return [link for link in self.links() if link.target.id == journey.id]

    def improvements(self, today: datetime.date) -> list[TrackedImprovement]:
        """Every improvement of every journey; overdue when due before ``today`` and not done."""
        return [
            TrackedImprovement(journey, stage, touchpoint, improvement,
                               overdue=improvement.status != "done" and improvement.due is not None
                   and improvement.due < today)
            for journey in self.journeys
            for stage, touchpoint in journey.touchpoints()
            for improvement in touchpoint.improvements
        ]

    def source_of(self, journey: Journey) -> Path | None:
        """The YAML file a journey was read from."""
        if self.journeys_dir is None:
            return None
        return self.journeys_dir / journey.id / JOURNEY_FILE

    def groups(self) -> list[tuple[str, list[Journey]]]:
        """The journeys by navigation group, for the site's navigation and the journeys index.

        A journey's group is its `group`, else its owner. Groups come by name ignoring case,
        the one with no name (neither group nor owner) last; journeys keep the playbook's order.
        """
        grouped: dict[str, list[Journey]] = {}
        for journey in self.journeys:
            grouped.setdefault(journey.group.strip() or journey.owner.strip(), []).append(journey)
        return sorted(grouped.items(), key=lambda group: (not group[0], group[0].casefold()))

    def teams(self) -> list[Team]:
        """Teams that own touchpoints with checklist items, by name.

        Team names are matched by slug, so "CNTT" and "cntt" are one team, shown with the
        spelling used most often.
        """
        teams: dict[str, Team] = {}
        spellings: dict[str, Counter[str]] = {}
        for journey in self.journeys:
            for stage, touchpoint in journey.touchpoints():
                name = touchpoint.team.strip()
                if not name or not touchpoint.checklist:
                    continue
                # A name with no letters or digits ("???", "客服") still gets a page.
                slug = slugify(name) or "team-" + hashlib.sha256(name.encode()).hexdigest()[:8]
                spellings.setdefault(slug, Counter())[name] += 1
                team = teams.setdefault(slug, Team(slug, name))
                team.assignments.append(Assignment(journey, stage, touchpoint))
        for slug, team in teams.items():
            team.name = spellings[slug].most_common(1)[0][0]
        return sorted(teams.values(), key=lambda team: team.name.casefold())


def build_date(setting: str | datetime.date | None = None) -> datetime.date:
    """The day improvements are judged overdue against: ``setting`` (a date or
    ``YYYY-MM-DD``), else the ``SOURCE_DATE_EPOCH`` environment variable (reproducible
    builds), else today. Raises ValueError for a setting that is not a date."""
    if isinstance(setting, datetime.date):
        return setting
    if setting:
        return datetime.date.fromisoformat(setting)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date()
    return datetime.date.today()
