"""Emotion charts as SVG, drawn with matplotlib.

A chart is described by a :class:`ChartSpec`: plain, hashable data holding exactly what is
drawn (points, labels, size). Its :meth:`ChartSpec.key` is the cache key, and
:func:`render` turns it into a light and a dark SVG. Rendering is deterministic: the same
spec gives the same bytes, so caches and two builds agree.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import io
import json
import multiprocessing
import re
import textwrap
import unicodedata
import warnings
from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from .cache import ChartCache

#: The drawing code itself is part of every cache key: edit this file and charts are redrawn.
CHART_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]

Kind = Literal["curve", "sparkline", "trend"]


@dataclass(frozen=True)
class Point:
    """One touchpoint on the x axis."""

    id: str
    name: str
    stage: str
    emotion: int
    target: int | None
    moment_of_truth: bool
    #: The score the latest evaluation round measured, if it measured this touchpoint.
    measured: int | None = None


@dataclass(frozen=True)
class Round:
    """One evaluation round in a trend chart."""

    date: str
    #: Measured score of each of the chart's points (None: not measured this round).
    scores: tuple[int | None, ...]
    nps: int | None = None
    csat: int | None = None


@dataclass(frozen=True)
class ChartSpec:
    kind: Kind
    points: tuple[Point, ...]
    #: Names of the five emotion levels, −2 … +2, in the site's language.
    levels: tuple[str, ...]
    #: Legend entries: as-is, to-be, moment of truth, pain point, measured (curve); for a
    #: trend: NPS, CSAT, target.
    legend: tuple[str, ...]
    #: Evaluation rounds, oldest first (trend charts).
    rounds: tuple[Round, ...] = ()
    #: The journey's NPS and CSAT targets (trend charts).
    targets: tuple[int | None, int | None] = (None, None)

    @property
    def has_target(self) -> bool:
        return any(p.target is not None for p in self.points)

    @property
    def has_measured(self) -> bool:
        return any(p.measured is not None for p in self.points)

    def key(self) -> str:
        """Hash of everything that shapes the picture, the palettes and the code version."""
        payload = json.dumps(
            [CHART_VERSION, _matplotlib_version(), asdict(self), PALETTES],
            ensure_ascii=False, sort_keys=True,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


# Colours by role. The dark SVG is the light one with each colour swapped for its dark
# counterpart, so every role must have its own distinct colour (checked in the tests).
PALETTES: Mapping[str, Mapping[str, str]] = {
    "light": {
        "text": "#3b3f4a",
        "muted": "#6b7080",
        "grid": "#d9dbe3",
        "zero": "#9a9fb0",
        "band": "#eef0f7",
        "as_is": "#3949ab",
        "to_be": "#c75000",
        "pain": "#c62828",
        "moment": "#b8860b",
        "measured": "#00796b",
        # Score cells of the trend chart, −2 … +2.
        "score_-2": "#f2b8b5",
        "score_-1": "#f8dcd2",
        "score_0": "#e9ebf0",
        "score_1": "#d3ead5",
        "score_2": "#a5d6a7",
    },
    "dark": {
        "text": "#e2e4ec",
        "muted": "#a4a9bb",
        "grid": "#3a3e4d",
        "zero": "#6c7186",
        "band": "#282b38",
        "as_is": "#8c9eff",
        "to_be": "#ffab40",
        "pain": "#ff6e6e",
        "moment": "#ffd54f",
        "measured": "#4dd0c0",
        "score_-2": "#6e2c2c",
        "score_-1": "#4f3530",
        "score_0": "#343846",
        "score_1": "#2c4632",
        "score_2": "#2f6338",
    },
}


@functools.cache
def _matplotlib_version() -> str:
    # Read from metadata: importing matplotlib costs a third of a second that a build whose
    # charts are all cached need not pay.
    return importlib.metadata.version("matplotlib")


def _matplotlib():
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib import pyplot, rcParams

    rcParams.update({
        # Text stays text: crisp, small, selectable, searchable.
        "svg.fonttype": "none",
        # Fixed salt: element ids in the SVG are the same on every run.
        "svg.hashsalt": "journeybook",
        "svg.image_inline": True,
        # DejaVu Sans ships with matplotlib and covers Vietnamese; the browser picks the
        # reader's sans-serif when it has no DejaVu.
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans"],
        "font.size": 10,
        "axes.unicode_minus": True,
        "path.simplify": False,
        # Chart text is always literal: "Pay $20, get $5 back" is not math between `$`s.
        "text.parse_math": False,
    })
    return pyplot


#: Characters XML 1.0 cannot hold, besides control characters.
_NOT_XML = frozenset("\ufffe\uffff")


def _plain(text: str) -> str:
    """Text as one line that matplotlib and XML can hold: runs of whitespace (newlines, tabs,
    U+2028 …) become one space, and control characters (XML 1.0 forbids most, no font draws
    any) and the two non-characters XML forbids go."""
    text = " ".join(text.split())
    if text.isprintable():
        return text  # nearly all text: nothing to remove
    return "".join(char for char in text
                   if unicodedata.category(char) != "Cc" and char not in _NOT_XML)


def _drawable(spec: ChartSpec) -> ChartSpec:
    """The spec with every text it draws made :func:`_plain`: the one door for chart text."""
    return replace(
        spec,
        points=tuple(replace(p, name=_plain(p.name), stage=_plain(p.stage))
                     for p in spec.points),
        levels=tuple(_plain(level) for level in spec.levels),
        legend=tuple(_plain(label) for label in spec.legend),
        rounds=tuple(replace(r, date=_plain(r.date)) for r in spec.rounds),
    )


@contextmanager
def _any_script() -> Iterator[None]:
    """Draw text in any script without a warning about glyphs DejaVu Sans lacks.

    The SVG keeps text as text, so the reader's browser draws every character with its own
    fonts (emoji, CJK, …); matplotlib's font only estimates widths, where a missing glyph
    counts as a box of about the same width.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", r"Glyph \d+ .* missing from font", UserWarning)
        yield


