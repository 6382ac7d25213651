"""Emotion charts: what the SVG draws, that it is stable, cached and in both palettes."""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from dataclasses import astuple, replace
from pathlib import Path

import pytest
from matplotlib import font_manager, ft2font

from journeybook import Playbook, build_site
from journeybook.cache import ChartCache
from journeybook.i18n import labels
from journeybook.site.charts import (
    PALETTES,
    ChartSpec,
    CurveLegend,
    Point,
    TrendLegend,
    draw,
    render,
    render_all,
)

from .conftest import FIXTURES, ROOT

SVG = "{http://www.w3.org/2000/svg}"
LEVELS = tuple(labels("vi")[f"emotion_{i}"] for i in range(-2, 3))
LEGEND = CurveLegend(as_is="Hiện tại", target="Mục tiêu", moment_of_truth="Khoảnh khắc quyết định",
                     pain_point="Điểm đau")


def spec(points: list[tuple[str, int, int | None]], stage_size: int = 3, **kw) -> ChartSpec:
    return ChartSpec(
        kind=kw.get("kind", "curve"),
        points=tuple(
            Point(f"tp-{i}", name, f"Giai đoạn {i // stage_size + 1}", emotion, target, i == 1)
            for i, (name, emotion, target) in enumerate(points)
        ),
        levels=LEVELS, legend=LEGEND,
    )


def markers(svg: bytes) -> list[tuple[str, float]]:
    """(touchpoint id, y of its as-is marker) in the order the SVG draws them."""
    root = ET.fromstring(svg)
    found = []
    for group in root.iter(f"{SVG}g"):
        gid = group.get("id", "")
        if gid.startswith("as-is-"):
            [use] = group.iter(f"{SVG}use")
            found.append((gid.removeprefix("as-is-"), float(use.get("y"))))
    return found


def test_one_marker_per_touchpoint_in_order_at_its_emotion() -> None:
    emotions = [0, -2, 1, 2, -1, 0, 1]
    svg = render(spec([(f"Điểm chạm {i}", e, None) for i, e in enumerate(emotions)]))["light"]
    found = markers(svg)
    assert [tid for tid, _ in found] == [f"tp-{i}" for i in range(len(emotions))]
    # SVG y grows downwards: a better emotion sits higher, equal emotions level.
    y = {e: round(pos, 2) for e, (_, pos) in zip(emotions, found, strict=True)}
    assert y[2] < y[1] < y[0] < y[-1] < y[-2]
    assert len({round(pos, 2) for _, pos in found}) == 5


def test_to_be_line_only_when_targets_exist() -> None:
    without = render(spec([("A", 0, None), ("B", 1, None)]))["light"]
    with_target = render(spec([("A", 0, 1), ("B", 1, None)]))["light"]
    ids = lambda svg: {g.get("id") for g in ET.fromstring(svg).iter(f"{SVG}g")}  # noqa: E731
    assert "to-be" not in ids(without)
    assert "to-be" in ids(with_target)
    assert "Mục tiêu" not in without.decode() and "Mục tiêu" in with_target.decode()


def test_moments_of_truth_and_pain_points_are_marked() -> None:
    svg = render(spec([("A", 0, None), ("B", -2, None), ("C", 1, None)]))["light"].decode()
    assert 'id="moment-tp-1"' in svg and 'id="moment-tp-0"' not in svg
    assert "Điểm đau" in svg and "Khoảnh khắc quyết định" in svg
    # The pain point's marker is drawn in the pain colour, the others are not.
    pain = PALETTES["light"]["pain"]
    groups = {g.get("id"): ET.tostring(g).decode() for g in ET.fromstring(svg).iter(f"{SVG}g")}
    assert pain in groups["as-is-tp-1"] and pain not in groups["as-is-tp-0"]


