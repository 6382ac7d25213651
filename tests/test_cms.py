"""The form editor end to end: the sample built with `cms: true`, Decap CMS as this package
ships it, its local backend (`decap-server` from node_modules, in git mode so saving
follows the editorial workflow: a branch per change) on 127.0.0.1, and Chromium.

Saving proposes: the change lands on the branch `cms/journeys/<id>/journey` (the pull
request's branch on GitHub), the working tree of `main` stays as it was. So the checks read
the branch: its file, `journeybook check` and a build of a worktree of it.
"""

from __future__ import annotations

import copy
import hashlib
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from journeybook.authoring.cms import CMS_LOCAL, entry_path
from journeybook.authoring.cms_bundle import bundle_files, pinned
from journeybook.cli import main

from .conftest import (
    CHROMIUM,
    ROOT,
    Project,
    commit_all,
    copy_sample,
    git,
    serve,
)

DECAP_SERVER = ROOT / "node_modules" / "decap-server" / "dist" / "index.js"
NPM_CI = f"run `npm ci` in {ROOT} (package.json pins decap-server, the editor's local backend)"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not DECAP_SERVER.is_file(), reason=NPM_CI),
]
needs_chromium = pytest.mark.skipif(
    not CHROMIUM, reason="Chromium is not installed (apt-get install chromium)")

JOURNEY = "journeys/goi-tong-dai/journey.yaml"
PROPOSAL = "cms/journeys/goi-tong-dai/journey"
NEW_CHECK = "Hỏi khách mã kiểm tra trên ứng dụng trước khi hướng dẫn lại."
NEW_TITLE = "Đổi gói cước di động"
NEW_THOUGHT = "Mình phải chuẩn bị những gì, và gọi ai khi vướng?"


