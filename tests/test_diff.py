"""`journeybook diff`: what a pull request changes, read from a real git history."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from journeybook.cli import main

from .conftest import FIXTURES, commit_all, git, write_journey

SMALL = (FIXTURES / "small.yaml").read_text("utf-8")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_journey(tmp_path / "journeys", "kettle", SMALL)
    write_journey(tmp_path / "journeys", "old-journey", SMALL.replace(
        "Buying a kettle online", "A journey that goes away"))
    commit_all(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_kind_of_change(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edited = (SMALL
              .replace("title: Buying a kettle online", "title: Buying a kettle")
              .replace("  - name: Đặt hàng", "  - id: dat-hang\n    name: Thanh toán")
              .replace("name: Search result", "name: Search results page")
              .replace("        emotion: -1\n        target: 1",
                       "        emotion: 1\n        target: 2")
              .replace("          - Show the full price before payment\n",
                       "          - Show the delivery date before payment\n")
              .replace("status: in-progress", "status: done")
              .replace("""      - id: confirmation-call
        name: Confirmation call
        channel: analog
        control: owned
        team: contact center
        emotion: 1
        checklist:
          - Greet by name
          - Confirm the address
""", "")
              + """  - name: Ủng hộ
    touchpoints:
      - id: review
        name: Public review
        emotion: 2