def _wrap(text: str, width: int, lines: int) -> str:
    """Wrap to ``lines`` lines of ``width`` characters, ending in "…" when cut."""
    wrapped = textwrap.wrap(" ".join(text.split()), width=max(width, 4)) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: max(width - 1, 1)].rstrip() + "…"
    return "\n".join(wrapped)


def _abbreviate(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _text_width(text: str, size: float) -> float:
    """Width in inches of one line of text, measured as the SVG backend measures it."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    width, _, _ = TextToPath().get_text_width_height_descent(
        text, FontProperties(size=size), ismath=False
    )
    return width / 72


def _curve(spec: ChartSpec, colours: Mapping[str, str]):
    # Every label is a plain `text` at a computed place, not an axis tick or a legend: ticks
    # and legends cost matplotlib a second layout pass, and a build draws thousands of these.
    pyplot = _matplotlib()
    points = spec.points
    n = len(points)
    # Wide enough that labels never overlap, narrow enough to fit the page: beyond ~9
    # touchpoints the labels turn and shorten instead of the chart growing.
    left, right = 1.3, 0.15
    width = min(max(left + right + 0.9 * n, 6.0), 10.0)
    slot = (width - left - right) / max(n, 1)  # inches per touchpoint
    rotate = slot < 0.85
    label_size = 7.5 if n > 24 else 9.0
    if rotate:
        names = [_abbreviate(p.name, 30) for p in points]
        longest = max(_text_width(name, label_size) for name in names)  # inches
        bottom = 0.2 + longest * 0.82  # sin(55°)
    else:
        chars = max(int(slot * 72 / 5.2), 8)
        names = [_wrap(p.name, chars, 3) for p in points]
        lines = max(name.count("\n") + 1 for name in names)
        bottom = 0.2 + lines * label_size * 1.25 / 72
    shown = [spec.legend[0]]
    shown += [spec.legend[1]] if spec.has_target else []
    shown += [spec.legend[2]] if any(p.moment_of_truth for p in points) else []
    shown += [spec.legend[3]] if any(p.emotion < 0 for p in points) else []
    shown += [spec.legend[4]] if spec.has_measured else []
    places = _legend_places(shown, width)
    rows = max(row for row, _ in places) + 1
    plot, top = 2.5, 0.5 + 0.3 * rows
    height = bottom + plot + top
    figure = pyplot.figure(figsize=(width, height))
    figure.patch.set_alpha(0)
    axes = figure.add_axes((left / width, bottom / height, (width - left - right) / width,
                            plot / height))
    axes.set_axis_off()
    axes.set_xlim(-0.5, n - 0.5)
    axes.set_ylim(-2.6, 2.6)
    xs = list(range(n))

    # Stage bands, shaded alternately and named above the plot.
    stages: list[tuple[str, int, int]] = []
    first = 0
    for i in range(1, n + 1):
        if i == n or points[i].stage != points[i - 1].stage:
            stages.append((points[first].stage, first, i - 1))
            first = i
    for number, (name, first, last) in enumerate(stages):
        if number % 2 == 0:
            axes.axvspan(first - 0.5, last + 0.5, color=colours["band"], zorder=0, lw=0)
        chars = max(int((last - first + 1) * slot * 72 / 6.2), 6)
        axes.text((first + last) / 2, 2.7, _wrap(name, chars, 2), ha="center", va="bottom",
                  fontsize=9.5, fontweight="bold", color=colours["muted"], linespacing=1.1,
                  gid=f"stage-{number}")

    # Levels: grid lines, a stronger zero line, and their names on the left.
    for level, name in zip((-2, -1, 0, 1, 2), spec.levels, strict=True):
        axes.axhline(level, color=colours["zero" if level == 0 else "grid"],
                     lw=1.0 if level == 0 else 0.6, zorder=1)
        sign = f"{level:+d}".replace("+0", "0").replace("-", "\u2212")
        axes.text(-0.5 - 0.1 / slot, level, f"{sign}  {name}", ha="right", va="center",
                  fontsize=9.5, color=colours["text"])

    # Touchpoint names under the plot, each named by the touchpoint's id like its marker.
    for x, name, point in zip(xs, names, points, strict=True):
        if rotate:
            axes.text(x, -2.75, name, rotation=55, ha="right", va="top",
                      rotation_mode="anchor", fontsize=label_size, color=colours["text"],
                      gid=f"name-{point.id}")
        else:
            axes.text(x, -2.75, name, ha="center", va="top", fontsize=label_size,
                      linespacing=1.05, color=colours["text"], gid=f"name-{point.id}")

    axes.plot(xs, [p.emotion for p in points], color=colours["as_is"], lw=2.2, zorder=3,
              solid_capstyle="round")
    if spec.has_target:
        targets = [(x, p.target) for x, p in zip(xs, points, strict=True) if p.target is not None]
        axes.plot(*zip(*targets, strict=True), color=colours["to_be"], lw=1.8,
                  ls=(0, (5, 3)), zorder=2, marker="D", markersize=5.5, markerfacecolor="none",
                  markeredgewidth=1.4, gid="to-be")
    if spec.has_measured:
        measured = [(x, p.measured) for x, p in zip(xs, points, strict=True)
                    if p.measured is not None]
        axes.plot(*zip(*measured, strict=True), color=colours["measured"], lw=1.6,
                  ls=(0, (1, 2)), zorder=3, marker="s", markersize=6,
                  markerfacecolor=colours["measured"], markeredgecolor="white",
                  markeredgewidth=0.8, gid="measured")
    for x, point in zip(xs, points, strict=True):
        pain = point.emotion < 0
        # One marker per touchpoint, named by its id, so tests and scripts can read the SVG.
        axes.plot([x], [point.emotion], linestyle="none", zorder=4,
                  marker="v" if pain else "o", markersize=8 if pain else 7,
                  markerfacecolor=colours["pain"] if pain else colours["as_is"],
                  markeredgecolor="white" if not pain else colours["pain"], markeredgewidth=1,
                  gid=f"as-is-{point.id}")
        if point.moment_of_truth:
            axes.plot([x], [point.emotion + 0.38], linestyle="none", zorder=5, marker="*",
                      markersize=12, color=colours["moment"], gid=f"moment-{point.id}")

    # Legend, in one row above everything; line style and marker tell the series apart
    # without colour.
    entries = [(spec.legend[0], {"color": colours["as_is"], "lw": 2.2, "marker": "o",
                                 "markersize": 6, "markeredgecolor": "white"})]
    if spec.has_target:
        entries.append((spec.legend[1], {"color": colours["to_be"], "lw": 1.8,
                                         "ls": (0, (5, 3)), "marker": "D", "markersize": 5,
                                         "markerfacecolor": "none"}))
    if any(p.moment_of_truth for p in points):
        entries.append((spec.legend[2], {"color": colours["moment"], "lw": 0, "marker": "*",
                                         "markersize": 11}))
    if any(p.emotion < 0 for p in points):
        entries.append((spec.legend[3], {"color": colours["pain"], "lw": 0, "marker": "v",
                                         "markersize": 7}))
    if spec.has_measured:
        entries.append((spec.legend[4], {"color": colours["measured"], "lw": 1.6,
                                         "ls": (0, (1, 2)), "marker": "s", "markersize": 5,
                                         "markeredgecolor": "white"}))
    key = figure.add_axes((0, (height - 0.3 * rows) / height, 1, 0.3 * rows / height))
    key.set_axis_off()
    key.set_xlim(0, width)
    key.set_ylim(rows, 0)
    for (label, style), (row, at) in zip(entries, places, strict=True):
        y = row + 0.5
        key.plot([at, at + 0.18, at + 0.36], [y, y, y], markevery=[1], **style)
        key.text(at + 0.45, y, label, va="center", fontsize=9, color=colours["text"])
    return figure


def _legend_places(labels: list[str], width: float) -> list[tuple[int, float]]:
    """(row, x in inches) of each legend entry: one row while they fit, then more."""
    places: list[tuple[int, float]] = []
    row, at = 0, 0.1
    for label in labels:
        size = 0.45 + _text_width(label, 9)
        if at > 0.1 and at + size > width - 0.1:
            row, at = row + 1, 0.1
        places.append((row, at))
        at += size + 0.25
    return places


def _sparkline(spec: ChartSpec, colours: Mapping[str, str]):
    pyplot = _matplotlib()
    figure = pyplot.figure(figsize=(1.9, 0.45))
    figure.patch.set_alpha(0)
    axes = figure.add_axes((0.02, 0.06, 0.96, 0.88))
    axes.set_axis_off()
    n = len(spec.points)
    axes.set_xlim(-0.5, n - 0.5)
    axes.set_ylim(-2.4, 2.4)
    axes.axhline(0, color=colours["zero"], lw=0.6)
    axes.plot(range(n), [p.emotion for p in spec.points], color=colours["as_is"], lw=1.4,
              solid_joinstyle="round")
    pains = [(x, p.emotion) for x, p in enumerate(spec.points) if p.emotion < 0]
    if pains:
        axes.plot(*zip(*pains, strict=True), linestyle="none", marker="v", markersize=3.2,
                  color=colours["pain"])
    return figure


def _trend(spec: ChartSpec, colours: Mapping[str, str]):
    """Measured score per touchpoint and round (a grid of numbers on coloured cells), and NPS
    and CSAT per round against the journey's targets."""
    pyplot = _matplotlib()
    rows = [(i, p) for i, p in enumerate(spec.points)
            if any(r.scores[i] is not None for r in spec.rounds)]
    rounds = spec.rounds
    n = len(rounds)
    left, right, cell_w, cell_h = 3.2, 1.7, 1.0, 0.3
    width = max(left + right + cell_w * n, 6.0)
    metrics = any(r.nps is not None or r.csat is not None for r in rounds)
    grid_h = cell_h * len(rows)
    metrics_h = 2.0 if metrics else 0.0
    head, gap, foot = 0.45, (0.75 if metrics else 0.0), 0.55
    height = head + grid_h + gap + metrics_h + foot
    figure = pyplot.figure(figsize=(width, height))
    figure.patch.set_alpha(0)
    cells_w = cell_w * n
    # Dates head the columns, placed in inches rather than on the grid: when no round
    # scored any touchpoint there is no grid (an axes of no height cannot be scaled).
    top = foot + metrics_h + gap + grid_h
    for column, this in enumerate(rounds):
        figure.text((left + cell_w * (column + 0.5)) / width, (top + 0.25 * cell_h) / height,
                    this.date, ha="center", va="bottom", fontsize=9, fontweight="bold",
                    color=colours["muted"])
    if rows:
        grid = figure.add_axes((left / width, (foot + metrics_h + gap) / height,
                                cells_w / width, grid_h / height))
        grid.set_axis_off()
        grid.set_xlim(0, n)
        grid.set_ylim(len(rows), 0)
        for row, (index, point) in enumerate(rows):
            grid.text(-0.12, row + 0.5, _abbreviate(point.name, 42), ha="right", va="center",
                      fontsize=8.5, color=colours["text"], gid=f"name-{point.id}")
            for column, this in enumerate(rounds):
                value = this.scores[index]
                if value is None:
                    grid.text(column + 0.5, row + 0.5, "·", ha="center", va="center",
                              color=colours["muted"], fontsize=9)
                    continue
                grid.add_patch(pyplot.Rectangle((column + 0.04, row + 0.06), 0.92, 0.88, lw=0,
                                                color=colours[f"score_{value}"]))
                sign = f"{value:+d}".replace("+0", "0").replace("-", "\u2212")
                grid.text(column + 0.5, row + 0.5, sign, ha="center", va="center", fontsize=9,
                          color=colours["text"], gid=f"score-{point.id}-{column}")
    if metrics:
        chart = figure.add_axes((left / width, foot / height, cells_w / width,
                                 metrics_h / height))
        values = [v for r in rounds for v in (r.nps, r.csat) if v is not None]
        values += [v for v in spec.targets if v is not None]
        # From a little under the lowest value (or 0) to 100: the numbers, not empty space.
        low = max(-100, min(0, *values) - 10)
        chart.set_xlim(0, n)
        chart.set_ylim(low, 108)
        chart.set_xticks([])
        ticks = [v for v in range(-100, 101, 25) if v >= low]
        chart.set_yticks(ticks)
        chart.tick_params(colors=colours["text"], length=0, labelsize=8.5)
        for side in chart.spines.values():
            side.set_visible(False)
        for level in ticks:
            chart.axhline(level, color=colours["zero" if level == 0 else "grid"],
                          lw=1.0 if level == 0 else 0.6, zorder=0)
        xs = [column + 0.5 for column in range(n)]
        series = (("nps", 0, colours["as_is"], "-", "o"), ("csat", 1, colours["to_be"],
                                                          (0, (5, 3)), "D"))
        entries = []
        for name, position, colour, style, marker in series:
            points = [(x, getattr(r, name)) for x, r in zip(xs, rounds, strict=True)
                      if getattr(r, name) is not None]
            if not points:
                continue
            chart.plot(*zip(*points, strict=True), color=colour, ls=style, lw=2, marker=marker,
                       markersize=6, gid=name)
            for x, value in points:
                chart.text(x + 0.08, value - 3, str(value), ha="left", va="top", fontsize=8.5,
                           color=colour)
            entries.append((spec.legend[position], colour, style, marker))
            target = spec.targets[position]
            if target is not None:
                chart.axhline(target, color=colour, ls=(0, (1, 2)), lw=1.2,
                              gid=f"{name}-target")
                # Named in the margin on the right, clear of the values.
                chart.text(n + 0.06, target, f"{spec.legend[2]} {spec.legend[position]}: "
                           f"{target}", ha="left", va="center", fontsize=8, color=colour)
        at = 0.1
        for label, colour, style, marker in entries:
            figure.add_artist(pyplot.Line2D(
                [at / width, (at + 0.18) / width, (at + 0.36) / width], [0.25 / height] * 3,
                color=colour, ls=style, lw=2, marker=marker, markersize=5, markevery=[1]))
            figure.text((at + 0.45) / width, 0.25 / height, label, va="center", fontsize=9,
                        color=colours["text"])
            at += 0.45 + _text_width(label, 9) + 0.35
    return figure


_DRAW = {"curve": _curve, "sparkline": _sparkline, "trend": _trend}
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)


