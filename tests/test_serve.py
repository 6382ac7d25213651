"""`mkdocs serve` as an author uses it: charts drawn in worker processes, edits picked up."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import FIXTURES


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(log: Path, pattern: str, count: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(re.findall(pattern, log.read_text("utf-8", "replace"))) >= count:
            return
        time.sleep(0.2)
    raise AssertionError(f"waited {timeout}s for {pattern!r}:\n{log.read_text()}")


@pytest.mark.slow
def test_serve_draws_in_parallel_and_rebuilds_after_a_journey_edit(project) -> None:
    p = project(language="en")
    small = (FIXTURES / "small.yaml").read_text("utf-8")
    # Enough distinct charts (4 per journey) that they are drawn by worker processes.
    for n in range(4):
        p.add(f"trip-{n}", small.replace("Nhận thức", f"Nhận thức {n}")
              .replace("Đặt hàng", f"Đặt hàng {n}").replace("emotion: 0\n", f"emotion: {n - 2}\n"))
    port = _free_port()
    log = p.root / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=p.root, stdout=out, stderr=subprocess.STDOUT,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
    try:
        _wait_for(log, r"Serving on", 1)
        assert "charts: 16 drawn, 0 from cache" in log.read_text()
        url = f"http://127.0.0.1:{port}/journeys/trip-1/dat-hang-1/"
        with urllib.request.urlopen(url, timeout=10) as response:
            assert "Confirmation call" in response.read().decode("utf-8")
        path = p.journeys / "trip-1" / "journey.yaml"
        path.write_text(path.read_text("utf-8").replace("Confirmation call",
                                                        "Callback to confirm"), "utf-8")
        _wait_for(log, r"charts: \d+ drawn, \d+ from cache", 2)
        # Only the two charts that show the renamed touchpoint are drawn again: the journey
        # curve and its stage's curve (the sparkline shows no names).
        assert "charts: 2 drawn, 14 from cache" in log.read_text()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with urllib.request.urlopen(url, timeout=10) as response:
                if "Callback to confirm" in response.read().decode("utf-8"):
                    break
            time.sleep(0.3)
        else:
            raise AssertionError("the edited journey never reached the served site")
        assert "Traceback" not in log.read_text()
    finally:
        server.terminate()
        server.wait(timeout=20)
