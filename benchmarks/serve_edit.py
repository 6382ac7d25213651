"""Edit → visible under plain `mkdocs serve` (issue 12).

Generates the synthetic playbook of `bench.py` (same minimal mkdocs.yml), starts
`mkdocs serve -a 127.0.0.1:PORT` as an author would (no --dirty) and, for each of the five
edits of the issue (a touchpoint's emotion, a stage's name, a checklist item, a journey's
title, a new evaluation note; each on a different journey), saves the file and fetches the
page that shows the change every 20 ms until it does. Prints each edit's time, their median,
the first build's time and the peak memory of the serve process tree. Before the next edit it
waits until serve says the rebuild has ended.

With --verify, after the last edit it builds the same files with `mkdocs build` (same
site_url as serve) and compares the served HTML (serve's live-reload script removed) with the
built HTML, for every page of the edited journeys and a sample of the others. Usage:

    python benchmarks/serve_edit.py [--journeys 200] [--stages 5] [--touchpoints 6]
                                    [--verify] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

from bench import _tree_rss, journey_id, make_project
from edits import FIVE_EDITS, Edit, Server, differences, full_build, site_urls


class PeakMemory:
    """Samples the resident memory of a process tree every 20 ms, keeps the highest."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._done.is_set():
            self.peak = max(self.peak, _tree_rss(self.pid))
            self._done.wait(0.02)

    def stop(self) -> int:
        self._done.set()
        self._thread.join()
        return self.peak


def edited_journeys(count: int) -> list[str]:
    """Five journeys spread over the playbook (first, last and between), one per edit."""
    numbers = sorted({1 + round(i * (count - 1) / 4) for i in range(5)})
    numbers += [numbers[-1]] * (5 - len(numbers))
    return [journey_id(n, count) for n in numbers]


def run_edits(server: Server, journeys: Path, count: int) -> list[tuple[Edit, float]]:
    timings = []
    for number, (make, journey) in enumerate(zip(FIVE_EDITS, edited_journeys(count),
                                                 strict=True), start=1):
        edit = make(journeys, journey, f"Sửa-{number}")
        if edit.shown_in(server.page(edit.url)):
            raise SystemExit(f"{edit.kind}: {edit.url} shows {edit.marker!r} before the edit")
        since = server.mark()
        edit.apply()
        seconds = server.poll(edit)
        print(f"  {edit.kind:<20} {journey:<16} {seconds:7.2f} s   ({edit.url})", flush=True)
        timings.append((edit, seconds))
        if not server.wait_for_rebuild(since):
            raise SystemExit(f"the rebuild after the {edit.kind} edit failed:\n"
                             f"{server.output(since)[-3000:]}")
    return timings


def verify(server: Server, project: Path, edits: list[Edit], built: Path) -> int:
    """Compare served and built pages; returns how many differ."""
    full_build(project, server.site_url, built)
    urls = [url for edit in edits for url in site_urls(built, f"journeys/{edit.journey}")]
    others = sorted(set(site_urls(built)) - set(urls))
    sample = urls + random.Random(12).sample(others, min(40, len(others)))
    found = differences(server, built, sample)
    for edit in edits:
        if edit.gone and server.get(edit.gone)[0] != 404:
            found.append(f"{edit.gone}: still served after the {edit.kind} edit moved it")
    print(f"  verify: {len(sample)} pages and files compared with a full build, "
          f"{len(found)} differ")
    for line in found:
        print(f"    {line}")
    return len(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--journeys", type=int, default=200)
    parser.add_argument("--stages", type=int, default=5)
    parser.add_argument("--touchpoints", type=int, default=6)
    parser.add_argument("--verify", action="store_true",
                        help="compare the served pages with a full build afterwards")
    parser.add_argument("--keep", type=Path, help="work here and keep the files")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="journeybook-serve-"))
    project = folder / "plugin"
    try:
        make_project(project, args.journeys, args.stages, args.touchpoints)
        pages = args.journeys * (args.stages + 3) + 3
        print(f"mkdocs serve, {args.journeys} journeys x {args.stages} stages x "
              f"{args.touchpoints} touchpoints (~{pages} generated pages) on "
              f"{platform.node()}: {os.cpu_count()} CPUs, Python {platform.python_version()}")
        with Server(project, folder / "serve.log") as server:
            memory = PeakMemory(server.pid)
            start = time.perf_counter()
            server.wait_until_serving()
            print(f"  first build (cold chart cache)    {time.perf_counter() - start:7.2f} s",
                  flush=True)
            timings = run_edits(server, project / "journeys", args.journeys)
            peak = memory.stop()
            seconds = [s for _, s in timings]
            print(f"  median edit → visible             {statistics.median(seconds):7.2f} s"
                  f"   (max {max(seconds):.2f} s)")
            print(f"  peak memory of mkdocs serve       {peak / 2**20:7.0f} MiB")
            differing = (verify(server, project, [e for e, _ in timings], folder / "built")
                         if args.verify else 0)
        if differing:
            raise SystemExit(f"{differing} served pages differ from a full build "
                             f"(serve's log: {folder / 'serve.log'})")
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