def test_vietnamese_text_stays_text_and_every_glyph_exists() -> None:
    playbook = Playbook.load(ROOT / "journeys", ROOT)
    site = build_site(playbook, "vi")
    journey_spec = site.charts["journeys/goi-tong-dai/charts/journey"]
    svg = render(journey_spec)["light"].decode()
    texts = "".join(ET.fromstring(svg).itertext())
    for word in ("Rất tệ", "Bình thường", "Liên hệ tổng đài", "Điều hướng menu IVR", "Điểm đau"):
        assert word in texts
    assert "<path" in svg and 'id="DejaVuSans-' not in svg  # no glyphs drawn as outlines
    # DejaVu Sans, the font the layout is measured with, has every character of the sample.
    font = ft2font.FT2Font(font_manager.findfont("DejaVu Sans", fallback_to_default=False))
    charmap = font.get_charmap()
    used = {c for s in site.charts.values() for p in s.points for c in p.name + p.stage}
    used |= {c for c in "".join(LEVELS) + LEGEND.as_is + LEGEND.target + LEGEND.moment_of_truth
             + LEGEND.pain_point}
    assert [c for c in sorted(used) if c.strip() and ord(c) not in charmap] == []


def test_rendering_is_byte_identical() -> None:
    chart = spec([("Một", 1, 2), ("Hai", -1, 0), ("Ba", 0, None)])
    assert render(chart) == render(chart)


def test_dark_variant_uses_only_dark_colours() -> None:
    svgs = render(spec([("A", 0, 1), ("B", -2, 0), ("C", 1, None)]))
    light, dark = svgs["light"].decode().lower(), svgs["dark"].decode().lower()
    for role in ("text", "as_is", "to_be", "pain", "moment"):
        assert PALETTES["light"][role] in light and PALETTES["light"][role] not in dark
        assert PALETTES["dark"][role] in dark
    light_colours = list(PALETTES["light"].values())
    assert len(set(light_colours)) == len(light_colours), "recolouring needs distinct colours"
    assert not set(light_colours) & set(PALETTES["dark"].values())


def touchpoint_labels(figure):
    """The names under the plot, left to right."""
    axes = figure.axes[0]
    return sorted((t for t in axes.texts if t.get_position()[1] < -2.6),
                  key=lambda t: t.get_position()[0])


def _overlaps(boxes) -> list[tuple[int, int]]:
    return [(i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes))
            if boxes[i].overlaps(boxes[j])]


def test_long_names_wrap_without_overlapping() -> None:
    long = "Tổng đài viên tuyến một tiếp nhận và xác minh thông tin khách hàng"
    figure = draw(spec([(f"{long} {i}", i % 5 - 2, None) for i in range(8)]))
    figure.canvas.draw()
    labels_ = touchpoint_labels(figure)
    assert len(labels_) == 8
    assert all("\n" in label.get_text() for label in labels_)
    renderer = figure.canvas.get_renderer()
    assert _overlaps([label.get_window_extent(renderer) for label in labels_]) == []


def test_forty_touchpoints_stay_readable() -> None:
    names = [f"Bước {i}: một điểm chạm có cái tên dài dòng không cần thiết" for i in range(40)]
    chart = spec([(n, i % 5 - 2, (i + 1) % 5 - 2) for i, n in enumerate(names)], stage_size=8)
    figure = draw(chart)
    figure.canvas.draw()
    axes = figure.axes[0]
    labels_ = touchpoint_labels(figure)
    assert len(labels_) == 40
    assert all(len(label.get_text()) <= 30 and label.get_rotation() > 30 for label in labels_)
    assert figure.get_figwidth() <= 10
    # Rotated labels are parallel; they stay apart when the gap between their baselines
    # (tick spacing × sin(angle)) exceeds the text height.
    renderer = figure.canvas.get_renderer()
    ticks = [axes.transData.transform((x, 0))[0] for x in (0, 1)]
    gap = (ticks[1] - ticks[0]) * 0.819  # sin(55°)
    height = labels_[0].get_fontsize() * renderer.points_to_pixels(1)
    assert gap > height * 1.2
    # Nothing of the labels falls off the picture.
    for label in labels_:
        box = label.get_window_extent(renderer)
        assert box.y0 >= 0 and box.x0 >= 0
    assert len(markers(render(chart)["light"])) == 40


