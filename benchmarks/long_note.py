"""Build time of the sample site with one very long evaluation note.

Copies the sample playbook into a temporary folder, adds to one journey an evaluation note of
N lines (a section per touchpoint, headed by its name, with paragraphs, lists and a quote,
repeated until the note is long enough) and times a real `mkdocs build --strict` for each N.
Build time should grow linearly with the note's length: compare the seconds per 10,000 lines
across sizes. Usage:

    python benchmarks/long_note.py [--lines 10000 40000 100000] [--shape mixed] [--keep DIR]

``--shape`` picks the body: ``mixed`` (the default, like a real note), or one construct
repeated over the whole note to find a slow one: ``paragraphs``, ``list``, ``quote``,
``table``, ``fences`` (many small fenced blocks), ``headings``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from journeybook import Playbook  # noqa: E402

JOURNEY = "goi-tong-dai"
SENTENCE = ("Khách gọi lúc 21h, chờ bốn phút, được hỏi lại số hợp đồng và chuyển máy "
            "hai lần trước khi gặp kỹ thuật viên.")


def _section(name: str, number: int) -> list[str]:
    """Sixteen lines about one touchpoint, written as the sample's notes are."""
    return [
        f"### {name}", "",
        f"Cuộc gọi {number}: {SENTENCE}", SENTENCE, "",
        f"- Ghi nhận {number}.1: {SENTENCE}", f"- Ghi nhận {number}.2: **chờ lâu**",
        f"- Ghi nhận {number}.3: mã `IVR-{number}`", "",
        f"> \"{SENTENCE}\"", "", f"1. Bước {number}", "2. Gọi lại trong 48 giờ", "",
        f"Kết luận {number}: {SENTENCE}", "",
    ]


_SHAPES = {
    "paragraphs": lambda n: [f"Đoạn {n}: {SENTENCE}", ""],
    "list": lambda n: [f"- Mục {n}: {SENTENCE}"],
    "quote": lambda n: [f"> Dòng {n}: {SENTENCE}"],
    "table": lambda n: [f"| {n} | {SENTENCE} |"],
    "fences": lambda n: ["```text", f"ticket {n}: {SENTENCE}", "```", ""],
    "headings": lambda n: [f"## Mục {n}", ""],
}


def note_text(names: list[str], lines: int, shape: str = "mixed") -> str:
    """An evaluation note of ``lines`` body lines about the touchpoints ``names``."""
    front = ["---", "date: 2026-12-01", "title: Đợt đánh giá rất dài", "method: Nghe lại",
             "scores:", "  menu-ivr: -1", "  hang-cho: 0", "---", ""]
    body: list[str] = []
    number = 0
    if shape == "table":
        body += ["| Số | Ghi chú |", "| --- | --- |"]
    while len(body) < lines:
        number += 1
        if shape == "mixed":
            body += _section(names[number % len(names)], number)
        else:
            body += _SHAPES[shape](number)
    body = body[:lines]
    return "\n".join(front + body) + "\n"


def build(project: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(project / "site")],
        cwd=project, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"mkdocs build failed:\n{result.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[10_000, 40_000, 100_000])
    parser.add_argument("--shape", choices=["mixed", *_SHAPES], default="mixed")
    parser.add_argument("--keep", type=Path, help="build here and keep the files")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="journeybook-long-note-"))
    try:
        project = folder / "sample"
        for name in ("content", "journeys", "includes"):
            shutil.copytree(ROOT / name, project / name)
        shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
        journey = next(j for j in Playbook.load(project / "journeys").journeys
                       if j.id == JOURNEY)
        names = [touchpoint.name for _, touchpoint in journey.touchpoints()]
        note = project / "journeys" / JOURNEY / "evaluations" / "2026-12-01-rat-dai.md"
        # A short note with the same front matter draws the note's charts into the cache:
        # what a long body adds is then the difference.
        note.write_text(note_text(names, 10, args.shape), "utf-8")
        build(project)
        base = build(project)
        print(f"sample with a 10-line note: {base:6.2f} s")
        for lines in args.lines:
            note.write_text(note_text(names, lines, args.shape), "utf-8")
            elapsed = build(project)
            extra = elapsed - base
            print(f"{args.shape} note of {lines:>7,} lines: {elapsed:6.2f} s "
                  f"({extra:6.2f} s more, {extra / lines * 10_000:5.2f} s per 10,000 lines)",
                  flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
