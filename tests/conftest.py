from __future__ import annotations

import functools
import getpass
import io
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir
from mkdocs.commands.build import build
from mkdocs.config import load_config
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

# Property tests: bounded and repeatable in CI; `HYPOTHESIS_PROFILE=long pytest …` explores
# far more examples locally (and still reports a failure with the input that caused it).
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=2000, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
# Hypothesis keeps files (a cache of constants) in `.hypothesis/` of the working directory,
# from collection on: keep them out of the repository unless a developer chose a folder.
if not os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
    set_hypothesis_home_dir(Path(tempfile.gettempdir()) / f"hypothesis-{getpass.getuser()}")


def examples(count: int) -> int:
    """A property test's number of examples: ``count`` in CI, twenty times more with
    ``HYPOTHESIS_PROFILE=long``."""
    return count * 20 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else count

#: Debian's Chromium (or JOURNEYBOOK_CHROMIUM); the browser tests skip without it.
CHROMIUM = os.environ.get("JOURNEYBOOK_CHROMIUM") or shutil.which("chromium") or ""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(folder: Path) -> tuple[str, ThreadingHTTPServer]:
    """Serve a built site on 127.0.0.1; returns its URL and the server to shut down."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the whole run, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run"],
    )
    yield browser
    browser.close()
    playwright.stop()

MINIMAL_MKDOCS = """\
site_name: Test playbook
repo_url: https://github.com/example/playbook
edit_uri: edit/main/docs/
theme:
  name: material
  language: {language}
  features: [content.action.edit]
plugins:
  - search
  - journeybook
"""


def write_journey(journeys_dir: Path, journey_id: str, text: str) -> Path:
    path = journeys_dir / journey_id / "journey.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


class Project:
    """A throwaway MkDocs project: mkdocs.yml, docs/ and journeys/ in tmp_path."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def journeys(self) -> Path:
        return self.root / "journeys"

    def add(self, journey_id: str, text: str) -> Path:
        return write_journey(self.journeys, journey_id, text)

    def build(self) -> Path:
        config = load_config(str(self.root / "mkdocs.yml"), strict=True,
                             site_dir=str(self.root / "site"))
        build(config)
        return self.root / "site"

    def html(self, url: str) -> BeautifulSoup:
        return BeautifulSoup((self.root / "site" / url / "index.html").read_text("utf-8"),
                             "html.parser")


@pytest.fixture
def project(tmp_path: Path) -> Callable[..., Project]:
    def make(language: str = "en", mkdocs_yml: str | None = None) -> Project:
        (tmp_path / "docs").mkdir(exist_ok=True)
        (tmp_path / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
        (tmp_path / "mkdocs.yml").write_text(
            mkdocs_yml or MINIMAL_MKDOCS.format(language=language), encoding="utf-8"
        )
        return Project(tmp_path)

    return make


def copy_sample(root: Path, warm_from: Project | None = None) -> None:
    """Everything the sample site is built from, copied into ``root``: with a cold chart
    cache, or with the cache of an already built sample (``warm_from``) when drawing the
    charts again is not what a test is about."""
    for name in ("content", "journeys", "includes"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    if warm_from is not None:
        shutil.copytree(warm_from.root / ".cache", root / ".cache")


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The repository's sample playbook, copied and built once per run with --strict, cold.
    Shared by every test: read it, never change it (copy it with ``sample_copy`` instead)."""
    root = tmp_path_factory.mktemp("sample")
    copy_sample(root)
    sample = Project(root)
    sample.build()
    return sample


@pytest.fixture(scope="session")
def sample_url(sample_site: Project) -> Iterator[str]:
    """The built sample, served over HTTP on 127.0.0.1 for the browser tests."""
    url, server = serve(sample_site.root / "site")
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture
def sample_copy(tmp_path: Path, sample_site: Project) -> Project:
    """A copy of the sample's sources in ``tmp_path``, not built yet, with the built sample's
    chart cache: for tests that change or rebuild the sample."""
    copy_sample(tmp_path, warm_from=sample_site)
    return Project(tmp_path)


# --- Nothing written inside the repository ---------------------------------------------------


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the browser tests save screenshots: ``JOURNEYBOOK_SCREENSHOTS`` if set (to keep
    them), else pytest's temporary folder; the folder is printed at the end of the run."""
    folder = _screenshot_folder(tmp_path_factory.getbasetemp())
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _screenshot_folder(basetemp: Path) -> Path:
    """One folder for the whole run: the tests run in several processes (pytest-xdist), each
    with its own temporary folder inside the run's."""
    chosen = os.environ.get("JOURNEYBOOK_SCREENSHOTS")
    if chosen:
        return Path(chosen).resolve()
    return (basetemp.parent if os.environ.get("PYTEST_XDIST_WORKER") else basetemp) / "screenshots"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter,
                            config: pytest.Config) -> None:
    factory = getattr(config, "_tmp_path_factory", None)
    if factory is None or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    folder = _screenshot_folder(factory.getbasetemp())
    if folder.is_dir() and any(folder.iterdir()):
        terminalreporter.write_line(f"screenshots: {folder}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Whatever drives Chromium is a browser test, marked or not, so `-m "not browser"` can
    # be trusted to start no browser.
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def commit_all(repo: Path, message: str = "first map") -> None:
    """Make ``repo`` a git repository (if it is not one yet) and commit everything in it."""
    if not (repo / ".git").exists():
        git(repo, "init", "-q", "-b", "main")
        git(repo, "config", "user.email", "cx@example.com")
        git(repo, "config", "user.name", "CX team")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def editor_rewrite(data: Any) -> str:
    """A journey as a form editor (Decap CMS) saves it: keys sorted, no comments, block
    lists, its own quoting and line width."""
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 60
    out = io.StringIO()
    yaml.dump(_sorted(data), out)
    return out.getvalue()
