"""How long a reader waits for search results, and how big the search index is.

Builds the sample playbook twice (with the plugin's diacritic folding, and with
``search_ignores_diacritics: false``, Material's search as shipped), then in Chromium types each
query of issue 16 into Material's search box and measures, in the page, the time from the
key that completes the query to the moment the result list shows the new results. Prints the
median and the slowest of several runs per query, the time the worker takes to build its index,
and the size of both search indexes.

    python benchmarks/search.py                 # the sample, 5 runs per query
    python benchmarks/search.py --runs 20
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import statistics
import sys
import tempfile
import threading
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["tổng đài", "tong dai", "điểm chạm", "diem cham", "hóa đơn điện tử",
           "hoa don dien tu", "khoảnh khắc quyết định", "khoanh khac quyet dinh", "t"]

# Runs in the page: sets the box to the query minus its last character, waits for those
# results, then types the last key and times until the result list changes again.
MEASURE = """async (query) => {
  const box = document.querySelector("input.md-search__input");
  const meta = document.querySelector(".md-search-result__meta");
  const list = document.querySelector(".md-search-result__list");
  const settle = () => new Promise(r => setTimeout(r, 300));
  box.focus();
  box.value = query.slice(0, -1);
  box.dispatchEvent(new KeyboardEvent("keyup", {bubbles: true}));
  await settle();
  const before = meta.textContent + list.innerHTML.length;
  return await new Promise(resolve => {
    const start = performance.now();
    const observer = new MutationObserver(() => {
      if (meta.textContent + list.innerHTML.length !== before) {
        observer.disconnect();
        resolve(performance.now() - start);
      }
    });
    // Nothing changes when both queries find nothing: say so rather than wait forever.
    setTimeout(() => { observer.disconnect(); resolve(null); }, 3000);
    observer.observe(list, {childList: true, subtree: true, characterData: true});
    observer.observe(meta, {childList: true, subtree: true, characterData: true});
    box.value = query;
    box.dispatchEvent(new KeyboardEvent("keyup", {bubbles: true}));
  });
}"""


def _build(work: Path, folding: bool) -> Path:
    for name in ("content", "journeys", "includes"):
        shutil.copytree(ROOT / name, work / name)
    text = (ROOT / "mkdocs.yml").read_text("utf-8")
    if not folding:
        text = text.replace("  - journeybook", "  - journeybook:\n      search_ignores_diacritics: "
                                               "false\n  # was: journeybook", 1)
    (work / "mkdocs.yml").write_text(text, "utf-8")
    config = load_config(str(work / "mkdocs.yml"), site_dir=str(work / "site"))
    build(config)
    return work / "site"


def _serve(site: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}/", server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    chromium = os.environ.get("JOURNEYBOOK_CHROMIUM") or shutil.which("chromium")
    with tempfile.TemporaryDirectory() as folder:
        sizes = {}
        sites = {}
        for folding in (False, True):
            work = Path(folder) / ("folding" if folding else "plain")
            work.mkdir()
            sites[folding] = _build(work, folding)
            sizes[folding] = (sites[folding] / "search" / "search_index.json").stat().st_size
        print(f"search index: {sizes[False] / 1024:.0f} KiB as Material writes it, "
              f"{sizes[True] / 1024:.0f} KiB with folding ({sizes[True] / sizes[False]:.2f}x)")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium)
            for folding in (False, True):
                url, server = _serve(sites[folding])
                page = browser.new_page()
                page.goto(url)
                page.keyboard.press("/")
                # The worker builds its index when the page loads; time until it answers.
                ready = page.evaluate("""async () => {
                  const start = performance.now();
                  const meta = document.querySelector(".md-search-result__meta");
                  while (!/\\d|Nhập|Type/.test(meta.textContent)) {
                    await new Promise(r => setTimeout(r, 10));
                  }
                  return performance.now() - start;
                }""")
                print(("with folding" if folding else "Material as shipped")
                      + f": index ready {ready:.0f} ms after the page loaded")
                for query in QUERIES:
                    times = [page.evaluate(MEASURE, query) for _ in range(args.runs)]
                    found = page.inner_text(".md-search-result__meta")
                    if None in times:
                        print(f"  {query!r:28} {found} (the list did not change)")
                        continue
                    print(f"  {query!r:28} median {statistics.median(times):6.1f} ms, "
                          f"slowest {max(times):6.1f} ms  ({found})")
                page.close()
                server.shutdown()
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
