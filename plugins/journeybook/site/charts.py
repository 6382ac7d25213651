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
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .escape import signed

if TYPE_CHECKING:
    from ..cache import ChartCache

#: The drawing code (and the score format it shares with pages) is part of every cache key:
#: edit either file and charts are redrawn.
CHART_VERSION = hashlib.sha256(b"".join(
    (Path(__file__).parent / name).read_bytes() for name in ("charts.py", "escape.py")
)).hexdigest()[:16]

Kind = Literal["curve", "sparkline", "trend", "matrix"]

#: The most personas one curve draws (each has its own colour, line style and marker).
MAX_PERSONAS = 8


@dataclass(frozen=True)
class Point:
    """One touchpoint on the x axis."""

    id: str
    name: str
    stage: str
    #: The one line's emotion; a sparkline of several personas draws their mean.
    emotion: float
    target: int | None
    moment_of_truth: bool
    #: The score the latest evaluation measured, if it measured this touchpoint.
    measured: int | None = None
    #: Each persona's emotion and target, in the order of :attr:`ChartSpec.personas` (a curve
    #: of several personas draws these instead of ``emotion`` and ``target``).
    emotions: tuple[int, ...] = ()
    targets: tuple[int | None, ...] = ()
    #: The persona a row of a trend chart measured ("" when the score is everyone's).
    persona: str = ""


@dataclass(frozen=True)
class EvaluationColumn:
    """One evaluation in a trend chart."""

    date: str
    #: Measured score of each of the chart's points (None: not measured by this evaluation).
    scores: tuple[int | None, ...]
    nps: int | None = None
    csat: int | None = None


@dataclass(frozen=True)
class CurveLegend:
    """What the legend of an emotion curve calls each series, in the site's language."""

    as_is: str
    target: str
    moment_of_truth: str
    pain_point: str
    #: Names the evaluation the measured scores come from; empty while no evaluation measured any.
    measured: str = ""


@dataclass(frozen=True)
class MatrixItem:
    """One improvement placed on the impact-effort matrix, by its number in the portfolio."""

    number: int
    impact: int
    effort: int


@dataclass(frozen=True)
class MatrixLegend:
    """What the impact-effort matrix calls its axes and its quick-wins cell."""

    impact: str
    effort: str
    quick_wins: str


@dataclass(frozen=True)
class TrendLegend:
    """What a trend chart calls its metrics and their targets, in the site's language."""

    nps: str
    csat: str
    target: str


@dataclass(frozen=True)
class MetricTargets:
    """The journey's NPS and CSAT targets, drawn on a trend chart."""

    nps: int | None = None
    csat: int | None = None


#: The legend each kind of chart draws: a sparkline has none.
_LEGEND_OF: Mapping[str, type] = {
    "curve": CurveLegend, "trend": TrendLegend, "sparkline": type(None), "matrix": MatrixLegend,
}


@dataclass(frozen=True)
class ChartSpec:
    kind: Kind
    points: tuple[Point, ...]
    #: Names of the five emotion levels, −2 … +2, in the site's language (a matrix: of its
    #: three levels, low to high).
    levels: tuple[str, ...]
    legend: CurveLegend | TrendLegend | MatrixLegend | None = None
    #: Evaluations, oldest first (trend charts).
    evaluations: tuple[EvaluationColumn, ...] = ()
    #: The journey's NPS and CSAT targets (trend charts).
    targets: MetricTargets = MetricTargets()
    #: Names of the personas a curve draws a line for, when there are two or more (their
    #: values are each point's ``emotions`` and ``targets``); empty: the one as-is line.
    personas: tuple[str, ...] = ()
    #: The improvements a matrix places.
    items: tuple[MatrixItem, ...] = ()

    def __post_init__(self) -> None:
        # A legend of the wrong kind would draw the wrong words; say so where it is built.
        if not isinstance(self.legend, _LEGEND_OF[self.kind]):
            raise TypeError(f"a {self.kind} chart takes a {_LEGEND_OF[self.kind].__name__} "
                            f"legend, not {type(self.legend).__name__}")
        if len(self.personas) > MAX_PERSONAS:
            raise ValueError(f"a curve draws at most {MAX_PERSONAS} personas, "
                             f"not {len(self.personas)}")
        if self.personas and any(len(p.emotions) != len(self.personas)
                                 or len(p.targets) != len(self.personas) for p in self.points):
            raise ValueError("every point needs an emotion and a target per persona")

    @property
    def has_target(self) -> bool:
        return any(p.target is not None or any(t is not None for t in p.targets)
                   for p in self.points)

    @property
    def has_measured(self) -> bool:
        return any(p.measured is not None for p in self.points)

    def key(self) -> str:
        """Hash of everything that shapes the picture, the palettes and the code version."""
        # Computed once per chart: `mkdocs serve` keeps an unchanged journey's charts.
        known: str | None = self.__dict__.get("_key")
        if known is None:
            payload = json.dumps(
                [CHART_VERSION, _matplotlib_version(), asdict(self), PALETTES],
                ensure_ascii=False, sort_keys=True,
            )
            known = hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]
            object.__setattr__(self, "_key", known)  # frozen: not a field, not compared
        return known


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
        # The impact-effort matrix's quick-wins cell.
        "quick": "#e3f2e6",
        # One colour per persona, after Okabe and Ito's colour-blind safe hues, each at least
        # 3:1 against the page (white here, Material's slate in the dark palette).
        "persona_0": "#0072b2",
        "persona_1": "#d55e00",
        "persona_2": "#007a5a",
        "persona_3": "#b5478b",
        "persona_4": "#9a6a00",
        "persona_5": "#6a3d9a",
        "persona_6": "#7d7d00",
        "persona_7": "#444444",
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
        "quick": "#233a2a",
        "persona_0": "#5aa9e6",
        "persona_1": "#ff8a4c",
        "persona_2": "#3cc9a0",
        "persona_3": "#e58fc4",
        "persona_4": "#f0b43c",
        "persona_5": "#b9a3e3",
        "persona_6": "#e8dc45",
        "persona_7": "#c8c8c8",
    },
}