def _svg(figure: Any) -> str:
    """A figure as SVG text without dates or metadata (the same input, the same bytes)."""
    buffer = io.StringIO()
    try:
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    finally:
        _matplotlib().close(figure)
    return _METADATA.sub("", buffer.getvalue())


def render(spec: ChartSpec) -> dict[str, bytes]:
    """The chart as ``{"light": svg, "dark": svg}``."""
    with _any_script():
        light = _svg(_DRAW[spec.kind](_drawable(spec), PALETTES["light"]))
    return {"light": light.encode("utf-8"), "dark": _recolour(light, "dark").encode("utf-8")}


def _recolour(svg: str, palette: str) -> str:
    """Swap every light palette colour for its counterpart; white marker rims follow text."""
    swaps = {PALETTES["light"][role].lower(): PALETTES[palette][role]
             for role in PALETTES["light"]}
    swaps["#ffffff"] = "#1e2129"  # marker rims cut out from the page background
    pattern = re.compile("|".join(re.escape(colour) for colour in swaps), re.I)
    return pattern.sub(lambda m: swaps[m.group(0).lower()], svg)


# --- many charts at once -------------------------------------------------------------------

VARIANTS = ("light", "dark")


@dataclass
class RenderStats:
    rendered: int = 0
    cached: int = 0


