"""The playbook: every journey, and what can be asked across them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .cache import JourneyCache
from .model import Journey, Stage, Touchpoint
from .slug import slugify
from .source import JOURNEY_FILE, load_journeys


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


@dataclass
class Playbook:
    """All journeys of a repository, in id order."""

    journeys: list[Journey]
    journeys_dir: Path | None = None

    @classmethod
    def load(cls, journeys_dir: Path, base_dir: Path | None = None,
             cache: JourneyCache | None = None) -> Playbook:
        """Read and validate every journey; raises ``JourneybookError`` listing all problems."""
        return cls(load_journeys(journeys_dir, base_dir, cache), journeys_dir)

    def source_of(self, journey: Journey) -> Path | None:
        """The YAML file a journey was read from."""
        if self.journeys_dir is None:
            return None
        return self.journeys_dir / journey.id / JOURNEY_FILE

    def teams(self) -> list[Team]:
        """Teams that own touchpoints with checklist items, by name.

        Team names are matched by slug, so "CNTT" and "cntt" are one team, shown with the
        spelling used most often.
        """
        teams: dict[str, Team] = {}
        spellings: dict[str, Counter[str]] = {}
        for journey in self.journeys:
            for stage, touchpoint in journey.touchpoints():
                slug = slugify(touchpoint.team)
                if not slug or not touchpoint.checklist:
                    continue
                spellings.setdefault(slug, Counter())[touchpoint.team.strip()] += 1
                team = teams.setdefault(slug, Team(slug, touchpoint.team.strip()))
                team.assignments.append(Assignment(journey, stage, touchpoint))
        for slug, team in teams.items():
            team.name = spellings[slug].most_common(1)[0][0]
        return sorted(teams.values(), key=lambda team: team.name.casefold())
