"""The cache never publishes stale or damaged content and never stops a build.

Charts and parsed journeys are kept under ``cache_dir`` between builds. An entry that cannot
be trusted is a miss (drawn or parsed again and rewritten), a cache folder that cannot be
used at all gives one warning, and builds of different configurations sharing one cache keep
each other's entries.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from journeybook.cache import ChartCache, JourneyCache
from journeybook.cli import main
from journeybook.site.charts import ChartSpec, CurveLegend, Point, render, render_all
from journeybook.source import load_sources

from .conftest import FIXTURES, MINIMAL_MKDOCS, write_journey

SMALL = (FIXTURES / "small.yaml").read_text("utf-8")
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
PLUGIN_LOG = "mkdocs.plugins.journeybook.plugin"
DAY = 24 * 3600


def _chart_counts(caplog: pytest.LogCaptureFixture) -> tuple[int, int]:
    """(drawn, from cache) as the build log says it, then forget the log."""
    [message] = [r.getMessage() for r in caplog.records if "charts:" in r.getMessage()]
    drawn, cached = re.search(r"charts: (\d+) drawn, (\d+) from cache", message).groups()
    caplog.clear()
    return int(drawn), int(cached)


def _build(config_file: Path, site: str = "site") -> Path:
    config = load_config(str(config_file), strict=True, site_dir=str(config_file.parent / site))
    build(config)
    return config_file.parent / site


def _chart_files(site: Path) -> list[Path]:
    return sorted(f for f in site.rglob("*.svg") if "charts" in f.parts)


def _assert_complete_svgs(site: Path, count: int) -> None:
    charts = _chart_files(site)
    assert len(charts) == count
    for chart in charts:
        root = ET.fromstring(chart.read_bytes())  # raises on a truncated picture
        assert root.tag == "{http://www.w3.org/2000/svg}svg", chart


def _entries(folder: Path) -> list[Path]:
    return sorted(f for f in folder.iterdir() if f.is_file())


# --- an edit saved between hashing and parsing --------------------------------------------

class _SaveOnSecondOpening:
    """Saves new content into a journey file just before it is opened a second time.

    This is what an editor saving at the wrong moment does to a loader that reads a file
    twice (once to hash it, once to parse it). It watches openings through Python's audit
    hooks (``sys.addaudithook``), which see every ``open()`` and ``os.open()`` without
    replacing any function: the loader reads the real file, whose content really changes
    between the two readings. It is deterministic, unlike a thread racing the loader, and a
    loader that reads the file once never triggers it. Audit hooks cannot be removed, so
    this one is installed once and does nothing unless a test arms it.
    """

    def __init__(self) -> None:
        self.path: Path | None = None
        self.edit = b""
        self.openings = 0
        self.installed = False

    def arm(self, path: Path, edit: bytes) -> None:
        self.path, self.edit, self.openings = path, edit, 0
        if not self.installed:
            sys.addaudithook(self)
            self.installed = True

    def disarm(self) -> None:
        self.path = None

    def __call__(self, event: str, args: tuple) -> None:
        if event != "open" or self.path is None or not isinstance(args[0], (str, Path)):
            return
        if os.path.realpath(args[0]) != os.path.realpath(self.path):
            return
        self.openings += 1
        if self.openings == 2:
            path, self.path = self.path, None  # writing opens the file again: stay quiet
            path.write_bytes(self.edit)
            self.path = path


_saver = _SaveOnSecondOpening()


def test_journey_is_parsed_from_the_same_bytes_that_were_hashed(tmp_path: Path) -> None:
    before = SMALL.replace("Buying a kettle online", "Kettle, as hashed")
    after = SMALL.replace("Buying a kettle online", "Kettle, saved later")
    path = write_journey(tmp_path / "journeys", "kettle", before)
    cache = JourneyCache(tmp_path / "cache")
    _saver.arm(path, after.encode("utf-8"))
    try:
        [journey], _ = load_sources(tmp_path / "journeys", cache=cache)
    finally:
        _saver.disarm()
    assert _saver.openings == 1
    assert journey.title == "Kettle, as hashed"
    # The cache holds what those bytes say: the same bytes give the same journey again.
    path.write_text(before, "utf-8")
    [again], _ = load_sources(tmp_path / "journeys", cache=JourneyCache(tmp_path / "cache"))
    assert again.title == "Kettle, as hashed"


def test_an_entry_holding_another_journey_than_its_key_is_a_miss(project) -> None:
    # The state the old race left behind: under the key of the bytes on disk (A), the
    # journey of other bytes (B). Made here by building B and putting its entry under A's
    # name; the build must publish A.
    p = project(language="en")
    path = p.add("kettle", SMALL.replace("Buying a kettle online", "Kettle A"))
    journeys = p.root / ".cache" / "journeybook" / "journeys"
    p.build()
    [entry_a] = _entries(journeys)
    path.write_text(SMALL.replace("Buying a kettle online", "Kettle B"), "utf-8")
    p.build()
    [entry_b] = [e for e in _entries(journeys) if e != entry_a]
    entry_a.write_bytes(entry_b.read_bytes())
    path.write_text(SMALL.replace("Buying a kettle online", "Kettle A"), "utf-8")
    p.build()
    assert p.html("journeys/kettle").select_one("article h1").get_text() == "Kettle A"


# --- damaged entries ------------------------------------------------------------------------

def test_truncated_chart_entries_are_redrawn(project, caplog: pytest.LogCaptureFixture) -> None:
    p = project(language="vi")
    p.add("kettle", SMALL)
    caplog.set_level(logging.INFO, logger=PLUGIN_LOG)
    site = p.build()
    assert _chart_counts(caplog) == (4, 0)
    for entry in _entries(p.root / ".cache" / "journeybook" / "charts"):
        entry.write_bytes(entry.read_bytes()[:100])
    site = p.build()
    assert _chart_counts(caplog) == (4, 0)
    _assert_complete_svgs(site, 8)
    # Rewritten: the next build takes them all from the cache.
    p.build()
    assert _chart_counts(caplog) == (0, 4)


def test_a_non_utf8_byte_in_a_journey_entry_is_a_miss(project) -> None:
    p = project(language="en")
    p.add("kettle", SMALL)
    p.build()
    [entry] = _entries(p.root / ".cache" / "journeybook" / "journeys")
    data = bytearray(entry.read_bytes())
    data[len(data) // 2] = 0xFF
    entry.write_bytes(bytes(data))
    p.build()
    assert p.html("journeys/kettle").select_one("article h1").get_text() == \
        "Buying a kettle online"
    assert entry.read_bytes() != bytes(data)  # rewritten


def test_an_entry_that_is_not_a_journey_is_a_miss(tmp_path: Path) -> None:
    write_journey(tmp_path / "journeys", "kettle", SMALL)
    [fresh], _ = load_sources(tmp_path / "journeys", cache=JourneyCache(tmp_path / "cache"))
    [entry] = _entries(tmp_path / "cache")
    # A well-formed entry (right key, right checksum) whose JSON is not a journey.
    cache = JourneyCache(tmp_path / "cache")
    key = entry.name.removesuffix(".json")
    cache.put(key, '{"title": 5}')
    [again], _ = load_sources(tmp_path / "journeys", cache=JourneyCache(tmp_path / "cache"))
    assert again == fresh
    assert JourneyCache(tmp_path / "cache").get(key) == fresh.model_dump_json(by_alias=True)


# --- a cache that cannot be used ------------------------------------------------------------

def _mkdocs_build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", *args], cwd=root,
                          capture_output=True, text=True, env=ENV)


@pytest.mark.slow
@pytest.mark.parametrize("cache_dir", ["cache-file", "cache-file/journeybook"])
def test_unusable_cache_folder_gives_one_warning(project, cache_dir: str) -> None:
    p = project(language="en", mkdocs_yml=MINIMAL_MKDOCS.format(language="en").replace(
        "  - journeybook\n", f"  - journeybook:\n      cache_dir: {cache_dir}\n"))
    p.add("kettle", SMALL)
    (p.root / "cache-file").write_text("not a folder\n", "utf-8")
    result = _mkdocs_build(p.root)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line]
    assert len(warnings) == 1, result.stderr
    assert (f"journeybook: cannot use the cache folder {cache_dir} (Not a directory); "
            "building without it") in warnings[0]
    _assert_complete_svgs(p.root / "site", 8)
    assert p.html("journeys/kettle").select_one("article h1").get_text() == \
        "Buying a kettle online"
    # Under `strict: true` that warning fails the build, as every warning does.
    assert _mkdocs_build(p.root, "--strict").returncode == 1


def test_a_chart_folder_in_the_way_gives_one_warning(project) -> None:
    # Journeys can be cached, charts cannot: still one warning, and a complete site.
    p = project(language="en")
    p.add("kettle", SMALL)
    (p.root / ".cache" / "journeybook").mkdir(parents=True)
    (p.root / ".cache" / "journeybook" / "charts").write_text("", "utf-8")
    result = _mkdocs_build(p.root)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line]
    assert len(warnings) == 1 and "cannot use the cache folder" in warnings[0], result.stderr
    _assert_complete_svgs(p.root / "site", 8)


def test_generate_warns_once_and_writes_everything(tmp_path: Path, monkeypatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    write_journey(tmp_path / "journeys", "kettle", SMALL)
    (tmp_path / "cache-file").write_text("", "utf-8")
    assert main(["generate", "--out", "out", "--cache-dir", "cache-file"]) == 0
    err = capsys.readouterr().err
    assert err.splitlines() == ["warning: cannot use the cache folder cache-file "
                                "(Not a directory); building without it"]
    _assert_complete_svgs(tmp_path / "out", 8)


# --- configurations sharing one cache -------------------------------------------------------

def _two_languages(project, journeys: int = 1) -> tuple[Path, Path]:
    """A `vi` and an `en` site of the same journeys, beside each other, one cache."""
    p = project(language="vi")
    for n in range(journeys):
        p.add(f"kettle-{n}", SMALL.replace("emotion: 0\n", f"emotion: {n % 5 - 2}\n"))
    vi, en = p.root / "mkdocs.yml", p.root / "mkdocs.en.yml"
    en.write_text("INHERIT: mkdocs.yml\ntheme:\n  name: material\n  language: en\n", "utf-8")
    return vi, en


def test_alternating_configurations_keep_each_others_charts(
    project, caplog: pytest.LogCaptureFixture
) -> None:
    vi, en = _two_languages(project)
    caplog.set_level(logging.INFO, logger=PLUGIN_LOG)
    _build(vi, "site-vi")
    assert _chart_counts(caplog) == (4, 0)
    _build(en, "site-en")
    assert _chart_counts(caplog) == (3, 1)  # the sparkline has no words: the same in both
    for _ in range(2):
        _assert_complete_svgs(_build(vi, "site-vi"), 8)
        assert _chart_counts(caplog) == (0, 4)
        _assert_complete_svgs(_build(en, "site-en"), 8)
        assert _chart_counts(caplog) == (0, 4)


@pytest.mark.slow
def test_two_builds_at_once_both_succeed(project) -> None:
    # Enough charts to be drawn by worker processes: the two builds overlap for a while.
    vi, en = _two_languages(project, journeys=4)
    root = vi.parent
    for round_ in range(3):
        if round_ == 1:
            shutil.rmtree(root / ".cache")  # twice from a cold cache, then warm
        builds = [subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-q", "-f",
                                    config.name, "-d", f"site-{round_}-{n}"], cwd=root,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=ENV,
                                   text=True)
                  for n, config in enumerate((vi, en))]
        for process in builds:
            output, _ = process.communicate(timeout=300)
            assert process.returncode == 0, output
        for n in range(2):
            _assert_complete_svgs(root / f"site-{round_}-{n}", 32)


# --- pruning --------------------------------------------------------------------------------

def _spec(name: str, emotion: int) -> ChartSpec:
    return ChartSpec(kind="curve", points=(Point("tp", name, "Stage", emotion, None, False),),
                     levels=("−2", "−1", "0", "+1", "+2"),
                     legend=CurveLegend("As-is", "Target", "Moment", "Pain"))


def _age(paths: list[Path], seconds: float) -> None:
    past = time.time() - seconds
    for path in paths:
        os.utime(path, (past, past))


def test_pruning_removes_only_old_entries_of_its_own(tmp_path: Path) -> None:
    folder = tmp_path / "charts"
    a, b = {"a": _spec("A", 1)}, {"b": _spec("B", -1)}
    render_all(a, ChartCache(folder))
    entries_a = _entries(folder)
    render_all(b, ChartCache(folder))
    entries_b = [e for e in _entries(folder) if e not in entries_a]
    assert entries_a and entries_b
    # Files the cache never wrote, however old and whatever their names.
    foreign = [folder / "logo.svg", folder / "notes.txt", folder / f"{'0' * 32}-light.svg.bak",
               folder / f".{'0' * 32}-light.svg.tmp"]
    for path in foreign:
        path.write_text("<svg/>", "utf-8")
    _age(foreign, 400 * DAY)
    # Both charts unused for weeks; then a build uses "a" only.
    _age(entries_a + entries_b, 30 * DAY)
    files, stats = render_all(a, ChartCache(folder))
    assert (stats.rendered, stats.cached) == (0, 1)
    assert files["a-light.svg"] == render(a["a"])["light"]
    assert _entries(folder) == sorted(entries_a + foreign)


def test_pruning_removes_its_own_stale_temporary_files(tmp_path: Path) -> None:
    folder = tmp_path / "charts"
    a = {"a": _spec("A", 1)}
    render_all(a, ChartCache(folder))
    [light, *_] = _entries(folder)
    # What a build killed while writing leaves behind (see journeybook.files.write_atomic).
    stale, fresh = folder / f".{light.name}.k3j9x_2a.tmp", folder / f".{light.name}.q8w1z0bc.tmp"
    stale.write_bytes(b"<svg")
    fresh.write_bytes(b"<svg")
    _age([stale], 2 * 3600)
    render_all(a, ChartCache(folder))
    assert not stale.exists() and fresh.exists()


def test_pruning_tolerates_files_vanishing(tmp_path: Path) -> None:
    folder = tmp_path / "charts"
    render_all({"a": _spec("A", 1)}, ChartCache(folder))
    entries = _entries(folder)
    _age(entries, 30 * DAY)
    cache = ChartCache(folder)
    for entry in entries:
        entry.unlink()
    cache.prune()
    folder.rmdir()
    cache.prune()