def render_all(
    specs: Mapping[str, ChartSpec], cache: ChartCache | None, max_workers: int = 1
) -> tuple[dict[str, bytes], RenderStats]:
    """Every chart as ``{"<path>-light.svg": svg, "<path>-dark.svg": svg}``.

    Charts the cache holds intact are read from it; the others are drawn, in parallel worker
    processes when there are enough of them to pay for starting the workers, and put in the
    cache. The pictures themselves are returned, never the cache's files: another build
    sharing the cache may rewrite or prune a file before MkDocs would copy it.
    """
    keys = {path: spec.key() for path, spec in specs.items()}
    pictures: dict[str, dict[str, bytes]] = {}
    missing: dict[str, ChartSpec] = {}
    for path, key in keys.items():
        if key in pictures or key in missing:
            continue
        cached = cache.get(key) if cache else None
        if cached is None:
            missing[key] = specs[path]
        else:
            pictures[key] = cached
    drawn = dict(zip(missing, _draw_many(list(missing.values()), max_workers), strict=True))
    if cache:
        for key, svgs in drawn.items():
            cache.put(key, svgs)
        cache.prune()
    stats = RenderStats(rendered=len(drawn), cached=len(pictures))
    pictures.update(drawn)
    files = {f"{path}-{variant}.svg": pictures[key][variant]
             for path, key in keys.items() for variant in VARIANTS}
    return files, stats