def _load(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def _show(repo: Path, revision: str, path: str) -> str:
    return subprocess.run(["git", "show", f"{revision}:{path}"], cwd=repo, check=True,
                          capture_output=True, text=True).stdout


def _git_out(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                          text=True).stdout.strip()


def _wait_for_proposal(repo: Path, branch: str, timeout: float = 15) -> None:
    """Until ``branch`` has a commit beyond ``main`` and the proxy is back on ``main`` (it
    checks the branch out to commit on it, and ``main`` out again)."""
    deadline = time.monotonic() + timeout
    while True:
        branches = _git_out(repo, "branch", "--format=%(refname:short)").split()
        if (branch in branches and _git_out(repo, "symbolic-ref", "--short", "HEAD") == "main"
                and _git_out(repo, "rev-parse", branch) != _git_out(repo, "rev-parse", "main")):
            return
        assert time.monotonic() < deadline, f"no proposal on {branch}: {branches}"
        time.sleep(0.2)


def _ask(proxy: str) -> bytes:
    """The proxy's `info`. It takes the proxy's lock like every request, so the answer comes
    after the requests before it are done (a branch checked out to read it, back on main)."""
    request = urllib.request.Request(proxy, data=b'{"action":"info"}',
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as answer:
        return bytes(answer.read())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Editor:
    repo: Path
    #: The built site's admin/ in Vietnamese (the sample) and in English.
    admin: dict[str, str]
    proxy: str


def _build(root: Path, proxy: str) -> Path:
    """Build with the editor pointed at the local backend; returns the site folder."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv(CMS_LOCAL, "1")
        site = Project(root).build()
    # `local_backend: true` is Decap's http://localhost:8081; the proxy here is on a free
    # port, so its address is written in as Decap's `local_backend: {url: …}`.
    config_file = site / "admin" / "config.yml"
    config = _load(config_file.read_text("utf-8"))
    assert config["local_backend"] is True
    config["local_backend"] = {"url": proxy}
    yaml = YAML(typ="safe", pure=True)
    yaml.allow_unicode = True
    with config_file.open("w", encoding="utf-8") as file:
        yaml.dump(config, file)
    return site


def _sample_repo(root: Path, language: str = "vi") -> None:
    copy_sample(root)
    (root / "mkdocs.yml").write_text(
        (root / "mkdocs.yml").read_text("utf-8").replace("language: vi", f"language: {language}"),
        encoding="utf-8")
    # The proxy commits with `git add .`.
    (root / ".gitignore").write_text("node_modules\n.cache/\nsite/\n", encoding="utf-8")


@pytest.fixture(scope="module")
def editor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Editor]:
    """One git repository of the sample, its site built in both languages, one decap-server
    and one HTTP server per site, for the whole module."""
    port = _free_port()
    proxy = f"http://127.0.0.1:{port}/api/v1"
    repo = tmp_path_factory.mktemp("cms") / "playbook"
    repo.mkdir()
    _sample_repo(repo)
    commit_all(repo)
    english = tmp_path_factory.mktemp("cms-en")
    _sample_repo(english, "en")
    sites = {"vi": _build(repo, proxy)}
    shutil.copytree(repo / ".cache", english / ".cache")
    sites["en"] = _build(english, proxy)
    log = repo.parent / "decap-server.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            ["node", str(DECAP_SERVER)], cwd=repo, stdout=output, stderr=subprocess.STDOUT,
            env={**os.environ, "PORT": str(port), "BIND_HOST": "127.0.0.1", "MODE": "git",
                 "LOG_LEVEL": "warn"})
    http = {language: serve(site) for language, site in sites.items()}
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                assert b"editorial_workflow" in _ask(proxy)
                break
            except OSError:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "decap-server did not start"
                time.sleep(0.2)
        yield Editor(repo, {language: f"{url}admin/" for language, (url, _) in http.items()},
                     proxy)
    finally:
        server.terminate()
        server.wait(timeout=10)
        for _, httpd in http.values():
            httpd.shutdown()
            httpd.server_close()


def test_the_site_carries_the_pinned_editor(editor: Editor) -> None:
    """admin/ holds Decap CMS as pinned (with the chunks it loads, every file's SHA-256 as in
    decap-cms.json), nothing from a CDN."""
    site = editor.repo / "site"
    expected = bundle_files()
    assert expected is not None
    pin = pinned()
    assert isinstance(pin["files"], dict)
    assert {uri.removeprefix("admin/") for uri in expected} == set(pin["files"])
    for uri in expected:
        digest = hashlib.sha256((site / uri).read_bytes()).hexdigest()
        assert digest == pin["files"][uri.removeprefix("admin/")], uri
    page = (site / "admin" / "index.html").read_text("utf-8")
    assert '<script src="decap-cms.js"></script>' in page
    assert "https://" not in page and "http://" not in page


# --- In Chromium --------------------------------------------------------------------------


def _open(browser: Any, admin: str, entry: str = "", errors: list[str] | None = None) -> Any:
    """The editor, signed in to the local backend, on ``entry`` (a route after ``#``);
    script errors go to ``errors``."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(10_000)
    page.on("pageerror", lambda error: (errors if errors is not None else []).append(str(error)))
    page.goto(admin)
    # The local backend's sign-in is one button, labelled in the site's language.
    page.locator("button").first.click()
    page.locator("a[href='#/collections/journeys']").first.wait_for()
    if entry:
        page.goto(f"{admin}#{entry}")
    return page


def _route(path: str) -> str:
    """The route after ``#`` of an entry's address in the editor."""
    return path.split("#", 1)[1]


def _item(scope: Any, label: str) -> Any:
    """A list item of the form (a stage, a touchpoint …), by the summary it shows."""
    return scope.locator(f"xpath=.//div[contains(@class,'NestedObjectLabel')"
                         f" and normalize-space()='{label}']/..").first


def _expand(scope: Any, label: str) -> Any:
    item = _item(scope, label)
    item.locator("xpath=./div[1]/button[1]").click()
    return item


def _field(scope: Any, name: str) -> Any:
    # Decap gives each control the id `<field name>-field-<n>`.
    return scope.locator(f"[id^='{name}-field-']").first


def _choose(page: Any, scope: Any, name: str, starting: str) -> list[str]:
    """Pick the option of a select field that starts with ``starting``; returns every option
    the field offers."""
    _field(scope, name).click()
    options = page.locator("[id*='-option-']")
    offered = options.all_inner_texts()
    options.filter(has_text=starting).first.click()
    return offered


def _first_item(listed: Any) -> Any:
    """The first item of a list of objects, opened (items are listed closed). A new
    journey's form starts with the one stage and touchpoint the format requires."""
    item = listed.locator("xpath=./div[2]/div[contains(@class,'SortableListItem')]").first
    item.locator("xpath=./div[1]/button[1]").click()
    return item


def _add_to_list(scope: Any, name: str, text: str) -> None:
    listed = _field(scope, name)
    listed.locator("xpath=./div[1]/button[contains(@class,'AddButton')]").click()
    listed.locator("input, textarea").last.fill(text)


def _save(page: Any) -> None:
    page.get_by_role("button", name=re.compile("^(Lưu|Save)$")).click()


@needs_chromium
def test_edit_a_touchpoint_proposes_exactly_that_change(
        editor: Editor, browser: Any, screenshots: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    before = _show(editor.repo, "main", JOURNEY)
    errors: list[str] = []
    page = _open(browser, editor.admin["vi"], _route(entry_path("goi-tong-dai")), errors)
    try:
        stage = _expand(page, "Phát hiện sự cố")
        touchpoint = _expand(stage, "Kiểm tra đường truyền trên ứng dụng")
        offered = _choose(page, touchpoint, "emotion", "+1")
        _field(touchpoint, "emotion").scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots / "cms-vi.png"))
        _add_to_list(touchpoint, "checklist", NEW_CHECK)
        _save(page)
        _wait_for_proposal(editor.repo, PROPOSAL)
        assert errors == []
    finally:
        page.close()
    _ask(editor.proxy)
    # The emotion can only be one of the five the site uses, labelled as it labels them.
    assert offered == ["−2 · Rất tệ", "−1 · Tệ", "0 · Bình thường", "+1 · Tốt", "+2 · Rất tốt"]

    # The proposal changes exactly those two values; `main` is untouched until it is merged.
    assert (editor.repo / JOURNEY).read_text("utf-8") == before
    proposed = _load(_show(editor.repo, PROPOSAL, JOURNEY))
    expected = copy.deepcopy(_load(before))
    changed = expected["stages"][0]["touchpoints"][0]
    assert changed["emotion"] == -1
    changed["emotion"] = 1
    changed["checklist"].append(NEW_CHECK)
    assert proposed == expected

    # The branch passes `journeybook check`, and a build of it shows the change.
    proposal = tmp_path / "proposal"
    git(editor.repo, "worktree", "add", "-q", "--detach", str(proposal), PROPOSAL)
    try:
        capsys.readouterr()
        assert main(["check", "--journeys", str(proposal / "journeys")]) == 0, \
            capsys.readouterr()
        shutil.copytree(editor.repo / ".cache", proposal / ".cache")
        rebuilt = Project(proposal)
        rebuilt.build()
        stage_page = rebuilt.html("journeys/goi-tong-dai/phat-hien-su-co")
        heading = stage_page.find(id="app-kiem-tra")
        feeling = heading.find_next_sibling("p").find_next_sibling("p").get_text(" ", strip=True)
        assert "−1 Tệ → +1 Tốt" not in feeling and "+1 Tốt → +1 Tốt" in feeling, feeling
        assert NEW_CHECK in rebuilt.html("journeys/goi-tong-dai/checklist").get_text()
    finally:
        git(editor.repo, "worktree", "remove", "--force", str(proposal))


def _proposals(repo: Path) -> set[str]:
    return {name for name in _git_out(repo, "branch", "--format=%(refname:short)").split()
            if name.startswith("cms/")}


@needs_chromium
def test_emotions_by_persona_are_kept_when_the_form_saves(editor: Editor, browser: Any) -> None:
    """The form shows one emotion; a touchpoint felt differently by each persona keeps its
    numbers when something else of it is edited and saved."""
    path = "journeys/hoa-don-dien-tu/journey.yaml"
    before = _load(_show(editor.repo, "main", path))
    errors: list[str] = []
    page = _open(browser, editor.admin["vi"], _route(entry_path("hoa-don-dien-tu")), errors)
    try:
        stage = _expand(page, "Ra quyết định")
        touchpoint = _expand(stage, "Buổi tư vấn tại doanh nghiệp")
        _add_to_list(touchpoint, "checklist", NEW_CHECK)
        _save(page)
        _wait_for_proposal(editor.repo, "cms/journeys/hoa-don-dien-tu/journey")
        assert errors == []
    finally:
        page.close()
    _ask(editor.proxy)
    expected = copy.deepcopy(before)
    edited = expected["stages"][2]["touchpoints"][0]
    assert edited["emotion"] == {"ke-toan-truong": 1, "chu-doanh-nghiep": 0}
    edited["checklist"].append(NEW_CHECK)
    assert _load(_show(editor.repo, "cms/journeys/hoa-don-dien-tu/journey", path)) == expected


@needs_chromium
def test_a_form_edit_reaches_review_as_that_one_line(
        editor: Editor, browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Decap writes the whole file: comments gone, keys sorted, its own quoting. What the
    playbook's cms.yml runs on the editor's branch, `journeybook fmt --like` main, makes the
    branch's diff against main the one line the form changed, every comment kept."""
    path = "journeys/xuat-hoa-don-dau-tien/journey.yaml"
    branch = "cms/journeys/xuat-hoa-don-dau-tien/journey"
    before = _show(editor.repo, "main", path)
    errors: list[str] = []
    page = _open(browser, editor.admin["vi"], _route(entry_path("xuat-hoa-don-dau-tien")),
                 errors)
    try:
        stage = _expand(page, "Cài đặt chữ ký số")
        touchpoint = _expand(stage, "Email lịch triển khai và danh sách chuẩn bị")
        _field(touchpoint, "thinking").fill(NEW_THOUGHT)
        _save(page)
        _wait_for_proposal(editor.repo, branch)
        assert errors == []
    finally:
        page.close()
    _ask(editor.proxy)
    # As saved, the pull request would rewrite most of the file.
    added, removed, _ = _git_out(editor.repo, "diff", "--numstat", "main", branch, "--",
                                 path).split()
    assert int(added) + int(removed) > 100

    proposal = tmp_path / "proposal"
    git(editor.repo, "worktree", "add", "-q", str(proposal), branch)
    try:
        monkeypatch.chdir(proposal)
        assert main(["fmt", "--like", "main", path]) == 0, capsys.readouterr()
        git(proposal, "commit", "-q", "--all", "-m", "Keep the layout and comments of main")
        diff = _git_out(editor.repo, "diff", "-U0", "main", branch, "--", path)
        changed = [line for line in diff.splitlines()
                   if line[:1] in "+-" and not line.startswith(("+++", "---"))]
        assert changed == ["-        thinking: Mình cần chuẩn bị gì, và ai là người mình gọi "
                           "khi vướng?", f"+        thinking: {NEW_THOUGHT}"], diff
        after = _show(editor.repo, branch, path)
        assert [line for line in after.splitlines() if line.lstrip().startswith("#")] == \
            [line for line in before.splitlines() if line.lstrip().startswith("#")]
        capsys.readouterr()
        assert main(["check", "--journeys", str(proposal / "journeys")]) == 0, \
            capsys.readouterr()
    finally:
        monkeypatch.chdir(editor.repo)
        git(editor.repo, "worktree", "remove", "--force", str(proposal))


def _start_journey(page: Any, admin: str) -> Any:
    """A new journey's form with a title, one stage and one touchpoint named; returns the
    touchpoint."""
    page.goto(f"{admin}#/collections/journeys/new")
    _field(page, "title").fill(NEW_TITLE)
    stage = _first_item(_field(page, "stages"))
    _field(stage, "name").fill("Tìm gói phù hợp")
    touchpoint = _first_item(_field(stage, "touchpoints"))
    _field(touchpoint, "name").fill("So sánh gói trên ứng dụng")
    return touchpoint


@needs_chromium
def test_an_emotion_out_of_range_cannot_be_saved(editor: Editor, browser: Any) -> None:
    page = _open(browser, editor.admin["vi"])
    proposals = _proposals(editor.repo)
    try:
        touchpoint = _start_journey(page, editor.admin["vi"])
        emotion = _field(touchpoint, "emotion")
        emotion.click()
        emotion.press_sequentially("3")
        # Nothing to pick: the five emotions are the only values there are.
        assert page.locator("[id*='-option-']").count() == 0
        emotion.press("Enter")
        _save(page)
        # Refused: the form says the emotion is required, and nothing is proposed.
        page.locator("[class*='ControlErrorsList'], [class*='ErrorsList'] li").first.wait_for()
        _ask(editor.proxy)
        assert _proposals(editor.repo) == proposals
    finally:
        page.close()


@needs_chromium
def test_a_new_journey_from_the_form_validates(
        editor: Editor, browser: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    errors: list[str] = []
    page = _open(browser, editor.admin["vi"], errors=errors)
    proposals = _proposals(editor.repo)
    try:
        touchpoint = _start_journey(page, editor.admin["vi"])
        _choose(page, touchpoint, "emotion", "−1")
        _save(page)
        deadline = time.monotonic() + 15
        while not (_proposals(editor.repo) - proposals):
            assert time.monotonic() < deadline, "the new journey was not proposed"
            time.sleep(0.2)
        assert errors == []
    finally:
        page.close()
    _ask(editor.proxy)
    (branch,) = _proposals(editor.repo) - proposals
    assert branch == "cms/journeys/doi-goi-cuoc-di-dong/journey"
    proposal = tmp_path / "proposal"
    git(editor.repo, "worktree", "add", "-q", "--detach", str(proposal), branch)
    try:
        written = _load((proposal / "journeys/doi-goi-cuoc-di-dong/journey.yaml").read_text())
        assert written["title"] == NEW_TITLE
        capsys.readouterr()
        assert main(["check", "--journeys", str(proposal / "journeys")]) == 0, \
            capsys.readouterr()
    finally:
        git(editor.repo, "worktree", "remove", "--force", str(proposal))


@needs_chromium
def test_the_editor_in_english(editor: Editor, browser: Any, screenshots: Path) -> None:
    page = _open(browser, editor.admin["en"], _route(entry_path("goi-tong-dai")))
    try:
        stage = _expand(page, "Phát hiện sự cố")
        touchpoint = _expand(stage, "Kiểm tra đường truyền trên ứng dụng")
        _field(touchpoint, "emotion").scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots / "cms-en.png"))
        assert page.get_by_role("button", name="Save").is_visible()
    finally:
        page.close()