""")
    write_journey(repo / "journeys", "kettle", edited)
    (repo / "journeys" / "old-journey" / "journey.yaml").unlink()
    (repo / "journeys" / "old-journey").rmdir()
    write_journey(repo / "journeys", "new-journey", SMALL.replace(
        "Buying a kettle online", "A brand new journey"))
    chart = repo / "diff.svg"
    assert main(["diff", "HEAD", "--chart", str(chart)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("## Journey changes compared with <code>HEAD</code>\n")
    expected = [
        "### Buying a kettle (`kettle`)",
        "- Title: Buying a kettle online → **Buying a kettle**",
        "- ✚ Stage **Ủng hộ** (`ung-ho`), 1 touchpoint",
        "- ✎ Stage `dat-hang`: Đặt hàng → **Thanh toán**",
        "- ✚ Touchpoint **Public review** (`review`) in Ủng hộ, Emotion +2",
        "- ✖ Touchpoint **Confirmation call** (`confirmation-call`) in Đặt hàng",
        "- ✎ Touchpoint `search`: Search result → **Search results page**",
        "- Emotion **Checkout**: \u22121 → **+1** ▲",
        "- Target **Checkout**: +1 → **+2**",
        "- ✚ Checklist (Checkout): Show the delivery date before payment",
        "- ✖ Checklist (Checkout): Show the full price before payment",
        "- Improvements (Checkout): Remove optional fields: In progress → **Done**",
        "### New journey: A brand new journey (`new-journey`)",
        "### Journey removed: A journey that goes away (`old-journey`)",
    ]
    lines = out.splitlines()
    for line in expected:
        assert line in lines, line
    assert [line for line in lines if line.startswith("###")] == [
        expected[0], expected[-2], expected[-1]]
    # The chart overlays before and after for the three journeys whose curve moved.
    root = ET.fromstring(chart.read_bytes())
    ids = {g.get("id") for g in root.iter("{http://www.w3.org/2000/svg}g")}
    assert {"before-0", "after-0", "before-2", "after-2"} <= ids
    assert "Buying a kettle" in "".join(root.itertext())


def test_no_changes_and_bad_refs(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "HEAD", "--language", "vi"]) == 0
    assert "Không có thay đổi nào về hành trình." in capsys.readouterr().out
    assert main(["diff", "no-such-branch"]) == 1
    assert "error: cannot read `no-such-branch` with git" in capsys.readouterr().err


def test_an_unreadable_old_version_is_reported_not_fatal(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_journey(repo / "journeys", "kettle", "title: [broken\n")
    git(repo, "commit", "-qam", "break it")
    write_journey(repo / "journeys", "kettle", SMALL)
    assert main(["diff", "HEAD"]) == 0
    out = capsys.readouterr().out
    assert "> ⚠ **Old versions that could not be read**" in out
    assert "HEAD:journeys/kettle/journey.yaml:1:8" in out
    assert "### New journey: Buying a kettle online (`kettle`)" in out


def test_invalid_working_tree_fails_like_check(repo: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    write_journey(repo / "journeys", "kettle", SMALL.replace("emotion: -1", "emotion: -5"))
    assert main(["diff", "HEAD"]) == 1
    assert "must be a whole number from -2 to 2, got -5" in capsys.readouterr().err


def test_the_summary_is_safe_github_markdown(repo: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """The summary is posted to the pull request: rendered as CommonMark with raw HTML on
    (as GitHub renders it, before its own sanitiser), journey text shows as text and mentions
    nobody."""
    from bs4 import BeautifulSoup
    from markdown_it import MarkdownIt

    hostile = ("@octo-org/everyone <img src=x onerror=alert(1)> \\\\`x` <script>alert(2)</script>`"
               " [a](javascript:alert(3)) | {: onclick=alert(4) }")
    write_journey(repo / "journeys", "kettle", SMALL.replace(
        "title: Buying a kettle online", f"title: {json.dumps(hostile)}").replace(
        "name: Search result", f"name: {json.dumps(hostile)}"))
    assert main(["diff", "main"]) == 0
    summary = capsys.readouterr().out
    assert "@" not in summary
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(summary)
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find_all(["img", "script"])
    assert not [a for a in soup.find_all("a") if "javascript" in a.get("href", "")]
    assert not [e for e in soup.find_all(True) if any(k.startswith("on") for k in e.attrs)]
    assert "@octo-org/everyone <img src=x onerror=alert(1)>" in soup.get_text()


PERSONAS = (FIXTURES / "personas.yaml").read_text("utf-8")
FIRST_PAYMENT = SMALL.replace("  - name: Đặt hàng", "  - id: pay\n    name: Đặt hàng")


def _account_edited() -> str:
    """The two-persona journey with a third persona, one renamed, emotions and targets moved
    for some personas, links changed and improvements re-rated."""
    return (PERSONAS
            .replace("    name: Chị Hà\n", "    name: Chị Nguyễn Thu Hà\n")
            .replace("  - name: Anh Minh\n", "  - name: Anh Minh\n  - id: co-lan\n"
                                             "    name: Cô Lan\n")
            .replace("emotion: {chi-ha: -1, anh-minh: 1}",
                     "emotion: {chi-ha: 1, anh-minh: 1, co-lan: 0}")
            .replace("target: {chi-ha: 1, anh-minh: 1}",
                     "target: {chi-ha: 2, anh-minh: 1, co-lan: 1}")
            .replace("        emotion: 0\n        target: 1\n",
                     "        emotion: {chi-ha: -1, anh-minh: 0, co-lan: 0}\n        target: 1\n"
                     "        link: first-payment\n")
            .replace("          anh-minh: 0\n", "          anh-minh: 0\n          co-lan: -1\n")
            .replace("link: first-payment/pay", "link: kettle")
            .replace("            impact: 3\n", "            impact: 2\n")
            .replace("            impact: 1\n", "            impact: 1\n            effort: 2\n")
            + "      - name: Branch visit\n"
              "        emotion: {chi-ha: 2, anh-minh: -1, co-lan: 0}\n")


def test_personas_links_and_ratings_changes(repo: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    write_journey(repo / "journeys", "account", PERSONAS)
    write_journey(repo / "journeys", "first-payment", FIRST_PAYMENT)
    commit_all(repo, "personas")
    write_journey(repo / "journeys", "account", _account_edited())
    chart = repo / "diff.svg"
    assert main(["diff", "HEAD", "--chart", str(chart)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line for line in lines if line.startswith("###")] == [
        "### Opening an account (`account`)"]
    for line in [
        "- ✚ Persona **Cô Lan** (`co-lan`)",
        "- ✎ Persona `chi-ha`: Chị Hà → **Chị Nguyễn Thu Hà**",
        "- Emotion **Website**, Chị Nguyễn Thu Hà: \u22121 → **+1** ▲",
        # One number before, a number per persona after: the persona whose number moved.
        "- Emotion **Hotline**, Chị Nguyễn Thu Hà: 0 → **\u22121** ▼",
        "- Target **Website**, Chị Nguyễn Thu Hà: +1 → **+2**",
        "- Continues in (**Hotline**): \u2013 → **first-payment**",
        "- Continues in (**Online form**): first-payment/pay → **kettle**",
        "- Impact (Online form): Fewer fields: 3 → **2**",
        "- Effort (Online form): A video guide: \u2013 → **2**",
        "- ✚ Touchpoint **Branch visit** (`branch-visit`) in Mở tài khoản, Emotion "
        "Chị Nguyễn Thu Hà +2 · Anh Minh \u22121 · Cô Lan 0",
    ]:
        assert line in lines, line
    # Unchanged numbers, and a persona new to the journey, are not reported as moves.
    assert not [line for line in lines if ("Anh Minh" in line or ", Cô Lan" in line)
                and not line.startswith("- ✚ Touchpoint")]
    assert chart.read_bytes().startswith(b"<?xml")
    # Removing a persona; a mapping becomes one number again.
    commit_all(repo, "three personas")
    write_journey(repo / "journeys", "account", _account_edited()
                  .replace("  - id: co-lan\n    name: Cô Lan\n", "")
                  .replace("emotion: {chi-ha: 1, anh-minh: 1, co-lan: 0}", "emotion: 1")
                  .replace("target: {chi-ha: 2, anh-minh: 1, co-lan: 1}", "target: 2")
                  .replace("emotion: {chi-ha: -1, anh-minh: 0, co-lan: 0}",
                           "emotion: {chi-ha: -1, anh-minh: 0}")
                  .replace("          co-lan: -1\n", "")
                  .replace("anh-minh: -1, co-lan: 0}", "anh-minh: -1}"))
    assert main(["diff", "HEAD"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "- ✖ Persona **Cô Lan** (`co-lan`)" in lines
    assert "- Target **Website**, Anh Minh: +1 → **+2**" in lines
    assert not [line for line in lines if line.startswith("- Emotion")]


def test_the_before_after_chart_draws_the_mean_of_the_personas(repo: Path) -> None:
    from journeybook import Playbook
    from journeybook.review.chart import compared_journeys
    from journeybook.review.diff import compare, journeys_at

    write_journey(repo / "journeys", "account", PERSONAS)
    write_journey(repo / "journeys", "first-payment", FIRST_PAYMENT)
    commit_all(repo, "personas")
    write_journey(repo / "journeys", "account", _account_edited())
    before, _ = journeys_at(repo, "HEAD", repo / "journeys")
    after = Playbook.load(repo / "journeys").journeys
    [account] = [c for c in compared_journeys(compare(before, after))
                 if c.title == "Opening an account"]
    assert [(t.name, t.before, t.after) for t in account.touchpoints] == [
        ("Website", 0, pytest.approx(2 / 3)), ("Hotline", 0, pytest.approx(-1 / 3)),
        ("Online form", -1, pytest.approx(-1)), ("Branch visit", None, pytest.approx(1 / 3))]


def test_the_changes_page_shows_persona_link_and_rating_changes(project) -> None:
    """The site's page of changes uses the same comparison as `journeybook diff`."""
    p = project()
    p.add("account", PERSONAS)
    p.add("first-payment", FIRST_PAYMENT)
    p.add("kettle", SMALL)
    commit_all(p.root, "v1")
    git(p.root, "tag", "v1")
    p.add("account", _account_edited())
    commit_all(p.root, "v2")
    git(p.root, "tag", "v2")
    p.build()
    text = " ".join(p.html("changes").select_one("article").get_text(" ").split())
    for shown in ("Persona Cô Lan ( co-lan )", "Emotion Website , Chị Nguyễn Thu Hà: \u22121 → +1",
                  "Continues in ( Online form ): first-payment/pay → kettle",
                  "Impact (Online form): Fewer fields: 3 → 2"):
        assert shown in text, text