def test_cache_serves_unchanged_charts(tmp_path: Path) -> None:
    cache = ChartCache(tmp_path / "cache")
    charts = {"a": spec([("A", 0, None)]), "b": spec([("B", 1, None)])}
    files, stats = render_all(charts, cache)
    assert (stats.rendered, stats.cached) == (2, 0)
    assert set(files) == {"a-light.svg", "a-dark.svg", "b-light.svg", "b-dark.svg"}
    assert files["a-light.svg"] == render(charts["a"])["light"]
    again, stats = render_all(charts, cache)
    assert (stats.rendered, stats.cached) == (0, 2) and again == files
    changed = {"a": charts["a"], "b": spec([("B", -1, None)])}
    _, stats = render_all(changed, cache)
    assert (stats.rendered, stats.cached) == (1, 1)
    # The old picture of "b" stays until no build has used it for a while (tests/test_cache.py).
    assert len(list((tmp_path / "cache").glob("*.svg"))) == 6


def test_parallel_drawing_matches_serial(tmp_path: Path) -> None:
    charts = {f"c{i}": spec([(f"P{j}", (i + j) % 5 - 2, None) for j in range(5)])
              for i in range(14)}
    parallel, _ = render_all(charts, None, max_workers=2)
    serial, _ = render_all(charts, None, max_workers=1)
    assert parallel == serial


def _chart_log(caplog: pytest.LogCaptureFixture) -> tuple[int, int]:
    [message] = [r.getMessage() for r in caplog.records if "charts:" in r.getMessage()]
    drawn, cached = re.search(r"charts: (\d+) drawn, (\d+) from cache", message).groups()
    caplog.clear()
    return int(drawn), int(cached)


def test_build_uses_the_cache_and_redraws_only_a_changed_journey(
    project, caplog: pytest.LogCaptureFixture
) -> None:
    p = project(language="vi")
    small = (FIXTURES / "small.yaml").read_text("utf-8")
    p.add("kettle", small)
    toaster = (small.replace("Nhận thức", "Tìm hiểu").replace("Đặt hàng", "Mua hàng")
               .replace("emotion: 0\n", "emotion: 2\n"))
    p.add("toaster", toaster)
    caplog.set_level(logging.INFO, logger="mkdocs.plugins.journeybook.plugin")
    site = p.build()
    # Per journey: the curve, two stage curves and the sparkline.
    assert _chart_log(caplog) == (8, 0)
    first = {f: f.read_bytes() for f in site.rglob("*.svg") if "charts" in f.parts}
    assert len(first) == 16
    p.build()
    assert _chart_log(caplog) == (0, 8)
    p.add("toaster", toaster.replace("emotion: -1", "emotion: -2"))
    p.build()
    # The toaster's curve, sparkline and the changed stage; its other stage and the kettle's
    # four charts come from the cache.
    assert _chart_log(caplog) == (3, 5)


def test_two_builds_are_byte_identical(project, tmp_path: Path) -> None:
    outputs = []
    for run in ("one", "two"):
        p = project(language="vi")
        p.add("kettle", (FIXTURES / "small.yaml").read_text("utf-8"))
        site = p.build()
        outputs.append({f.relative_to(site): f.read_bytes()
                        for f in site.rglob("*.svg") if "charts" in f.parts})
        # A fresh cache for the second build, so both really draw.
        import shutil

        shutil.rmtree(p.root / ".cache")
        shutil.move(str(site), str(tmp_path / f"site-{run}"))
    assert outputs[0] == outputs[1] and len(outputs[0]) == 8


