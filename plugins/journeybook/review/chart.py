"""The before/after chart of `journeybook diff --chart`: the emotion curves a change redraws."""

from __future__ import annotations

import hashlib

from ..cache import Recent
from ..i18n import labels
from ..site.charts import ComparedJourney, ComparedTouchpoint, ComparisonLegend, render_comparison
from .diff import JourneyChanges
from .release import Release


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


def release_charts(release: Release, language: str | None = None,
                   memo: Recent[bytes] | None = None) -> dict[str, bytes]:
    """The before/after picture of each journey whose curve changed since the previous
    release, by journey id; with a ``memo`` (`mkdocs serve`), each is drawn once per change."""
    charts: dict[str, bytes] = {}
    for change in release.changes:
        if change.before is None or change.after is None or not change.curve_changed:
            continue
        key = hashlib.sha256((change.before.model_dump_json() + "\0" +
                              change.after.model_dump_json() + "\0" +
                              (language or "")).encode()).hexdigest()
        svg = memo.get(key) if memo is not None else None
        if svg is None:
            svg = comparison_chart([change], language)
            if memo is not None:
                memo.put(key, svg)
        charts[change.id] = svg
    return charts
