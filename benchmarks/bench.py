"""Build-time benchmark of the Journeybook plugin against plain MkDocs.

Generates a synthetic playbook (default 200 journeys x 5 stages x 6 touchpoints, Vietnamese
text) in a temporary folder and measures, in one run:

  (a) `mkdocs build` with the plugin and an empty chart cache,
  (b) the same build again, with the cache warm,
  (c) `mkdocs build` without the plugin, of the same pages and charts written out as static
      Markdown and SVG: the floor the plugin can approach,

each as wall time and peak memory of the whole process tree (workers included), and prints
the ratios a/c and b/c. With --compare N1,N2 it builds a playbook of each size instead (cold,
then warm) and prints how warm build time grows with size: time(N2)/time(N1) must stay at most
1.1 x N2/N1 (5.5 for 200,1000: no worse than linear). Usage:

    python benchmarks/bench.py [--journeys 200] [--stages 5] [--touchpoints 6] [--keep DIR]
    python benchmarks/bench.py --compare 200,1000 [--stages 5] [--touchpoints 6] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from journeybook import Playbook, build  # noqa: E402
from journeybook.cache import Cache  # noqa: E402
from journeybook.site.pages import NavItem  # noqa: E402

STAGES = ["Nhận thức", "Xem xét", "Quyết định", "Giữ chân khách hàng", "Ủng hộ", "Tái mua",
          "Gia hạn", "Giới thiệu"]
CHANNELS = ["Quảng cáo mạng xã hội", "Trang sản phẩm", "Tổng đài chăm sóc", "Cửa hàng",
            "Email khuyến mãi", "Ứng dụng di động", "Chatbot tư vấn", "Giao hàng tận nhà",
            "Khảo sát sau mua", "Nhóm cộng đồng", "Đánh giá trên bản đồ", "Hội thảo trực tuyến"]
PHRASES = ["khách hàng muốn biết giá cuối cùng trước khi thanh toán",
           "nhân viên chào khách bằng tên và tóm tắt yêu cầu",
           "thông tin trên website và tại cửa hàng phải thống nhất",
           "khách không phải lặp lại thông tin đã cung cấp",
           "thời gian chờ không quá hai phút vào giờ cao điểm",
           "mọi phản hồi tiêu cực được gọi lại trong vòng 48 giờ"]
TEAMS = ["Marketing", "Kinh doanh", "Trung tâm liên lạc", "Vận hành", "CNTT", "Sản phẩm"]

MKDOCS_YML = """\
site_name: Benchmark
docs_dir: docs
theme:
  name: material
  language: vi
  font: false
markdown_extensions:
  - admonition
  - attr_list
  - tables
  - toc
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tasklist
plugins:
  - search
"""


def journey_yaml(rng: random.Random, number: int, stages: int, touchpoints: int) -> str:
    lines = [f"title: Hành trình mẫu số {number} - {rng.choice(CHANNELS).lower()}",
             f"summary: Bản đồ mẫu để đo thời gian dựng trang; {rng.choice(PHRASES)}.",
             f"owner: {rng.choice(TEAMS)}",
             "persona:", f"  name: Khách hàng {number}",
             f"  description: Người dùng điển hình, {rng.choice(PHRASES)}.",
             "metrics:", "  nps: {target: 40}", "  csat: {target: 85}", "stages:"]
    for s in range(stages):
        lines += [f"  - name: {STAGES[s % len(STAGES)]} {s + 1}",
                  f"    goal: {rng.choice(PHRASES).capitalize()}.",
                  "    objectives:", f"      - {rng.choice(PHRASES)}",
                  f"      - {rng.choice(PHRASES)}",
                  "    review:",
                  f"      - question: Vì sao {rng.choice(PHRASES)}?",
                  f"        answer: Vì {rng.choice(PHRASES)}.",
                  "    touchpoints:"]
        for t in range(touchpoints):
            lines += [f"      - id: diem-cham-{s}-{t}",
                      f"        name: {rng.choice(CHANNELS)} {s}.{t}",
                      f"        channel: {rng.choice(['digital', 'analog'])}",
                      f"        control: {rng.choice(['owned', 'influenced', 'uncontrolled'])}",
                      f"        team: {rng.choice(TEAMS)}",
                      f"        doing: Khách {rng.choice(PHRASES)}.",
                      f"        thinking: Liệu {rng.choice(PHRASES)}?",
                      "        feeling: Hồi hộp.",
                      "        expects:", f"          - {rng.choice(PHRASES)}",
                      f"          - {rng.choice(PHRASES)}",
                      f"        frustrations: [{rng.choice(PHRASES)}]",
                      f"        emotion: {rng.randint(-2, 2)}",
                      f"        target: {rng.randint(0, 2)}",
                      f"        moment_of_truth: {str(rng.random() < 0.15).lower()}",
                      "        layers:",
                      "          systems:", "            - CRM",
                      f"            - {rng.choice(['ERP', 'website', 'IVR'])}",
                      f"          procedures: [{rng.choice(PHRASES)}]",
                      "        checklist:",
                      *[f"          - {rng.choice(PHRASES).capitalize()}" for _ in range(4)],
                      "        improvements:",
                      f"          - action: {rng.choice(PHRASES).capitalize()}",
                      f"            owner: {rng.choice(TEAMS)}",
                      f"            status: {rng.choice(['planned', 'in-progress', 'done'])}",
                      "            due: 2027-03-31"]
    return "\n".join(lines) + "\n"


def journey_id(number: int, journeys: int) -> str:
    """The folder of journey ``number`` of ``journeys``: numbered with as many digits as the
    largest needs (at least three), so folders sort in number order."""
    return f"hanh-trinh-{number:0{max(3, len(str(journeys)))}d}"


def make_project(folder: Path, journeys: int, stages: int, touchpoints: int) -> None:
    rng = random.Random(20261125)
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "index.md").write_text("# Trang chủ\n\nBộ tài liệu mẫu.\n", "utf-8")
    for number in range(1, journeys + 1):
        path = folder / "journeys" / journey_id(number, journeys) / "journey.yaml"
        path.parent.mkdir(parents=True)
        path.write_text(journey_yaml(rng, number, stages, touchpoints), "utf-8")
    (folder / "mkdocs.yml").write_text(MKDOCS_YML + "  - journeybook\n", "utf-8")


def make_static_copy(project: Path, static: Path) -> None:
    """The plugin's output written as plain files, built by MkDocs without the plugin."""
    playbook = Playbook.load(project / "journeys", project)
    # The plugin's warm cache: the static copy gets exactly the pictures the plugin served.
    built = build(playbook, "vi", cache=Cache(project / ".cache" / "journeybook").charts)
    site, charts = built.site, built.charts
    shutil.copytree(project / "docs", static / "docs")
    for path, page in site.pages.items():
        target = static / "docs" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.content, "utf-8")
    for path, svg in charts.items():
        target = static / "docs" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(svg)

    def nav(item: NavItem, depth: int) -> list[str]:
        pad = "  " * depth
        title = item.title.replace('"', '\\"')
        if item.path:
            return [f'{pad}- "{title}": {item.path}']
        lines = [f'{pad}- "{title}":']
        for child in item.children:
            lines += nav(child, depth + 1)
        return lines

    lines = ["nav:", "  - index.md"]
    for item in site.nav:
        lines += nav(item, 1)
    (static / "mkdocs.yml").write_text(MKDOCS_YML + "\n".join(lines) + "\n", "utf-8")