def test_pages_reference_both_variants_with_alt_text_and_data(sample_site) -> None:
    playbook = Playbook.load(ROOT / "journeys", ROOT)
    journey = playbook.journeys[0]
    page = sample_site.html(f"journeys/{journey.id}")
    images = page.select("article img")
    light = [i for i in images if i["src"].endswith("charts/journey-light.svg#only-light")]
    dark = [i for i in images if i["src"].endswith("charts/journey-dark.svg#only-dark")]
    assert len(light) == len(dark) == 1
    assert journey.title in light[0]["alt"] and str(journey.touchpoint_count) in light[0]["alt"]
    site = sample_site.root / "site"
    for image in light + dark:
        assert (site / "journeys" / journey.id / image["src"].split("#")[0]).is_file()
    details = [d for d in page.select("article details") if "Dữ liệu biểu đồ" in d.get_text()]
    assert len(details) == 2  # the emotion curve's and the evaluation trend's
    rows = details[0].select("tbody tr")
    assert [" ".join(r.select("td")[1].get_text(" ", strip=True).split()).rstrip(" ★")
            for r in rows] == [
        t.name for _, t in journey.touchpoints()]
    stage = journey.stages[0]
    stage_page = sample_site.html(f"journeys/{journey.id}/{stage.id}")
    assert any(i["src"].endswith(f"charts/stage-{stage.id}-dark.svg#only-dark")
               for i in stage_page.select("article img"))
    index = sample_site.html("journeys")
    assert len(index.select("article img[src$='sparkline-light.svg#only-light']")) == len(
        playbook.journeys)


def test_user_text_in_svg_is_text() -> None:
    names = ("<script>alert(1)</script>", "a & </text> b", "<svg onload=alert(2)>")
    chart = ChartSpec("curve", tuple(Point(f"p{i}", name, name, -1, 1, True)
                                     for i, name in enumerate(names)), LEVELS, LEGEND)
    for svg in render(chart).values():
        root = ET.fromstring(svg)  # still well-formed XML
        tags = {element.tag.removeprefix(SVG) for element in root.iter()}
        assert "script" not in tags and "foreignObject" not in tags
        assert not [e for e in root.iter() if any(a.startswith("on") for a in e.attrib)]
        # Names may be wrapped over lines; every character is there, as text.
        text = "".join("".join(t.split()) for t in root.itertext())
        assert all(name.replace(" ", "") in text for name in names)


def test_legend_wraps_inside_a_narrow_chart() -> None:
    chart = ChartSpec("curve", (Point("a", "Một", "S", -1, 1, True, 0),
                                Point("b", "Hai", "S", 1, 2, False, 1)),
                      LEVELS, replace(LEGEND, measured="Đo ngày 2026-10-20"))
    figure = draw(chart)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    bounds = figure.bbox
    texts = [t for ax in figure.axes for t in ax.texts
             if t.get_text() in (*astuple(chart.legend), "Đo ngày 2026-10-20")]
    assert len(texts) == 5
    for text in texts:
        box = text.get_window_extent(renderer)
        assert bounds.x0 <= box.x0 and box.x1 <= bounds.x1, text.get_text()
    assert 'id="measured"' in render(chart)["light"].decode()


def test_a_chart_takes_the_legend_of_its_kind() -> None:
    points = (Point("a", "Một", "S", -1, 1, True),)
    with pytest.raises(TypeError, match="a trend chart takes a TrendLegend legend"):
        ChartSpec("trend", points, (), LEGEND)
    with pytest.raises(TypeError, match="a curve chart takes a CurveLegend legend"):
        ChartSpec("curve", points, LEVELS, TrendLegend(nps="NPS", csat="CSAT", target="Mục tiêu"))
    # Equal specs are one chart: one cache key, one entry in a set.
    assert len({spec([("A", 0, 1)]), spec([("A", 0, 1)])}) == 1
    assert spec([("A", 0, 1)]).key() == spec([("A", 0, 1)]).key() != spec([("A", 0, 2)]).key()
