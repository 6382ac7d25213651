"""The before/after chart of `journeybook diff --chart`: the emotion curves a change redraws."""

from __future__ import annotations

from ..i18n import labels
from ..site.charts import ComparedJourney, ComparedTouchpoint, ComparisonLegend, render_comparison
from .diff import JourneyChanges


def compared_journeys(changes: list[JourneyChanges]) -> list[ComparedJourney]:
    """Each journey whose curve looks different, its touchpoints in the new order followed
    by those the change removed. A touchpoint with an emotion per persona is drawn at their
    mean: one curve before, one after, however many personas."""
    compared = []
    for change in changes:
        if not change.curve_changed:
            continue
        old = {tp.id: tp for _, tp in change.before.touchpoints()} if change.before else {}
        new = {tp.id: tp for _, tp in change.after.touchpoints()} if change.after else {}
        order = [*new, *(i for i in old if i not in new)]
        compared.append(ComparedJourney(change.journey.title, tuple(
            ComparedTouchpoint(name=(new.get(i) or old[i]).name,
                               before=old[i].mean_emotion if i in old else None,
                               after=new[i].mean_emotion if i in new else None)
            for i in order)))
    return compared


def comparison_chart(changes: list[JourneyChanges], language: str | None = None) -> bytes:
    """The before/after SVG, its legend in ``language``."""
    t = labels(language)
    return render_comparison(compared_journeys(changes),
                             ComparisonLegend(before=t["diff_before"], after=t["diff_after"]))
