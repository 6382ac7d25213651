"""A journey's `group:`: the navigation group it is listed under, its owner by default."""

from __future__ import annotations

import textwrap
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from journeybook import JourneybookError, Playbook
from journeybook.authoring.fmt import format_yaml
from journeybook.authoring.schema import journey_schema
from journeybook.cli import main

from .conftest import FIXTURES, commit_all, write_journey

SMALL = (FIXTURES / "small.yaml").read_text("utf-8")


def journey(title: str, owner: str | None = None, group: str | None = None) -> str:
    """A valid journey with the given owner and group (left out when None)."""
    lines = [f"title: {title}"]
    if owner is not None:
        lines.append(f"owner: {owner!r}")
    if group is not None:
        lines.append(f"group: {group!r}")
    lines.append("stages:\n  - name: One\n    touchpoints:\n      - name: A\n        emotion: 0")
    return "\n".join(lines) + "\n"


def test_groups_by_name_case_blind_owner_by_default_nameless_last(tmp_path: Path) -> None:
    journeys = tmp_path / "journeys"
    write_journey(journeys, "a-no-name", journey("No name"))
    write_journey(journeys, "b-telecom", journey("Call", owner="Trung tâm liên lạc",
                                                 group="Viễn thông"))
    write_journey(journeys, "c-shop", journey("Shop", owner="bán lẻ"))
    write_journey(journeys, "d-blank-group", journey("Blank", owner=" Zeta ", group="  "))
    write_journey(journeys, "e-telecom", journey("Repair", owner="Kỹ thuật",
                                                 group=" Viễn thông "))
    write_journey(journeys, "f-blank-owner", journey("Blank owner", owner="   "))
    groups = Playbook.load(journeys, tmp_path).groups()
    # By name ignoring case ("bán lẻ" before "Viễn thông" before "Zeta"); the journeys with
    # neither group nor owner last; inside a group, the playbook's (id) order.
    assert [(name, [j.id for j in members]) for name, members in groups] == [
        ("bán lẻ", ["c-shop"]),
        ("Viễn thông", ["b-telecom", "e-telecom"]),
        ("Zeta", ["d-blank-group"]),
        ("", ["a-no-name", "f-blank-owner"]),
    ]


def test_an_empty_playbook_has_no_groups(tmp_path: Path) -> None:
    (tmp_path / "journeys").mkdir()
    assert Playbook.load(tmp_path / "journeys", tmp_path).groups() == []


@pytest.mark.parametrize(("value", "got"), [("[a]", "a list"), ("3", "a number `3`")])
def test_a_group_that_is_not_text_is_a_located_error(tmp_path: Path, value: str,
                                                     got: str) -> None:
    write_journey(tmp_path / "journeys", "trip", textwrap.dedent(f"""\
        title: Trip
        owner: Sales
        group: {value}
        stages:
          - name: One
            touchpoints:
              - name: A
                emotion: 0
        """))
    with pytest.raises(JourneybookError) as caught:
        Playbook.load(tmp_path / "journeys", tmp_path)
    [problem] = [str(p) for p in caught.value.problems]
    assert problem.startswith(f"journeys/trip/journey.yaml:3:8: group: must be text, got {got}")


def test_fmt_puts_group_after_owner_and_keeps_its_comments() -> None:
    messy = textwrap.dedent("""\
        # the header
        title: Calling the hotline
        stages:
          - name: One
            touchpoints:
              - name: A
                emotion: 0
        # navigation group, for the site's menu
        group: Viễn thông   # not the owner
        owner: Trung tâm liên lạc   # who keeps the map
        """)
    result = format_yaml(messy)
    assert YAML(typ="safe").load(result) == YAML(typ="safe").load(messy)
    assert result == textwrap.dedent("""\
        # the header
        title: Calling the hotline
        owner: Trung tâm liên lạc   # who keeps the map
        # navigation group, for the site's menu
        group: Viễn thông   # not the owner
        stages:
          - name: One
            touchpoints:
              - name: A
                emotion: 0
        """)
    assert format_yaml(result) == result


def test_the_schema_knows_group() -> None:
    schema = journey_schema()
    group = schema["properties"]["group"]
    assert group["type"] == "string" and group["default"] == ""
    validator = jsonschema.Draft202012Validator(schema)
    data = YAML(typ="safe").load(journey("Trip", owner="Sales", group="Bán lẻ"))
    assert not list(validator.iter_errors(data))
    assert list(validator.iter_errors({**data, "group": ["a"]}))


def test_the_scaffold_hints_at_group_and_the_hint_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", "bao-hanh", "--language", "vi"]) == 0
    path = tmp_path / "journeys" / "bao-hanh" / "journey.yaml"
    lines = path.read_text("utf-8").splitlines()
    owner = next(i for i, line in enumerate(lines) if line.startswith("owner:"))
    hint = lines[owner + 1]
    assert hint.startswith("# group: ") and "mặc định" in hint
    # Uncommenting the hint gives a valid journey, listed under that group.
    lines[owner + 1] = hint.removeprefix("# ")
    path.write_text("\n".join(lines) + "\n", "utf-8")
    assert main(["check"]) == 0
    [(name, _)] = Playbook.load(tmp_path / "journeys", tmp_path).groups()
    assert name == "Bán lẻ trực tuyến"


def test_diff_reports_a_group_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    write_journey(tmp_path / "journeys", "kettle", SMALL)
    write_journey(tmp_path / "journeys", "toaster", SMALL.replace(
        "owner: Marketing", "owner: Marketing\ngroup: Gia dụng"))
    commit_all(tmp_path)
    monkeypatch.chdir(tmp_path)
    write_journey(tmp_path / "journeys", "kettle", SMALL.replace(
        "owner: Marketing", "owner: Marketing\ngroup: Bán lẻ trực tuyến"))
    write_journey(tmp_path / "journeys", "toaster", SMALL)
    assert main(["diff", "HEAD"]) == 0
    lines = capsys.readouterr().out.splitlines()
    kettle, toaster = lines.index("### Buying a kettle online (`kettle`)"), \
        lines.index("### Buying a kettle online (`toaster`)")
    assert lines[kettle + 2] == "- Group: \u2013 → **Bán lẻ trực tuyến**"
    assert lines[toaster + 2] == "- Group: Gia dụng → **\u2013**"
