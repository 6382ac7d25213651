"""The page of changes (`changes/`): the journeys' changes since the previous release tag,
read from a real git repository."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .conftest import FIXTURES, Project, commit_all, git

SMALL = (FIXTURES / "small.yaml").read_text("utf-8")


def _released_twice(project: Callable[..., Project]) -> Project:
    """v1: two journeys. v2: one touchpoint of `kettle` renamed and feeling worse."""
    p = project()
    p.add("kettle", SMALL)
    p.add("toaster", SMALL.replace("Buying a kettle online", "Buying a toaster"))
    commit_all(p.root, "v1")
    git(p.root, "tag", "v1")
    path = p.journeys / "kettle" / "journey.yaml"
    text = path.read_text("utf-8")
    assert "name: Search result" in text and "emotion: 0\n" in text
    path.write_text(text.replace("name: Search result", "name: Search ad", 1)
                    .replace("emotion: 0\n", "emotion: -2\n", 1), "utf-8")
    commit_all(p.root, "v2")
    git(p.root, "tag", "v2")
    return p


def test_the_changes_page_names_what_changed_since_the_previous_release(project) -> None:
    p = _released_twice(project)
    p.build()
    page = p.html("changes")
    text = " ".join(page.select_one("article").get_text(" ").split())
    # HEAD is v2: the previous release is v1.
    assert "since release v1" in text
    assert "Search result → Search ad" in text
    assert "Buying a toaster" not in text  # unchanged journeys are not listed
    assert page.select_one("article #kettle")  # each journey's entry can be linked to
    chart = page.select_one("article img[src$='kettle.svg']")
    assert chart is not None and "Buying a kettle online" in chart["alt"]
    assert (p.root / "site" / "changes" / "kettle.svg").read_bytes().startswith(b"<?xml")
    # Every page of the changed journey says so and links to its entry; the others do not.
    for url in ("journeys/kettle", "journeys/kettle/dat-hang", "journeys/kettle/checklist"):
        notice = p.html(url).select_one("article .admonition.info")
        assert notice is not None, url
        assert notice.select_one("a")["href"].endswith("changes/#kettle"), url
    assert p.html("journeys/toaster").select_one("article .admonition.info") is None


def test_between_releases_the_page_compares_with_the_latest_tag(project) -> None:
    p = _released_twice(project)
    path = p.journeys / "toaster" / "journey.yaml"
    path.write_text(path.read_text("utf-8").replace("Buying a toaster", "Toaster, bought"),
                    "utf-8")
    commit_all(p.root, "after v2")
    p.build()
    text = " ".join(p.html("changes").select_one("article").get_text(" ").split())
    assert "since release v2" in text
    assert "Buying a toaster → Toaster, bought" in text
    assert "Search ad" not in text


@pytest.mark.parametrize(("setup", "says"), [
    ("none", "not built from a git repository"),
    ("untagged", "There is no earlier release"),
])
def test_without_an_earlier_release_the_page_says_so_and_the_build_passes(
        project, setup: str, says: str) -> None:
    p = project()
    p.add("kettle", SMALL)
    if setup == "untagged":
        commit_all(p.root)
    p.build()  # strict
    assert says in p.html("changes").select_one("article").get_text(" ")
    assert p.html("journeys/kettle").select_one("article .admonition.info") is None


def test_changes_since_none_makes_no_page(project) -> None:
    p = project()
    p.add("kettle", SMALL)
    mkdocs_yml = p.root / "mkdocs.yml"
    mkdocs_yml.write_text(mkdocs_yml.read_text("utf-8").replace(
        "  - journeybook\n", "  - journeybook:\n      changes_since: none\n"), "utf-8")
    p.build()
    assert not (p.root / "site" / "changes").exists()


def test_a_changes_since_that_is_not_a_revision_is_reported(project) -> None:
    p = _released_twice(project)
    mkdocs_yml = p.root / "mkdocs.yml"
    for since, why in (("no-such-tag", "cannot be read"), ("--output=x", "not a git revision")):
        mkdocs_yml.write_text(mkdocs_yml.read_text("utf-8").split("  - journeybook")[0]
                              + f"  - journeybook:\n      changes_since: '{since}'\n", "utf-8")
        p.build()
        text = " ".join(p.html("changes").select_one("article").get_text(" ").split())
        assert why in text, text
        assert p.html("journeys/kettle").select_one("article .admonition.info") is None