@functools.cache
def _matplotlib_version() -> str:
    # Read from metadata: importing matplotlib costs a third of a second that a build whose
    # charts are all cached need not pay.
    return importlib.metadata.version("matplotlib")


def _matplotlib() -> Any:
    """pyplot, set up for our charts (matplotlib has no type information)."""
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
    legend = spec.legend
    if legend is not None:
        # Every field of a legend is a label. What `replace` does, given every field (mypy
        # cannot check `replace` on a union of dataclasses).
        legend = type(legend)(**{f.name: _plain(getattr(legend, f.name)) for f in fields(legend)})
    return replace(
        spec,
        points=tuple(replace(p, name=_plain(p.name), stage=_plain(p.stage),
                             persona=_plain(p.persona))
                     for p in spec.points),
        personas=tuple(_plain(name) for name in spec.personas),
        levels=tuple(_plain(level) for level in spec.levels),
        legend=legend,
        evaluations=tuple(replace(r, date=_plain(r.date)) for r in spec.evaluations),
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




# --- the emotion curve -------------------------------------------------------------------
# Every label is a plain `text` at a computed place, not an axis tick or a legend: ticks and
# legends cost matplotlib a second layout pass, and a build draws thousands of these.

#: Margins of the curve's plot, left (level names) and right, and its height, in inches.
_CURVE_LEFT, _CURVE_RIGHT, _CURVE_PLOT = 1.3, 0.15, 2.5

#: A legend entry: its label and the matplotlib line style of its sample.
_Key = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class _CurveLayout:
    """Where an emotion curve puts things, in inches."""

    width: float
    height: float
    #: Room under the plot for the touchpoint names.
    bottom: float
    #: Width given to each touchpoint.
    slot: float
    #: Names turn and shorten when the slots are too narrow to wrap them in.
    rotate: bool
    label_size: float
    #: Touchpoint names as drawn: wrapped, or shortened when turned.
    names: tuple[str, ...]
    #: (row, x) of each legend entry, and how many rows the legend takes.
    places: tuple[tuple[int, float], ...]
    rows: int


def _curve_layout(points: tuple[Point, ...], legend: list[str]) -> _CurveLayout:
    n = len(points)
    # Wide enough that labels never overlap, narrow enough to fit the page: beyond ~9
    # touchpoints the labels turn and shorten instead of the chart growing.
    width = min(max(_CURVE_LEFT + _CURVE_RIGHT + 0.9 * n, 6.0), 10.0)
    slot = (width - _CURVE_LEFT - _CURVE_RIGHT) / max(n, 1)
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
    places = _legend_places(legend, width)
    rows = max(row for row, _ in places) + 1
    top = 0.5 + 0.3 * rows
    return _CurveLayout(width=width, height=bottom + _CURVE_PLOT + top, bottom=bottom,
                        slot=slot, rotate=rotate, label_size=label_size, names=tuple(names),
                        places=tuple(places), rows=rows)


def _curve_keys(spec: ChartSpec, colours: Mapping[str, str]) -> list[_Key]:
    """The legend entries of what the curve draws; line style and marker tell the series
    apart without colour."""
    legend = spec.legend
    assert isinstance(legend, CurveLegend)  # ChartSpec checks it
    if spec.personas:
        return _persona_keys(spec, legend, colours)
    candidates: list[tuple[bool, str, dict[str, Any]]] = [
        (True, legend.as_is, {"color": colours["as_is"], "lw": 2.2, "marker": "o",
                              "markersize": 6, "markeredgecolor": "white"}),
        (spec.has_target, legend.target, {"color": colours["to_be"], "lw": 1.8,
                                          "ls": (0, (5, 3)), "marker": "D", "markersize": 5,
                                          "markerfacecolor": "none"}),
        (any(p.moment_of_truth for p in spec.points), legend.moment_of_truth,
         {"color": colours["moment"], "lw": 0, "marker": "*", "markersize": 11}),
        (any(p.emotion < 0 for p in spec.points), legend.pain_point,
         {"color": colours["pain"], "lw": 0, "marker": "v", "markersize": 7}),
        (spec.has_measured, legend.measured, {"color": colours["measured"], "lw": 1.6,
                                              "ls": (0, (1, 2)), "marker": "s",
                                              "markersize": 5, "markeredgecolor": "white"}),
    ]
    return [(label, style) for shown, label, style in candidates if shown]


def _curve(spec: ChartSpec, colours: Mapping[str, str]) -> Any:
    pyplot = _matplotlib()
    keys = _curve_keys(spec, colours)
    layout = _curve_layout(spec.points, [label for label, _ in keys])
    width, height = layout.width, layout.height
    figure = pyplot.figure(figsize=(width, height))
    figure.patch.set_alpha(0)
    axes = figure.add_axes((_CURVE_LEFT / width, layout.bottom / height,
                            (width - _CURVE_LEFT - _CURVE_RIGHT) / width, _CURVE_PLOT / height))
    axes.set_axis_off()
    axes.set_xlim(-0.5, len(spec.points) - 0.5)
    axes.set_ylim(-2.6, 2.6)
    _draw_stages(axes, spec.points, layout.slot, colours)
    _draw_levels(axes, spec.levels, layout.slot, colours)
    _draw_touchpoint_names(axes, spec.points, layout, colours)
    if spec.personas:
        _draw_personas(axes, spec, colours)
    else:
        _draw_lines(axes, spec, colours)
        _draw_markers(axes, spec.points, colours)
    _draw_curve_legend(figure, keys, layout, colours)
    return figure


# --- several personas on one curve -----------------------------------------------------------

#: How each persona's line is told apart without colour: a dash pattern (in line widths) and
#: a marker. None of the markers is the pain point's ▼ or the moment of truth's ★.
_PERSONA_STYLES: tuple[tuple[str | tuple[int, tuple[float, ...]], str], ...] = (
    ("-", "o"),
    ((0, (4.0, 1.6)), "s"),
    ((0, (1.0, 1.4)), "D"),
    ((0, (5.0, 1.5, 1.0, 1.5)), "^"),
    ((0, (2.2, 1.6)), "X"),
    ((0, (7.0, 1.5, 1.0, 1.5, 1.0, 1.5)), "P"),
    ((0, (1.0, 3.0)), ">"),
    ((0, (8.0, 3.0)), "h"),
)


def _persona_style(number: int, colours: Mapping[str, str]) -> dict[str, Any]:
    """Colour, line style and marker of a persona's line."""
    dashes, marker = _PERSONA_STYLES[number]
    return {"color": colours[f"persona_{number}"], "ls": dashes, "lw": 2.0, "marker": marker,
            "markersize": 6.5, "markeredgecolor": "white", "markeredgewidth": 0.8}


def _persona_keys(spec: ChartSpec, legend: CurveLegend,
                  colours: Mapping[str, str]) -> list[_Key]:
    """A legend entry per persona, then what the marks around the lines mean."""
    keys: list[_Key] = [(_abbreviate(name, 40), _persona_style(number, colours))
                        for number, name in enumerate(spec.personas)]
    if spec.has_target:
        keys.append((legend.target, {"color": colours["muted"], "lw": 0, "marker": "o",
                                     "markersize": 6, "markerfacecolor": "none",
                                     "markeredgewidth": 1.4}))
    if any(p.moment_of_truth for p in spec.points):
        keys.append((legend.moment_of_truth, {"color": colours["moment"], "lw": 0,
                                              "marker": "*", "markersize": 11}))
    if any(min(p.emotions) < 0 for p in spec.points):
        keys.append((legend.pain_point, {"color": colours["pain"], "lw": 0, "marker": "v",
                                         "markersize": 7}))
    return keys


def _draw_personas(axes: Any, spec: ChartSpec, colours: Mapping[str, str]) -> None:
    """A line per persona, each with its own colour, dashes and marker; its targets as hollow
    markers of its shape; a star above each moment of truth and a ▼ under each touchpoint
    that is a pain point for anyone."""
    points, count = spec.points, len(spec.personas)
    # Personas often feel the same: each line is moved a little sideways so that equal values
    # stay visible side by side instead of hiding one another.
    step = min(0.1, 0.4 / max(count - 1, 1))
    for number in range(count):
        shift = (number - (count - 1) / 2) * step
        style = _persona_style(number, colours)
        axes.plot([x + shift for x in range(len(points))], [p.emotions[number] for p in points],
                  zorder=3 + number / 100, solid_capstyle="round", gid=f"persona-{number}",
                  **style)
        targets = [(x + shift, target) for x, p in enumerate(points)
                   if (target := p.targets[number]) is not None]
        if targets:
            axes.plot(*zip(*targets, strict=True), linestyle="none", zorder=2,
                      marker=style["marker"], markersize=6, markerfacecolor="none",
                      markeredgecolor=style["color"], markeredgewidth=1.4,
                      gid=f"target-{number}")
    for x, point in enumerate(points):
        if point.moment_of_truth:
            axes.plot([x], [max(point.emotions) + 0.38], linestyle="none", zorder=5,
                      marker="*", markersize=12, color=colours["moment"],
                      gid=f"moment-{point.id}")
        if min(point.emotions) < 0:
            axes.plot([x], [min(point.emotions) - 0.36], linestyle="none", zorder=5,
                      marker="v", markersize=7, color=colours["pain"], gid=f"pain-{point.id}")


def _stage_spans(points: tuple[Point, ...]) -> list[tuple[str, int, int]]:
    """(stage name, first, last index) of each run of touchpoints in the same stage."""
    spans: list[tuple[str, int, int]] = []
    first = 0
    for i in range(1, len(points) + 1):
        if i == len(points) or points[i].stage != points[i - 1].stage:
            spans.append((points[first].stage, first, i - 1))
            first = i
    return spans


def _draw_stages(axes: Any, points: tuple[Point, ...], slot: float,
                 colours: Mapping[str, str]) -> None:
    """Stage bands, shaded alternately and named above the plot."""
    for number, (name, first, last) in enumerate(_stage_spans(points)):
        if number % 2 == 0:
            axes.axvspan(first - 0.5, last + 0.5, color=colours["band"], zorder=0, lw=0)
        chars = max(int((last - first + 1) * slot * 72 / 6.2), 6)
        axes.text((first + last) / 2, 2.7, _wrap(name, chars, 2), ha="center", va="bottom",
                  fontsize=9.5, fontweight="bold", color=colours["muted"], linespacing=1.1,
                  gid=f"stage-{number}")


def _draw_levels(axes: Any, levels: tuple[str, ...], slot: float,
                 colours: Mapping[str, str]) -> None:
    """Levels: grid lines, a stronger zero line, and their names on the left."""
    for level, name in zip((-2, -1, 0, 1, 2), levels, strict=True):
        axes.axhline(level, color=colours["zero" if level == 0 else "grid"],
                     lw=1.0 if level == 0 else 0.6, zorder=1)
        axes.text(-0.5 - 0.1 / slot, level, f"{signed(level)}  {name}", ha="right",
                  va="center", fontsize=9.5, color=colours["text"])


def _draw_touchpoint_names(axes: Any, points: tuple[Point, ...], layout: _CurveLayout,
                           colours: Mapping[str, str]) -> None:
    """Touchpoint names under the plot, each named by the touchpoint's id like its marker."""
    for x, (name, point) in enumerate(zip(layout.names, points, strict=True)):
        if layout.rotate:
            axes.text(x, -2.75, name, rotation=55, ha="right", va="top",
                      rotation_mode="anchor", fontsize=layout.label_size,
                      color=colours["text"], gid=f"name-{point.id}")
        else:
            axes.text(x, -2.75, name, ha="center", va="top", fontsize=layout.label_size,
                      linespacing=1.05, color=colours["text"], gid=f"name-{point.id}")


def _draw_lines(axes: Any, spec: ChartSpec, colours: Mapping[str, str]) -> None:
    """The as-is line, and the to-be and measured ones when there are any."""
    points = spec.points
    axes.plot(list(range(len(points))), [p.emotion for p in points], color=colours["as_is"],
              lw=2.2, zorder=3, solid_capstyle="round")
    targets = [(x, p.target) for x, p in enumerate(points) if p.target is not None]
    if targets:
        axes.plot(*zip(*targets, strict=True), color=colours["to_be"], lw=1.8,
                  ls=(0, (5, 3)), zorder=2, marker="D", markersize=5.5, markerfacecolor="none",
                  markeredgewidth=1.4, gid="to-be")
    measured = [(x, p.measured) for x, p in enumerate(points) if p.measured is not None]
    if measured:
        axes.plot(*zip(*measured, strict=True), color=colours["measured"], lw=1.6,
                  ls=(0, (1, 2)), zorder=3, marker="s", markersize=6,
                  markerfacecolor=colours["measured"], markeredgecolor="white",
                  markeredgewidth=0.8, gid="measured")


def _draw_markers(axes: Any, points: tuple[Point, ...], colours: Mapping[str, str]) -> None:
    """One marker per touchpoint, named by its id, so tests and scripts can read the SVG;
    a star over each moment of truth."""
    for x, point in enumerate(points):
        pain = point.emotion < 0
        axes.plot([x], [point.emotion], linestyle="none", zorder=4,
                  marker="v" if pain else "o", markersize=8 if pain else 7,
                  markerfacecolor=colours["pain"] if pain else colours["as_is"],
                  markeredgecolor="white" if not pain else colours["pain"], markeredgewidth=1,
                  gid=f"as-is-{point.id}")
        if point.moment_of_truth:
            axes.plot([x], [point.emotion + 0.38], linestyle="none", zorder=5, marker="*",
                      markersize=12, color=colours["moment"], gid=f"moment-{point.id}")


def _draw_curve_legend(figure: Any, keys: list[_Key], layout: _CurveLayout,
                       colours: Mapping[str, str]) -> None:
    """The legend, above everything, in as many rows as its entries need."""
    width, height, rows = layout.width, layout.height, layout.rows
    key = figure.add_axes((0, (height - 0.3 * rows) / height, 1, 0.3 * rows / height))
    key.set_axis_off()
    key.set_xlim(0, width)
    key.set_ylim(rows, 0)
    for (label, style), (row, at) in zip(keys, layout.places, strict=True):
        y = row + 0.5
        key.plot([at, at + 0.18, at + 0.36], [y, y, y], markevery=[1], **style)
        key.text(at + 0.45, y, label, va="center", fontsize=9, color=colours["text"])


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


def _sparkline(spec: ChartSpec, colours: Mapping[str, str]) -> Any:
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


# --- the trend of evaluations ---------------------------------------------------------

#: Margins of the trend chart (touchpoint names left, target names right) and the size of a
#: score cell, in inches.
_TREND_LEFT, _TREND_RIGHT, _CELL_W, _CELL_H = 3.2, 1.7, 1.0, 0.3


@dataclass(frozen=True)
class _TrendLayout:
    """Heights of a trend chart's parts, bottom to top, in inches: the legend's foot, the
    metrics chart, a gap, the grid of scores, and the dates heading the columns."""

    width: float
    height: float
    foot: float
    metrics: float
    gap: float
    grid: float


def _trend_layout(spec: ChartSpec, rows: int) -> _TrendLayout:
    metrics = _has_metrics(spec)
    grid_h = _CELL_H * rows
    metrics_h = 2.0 if metrics else 0.0
    head, gap, foot = 0.45, (0.75 if metrics else 0.0), 0.55
    return _TrendLayout(
        width=max(_TREND_LEFT + _TREND_RIGHT + _CELL_W * len(spec.evaluations), 6.0),
        height=head + grid_h + gap + metrics_h + foot,
        foot=foot, metrics=metrics_h, gap=gap, grid=grid_h,
    )


def _has_metrics(spec: ChartSpec) -> bool:
    return any(r.nps is not None or r.csat is not None for r in spec.evaluations)


@dataclass(frozen=True)
class _Series:
    """One metric of the trend chart: a line of its value per evaluation, and its target."""

    #: The :class:`EvaluationColumn` field it reads, which also names its line in the SVG.
    name: Literal["nps", "csat"]
    label: str
    target: int | None
    #: Names the target line in the margin: "Target NPS".
    target_label: str
    colour: str
    style: str | tuple[int, tuple[int, int]]
    marker: str

    def values(self, evaluations: tuple[EvaluationColumn, ...]) -> list[tuple[float, int]]:
        """(x, value) of each evaluation that measured it, centred on the evaluation's column."""
        return [(column + 0.5, value) for column, r in enumerate(evaluations)
                if (value := getattr(r, self.name)) is not None]


def _trend_series(spec: ChartSpec, colours: Mapping[str, str]) -> tuple[_Series, _Series]:
    legend = spec.legend
    assert isinstance(legend, TrendLegend)  # ChartSpec checks it
    return (
        _Series(name="nps", label=legend.nps, target=spec.targets.nps,
                target_label=f"{legend.target} {legend.nps}", colour=colours["as_is"],
                style="-", marker="o"),
        _Series(name="csat", label=legend.csat, target=spec.targets.csat,
                target_label=f"{legend.target} {legend.csat}", colour=colours["to_be"],
                style=(0, (5, 3)), marker="D"),
    )


def _trend(spec: ChartSpec, colours: Mapping[str, str]) -> Any:
    """Measured score per touchpoint and evaluation (a grid of numbers on coloured cells), and NPS
    and CSAT per evaluation against the journey's targets."""
    pyplot = _matplotlib()
    rows = [(i, p) for i, p in enumerate(spec.points)
            if any(r.scores[i] is not None for r in spec.evaluations)]
    layout = _trend_layout(spec, len(rows))
    figure = pyplot.figure(figsize=(layout.width, layout.height))
    figure.patch.set_alpha(0)
    _draw_dates(figure, spec.evaluations, layout, colours)
    if rows:
        _draw_scores(figure, spec.evaluations, rows, layout, colours)
    if layout.metrics:
        shown = _draw_metrics(figure, spec, layout, colours)
        _draw_metrics_legend(figure, shown, layout, colours)
    return figure


def _draw_dates(figure: Any, evaluations: tuple[EvaluationColumn, ...], layout: _TrendLayout,
                colours: Mapping[str, str]) -> None:
    # Dates head the columns, placed in inches rather than on the grid: when no evaluation
    # scored any touchpoint there is no grid (an axes of no height cannot be scaled).
    top = layout.foot + layout.metrics + layout.gap + layout.grid
    for column, this in enumerate(evaluations):
        figure.text((_TREND_LEFT + _CELL_W * (column + 0.5)) / layout.width,
                    (top + 0.25 * _CELL_H) / layout.height, this.date, ha="center",
                    va="bottom", fontsize=9, fontweight="bold", color=colours["muted"])


def _draw_scores(figure: Any, evaluations: tuple[EvaluationColumn, ...],
                 rows: list[tuple[int, Point]], layout: _TrendLayout,
                 colours: Mapping[str, str]) -> None:
    """The grid: a row per touchpoint, a column per evaluation, a coloured cell per score."""
    width, height = layout.width, layout.height
    grid = figure.add_axes((_TREND_LEFT / width,
                            (layout.foot + layout.metrics + layout.gap) / height,
                            _CELL_W * len(evaluations) / width, layout.grid / height))
    grid.set_axis_off()
    grid.set_xlim(0, len(evaluations))
    grid.set_ylim(len(rows), 0)
    for row, (index, point) in enumerate(rows):
        grid.text(-0.12, row + 0.5, _row_name(point), ha="right", va="center",
                  fontsize=8.5, color=colours["text"], gid=f"name-{point.id}")
        for column, this in enumerate(evaluations):
            _draw_score(grid, row, column, this.scores[index], point, colours)


def _row_name(point: Point) -> str:
    """A row's touchpoint, and the persona it measured when the score is not everyone's."""
    if not point.persona:
        return _abbreviate(point.name, 42)
    return f"{_abbreviate(point.name, 24)} · {_abbreviate(point.persona, 18)}"


def _draw_score(grid: Any, row: int, column: int, value: int | None, point: Point,
                colours: Mapping[str, str]) -> None:
    if value is None:
        grid.text(column + 0.5, row + 0.5, "·", ha="center", va="center",
                  color=colours["muted"], fontsize=9)
        return
    pyplot = _matplotlib()
    grid.add_patch(pyplot.Rectangle((column + 0.04, row + 0.06), 0.92, 0.88, lw=0,
                                    color=colours[f"score_{value}"]))
    grid.text(column + 0.5, row + 0.5, signed(value), ha="center", va="center", fontsize=9,
              color=colours["text"], gid=f"score-{point.id}-{column}")


def _draw_metrics(figure: Any, spec: ChartSpec, layout: _TrendLayout,
                  colours: Mapping[str, str]) -> list[_Series]:
    """NPS and CSAT per evaluation, each with its target; returns the series that have values."""
    series = _trend_series(spec, colours)
    chart = _metrics_axes(figure, spec, layout, colours)
    n = len(spec.evaluations)
    shown = []
    for this in series:
        values = this.values(spec.evaluations)
        if not values:
            continue
        chart.plot(*zip(*values, strict=True), color=this.colour, ls=this.style, lw=2,
                   marker=this.marker, markersize=6, gid=this.name)
        for x, value in values:
            chart.text(x + 0.08, value - 3, str(value), ha="left", va="top", fontsize=8.5,
                       color=this.colour)
        shown.append(this)
        if this.target is not None:
            chart.axhline(this.target, color=this.colour, ls=(0, (1, 2)), lw=1.2,
                          gid=f"{this.name}-target")
            # Named in the margin on the right, clear of the values.
            chart.text(n + 0.06, this.target, f"{this.target_label}: {this.target}",
                       ha="left", va="center", fontsize=8, color=this.colour)
    return shown


def _metrics_axes(figure: Any, spec: ChartSpec, layout: _TrendLayout,
                  colours: Mapping[str, str]) -> Any:
    """The metrics chart's axes: a line per 25 points, from a little under the lowest value
    (or 0) to 100, so the numbers fill it rather than empty space."""
    width, height, n = layout.width, layout.height, len(spec.evaluations)
    chart = figure.add_axes((_TREND_LEFT / width, layout.foot / height, _CELL_W * n / width,
                             layout.metrics / height))
    values = [v for r in spec.evaluations for v in (r.nps, r.csat) if v is not None]
    values += [v for v in (spec.targets.nps, spec.targets.csat) if v is not None]
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
    return chart


def _draw_metrics_legend(figure: Any, shown: list[_Series], layout: _TrendLayout,
                         colours: Mapping[str, str]) -> None:
    """The legend, in the foot: a sample of each line that has values, and its name."""
    pyplot = _matplotlib()
    width, height = layout.width, layout.height
    at = 0.1
    for this in shown:
        figure.add_artist(pyplot.Line2D(
            [at / width, (at + 0.18) / width, (at + 0.36) / width], [0.25 / height] * 3,
            color=this.colour, ls=this.style, lw=2, marker=this.marker, markersize=5,
            markevery=[1]))
        figure.text((at + 0.45) / width, 0.25 / height, this.label, va="center", fontsize=9,
                    color=colours["text"])
        at += 0.45 + _text_width(this.label, 9) + 0.35


# --- the impact-effort matrix ---------------------------------------------------------------

#: Margins of the matrix (effort's name and levels under it; the left one, for impact's, is
#: measured) and the size of a cell, in inches.
_MATRIX_BOTTOM, _MATRIX_TOP, _MATRIX_RIGHT = 0.75, 0.15, 0.15
_MATRIX_CELL_W, _MATRIX_CELL_H = 1.75, 1.45
#: A numbered marker's diameter and the room it takes, in inches; room at the top of every
#: cell for the quick-wins label, and the markers a cell holds before the rest are counted.
_MATRIX_MARK, _MATRIX_PITCH, _MATRIX_HEAD = 0.3, 0.33, 0.32
_MATRIX_COLUMNS, _MATRIX_ROWS = 5, 3


def _matrix(spec: ChartSpec, colours: Mapping[str, str]) -> Any:
    """Impact (up) against effort (right), three levels each: each rated improvement a
    numbered marker in its cell, the quick-wins cell (high impact, low effort) shaded and
    named."""
    pyplot = _matplotlib()
    legend = spec.legend
    assert isinstance(legend, MatrixLegend)  # ChartSpec checks it
    levels = [_abbreviate(name, 14) for name in spec.levels]
    # Impact's name stands turned just left of its widest level name.
    widest = max(_text_width(name, 9) for name in levels)
    left = 0.12 + widest + 0.45
    width = left + 3 * _MATRIX_CELL_W + _MATRIX_RIGHT
    height = _MATRIX_BOTTOM + 3 * _MATRIX_CELL_H + _MATRIX_TOP
    figure = pyplot.figure(figsize=(width, height))
    figure.patch.set_alpha(0)
    # Axes in inches: effort 1 … 3 from the left, impact 1 … 3 from the bottom.
    axes = figure.add_axes((left / width, _MATRIX_BOTTOM / height,
                            3 * _MATRIX_CELL_W / width, 3 * _MATRIX_CELL_H / height))
    axes.set_axis_off()
    axes.set_xlim(0, 3 * _MATRIX_CELL_W)
    axes.set_ylim(0, 3 * _MATRIX_CELL_H)
    axes.add_patch(pyplot.Rectangle((0, 2 * _MATRIX_CELL_H), _MATRIX_CELL_W, _MATRIX_CELL_H,
                                    lw=0, color=colours["quick"], zorder=0, gid="quick-wins"))
    axes.text(0.1, 3 * _MATRIX_CELL_H - 0.08, f"★ {_abbreviate(legend.quick_wins, 22)}",
              ha="left", va="top", fontsize=9, fontweight="bold", color=colours["text"],
              gid="quick-wins-label")
    for line in range(4):
        axes.axvline(line * _MATRIX_CELL_W, color=colours["zero"], lw=0.8, zorder=1)
        axes.axhline(line * _MATRIX_CELL_H, color=colours["zero"], lw=0.8, zorder=1)
    for level, name in enumerate(levels):
        axes.text(-0.12, (level + 0.5) * _MATRIX_CELL_H, name, ha="right",
                  va="center", fontsize=9, color=colours["text"])
        axes.text((level + 0.5) * _MATRIX_CELL_W, -0.12, _abbreviate(name, 18), ha="center",
                  va="top", fontsize=9, color=colours["text"])
    axes.text(-0.12 - widest - 0.22, 1.5 * _MATRIX_CELL_H, f"{_abbreviate(legend.impact, 30)} →",
              rotation=90, ha="center", va="center", fontsize=10, fontweight="bold",
              color=colours["muted"])
    axes.text(1.5 * _MATRIX_CELL_W, -0.45, f"{_abbreviate(legend.effort, 40)} →",
              ha="center", va="top", fontsize=10, fontweight="bold", color=colours["muted"])
    for impact in (1, 2, 3):
        for effort in (1, 2, 3):
            _draw_cell(axes, [i for i in spec.items if (i.impact, i.effort) == (impact, effort)],
                       impact, effort, colours)
    return figure


def _draw_cell(axes: Any, items: list[MatrixItem], impact: int, effort: int,
               colours: Mapping[str, str]) -> None:
    """A cell's markers in rows from its top left; a cell too full for all of them shows as
    many as fit but one, then "+N" (the table under the chart lists every number)."""
    pyplot = _matplotlib()
    room = _MATRIX_COLUMNS * _MATRIX_ROWS
    shown = items if len(items) <= room else items[:room - 1]
    left, top = (effort - 1) * _MATRIX_CELL_W, impact * _MATRIX_CELL_H - _MATRIX_HEAD
    margin = (_MATRIX_CELL_W - _MATRIX_COLUMNS * _MATRIX_PITCH) / 2
    for place, item in enumerate([*shown, None] if len(shown) < len(items) else shown):
        x = left + margin + (place % _MATRIX_COLUMNS + 0.5) * _MATRIX_PITCH
        y = top - (place // _MATRIX_COLUMNS + 0.5) * _MATRIX_PITCH
        if item is None:
            axes.text(x, y, f"+{len(items) - len(shown)}", ha="center", va="center",
                      fontsize=8.5, fontweight="bold", color=colours["text"],
                      gid=f"cell-{impact}-{effort}-more")
            continue
        gid = f"cell-{impact}-{effort}-item-{item.number}"
        axes.add_patch(pyplot.Circle((x, y), _MATRIX_MARK / 2, lw=0, color=colours["as_is"],
                                     zorder=3, gid=gid))
        axes.text(x, y, str(item.number), ha="center", va="center",
                  fontsize=8 if item.number < 100 else 6.5, fontweight="bold",
                  color="#ffffff", zorder=4, gid=f"{gid}-number")


_DRAW = {"curve": _curve, "sparkline": _sparkline, "trend": _trend, "matrix": _matrix}
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)


def _svg(figure: Any) -> str:
    """A figure as SVG text without dates or metadata (the same input, the same bytes)."""
    buffer = io.StringIO()
    try:
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    finally:
        _matplotlib().close(figure)
    return _METADATA.sub("", buffer.getvalue())


def draw(spec: ChartSpec) -> Any:
    """The chart as a matplotlib figure in the light palette, as :func:`render` draws it:
    for looking at its layout. Close it with ``matplotlib.pyplot.close``."""
    with _any_script():
        return _DRAW[spec.kind](_drawable(spec), PALETTES["light"])


def render(spec: ChartSpec) -> dict[str, bytes]:
    """The chart as ``{"light": svg, "dark": svg}``."""
    with _any_script():
        light = _svg(draw(spec))
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


class Drawing:
    """Charts on their way: those the cache holds intact at hand, the others drawn (in worker
    processes when there are enough of them to pay for starting the workers) while the caller
    goes on with other work; :meth:`finish` waits for them and puts them in the cache.

    The pictures themselves are handed out, never the cache's files: another build sharing the
    cache may rewrite or prune a file before it would be copied.
    """

    def __init__(self, specs: Mapping[str, ChartSpec], cache: ChartCache | None,
                 max_workers: int = 1, pool: ProcessPoolExecutor | None = None) -> None:
        """``pool``: worker processes kept by the caller from one build to the next (``mkdocs
        serve``), given every chart to draw; otherwise workers are started when enough charts
        must be drawn, and stopped when they are."""
        self.cache = cache
        self.keys = {path: spec.key() for path, spec in specs.items()}
        self._pictures: dict[str, dict[str, bytes]] = {}
        missing: dict[str, ChartSpec] = {}
        for path, key in self.keys.items():
            if key in self._pictures or key in missing:
                continue
            cached = cache.get(key) if cache else None
            if cached is None:
                missing[key] = specs[path]
            else:
                self._pictures[key] = cached
        self.stats = RenderStats(rendered=len(missing), cached=len(self._pictures))
        self._drawn: dict[str, dict[str, bytes]] = {}
        self._futures: dict[str, Future[dict[str, bytes]]] = {}
        self._pool: ProcessPoolExecutor | None = None
        workers = min(max_workers, len(missing) // 4)
        if pool is not None:
            self._futures = {key: pool.submit(render, spec) for key, spec in missing.items()}
        elif workers < 2 or len(missing) < _PARALLEL_FROM:
            self._drawn = {key: render(spec) for key, spec in missing.items()}
        else:
            self._pool = worker_pool(workers)
            self._futures = {key: self._pool.submit(render, spec)
                             for key, spec in missing.items()}
        self._finished = False

    def files(self) -> list[str]:
        """The name of every picture, known before they are drawn."""
        return [f"{path}-{variant}.svg" for path in self.keys for variant in VARIANTS]

    def finish(self) -> dict[str, bytes]:
        """Every chart as ``{"<path>-light.svg": svg, "<path>-dark.svg": svg}``, once all are
        drawn; the new ones go into the cache."""
        if not self._finished:
            try:
                for key, future in self._futures.items():
                    self._drawn[key] = future.result()
            finally:
                self.cancel()
            if self.cache:
                for key, svgs in self._drawn.items():
                    self.cache.put(key, svgs)
                self.cache.prune()
            self._pictures.update(self._drawn)
            self._finished = True
        return {f"{path}-{variant}.svg": self._pictures[key][variant]
                for path, key in self.keys.items() for variant in VARIANTS}

    def cancel(self) -> None:
        """Stop the workers (a build that failed does not wait for its pictures); a pool the
        caller keeps is only told to drop this build's charts."""
        for future in self._futures.values():
            future.cancel()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """Processes that draw charts."""
    # "spawn": forking a process that runs threads (as `mkdocs serve` does) can deadlock.
    return ProcessPoolExecutor(max_workers=workers,
                               mp_context=multiprocessing.get_context("spawn"))


def render_all(
    specs: Mapping[str, ChartSpec], cache: ChartCache | None, max_workers: int = 1
) -> tuple[dict[str, bytes], RenderStats]:
    """Every chart as ``{"<path>-light.svg": svg, "<path>-dark.svg": svg}`` (see
    :class:`Drawing`), and how many were drawn and how many read from the cache."""
    drawing = Drawing(specs, cache, max_workers)
    return drawing.finish(), drawing.stats


#: Below this many charts, starting worker processes costs more than it saves.
_PARALLEL_FROM = 12


@dataclass(frozen=True)
class ComparedTouchpoint:
    """A touchpoint's emotion before and after a change (None: it is not there on that
    side, which leaves a gap in that curve; the mean when personas feel differently)."""

    name: str
    before: float | None
    after: float | None


@dataclass(frozen=True)
class ComparedJourney:
    title: str
    touchpoints: tuple[ComparedTouchpoint, ...]


@dataclass(frozen=True)
class ComparisonLegend:
    """What the before/after chart calls its two curves, in the reader's language."""

    before: str
    after: str


def render_comparison(journeys: Sequence[ComparedJourney], legend: ComparisonLegend) -> bytes:
    """Before/after emotion curves of changed journeys, one panel each, as one light SVG."""
    with _any_script():
        return _svg(_comparison(journeys, legend)).encode("utf-8")


def _comparison(journeys: Sequence[ComparedJourney], legend: ComparisonLegend) -> Any:
    pyplot = _matplotlib()
    colours = PALETTES["light"]
    panels = max(len(journeys), 1)
    widest = max((len(j.touchpoints) for j in journeys), default=1)
    width = min(max(1.8 + 0.5 * widest, 6.0), 12.0)
    figure = pyplot.figure(figsize=(width, 2.9 * panels + 0.4))
    figure.patch.set_alpha(0)
    nan = float("nan")
    for number, journey in enumerate(journeys):
        points = journey.touchpoints
        axes = figure.add_subplot(panels, 1, number + 1)
        xs = list(range(len(points)))
        for level in (-2, -1, 1, 2):
            axes.axhline(level, color=colours["grid"], lw=0.6, zorder=0)
        axes.axhline(0, color=colours["zero"], lw=1.0, zorder=0)
        before = [nan if p.before is None else p.before for p in points]
        after = [nan if p.after is None else p.after for p in points]
        # Legend entries are given with their lines, not as `label=`: matplotlib leaves out
        # a label starting with "_" (its "_nolegend_" convention) when it collects labels.
        lines = [
            *axes.plot(xs, before, color=colours["muted"], ls=(0, (4, 3)), lw=1.6, marker="o",
                       markersize=6, markerfacecolor="none", gid=f"before-{number}"),
            *axes.plot(xs, after, color=colours["as_is"], lw=2.2, marker="o", markersize=6,
                       gid=f"after-{number}"),
        ]
        # One line that fits the panel; the legend labels too, or tight_layout gives up.
        title = _abbreviate(_plain(journey.title), int((width - 0.8) * 72 / 6.5))
        axes.set_title(title, loc="left", fontsize=10, fontweight="bold", color=colours["text"])
        axes.set_ylim(-2.5, 2.5)
        axes.set_yticks([-2, -1, 0, 1, 2])
        axes.set_xticks(xs)
        axes.set_xticklabels([_abbreviate(_plain(p.name), 24) for p in points],
                             rotation=40, ha="right", rotation_mode="anchor", fontsize=8)
        axes.tick_params(colors=colours["text"], length=0)
        for side in axes.spines.values():
            side.set_visible(False)
        labels = [_abbreviate(_plain(label), 40) for label in (legend.before, legend.after)]
        axes.legend(lines, labels, loc="upper right", fontsize=8, frameon=False)
    figure.tight_layout()
    return figure