def test_comments_a_change_removed_are_listed(repo: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """A form editor rewrites YAML without comments: the summary lists each one dropped."""
    journey = repo / "journeys" / "kettle" / "journey.yaml"
    journey.write_text("# Who owns this map: the web team.\n" + SMALL.replace(
        "stages:\n", "stages:\n  # The order customers meet them in.\n", 1), "utf-8")
    notes = repo / "journeys" / "kettle" / "evaluations"
    notes.mkdir()
    (notes / "2026-03-15.md").write_text(
        "---\ndate: 2026-03-15  # the day of the survey\n---\n\n# A heading, not a comment\n",
        "utf-8")
    commit_all(repo, "comments")
    # The editor's save: same data, no comments (one kept by hand).
    journey.write_text(SMALL.replace("stages:\n", "stages:\n  # The order customers meet "
                                                  "them in.\n", 1), "utf-8")
    (notes / "2026-03-15.md").write_text("---\ndate: 2026-03-15\n---\n\n# A heading, not a "
                                         "comment\n", "utf-8")
    assert main(["diff", "HEAD"]) == 0
    out = capsys.readouterr().out
    section = out.split("### Comments removed\n", 1)[1]
    assert "- <code>journeys/kettle/journey.yaml</code>\n" \
           "    - <code># Who owns this map: the web team.</code>\n" in section
    assert "- <code>journeys/kettle/evaluations/2026-03-15.md</code>\n" \
           "    - <code># the day of the survey</code>\n" in section
    assert "order customers" not in section and "heading" not in section
    # Nothing removed, no section.
    commit_all(repo, "saved")
    assert main(["diff", "HEAD"]) == 0
    assert "Comments removed" not in capsys.readouterr().out


@pytest.mark.parametrize(("language", "heading", "doing", "none"), [
    ("en", "- ✎ Other changes:", "    - Doing (Đặt hàng \u203a **Checkout**)",
     "No journey changes"),
    ("vi", "- ✎ Thay đổi khác:", "    - Làm gì (Đặt hàng \u203a **Checkout**)",
     "Không có thay đổi"),
])
def test_a_changed_text_the_summary_does_not_itemise_is_named(
        repo: Path, capsys: pytest.CaptureFixture[str], language: str, heading: str,
        doing: str, none: str) -> None:
    """A form editor's one changed sentence (a touchpoint's `doing`) once read as "no
    changes": every changed value is named, with its stage and touchpoint."""
    journey = repo / "journeys" / "kettle" / "journey.yaml"
    journey.write_text(SMALL.replace("        team: Sales\n",
                                     "        team: Sales\n        doing: Pays by card.\n"),
                       "utf-8")
    commit_all(repo, "doing")
    journey.write_text(SMALL.replace("        team: Sales\n",
                                     "        team: Sales\n        doing: Pays on delivery.\n"),
                       "utf-8")
    assert main(["diff", "HEAD", "--language", language]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert none not in "\n".join(lines)
    assert lines[lines.index(heading) + 1] == doing


def test_other_changes_name_each_field_and_place(repo: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    edited = (SMALL
              .replace("summary: A shopper finds", "summary: A buyer finds")
              .replace("Works long hours", "Works late")
              .replace("goal: Lan learns", "goal: Lan hears")
              .replace("        moment_of_truth: true\n",
                       "        moment_of_truth: true\n        desired: {feel: calm}\n")
              .replace("owner: Sales\n            status", "owner: Web\n            status")
              .replace("          - Keep the shop's listing up to date\n"
                       "          - Answer every review within two days\n",
                       "          - Answer every review within two days\n"
                       "          - Keep the shop's listing up to date\n"))
    write_journey(repo / "journeys", "kettle", edited)
    assert main(["diff", "HEAD"]) == 0
    out = capsys.readouterr().out
    assert ("- ✎ Other changes:\n"
            "    - Summary\n"
            "    - Description (Persona **Lan**)\n"
            "    - Goal (**Nhận thức**)\n"
            "    - Checklist (Nhận thức \u203a **Search result**)\n"
            "    - The experience we want \u203a Feel (Đặt hàng \u203a **Checkout**)\n"
            "    - Improvements \u203a Owner (Đặt hàng \u203a **Checkout** \u203a Remove "
            "optional fields)\n"
            "\n") in out