def _tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes (Linux /proc)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/statm") as statm:
                total += int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    stack += [int(c) for c in children.read().split()]
        except (OSError, ValueError):
            continue
    return total


def measure(label: str, folder: Path) -> tuple[float, int]:
    # The label first: at 1,000 journeys a build takes minutes, and the line shows which.
    print(f"  {label:<34}", end="", flush=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-q", "-d",
                                str(folder / "site")], cwd=folder, env=env)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    code = process.wait()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if code != 0:
        raise SystemExit(f"{label}: mkdocs build failed with exit code {code}")
    print(f" {elapsed:7.2f} s   {peak / 2**20:7.0f} MiB", flush=True)
    return elapsed, peak


def describe(journeys: int, stages: int, touchpoints: int) -> str:
    # Per journey: overview, stages, checklist, evaluations; then the indexes and actions.
    pages = journeys * (stages + 3) + 3
    return (f"{journeys} journeys x {stages} stages x {touchpoints} touchpoints"
            f" (~{pages} generated pages) on {platform.node()}: {platform.processor() or '?'}"
            f", {os.cpu_count()} CPUs, Python {platform.python_version()}")


def compare(sizes: list[int], stages: int, touchpoints: int, folder: Path) -> None:
    """Warm build time at each size, and how it grows from the first size to the last."""
    warm: dict[int, float] = {}
    for journeys in sizes:
        project = folder / f"plugin-{journeys}"
        make_project(project, journeys, stages, touchpoints)
        print(describe(journeys, stages, touchpoints))
        measure("plugin, cold chart cache", project)
        warm[journeys] = measure("plugin, warm chart cache", project)[0]
    first, last = sizes[0], sizes[-1]
    ratio, bound = warm[last] / warm[first], 1.1 * last / first
    print(f"  warm time({last}) / time({first}) = {ratio:.2f}   (at most {bound:.2f}: "
          f"{'ok' if ratio <= bound else 'WORSE THAN LINEAR'})")


def sizes(text: str) -> list[int]:
    try:
        numbers = [int(part) for part in text.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) < 2 or any(n < 1 for n in numbers):
        raise argparse.ArgumentTypeError(f"expected two or more journey counts like 200,1000, "
                                         f"not {text!r}")
    return sorted(numbers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--journeys", type=int, default=200)
    parser.add_argument("--stages", type=int, default=5)
    parser.add_argument("--touchpoints", type=int, default=6)
    parser.add_argument("--keep", type=Path, help="build here and keep the files")
    parser.add_argument("--compare", type=sizes, metavar="N1,N2",
                        help="warm builds at each size and their time ratio, instead of a-c")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="journeybook-bench-"))
    try:
        if args.compare:
            compare(args.compare, args.stages, args.touchpoints, folder)
            return
        project, static = folder / "plugin", folder / "static"
        make_project(project, args.journeys, args.stages, args.touchpoints)
        print(describe(args.journeys, args.stages, args.touchpoints))
        cold = measure("(a) plugin, cold chart cache", project)
        warm = measure("(b) plugin, warm chart cache", project)
        make_static_copy(project, static)
        floor = measure("(c) plain MkDocs, static copy", static)
        print(f"  a/c = {cold[0] / floor[0]:.2f}   b/c = {warm[0] / floor[0]:.2f}   "
              f"(memory a/c = {cold[1] / floor[1]:.2f}, b/c = {warm[1] / floor[1]:.2f})")
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