#: Below this many charts, starting worker processes costs more than it saves.
_PARALLEL_FROM = 12


def _draw_many(specs: list[ChartSpec], max_workers: int) -> list[dict[str, bytes]]:
    workers = min(max_workers, len(specs) // 4)
    if workers < 2 or len(specs) < _PARALLEL_FROM:
        return [render(spec) for spec in specs]
    # "spawn": forking a process that runs threads (as `mkdocs serve` does) can deadlock.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(render, specs, chunksize=max(1, len(specs) // (workers * 4))))


def render_comparison(items: list[tuple[str, list[tuple[str, int | None, int | None]]]],
                      legend: tuple[str, str]) -> bytes:
    """Before/after emotion curves of changed journeys, one panel each, as one light SVG.

    ``items`` holds ``(title, [(touchpoint name, emotion before, emotion after)])``; a
    touchpoint missing on one side leaves a gap in that curve.
    """
    with _any_script():
        return _svg(_comparison(items, legend)).encode("utf-8")


def _comparison(items: list[tuple[str, list[tuple[str, int | None, int | None]]]],
                legend: tuple[str, str]) -> Any:
    pyplot = _matplotlib()
    colours = PALETTES["light"]
    panels = max(len(items), 1)
    widest = max((len(points) for _, points in items), default=1)
    width = min(max(1.8 + 0.5 * widest, 6.0), 12.0)
    figure = pyplot.figure(figsize=(width, 2.9 * panels + 0.4))
    figure.patch.set_alpha(0)
    nan = float("nan")
    for number, (title, points) in enumerate(items):
        axes = figure.add_subplot(panels, 1, number + 1)
        xs = list(range(len(points)))
        for level in (-2, -1, 1, 2):
            axes.axhline(level, color=colours["grid"], lw=0.6, zorder=0)
        axes.axhline(0, color=colours["zero"], lw=1.0, zorder=0)
        before = [nan if b is None else b for _, b, _ in points]
        after = [nan if a is None else a for _, _, a in points]
        # Legend entries are given with their lines, not as `label=`: matplotlib leaves out
        # a label starting with "_" (its "_nolegend_" convention) when it collects labels.
        lines = [
            *axes.plot(xs, before, color=colours["muted"], ls=(0, (4, 3)), lw=1.6, marker="o",
                       markersize=6, markerfacecolor="none", gid=f"before-{number}"),
            *axes.plot(xs, after, color=colours["as_is"], lw=2.2, marker="o", markersize=6,
                       gid=f"after-{number}"),
        ]
        # One line that fits the panel; the legend labels too, or tight_layout gives up.
        axes.set_title(_abbreviate(_plain(title), int((width - 0.8) * 72 / 6.5)), loc="left",
                       fontsize=10, fontweight="bold", color=colours["text"])
        axes.set_ylim(-2.5, 2.5)
        axes.set_yticks([-2, -1, 0, 1, 2])
        axes.set_xticks(xs)
        axes.set_xticklabels([_abbreviate(_plain(name), 24) for name, _, _ in points],
                             rotation=40, ha="right", rotation_mode="anchor", fontsize=8)
        axes.tick_params(colors=colours["text"], length=0)
        for side in axes.spines.values():
            side.set_visible(False)
        axes.legend(lines, [_abbreviate(_plain(label), 40) for label in legend],
                    loc="upper right", fontsize=8, frameon=False)
    figure.tight_layout()
    return figure
