"""The opportunity portfolio: improvements in the order to take them on, where each sits on
the impact-effort matrix, and the measured gap each would close."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..playbook import Gap, Playbook, TrackedImprovement
from .charts import ChartSpec, MatrixItem, MatrixLegend

#: The three levels of impact and effort, low to high.
RATINGS = (1, 2, 3)


@dataclass(frozen=True)
class Opportunity:
    """An improvement in the portfolio, with the largest gap measured at its touchpoint."""

    tracked: TrackedImprovement
    #: Its number in the portfolio (and on the matrix), from 1; 0 while it is not rated.
    number: int
    #: The touchpoint's largest measured gap (of any persona); None when none is measured.
    gap: Gap | None


@dataclass(frozen=True)
class Portfolio:
    #: Improvements with both impact and effort, quick wins first, then by impact minus
    #: effort, then by impact, then in the playbook's order.
    rated: tuple[Opportunity, ...]
    #: Improvements without impact or effort, in the playbook's order.
    unrated: tuple[Opportunity, ...]

    def __bool__(self) -> bool:
        # Nothing rated, nothing to rank: the improvements page stays as it was.
        return bool(self.rated)

    @property
    def quick_wins(self) -> list[int]:
        return [o.number for o in self.rated if o.tracked.improvement.quick_win]

    def cell(self, impact: int, effort: int) -> list[int]:
        """Numbers of the improvements rated ``impact`` and ``effort``, in portfolio order."""
        return [o.number for o in self.rated
                if (o.tracked.improvement.impact, o.tracked.improvement.effort)
                == (impact, effort)]

    @property
    def grid(self) -> list[tuple[int, list[tuple[int, list[int]]]]]:
        """The matrix as table rows: impact high to low, each with (effort, numbers) low to
        high."""
        return [(impact, [(effort, self.cell(impact, effort)) for effort in RATINGS])
                for impact in reversed(RATINGS)]


def _rank(entry: tuple[int, TrackedImprovement]) -> tuple[bool, int, int, int]:
    order, tracked = entry
    impact, effort = tracked.improvement.impact or 0, tracked.improvement.effort or 0
    return (not tracked.improvement.quick_win, effort - impact, -impact, order)


def portfolio(playbook: Playbook, improvements: list[TrackedImprovement]) -> Portfolio:
    """The improvements (in the playbook's order) as a portfolio."""
    gaps: dict[tuple[str, str, str], Gap] = {}
    for journey_id in dict.fromkeys(tracked.journey.id for tracked in improvements):
        journey = next(t.journey for t in improvements if t.journey.id == journey_id)
        for gap in playbook.gaps(journey):  # largest first: the first of a touchpoint stays
            gaps.setdefault((journey.id, gap.stage.id, gap.touchpoint.id), gap)

    def gap_of(tracked: TrackedImprovement) -> Gap | None:
        return gaps.get((tracked.journey.id, tracked.stage.id, tracked.touchpoint.id))

    rated = sorted(((n, t) for n, t in enumerate(improvements) if t.improvement.rated),
                   key=_rank)
    return Portfolio(
        rated=tuple(Opportunity(t, number, gap_of(t))
                    for number, (_, t) in enumerate(rated, start=1)),
        unrated=tuple(Opportunity(t, 0, gap_of(t))
                      for t in improvements if not t.improvement.rated),
    )


def matrix_chart(portfolio: Portfolio, t: Mapping[str, str]) -> ChartSpec:
    """The impact-effort matrix of the rated improvements, by their numbers."""
    return ChartSpec(
        kind="matrix", points=(), levels=tuple(t[f"rating_{level}"] for level in RATINGS),
        legend=MatrixLegend(impact=t["impact"], effort=t["effort"],
                            quick_wins=t["quick_wins"]),
        items=tuple(MatrixItem(o.number, o.tracked.improvement.impact or 0,
                               o.tracked.improvement.effort or 0) for o in portfolio.rated),
    )
